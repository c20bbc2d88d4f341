"""deepnotes.sandbox.run_code: what a reader sees after Run (and what the page pre-renders)."""

from __future__ import annotations

import base64
import sys

import pytest

from deepnotes.sandbox import alt_texts, run_code

PLOT_TWO_SHOWS = """\
import matplotlib.pyplot as plt
# @alt: A rising line
plt.plot([1, 2, 3])
plt.show()
# @alt: A falling line
plt.plot([3, 2, 1])
plt.show()
fig = plt.figure()
fig.suptitle("Left open")
fig.add_subplot().plot([0, 1])
print("done")
"""


def test_prints_and_returns_the_contract_keys():
    result = run_code("print('hello')\nprint(1 + 1)")
    assert result == {
        "stdout": "hello\n2\n",
        "figures": [],
        "error": None,
        "truncated": False,
        "notes": [],
    }


def test_code_runs_as_main_in_a_fresh_namespace():
    first = run_code("secret = 1\nprint(__name__)")
    assert first["stdout"] == "__main__\n"
    second = run_code("print(secret)")
    assert "NameError: name 'secret' is not defined" in second["error"]


def test_each_show_captures_its_figures_once_and_open_figures_are_collected():
    result = run_code(PLOT_TWO_SHOWS)
    assert result["error"] is None
    assert result["stdout"] == "done\n"
    figures = result["figures"]
    assert [f["alt"] for f in figures] == ["A rising line", "A falling line", "Left open"]
    for figure in figures:
        png = base64.b64decode(figure["png"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == figure["width"] > 100
        assert int.from_bytes(png[20:24], "big") == figure["height"] > 100


def test_same_code_gives_identical_png_bytes():
    assert run_code(PLOT_TWO_SHOWS)["figures"] == run_code(PLOT_TWO_SHOWS)["figures"]


def test_alt_falls_back_to_axes_titles_then_figure_number():
    code = (
        "import matplotlib.pyplot as plt\n"
        "fig, (a, b) = plt.subplots(1, 2)\na.set_title('Cost')\nb.set_title('Accuracy')\n"
        "plt.figure()\nplt.show()\n"
    )
    assert [f["alt"] for f in run_code(code)["figures"]] == ["Cost; Accuracy", "Figure 2"]


def test_matplotlib_use_in_the_code_does_not_break_show():
    code = "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
    code += "plt.plot([1])\nplt.show()\n"
    result = run_code(code)
    assert (len(result["figures"]), result["stdout"], result["error"]) == (1, "", None)


def test_show_is_restored_after_the_run():
    run_code("import matplotlib.pyplot as plt")
    import matplotlib.pyplot as plt

    assert plt.show.__module__ == "matplotlib.pyplot"


def test_error_traceback_is_trimmed_to_user_frames():
    code = "import numpy as np\n\ndef f(a):\n    return np.ones(2) @ a\n\nf(np.ones(3))\n"
    error = run_code(code, name="l2_lambda")["error"]
    lines = error.splitlines()
    assert lines[0] == "Traceback (most recent call last):"
    assert '  File "<l2_lambda>", line 6, in <module>' in lines
    assert '  File "<l2_lambda>", line 4, in f' in lines
    assert "numpy" not in "".join(line for line in lines if line.startswith("  File"))
    assert lines[-1].startswith("ValueError: matmul")


def test_output_before_an_error_is_kept_and_next_run_works():
    result = run_code("print('before')\nraise ValueError('x')")
    assert result["stdout"] == "before\n"
    assert result["error"].endswith("ValueError: x")
    assert run_code("print('after')")["error"] is None


def test_syntax_error_shows_the_caret():
    error = run_code("x = (1,\n", name="demo")["error"]
    assert error.splitlines() == [
        '  File "<demo>", line 1',
        "    x = (1,",
        "        ^",
        "SyntaxError: '(' was never closed",
    ]


def test_system_exit_is_a_message_not_a_crash():
    assert run_code("import sys\nprint(1)\nsys.exit()\nprint(2)")["notes"] == [
        "The code called exit(); the run stopped there."
    ]
    assert run_code("raise SystemExit(3)")["error"] == "SystemExit: 3"


def test_keyboard_interrupt_reports_stopped_with_the_line():
    result = run_code("x = 1\nraise KeyboardInterrupt")
    assert result["error"] == "Stopped at line 2 (KeyboardInterrupt)."


def test_memory_error_is_explained():
    error = run_code("import numpy as np\nnp.ones((10**7, 10**7))")["error"]
    assert "MemoryError" in error
    assert "ran out of memory" in error


def test_recursion_error_is_collapsed():
    error = run_code("def f(n):\n    return f(n + 1)\n\nf(0)")["error"]
    assert "Previous line repeated" in error
    assert error.endswith("RecursionError: maximum recursion depth exceeded")
    assert len(error.splitlines()) < 20


def test_output_is_capped_with_a_note():
    result = run_code("for i in range(10_000):\n    print('x' * 99)", max_output_chars=1000)
    assert len(result["stdout"]) == 1000
    assert result["truncated"] is True
    assert result["notes"] == ["Output truncated: only the first 1,000 characters are shown."]


class SteppingClock:
    """``time.monotonic`` stand-in that advances ``step`` seconds per reading."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 0.0, step

    def monotonic(self) -> float:
        self.now += self.step
        return self.now


def test_printed_text_is_passed_on_while_the_code_runs(monkeypatch):
    """Each write reads the clock once (so does each hand-over); at 0.1 s per reading and
    0.25 s between hand-overs, every third write hands over what was written since the last."""
    import deepnotes.sandbox as sandbox

    monkeypatch.setattr(sandbox, "time", SteppingClock(0.1))
    monkeypatch.setattr(sandbox, "OUTPUT_EAGER_WRITES", 0)
    calls: list[str] = []
    source = (
        "import sys\nfor i in range(7):\n    sys.stdout.write(f'{i} ')\nraise ValueError('late')"
    )
    result = run_code(source, on_output=calls.append)
    assert calls == ["0 1 2 ", "3 4 5 "]  # handed over while running; the rest is in the result
    assert result["stdout"] == "0 1 2 3 4 5 6 "
    assert result["error"].endswith("ValueError: late")


def test_the_first_writes_are_passed_on_at_once(monkeypatch):
    """A program that prints a little and then hangs: its reader sees every print."""
    import deepnotes.sandbox as sandbox

    monkeypatch.setattr(sandbox, "time", SteppingClock(0.0))  # time stands still
    monkeypatch.setattr(sandbox, "OUTPUT_EAGER_WRITES", 3)
    calls: list[str] = []
    run_code("for i in range(5):\n    print(i, end='')", on_output=calls.append)
    assert calls == ["0", "1", "2"]


def test_passed_on_text_respects_the_output_cap(monkeypatch):
    import deepnotes.sandbox as sandbox

    monkeypatch.setattr(sandbox, "time", SteppingClock(1.0))  # every print hands over
    calls: list[str] = []
    result = run_code(
        "for i in range(50):\n    print('x' * 9)", max_output_chars=25, on_output=calls.append
    )
    assert "".join(calls) == result["stdout"] == "x" * 9 + "\n" + "x" * 9 + "\n" + "xxxxx"
    assert result["truncated"] is True


def test_figures_are_capped_with_a_note():
    result = run_code(
        "import matplotlib.pyplot as plt\nfor _ in range(4):\n    plt.figure()", max_figures=1
    )
    assert len(result["figures"]) == 1
    assert result["notes"] == ["Only the first 1 figures are shown; 3 more were closed."]


def test_warnings_are_printed_not_raised():
    # pytest turns warnings into errors; the reader's code must see Python's default instead.
    result = run_code("import numpy as np\nprint(np.float64(1) / 0)")
    assert result["error"] is None
    assert "RuntimeWarning: divide by zero" in result["stdout"]
    assert result["stdout"].endswith("inf\n")


def test_stdout_and_main_are_restored():
    stdout, main = sys.stdout, sys.modules["__main__"]
    run_code("import sys\nprint('x', file=sys.stderr)\nraise ValueError")
    assert sys.stdout is stdout
    assert sys.modules["__main__"] is main


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"source": b"print(1)"}, TypeError, "source must be a str"),
        ({"source": "", "name": ""}, TypeError, "name must be a non-empty str"),
        ({"source": "", "max_output_chars": 0}, ValueError, "max_output_chars must be >= 1"),
        ({"source": "", "max_figures": 2.0}, TypeError, "max_figures must be an int"),
        ({"source": "", "on_output": "print"}, TypeError, "on_output must be callable or None"),
    ],
)
def test_bad_arguments_are_named(kwargs, exc, match):
    source = kwargs.pop("source")
    with pytest.raises(exc, match=match):
        run_code(source, **kwargs)


def test_alt_texts_in_order():
    assert alt_texts("# @alt: one\nx = 1  # @alt: not a line of its own\n#@alt:two") == [
        "one",
        "two",
    ]


def test_cells_sharing_a_main_module_see_each_others_names() -> None:
    import types

    from deepnotes.sandbox import run_code

    main = types.ModuleType("__main__")
    first = run_code("import numpy as np\nw = np.arange(3)", name="cell 1", main_module=main)
    second = run_code("print(int(w.sum()))", name="cell 2", main_module=main)
    assert first["error"] is None and second["stdout"] == "3\n"
    alone = run_code("print(w)", name="alone")
    assert "NameError" in alone["error"]

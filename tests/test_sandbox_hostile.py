"""Hostile and broken code given to deepnotes.sandbox.run_code (CPython side of issue 10).

Each case must end with a clear message in the result (never an exception out of run_code,
never a dead interpreter), and the next run must work. The browser runs the same function in
Pyodide: tests/browser/test_hostile.py checks the same cases on a real page.
"""

from __future__ import annotations

import _thread
import json
import re
import signal
import subprocess
import sys
import textwrap
import threading
import types

import pytest

from deepnotes.sandbox import run_code

NEXT_RUN = "print('ok')"


def assert_next_run_works() -> None:
    assert run_code(NEXT_RUN) == {
        "stdout": "ok\n",
        "figures": [],
        "error": None,
        "truncated": False,
        "notes": [],
    }


def run_in_child(code: str, memory_limit: int | None = None) -> dict:
    """run_code(code) then run_code("print('ok')") in a fresh interpreter; both results."""
    script = textwrap.dedent(
        f"""
        import json, resource, sys
        limit = {memory_limit!r}
        if limit:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        from deepnotes.sandbox import run_code
        first = run_code(sys.stdin.read())
        second = run_code("print('ok')")
        print(json.dumps({{"first": first, "second": second}}))
        """
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        input=code,
        capture_output=True,
        text=True,
        timeout=120,
        env={"OPENBLAS_NUM_THREADS": "1", "MPLBACKEND": "Agg", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, f"the interpreter died ({done.returncode}): {done.stderr[-2000:]}"
    return json.loads(done.stdout.splitlines()[-1])


def test_syntax_error_names_the_line_and_the_next_run_works():
    error = run_code("for i in range(3)\n    print(i)", name="demo")["error"]
    assert 'File "<demo>", line 1' in error
    assert error.splitlines()[-1].startswith("SyntaxError: expected ':'")
    assert_next_run_works()


def test_name_error_is_the_last_line():
    result = run_code("print('start')\nprint(undefined_name)")
    assert result["stdout"] == "start\n"
    assert result["error"].splitlines()[-1] == "NameError: name 'undefined_name' is not defined"
    assert_next_run_works()


def test_deep_recursion_is_a_short_recursion_error():
    result = run_code("def down(n):\n    return down(n + 1) + 1\n\ndown(0)")
    assert result["error"].endswith("RecursionError: maximum recursion depth exceeded")
    assert len(result["error"].splitlines()) < 20
    assert_next_run_works()


@pytest.mark.parametrize(
    ("code", "error", "notes"),
    [
        ("import sys\nsys.exit()", None, ["The code called exit(); the run stopped there."]),
        ("exit(0)", None, ["The code called exit(); the run stopped there."]),
        ("import sys\nsys.exit(2)", "SystemExit: 2", []),
    ],
)
def test_exit_ends_the_run_not_python(code, error, notes):
    result = run_code(code)
    assert (result["error"], result["notes"]) == (error, notes)
    assert_next_run_works()


def test_os_exit_ends_the_run_with_a_message_and_python_lives_on():
    # In a child process: if the guard regressed, os._exit would end the test run itself.
    results = run_in_child("import os\nprint('before')\nos._exit(1)\nprint('after')")
    first = results["first"]
    assert first["stdout"] == "before\n"
    assert first["error"] == (
        "The code called os._exit(1): a demo cannot end the Python process, "
        "so the run stopped there."
    )
    assert results["second"]["stdout"] == "ok\n"
    import os

    assert os._exit.__module__ in {"posix", "nt"}  # restored in this process too


def test_a_4_gb_allocation_is_a_memory_error_with_advice():
    # 2**19 x 2**10 float64 = 4 GiB; the child may use 1.5 GiB (like a browser tab, which gives
    # Python ~2 GB), so the allocation must fail cleanly.
    results = run_in_child(
        "import numpy as np\nX = np.ones((2**19, 2**10))\nprint(X.sum())", memory_limit=1536 << 20
    )
    error = results["first"]["error"]
    assert "MemoryError" in error
    assert "ran out of memory: make the arrays smaller" in error
    assert results["second"]["stdout"] == "ok\n"


def test_an_infinite_loop_is_stopped_by_keyboard_interrupt():
    # What Stop does in the browser (SIGINT through the interrupt buffer), done by a timer here.
    # Python's own SIGINT handler for the duration: a process started in the background by a
    # non-interactive shell inherits SIGINT ignored, and interrupt_main() then does nothing.
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    try:
        result = run_code("n = 0\nwhile True:\n    n += 1\n")
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, previous)
    assert re.fullmatch(r"Stopped at line [23] \(KeyboardInterrupt\)\.", result["error"])
    assert_next_run_works()


def test_printing_10_mb_is_capped_with_a_note():
    result = run_code("print('x' * 10_000_000)\nfor i in range(100_000):\n    print(i)")
    assert len(result["stdout"]) == 200_000
    assert result["truncated"] is True
    assert result["notes"] == ["Output truncated: only the first 200,000 characters are shown."]
    assert result["error"] is None
    assert_next_run_works()


def test_200_figures_are_capped_with_a_note():
    code = "import matplotlib.pyplot as plt\nfor i in range(200):\n    plt.figure(figsize=(1, 1))\n"
    code += "plt.show()\n"
    result = run_code(code)
    assert len(result["figures"]) == 20
    assert result["notes"] == ["Only the first 20 figures are shown; 180 more were closed."]
    import matplotlib.pyplot as plt

    assert plt.get_fignums() == []  # none left open to leak into the next run
    assert_next_run_works()


def test_touching_the_page_without_a_browser_says_there_is_no_js():
    error = run_code("import js\njs.document.title = 'x'")["error"]
    assert error.splitlines()[-1] == "ModuleNotFoundError: No module named 'js'"
    assert_next_run_works()


def test_touching_the_page_from_the_worker_explains_why_it_cannot(monkeypatch):
    # In Pyodide's worker `js` is the worker's global scope: it has no document or window.
    monkeypatch.setitem(sys.modules, "js", types.ModuleType("js"))
    error = run_code("import js\njs.document.title = 'x'")["error"]
    assert "AttributeError" in error
    assert error.splitlines()[-1] == (
        "The code runs in a background worker, away from the page: it has no `document` or "
        "`window` to read or change."
    )
    other = run_code("import js\njs.nothing_like_that")["error"]
    assert "background worker" not in other  # only page objects get the hint
    assert_next_run_works()


def test_html_in_the_output_comes_back_as_plain_text():
    # The runner inserts stdout with textContent; run_code must not alter or escape it either.
    payload = "<img src=x onerror=\"document.title='pwned'\">"
    assert run_code(f"print({payload!r})")["stdout"] == payload + "\n"

"""Many demos on one page, the engine wheel a returning reader gets, stored data of older
versions (issue 10).

Load: eight demo blocks (added to a real page by the test only: no junk page in the site) run
one after another, then all at once; they share the page's one Python worker, run in the order
they were started, and each shows all of its own output.
Caches: the wheel the worker loads is the one named (with its hash) in the page's meta; data
stored under other format versions, and corrupted or wrongly shaped edits, are ignored (seeded
before the page loads, several demos' keys per load); an edit of an older demo version is kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from demo_page import COLD_TIMEOUT_MS, LiveDemo, seed_storage

N_DEMOS = 8
#: The page of the stored-data tests: it has a demo and a quiz, and is the lightest topic page
#: (179 KB, one demo; loads in ~0.9 s here against ~2.4 s for regularization's five demos).
STORED_DATA_PAGE = "topics/frameworks/"
LINES = 400  # printed lines per run: nothing may get lost or mixed up between demos

# Each run records its start in a list kept across runs (the shared Python session), then
# prints LINES lines of its own and the order seen so far.
CODE = """\
import builtins
order = builtins.__dict__.setdefault("dn_order", [])
order.append({i})
for k in range({lines}):
    print("demo {i} line", k)
print("order", order[-{n}:])
"""


def demo_html(i: int) -> str:
    code = CODE.format(i=i, lines=LINES, n=N_DEMOS)
    escaped = code.replace("&", "&amp;").replace("<", "&lt;")
    return (
        f'<div class="dn-demo" id="demo-dnload{i}" data-demo="dnload{i}" data-demo-version="t">'
        f'<textarea class="dn-demo__original" hidden>{escaped}</textarea>'
        '<div class="dn-demo__output" aria-live="polite"></div></div>'
    )


@pytest.fixture(scope="module")
def load_page(new_context: Any, isolated_url: str) -> Iterator[Any]:
    """The regularization page with eight extra demo blocks, in a context of its own: a fresh
    HTTP cache, so every file the worker needs is fetched (and recorded) here."""
    context = new_context()
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(isolated_url + "topics/regularization/")
    LiveDemo(page)
    html = "".join(demo_html(i) for i in range(N_DEMOS))
    page.evaluate(
        """(html) => {
            const box = document.createElement('section');
            box.id = 'dn-load-test';
            box.innerHTML = html;
            document.querySelector('article').append(box);
            window.deepnotes.enhance(document);
        }""",
        html,
    )
    demos = [LiveDemo(page, f"dnload{i}") for i in range(N_DEMOS)]
    yield page, demos, requests
    context.close()


def reset_order(page: Any, demos: list[LiveDemo]) -> None:
    first = demos[0]
    first.set_code("import builtins\nbuiltins.dn_order = []\n")
    state, _ = first.run(timeout_ms=COLD_TIMEOUT_MS)
    assert state == "done", first.status
    for i, demo in enumerate(demos):
        demo.set_code(CODE.format(i=i, lines=LINES, n=N_DEMOS))


def check_output(demo: LiveDemo, i: int) -> list[int]:
    text = demo.output.locator(".dn-demo__stdout").inner_text()
    lines = text.strip().splitlines()
    own = [line for line in lines if line.startswith(f"demo {i} line ")]
    assert len(own) == LINES, f"demo {i}: {len(own)} of {LINES} lines"
    assert own == [f"demo {i} line {k}" for k in range(LINES)]
    assert not any(line.startswith("demo ") and line not in own for line in lines), "mixed output"
    assert lines[-1].startswith("order ")
    return json.loads(lines[-1].removeprefix("order "))


def test_eight_demos_one_after_another(load_page: Any) -> None:
    page, demos, _ = load_page
    reset_order(page, demos)
    for i, demo in enumerate(demos):
        state, _ = demo.run()
        assert state == "done", demo.status
        assert check_output(demo, i)[-1] == i
    assert check_output(demos[-1], N_DEMOS - 1) == list(range(N_DEMOS))


def test_eight_demos_all_at_once_queue_in_order(load_page: Any) -> None:
    page, demos, _ = load_page
    reset_order(page, demos)
    before = [demo.runs for demo in demos]
    states = page.evaluate(
        """(n) => {
            const blocks = [];
            for (let i = 0; i < n; i++) blocks.push(window.deepnotes.demo('dnload' + i));
            blocks.forEach((block) => block.runButton.click());
            return blocks.map((block) => block.state);
        }""",
        N_DEMOS,
    )
    assert states[0] == "running" and set(states[1:]) == {"queued"}, states
    for demo, count in zip(demos, before, strict=True):
        demo.wait_runs(count + 1, timeout_ms=120_000)
    for i, demo in enumerate(demos):
        assert demo.state == "done", demo.status
        assert check_output(demo, i) == list(range(i + 1))  # ran after 0..i-1, before i+1
    assert page.evaluate("() => window.deepnotes.runtime.queue.length") == 0


def test_the_worker_loads_the_wheel_named_in_the_page_meta(load_page: Any) -> None:
    page, demos, requests = load_page
    if page.evaluate("() => window.deepnotes.runtime.versions") is None:  # run alone
        demos[0].set_code("print('load the engine')")
        assert demos[0].run(timeout_ms=COLD_TIMEOUT_MS)[0] == "done", demos[0].status
    wheel = page.evaluate(
        "() => new URL(JSON.parse(document.querySelector('meta[name=deepnotes-runtime]')"
        ".content).wheel, document.baseURI).href"
    )
    assert "/wheels/" in wheel and wheel.endswith("-py3-none-any.whl")
    loaded = [url for url in requests if "/wheels/" in url]  # Pyodide's own are elsewhere
    assert wheel in loaded, loaded
    assert set(loaded) == {wheel}, "only the page's wheel is ever requested"
    # matplotlib's font cache, shipped with the site, was fetched and put where matplotlib
    # looks (no page load spends seconds building it).
    fontlist = page.evaluate("() => window.deepnotes.runtime.config.fontlist")
    assert fontlist and fontlist in requests, fontlist
    demos[0].set_code("import os, matplotlib\nprint(sorted(os.listdir(matplotlib.get_cachedir())))")
    assert demos[0].run()[0] == "done", demos[0].status
    assert fontlist.rsplit("/", 1)[1] in demos[0].output.inner_text()
    versions = page.evaluate("() => window.deepnotes.runtime.versions")
    assert versions["deepnotes"] == wheel.rsplit("/", 1)[1].split("-")[1]


#: What a reader's browser may hold that this version must ignore, each under a demo's key: other
#: format versions (older, unversioned, newer) and corrupted or wrongly shaped edits in the
#: current one (v1).
FOREIGN_DEMO_DATA = [
    ("deepnotes:v0:demo:{name}", json.dumps({"source": "print('from v0')"})),
    ("deepnotes:demo:{name}", "print('unversioned')"),
    ("deepnotes:v2:demo:{name}", json.dumps({"source": "print('from the future')"})),
    ("deepnotes:v1:demo:{name}", json.dumps(["source", "print('a list')"])),
    ("deepnotes:v1:demo:{name}", json.dumps({"source": 42, "demoVersion": []})),
    ("deepnotes:v1:demo:{name}", "{not json"),
    ("deepnotes:v1:demo:{name}", '{"source": 5}'),
    ("deepnotes:v1:demo:{name}", "null"),
    ("deepnotes:v1:demo:{name}", '"text"'),
    ("deepnotes:v1:demo:{name}", "[]"),
]
#: The same for the quiz's answers (one key for the whole site).
FOREIGN_QUIZ_DATA = ["not json {", json.dumps({"answers": "everything", "version": 99})]
#: The page of that test: five demos, so one load checks five stored values at once.
MANY_DEMOS_PAGE = "topics/regularization/"


def foreign_data_rounds(names: list[str]) -> list[dict[str, str]]:
    """FOREIGN_DEMO_DATA and FOREIGN_QUIZ_DATA spread over as few page loads as possible: each
    value under the key of a demo whose key is still free in that load.

    Examples
    --------
    >>> rounds = foreign_data_rounds(["a", "b"])
    >>> len(rounds), sum(len(r) for r in rounds) == len(FOREIGN_DEMO_DATA) + len(FOREIGN_QUIZ_DATA)
    (4, True)
    >>> rounds[0]["deepnotes:v1:demo:b"]
    '{"source": 42, "demoVersion": []}'
    """
    rounds: list[dict[str, str]] = []
    for template, value in FOREIGN_DEMO_DATA:
        for seeded in [*rounds, {}]:
            key = next((k for n in names if (k := template.format(name=n)) not in seeded), None)
            if key is not None:
                if not seeded:
                    rounds.append(seeded)
                seeded[key] = value
                break
    for i, value in enumerate(FOREIGN_QUIZ_DATA):
        if i == len(rounds):
            rounds.append({})
        rounds[i]["deepnotes:v1:quiz"] = value
    return rounds


def test_other_versions_and_corrupted_stored_data_are_ignored(
    plain_context: Any, plain_url: str, site_dir: Any
) -> None:
    html = (site_dir / MANY_DEMOS_PAGE / "index.html").read_text(encoding="utf-8")
    names = re.findall(r'class="dn-demo[^"]*"[^>]*\bdata-demo="([^"]+)"', html)
    assert len(names) >= 3, names
    rounds = foreign_data_rounds(names)
    assert len(rounds) <= 4, rounds
    errors: list[str] = []
    for seeded in rounds:
        page = plain_context.new_page()
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        seed_storage(page, seeded)
        page.goto(plain_url + MANY_DEMOS_PAGE)
        wrong = []
        for name in names:
            demo = LiveDemo(page, name)
            original = demo.root.locator(".dn-demo__source").text_content()  # the page's code
            stored = {k: v for k, v in seeded.items() if k.endswith(f":{name}")}
            if demo.code != original:
                wrong.append(f"{name} shows {demo.code[:40]!r} with {stored} stored")
            if demo.root.locator(".dn-demo__edited").is_visible():
                wrong.append(f"{name} says it was edited with {stored} stored")
        assert wrong == []
        assert page.locator(".dn-quiz, .dn-q").first.is_visible()
        assert page.locator(".dn-q input:checked").count() == 0
        assert errors == []
        page.evaluate("() => localStorage.clear()")
        page.close()


def test_an_edit_of_an_older_demo_version_is_kept_with_a_note(
    plain_context: Any, plain_url: str
) -> None:
    page = plain_context.new_page()
    page.goto(plain_url + STORED_DATA_PAGE)
    demo = LiveDemo(page)
    edit = demo.code + "\nprint('my edit')\n"
    stored = {"source": edit, "demoVersion": "an-older-sha", "savedAt": 1}
    page.evaluate(
        "([k, v]) => localStorage.setItem(k, v)",
        [f"deepnotes:v1:demo:{demo.name}", json.dumps(stored)],
    )
    page.reload()
    demo = LiveDemo(page)
    assert demo.code == edit
    hint = demo.root.locator(".dn-demo__edited").inner_text()
    assert "the original demo has changed since you edited it" in hint
    page.evaluate("() => localStorage.clear()")
    page.close()

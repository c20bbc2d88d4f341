"""When a page starts loading Python (runner.js ``startPython``, issue 8: cold load).

By default a page with demos starts the Python worker as soon as it opens (early.js, from the
page's head, while the rest of the page is parsed), so a reader's first Run does not wait for
the whole runtime; pages without demos never load it; a reader whose browser asks to save data
gets the old behaviour (Python starts when a demo scrolls into view); a page script can choose
"load", "view" or "run", and a wrong value is reported with the allowed ones.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from demo_page import LiveDemo, start_python

# A demo far down the page, so "view" has to scroll to it.
PAGE = "topics/regularization/"

SAVE_DATA = """
Object.defineProperty(Navigator.prototype, "connection", {
  configurable: true,
  get: () => ({ saveData: true, effectiveType: "4g", addEventListener() {} }),
});
"""


@pytest.fixture
def fresh(new_context: Any) -> Iterator[Any]:
    """A context of its own whose pages do what the site does by default (no startPython)."""
    context = new_context(start=None)
    requests: list[str] = []
    context.on("request", lambda request: requests.append(request.url))
    context.requests = requests
    yield context
    context.close()


def runtime_state(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => ({
            state: window.deepnotes.runtime.state,
            policy: window.deepnotes.startPython,
            created: window.deepnotes.runtime.timings.created,
            parsed: performance.getEntriesByType('navigation')[0].domInteractive,
        })"""
    )


def pyodide_requests(context: Any) -> list[str]:
    return [url for url in context.requests if "/pyodide/" in url]


def test_a_page_with_demos_starts_python_before_its_editors_are_set_up(
    fresh: Any, isolated_url: str
) -> None:
    page = fresh.new_page()
    page.goto(isolated_url + PAGE)
    LiveDemo(page)
    now = runtime_state(page)
    assert now["policy"] == "load"
    assert now["state"] in {"loading", "ready"}, now
    # Started by early.js from the page's head while the page was still being parsed (the runner
    # at the end of the page took that worker over), without any scrolling or click.
    assert now["created"] is not None and now["created"] < now["parsed"], now
    assert page.evaluate("() => window.deepnotes.earlyWorker") is None  # claimed by the runner
    page.wait_for_function("() => window.deepnotes.runtime.state === 'ready'", timeout=180_000)
    assert any(url.endswith(".wasm") for url in pyodide_requests(fresh))
    # What the worker said before the runner took it over was not lost: every loading phase
    # is recorded, in order, after the worker was created.
    phases = page.evaluate("() => window.deepnotes.runtime.timings.phases")
    assert list(phases) == ["runtime", "numpy", "matplotlib", "engine", "ready"], phases
    assert 0 <= phases["runtime"] <= phases["numpy"] <= phases["engine"] <= phases["ready"]
    assert LiveDemo(page).run()[0] == "done"


def test_a_page_without_demos_never_loads_python(fresh: Any, isolated_url: str) -> None:
    page = fresh.new_page()
    page.goto(isolated_url + "errata/")
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.deepnotes.runtime.state") == "idle"
    assert pyodide_requests(fresh) == []


def test_save_data_waits_until_a_demo_scrolls_into_view(fresh: Any, isolated_url: str) -> None:
    fresh.add_init_script(SAVE_DATA)
    page = fresh.new_page()
    page.goto(isolated_url + PAGE)
    demo = LiveDemo(page, "l2_lambda")
    page.wait_for_load_state("networkidle")
    assert runtime_state(page)["policy"] == "view"
    assert page.evaluate("() => window.deepnotes.runtime.state") == "idle"
    assert pyodide_requests(fresh) == []
    demo.root.scroll_into_view_if_needed()
    page.wait_for_function("() => window.deepnotes.runtime.state !== 'idle'")


def test_run_policy_waits_for_the_first_run_and_a_wrong_value_is_reported(
    fresh: Any, isolated_url: str
) -> None:
    start_python(fresh, "run")
    page = fresh.new_page()
    page.goto(isolated_url + PAGE)
    demo = LiveDemo(page)
    demo.root.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    assert page.evaluate("() => window.deepnotes.runtime.state") == "idle"

    errors: list[str] = []
    start_python(fresh, "soon")
    other = fresh.new_page()
    other.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    other.goto(isolated_url + "errata/")
    assert any("startPython must be one of load, view, run" in e and '"soon"' in e for e in errors)
    assert other.evaluate("() => window.deepnotes.startPython") == "load"


def test_python_that_could_not_load_says_so_and_the_next_run_loads_it_again(
    fresh: Any, isolated_url: str
) -> None:
    """The worker started from the page's head fails while nobody is listening yet (the network
    drops Pyodide): the runner, taking it over, reports that failure on the demo, and a Run once
    the network is back loads Python from scratch (followed until Pyodide itself is up: the
    rest of loading is what every other test of a run goes through)."""
    fresh.route("**/pyodide/**", lambda route: route.abort())
    page = fresh.new_page()
    page.goto(isolated_url + PAGE)
    demo = LiveDemo(page)
    page.wait_for_function("() => window.deepnotes.runtime.state === 'failed'", timeout=60_000)
    state, _ = demo.run(timeout_ms=60_000)
    assert state == "error", demo.status
    assert demo.status.startswith("Python could not be loaded: Could not load runtime"), demo.status

    fresh.unroute("**/pyodide/**")
    demo.button("Run").click()
    page.wait_for_function(
        "() => window.deepnotes.runtime.state === 'loading'"
        " && 'numpy' in window.deepnotes.runtime.timings.phases",
        timeout=120_000,
    )
    assert demo.root.get_attribute("data-state") == "loading"


def test_a_head_script_that_arrives_after_the_runner_starts_no_second_python(
    fresh: Any, isolated_url: str
) -> None:
    """early.js is async: if it arrives after the runner at the end of the page has run (and
    started Python itself), it must not start a second worker."""
    held: list[Any] = []
    fresh.route("**/early.js*", lambda route: held.append(route))  # answered after the runner ran
    page = fresh.new_page()
    page.goto(isolated_url + PAGE, wait_until="commit")
    page.wait_for_function("() => window.deepnotes?.runtime?.state === 'loading'")
    assert len(held) == 1
    held[0].continue_()
    page.wait_for_function(
        "() => performance.getEntriesByType('resource').some((r) => r.name.includes('early.js'))"
    )
    page.wait_for_load_state("load")
    assert page.evaluate("() => window.deepnotes.earlyWorker") is None
    pythons = [w.url for w in page.workers if "/assets/build/worker.js" in w.url]
    assert len(pythons) == 1, [worker.url for worker in page.workers]

"""The live demo runner in real Chromium, on the built site, offline.

One page of the cross-origin isolated server is shared by most tests (loading Pyodide is the
slow part); every test sets the demo's code it needs, so the order does not matter.
Timings land in test-artifacts/browser/timings.json, screenshots next to it.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_page import (
    COLD_TIMEOUT_MS,
    RUN_TIMEOUT_MS,
    LiveDemo,
    coming_back,
    instant_goto,
    is_local,
    start_python,
)

STOP_LIMIT_MS = 1000


@pytest.fixture(scope="session")
def demo_path(site_dir: Path) -> str:
    """URL path (relative to the site root) of a page with a demo: the home page's quickstart
    if it has one, else the first page embedding any demo."""
    pages = sorted(
        (p for p in site_dir.rglob("index.html") if "notebooks" not in p.parts),
        key=lambda p: (p != site_dir / "index.html", str(p)),
    )
    for needle in ('data-demo="quickstart"', 'class="dn-demo"'):
        for page in pages:
            if needle in page.read_text(encoding="utf-8"):
                rel = page.parent.relative_to(site_dir).as_posix()
                return "" if rel == "." else f"{rel}/"
    pytest.fail(f"no page of {site_dir} embeds a demo ([[demo NAME]])")


@pytest.fixture(scope="module")
def live(
    isolated_context: Any, isolated_url: str, demo_path: str, timings: dict, guard: Any
) -> Iterator[Any]:
    """The demo page, loaded cold, whose first Run has drawn a figure.

    Yields a namespace with `page`, `demo` (LiveDemo), `first_state`, `prerendered_imgs` and
    `requests` (the URLs the context requested from the page's load to its first figure).
    """
    first_request = len(guard.requests)
    page = isolated_context.new_page()
    start = time.perf_counter()
    page.goto(isolated_url + demo_path)
    demo = LiveDemo(page)
    page.evaluate(
        "(el) => el.querySelectorAll('.dn-demo__output img')"
        ".forEach((img) => img.setAttribute('data-prerendered', ''))",
        demo.root.element_handle(),
    )
    prerendered = demo.output.locator("img").count()
    demo.root.scroll_into_view_if_needed()
    page.screenshot(path=str(_artifacts() / "page-before-run.png"), full_page=True)
    state, _ = demo.run(timeout_ms=COLD_TIMEOUT_MS)
    timings["cold_page_load_to_first_figure_s"] = time.perf_counter() - start
    page.screenshot(path=str(_artifacts() / "page-after-run.png"), full_page=True)
    demo.root.screenshot(path=str(_artifacts() / "demo-block-after-run.png"))
    original = demo.code

    class Live:
        pass

    live = Live()
    live.page, live.demo, live.first_state = page, demo, state
    live.prerendered_imgs, live.original = prerendered, original
    live.requests = guard.requests[first_request:]
    yield live
    page.close()


def _artifacts() -> Path:
    path = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
    path.mkdir(parents=True, exist_ok=True)
    return path


def test_demo_runs_and_shows_a_new_figure(live: Any) -> None:
    demo = live.demo
    assert live.first_state == "done", demo.status
    new_imgs = demo.output.locator("img:not([data-prerendered])")
    assert new_imgs.count() >= 1, "the run drew no figure"
    img = new_imgs.first
    assert img.evaluate("(img) => img.complete && img.naturalWidth > 0")
    assert img.get_attribute("src").startswith("data:image/png;base64,")
    assert (img.get_attribute("alt") or "").strip(), "a figure without alt text"
    assert demo.output.locator("img[data-prerendered]").count() == 0, "pre-rendered output kept"
    assert demo.status.startswith("Done")


def test_warm_rerun_draws_again(live: Any, timings: dict) -> None:
    demo = live.demo
    demo.set_code(live.original)
    state, seconds = demo.run()
    assert state == "done", demo.status
    assert demo.output.locator("img").count() >= 1
    timings["warm_rerun_s"] = seconds


def test_edited_demo_shows_the_new_result(live: Any) -> None:
    demo = live.demo
    demo.type_code("print(6 * 7)")
    before = demo.runs
    live.page.keyboard.press("ControlOrMeta+Enter")  # runs from the editor
    demo.wait_runs(before + 1)
    assert demo.state == "done", demo.status
    assert demo.output.locator(".dn-demo__stdout").inner_text().strip() == "42"
    assert demo.output.locator("img").count() == 0, "the old figure is still shown"


def test_error_shows_the_traceback_and_the_next_run_works(live: Any) -> None:
    demo = live.demo
    demo.set_code("x = 1\nraise ValueError('x')\n")
    state, _ = demo.run()
    assert state == "error"
    error = demo.output.locator(".dn-demo__error").inner_text()
    assert "ValueError: x" in error
    assert "line 2" in error, error
    assert "_pyodide" not in error and "sandbox.py" not in error, "traceback not trimmed"
    assert "ValueError: x" in demo.status

    demo.set_code("print('next run works')")
    state, _ = demo.run()
    assert state == "done", demo.status
    assert "next run works" in demo.output.inner_text()
    assert demo.output.locator(".dn-demo__error").count() == 0


def test_output_is_text_not_html(live: Any) -> None:
    demo = live.demo
    demo.set_code("print('<img src=x onerror=\"window.__pwned = 1\">')")
    state, _ = demo.run()
    assert state == "done"
    assert demo.output.locator(".dn-demo__stdout img").count() == 0
    assert "<img src=x" in demo.output.inner_text()
    assert live.page.evaluate("() => window.__pwned === undefined")


def assert_stop_keeps_the_session(demo: LiveDemo) -> float:
    """Stop a runaway loop: ready again within STOP_LIMIT_MS, the session's state kept (ms)."""
    assert demo.page.evaluate("() => crossOriginIsolated") is True
    demo.set_code("import sys\nsys.dn_marker = 41\n")
    assert demo.run(timeout_ms=COLD_TIMEOUT_MS)[0] == "done", demo.status

    stop_ms = stop_runaway_loop(demo)
    assert "still there" in demo.status
    assert demo.runtime_state() == "ready"

    demo.set_code("import sys\nprint(sys.dn_marker + 1)\n")
    state, _ = demo.run()
    assert state == "done", demo.status
    assert demo.output.locator(".dn-demo__stdout").inner_text().strip() == "42"
    return stop_ms


def test_stop_interrupts_a_runaway_loop_and_keeps_the_session(live: Any, timings: dict) -> None:
    timings["stop_to_ready_isolated_s"] = assert_stop_keeps_the_session(live.demo) / 1000


def test_stop_pressed_before_the_run_starts_still_keeps_the_session(live: Any) -> None:
    """Stop clicked in the same instant as Run, before the worker has begun the run: the
    interrupt waits for the run and stops it, instead of being lost and the worker replaced."""
    demo = live.demo
    demo.set_code("import sys\nsys.dn_marker = 41\n")
    assert demo.run()[0] == "done", demo.status
    demo.set_code("while True:\n    pass\n")
    demo.root.evaluate(
        "(el) => { el.querySelector('.dn-demo__run').click();"
        " el.querySelector('.dn-demo__stop').click(); }"
    )
    demo.wait_state("stopped", timeout_ms=10_000)
    assert "still there" in demo.status, demo.status
    demo.set_code("import sys\nprint(sys.dn_marker + 1)\n")
    assert demo.run()[0] == "done", demo.status
    assert demo.output.locator(".dn-demo__stdout").inner_text().strip() == "42"


def test_a_host_without_isolation_headers_is_isolated_by_the_service_worker(
    new_context: Any, plain_url: str, demo_path: str, timings: dict
) -> None:
    """GitHub Pages sends no COOP/COEP: the site's service worker adds them. The first page
    loads once more through it (once, no loop), later pages are isolated as they open, and
    Stop keeps the session as on an isolated host."""
    context = new_context(start="load")
    documents: list[str] = []
    context.on(
        "request",
        lambda r: documents.append(r.url) if r.resource_type == "document" else None,
    )
    try:
        page = context.new_page()
        page.goto(plain_url + demo_path)
        page.wait_for_function("() => crossOriginIsolated === true", timeout=60_000)
        demo = LiveDemo(page)
        demo.wait_runtime_ready()
        assert documents == [plain_url + demo_path] * 2, documents
        timings["stop_to_ready_service_worker_s"] = assert_stop_keeps_the_session(demo) / 1000

        documents.clear()
        other = context.new_page()
        other.goto(plain_url + "errata/")
        assert other.evaluate("() => crossOriginIsolated") is True
        other.wait_for_timeout(500)
        assert documents == [plain_url + "errata/"], documents  # no reload there
    finally:
        context.close()


def test_stop_without_isolation_restarts_python(
    plain_context: Any, plain_url: str, demo_path: str, timings: dict
) -> None:
    """Without isolation Stop replaces the worker. Right after Python is ready the page starts
    loading a spare one (runtime.prepareSpare); a Stop before that spare is ready waits for it,
    a later Stop swaps it in at once. Either way the session is fresh, and a new spare loads."""
    page = plain_context.new_page()
    start_python(page, "load")
    page.goto(plain_url + demo_path)
    assert page.evaluate("() => crossOriginIsolated") is False
    demo = LiveDemo(page)
    demo.wait_runtime_ready()
    assert page.evaluate("() => window.deepnotes.runtime.spare?.state") == "loading"
    stop_ms = stop_runaway_loop(demo)
    restarted = time.perf_counter()
    assert "reset" in demo.status
    assert "reset" in demo.output.inner_text()
    timings["stop_to_stopped_plain_s"] = stop_ms / 1000

    demo.wait_runtime_ready()
    timings["stop_to_ready_plain_s"] = stop_ms / 1000 + time.perf_counter() - restarted
    demo.set_code("import sys\nsys.dn_marker = 41\nprint('after the reset')")
    state, _ = demo.run()
    assert state == "done", demo.status
    assert "after the reset" in demo.output.inner_text()

    # The page is idle: a new spare loads. A Stop now swaps it in without any loading, and
    # what the run printed before it hung is still shown, though its worker is gone.
    page.wait_for_function(
        "() => window.deepnotes.runtime.spare?.state === 'ready'", timeout=COLD_TIMEOUT_MS
    )
    stop_runaway_loop(demo, "for i in range(3):\n    print('step', i)\nwhile True:\n    pass\n")
    assert demo.runtime_state() == "ready"
    assert demo.status == "Stopped. The Python session was reset.", demo.status
    printed = demo.output.locator(".dn-demo__stdout").inner_text()
    assert printed.strip() == "step 0\nstep 1\nstep 2", printed
    assert "session was reset" in demo.output.inner_text()
    demo.set_code("import sys\nprint(hasattr(sys, 'dn_marker'))")
    assert demo.run()[0] == "done", demo.status
    assert demo.output.locator(".dn-demo__stdout").inner_text().strip() == "False"
    assert page.evaluate("() => window.deepnotes.runtime.spare?.state") == "loading"
    page.close()


def stop_runaway_loop(demo: LiveDemo, code: str = "while True:\n    pass\n") -> float:
    """Run ``code`` (an endless loop), press Stop after a moment; milliseconds until the demo
    says so."""
    demo.set_code(code)
    demo.button("Run").click()
    demo.wait_until_running()
    time.sleep(0.3)
    stop_ms = demo.stop_and_measure()
    assert stop_ms < STOP_LIMIT_MS, f"Stop took {stop_ms:.0f} ms"
    return stop_ms


@pytest.fixture(scope="module")
def editor_context(new_context: Any) -> Iterator[Any]:
    """A context whose pages never load Pyodide (requests for it are aborted): for tests of the
    editor and the stored edits, which need no Python, on a busy machine."""
    context = new_context()
    context.route("**/pyodide/**", lambda route: route.abort())
    yield context
    context.close()


def test_reload_keeps_the_edit_and_reset_restores_the_original(
    editor_context: Any, isolated_url: str, demo_path: str
) -> None:
    page = editor_context.new_page()
    page.goto(isolated_url + demo_path)
    demo = LiveDemo(page)
    original = demo.code
    hint = demo.root.locator(".dn-demo__edited")
    assert hint.is_hidden()

    demo.type_code("print('my edit')")
    assert hint.is_visible()
    key = f"deepnotes:v1:demo:{demo.name}"
    page.wait_for_function("(key) => localStorage.getItem(key) !== null", arg=key)

    page.reload()
    demo = LiveDemo(page)
    assert demo.code == "print('my edit')"
    assert hint.is_visible()
    assert "Reset" in hint.inner_text()

    demo.button("Reset").click()
    assert demo.code == original
    assert hint.is_hidden()
    assert page.evaluate("(key) => localStorage.getItem(key)", key) is None

    page.reload()
    demo = LiveDemo(page)
    assert demo.code == original
    assert hint.is_hidden()
    page.close()


def test_every_request_stays_on_127_0_0_1(live: Any) -> None:
    # Only this page's: other modules request outside URLs on purpose (the CSP test).
    requests = live.requests
    assert any(url.endswith("pyodide.asm.wasm") for url in requests), "Pyodide not self-hosted?"
    assert any(".whl" in url for url in requests)
    assert any("/assets/build/worker.js" in url for url in requests)
    assert [url for url in requests if not is_local(url)] == []


def test_dark_mode_keeps_the_editor_readable(live: Any) -> None:
    page, demo = live.page, live.demo
    demo.set_code(live.original)
    page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'slate')")
    try:
        colors = demo.root.locator(".cm-editor").evaluate(
            """(el) => {
                const lum = (c) => {
                    const [r, g, b] = c.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number)
                        .map((v) => v / 255)
                        .map((v) => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4));
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const line = el.querySelector('.cm-line');
                return {
                    bg: lum(getComputedStyle(el).backgroundColor),
                    fg: lum(getComputedStyle(line).color),
                };
            }"""
        )
        contrast = (max(colors.values()) + 0.05) / (min(colors.values()) + 0.05)
        assert colors["bg"] < 0.1, "the editor is not dark in dark mode"
        assert contrast >= 4.5, f"code text contrast {contrast:.1f} < 4.5"
        demo.root.scroll_into_view_if_needed()
        demo.root.screenshot(path=str(_artifacts() / "demo-dark.png"))
    finally:
        page.evaluate("() => document.body.setAttribute('data-md-color-scheme', 'default')")


def test_instant_navigation_keeps_the_python_worker(live: Any) -> None:
    page, demo = live.page, live.demo
    assert demo.runtime_state() == "ready"
    generation = page.evaluate(
        "() => { window.__sameDocument = true; return deepnotes.runtime.generation; }"
    )
    # Compare without the fragment: Material's navigation.tracking rewrites it while scrolling.
    start_url = page.url.split("#")[0]
    # A link to another page (the table of contents links to anchors of this one).
    has_link = page.evaluate(
        """(url) => {
            const link = [...document.querySelectorAll('a.md-nav__link[href^="http"]')]
                .find((a) => a.href.split('#')[0] !== url);
            if (link) link.setAttribute('data-test-other-page', '');
            return !!link;
        }""",
        start_url,
    )
    link = page.locator("a[data-test-other-page]").first
    if not has_link:
        pytest.skip("no other page to navigate to")
    link.dispatch_event("click")  # Material intercepts clicks on internal links (instant nav)
    page.wait_for_function("(url) => location.href.split('#')[0] !== url", arg=start_url)
    page.wait_for_function("() => !document.querySelector('.dn-demo:not([data-dn-live])')")
    assert page.evaluate("() => window.__sameDocument === true"), "instant navigation reloaded"
    page.go_back()
    page.wait_for_function("(url) => location.href.split('#')[0] === url", arg=start_url)
    demo = LiveDemo(page)
    assert page.evaluate("() => window.__sameDocument === true"), "instant navigation reloaded"
    assert page.evaluate("() => deepnotes.runtime.generation") == generation
    demo.set_code("print('same worker')")
    state, _ = demo.run(timeout_ms=30_000)
    assert state == "done" and "same worker" in demo.output.inner_text()


#: One quick demo of each topic page, run in Chromium on the worker the `live` page already has
#: (instant navigation keeps it). Every demo also runs in Pyodide under Node (tests/pyodide).
QUICK_DEMO = {
    "topics/data-splits/": "dev_set_size",
    "topics/bias-variance/": "diagnose_numbers",
    "topics/regularization/": "dropout_masks",
    "topics/normalizing-inputs/": "normalize_contours",
    "topics/initialization/": "gradient_clipping",
    "topics/gradient-checking/": "gradcheck_bug",
    "topics/minibatch-ewma/": "ewma_beta",
    "topics/optimizers/": "optimizer_race",
    "topics/hyperparameter-tuning/": "sampling_scale",
    "topics/batch-norm/": "bn_bias",
    "topics/frameworks/": "framework_same_model",
}


def test_a_demo_of_every_topic_page_runs_in_the_browser(
    live: Any, isolated_url: str, site_dir: Path, timings: dict
) -> None:
    page = live.page
    with_demos = {
        f"{p.parent.relative_to(site_dir).as_posix()}/"
        for p in site_dir.glob("topics/*/index.html")
        if 'class="dn-demo"' in p.read_text(encoding="utf-8")
    }
    assert with_demos == set(QUICK_DEMO), "QUICK_DEMO must name one demo of each topic page"
    with coming_back(page):
        problems = run_each(page, isolated_url, timings)
    assert not problems, "\n".join(problems)


def run_each(page: Any, base_url: str, timings: dict) -> list[str]:
    """Run QUICK_DEMO's demos one page after another; return what went wrong."""
    problems = []
    for path, name in QUICK_DEMO.items():
        instant_goto(page, base_url + path)
        demo = LiveDemo(page, name)
        pre = demo.output
        had = {"figure": pre.locator("img").count(), "text": pre.locator("pre").count()}
        pre.locator("img").evaluate_all("(imgs) => imgs.forEach((i) => i.dataset.old = '1')")
        state, seconds = demo.run(timeout_ms=RUN_TIMEOUT_MS)
        timings[f"browser_demo_{name}_s"] = seconds
        new_figures = demo.output.locator("img:not([data-old])").count()
        text = demo.output.locator(".dn-demo__stdout").all_inner_texts()
        if state != "done":
            problems.append(f"{name}: {demo.status}")
        elif had["figure"] and not new_figures:
            problems.append(f"{name}: drew no figure (its pre-rendered output has one)")
        elif had["text"] and not "".join(text).strip():
            problems.append(f"{name}: printed nothing (its pre-rendered output has text)")
    return problems


def test_small_screen_keeps_the_demo_usable(
    browser: Any, guard: Any, isolated_url: str, demo_path: str
) -> None:
    context = browser.new_context(viewport={"width": 375, "height": 667}, device_scale_factor=2)
    guard.attach(context)
    start_python(context, "run")  # layout only: no Python
    page = context.new_page()
    page.goto(isolated_url + demo_path)
    demo = LiveDemo(page)
    demo.root.scroll_into_view_if_needed()
    box = demo.root.bounding_box()
    assert box["x"] >= -1 and box["x"] + box["width"] <= 376, box
    for label in ("Run", "Stop", "Reset", "Copy"):
        button = demo.button(label).bounding_box()
        assert button["x"] + button["width"] <= 376 and button["height"] >= 30, (label, button)
    page.screenshot(path=str(_artifacts() / "demo-375px.png"))
    context.close()


def test_keyboard_tab_indents_and_escape_tab_leaves_the_editor(live: Any) -> None:
    page, demo = live.page, live.demo
    demo.set_code("x = 1")
    demo.root.locator(".cm-content").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert demo.code.endswith("\n    "), repr(demo.code)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate("() => !!document.activeElement.closest('.cm-editor')")
    # Shift-Tab comes back to the editor: no keyboard trap either way.
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("() => !!document.activeElement.closest('.cm-editor')")


def test_toolbar_works_with_the_keyboard(live: Any) -> None:
    page, demo = live.page, live.demo
    demo.set_code("print('from the keyboard')")
    demo.button("Run").focus()
    before = demo.runs
    page.keyboard.press("Enter")
    demo.wait_runs(before + 1)
    assert "from the keyboard" in demo.output.inner_text()
    focused = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert focused != "none", "no visible focus on the Run button"


def test_copy_puts_the_code_on_the_clipboard(live: Any) -> None:
    page, demo = live.page, live.demo
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    demo.set_code("print('copied')")
    demo.button("Copy").click()
    page.wait_for_function(
        "(el) => el.querySelector('.dn-demo__status').textContent.includes('copied')",
        arg=demo.root.element_handle(),
    )
    assert page.evaluate("() => navigator.clipboard.readText()") == "print('copied')"


def test_runs_of_several_demos_queue_in_order(live: Any, isolated_url: str, site_dir: Path) -> None:
    pages = sorted(site_dir.glob("topics/*/index.html"))
    busy = [p for p in pages if p.read_text(encoding="utf-8").count('class="dn-demo"') >= 3]
    if not busy:
        pytest.skip("no page with three demos yet")
    page = live.page
    with coming_back(page):
        instant_goto(page, isolated_url + busy[0].parent.relative_to(site_dir).as_posix() + "/")
        page.locator(".dn-demo .dn-demo__toolbar").first.wait_for()
        names = page.evaluate(
            """() => {
                window.__finished = [];
                const demos = deepnotes.demos().slice(0, 3);
                demos.forEach((d, i) => {
                    d.code = `import time\ntime.sleep(0.2)\nprint('run ${i}')`;
                    d.root.addEventListener('deepnotes:result',
                        () => window.__finished.push(d.name));
                });
                demos.forEach((d) => d.root.querySelector('.dn-demo__run').click());
                return demos.map((d) => d.name);
            }"""
        )
        page.wait_for_function("() => window.__finished.length === 3", timeout=RUN_TIMEOUT_MS)
        assert page.evaluate("() => window.__finished") == names
        for index, name in enumerate(names):
            demo = LiveDemo(page, name)
            assert demo.state == "done", demo.status
            assert f"run {index}" in demo.output.inner_text()

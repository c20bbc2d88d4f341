"""Driving one live demo block of a built page with Playwright (helpers for the browser tests)."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

LOCAL_URL = re.compile(r"^(?:https?|wss?)://127\.0\.0\.1(?::\d+)?/")
LOCAL_SCHEMES = ("data:", "blob:", "about:", "chrome-extension:")

#: The first Run loads Pyodide, numpy, matplotlib and the engine: slow on a busy CI machine.
COLD_TIMEOUT_MS = 180_000
RUN_TIMEOUT_MS = 60_000


def start_python(context: Any, policy: str) -> None:
    """Tell the pages of ``context`` (a browser context, or one page: its choice wins) when to
    start Python (runner.js's ``startPython``).

    ``"load"`` (the site's default: as soon as a page with demos opens), ``"view"`` (when a demo
    scrolls into view) or ``"run"`` (on the first Run). Tests that never run Python use "run", so
    no page spends a CPU core loading Pyodide in the background.
    """
    script = "window.deepnotes = Object.assign(window.deepnotes || {}, {startPython: %s});"
    context.add_init_script(script % json.dumps(policy))


def seed_storage(page: Any, items: dict[str, str]) -> None:
    """Put ``items`` in the site's localStorage before the page's own scripts run on its next
    load, as a reader's browser holds them from an earlier visit: one page load instead of a
    load, a write and a reload. Once per tab: later loads see what the site made of them."""
    script = """(() => {
        if (sessionStorage.getItem('dn-test-seeded')) return;
        sessionStorage.setItem('dn-test-seeded', '1');
        for (const [key, value] of Object.entries(%s)) localStorage.setItem(key, value);
    })();"""
    page.add_init_script(script % json.dumps(items))


def is_local(url: str) -> bool:
    """True for requests that stay on this machine's test server (or never hit the network).

    Examples
    --------
    >>> is_local("http://127.0.0.1:8000/pyodide/0.27.7/pyodide.mjs"), is_local("data:,x")
    (True, True)
    >>> is_local("https://api.github.com/repos"), is_local("http://127.0.0.1.evil.com/")
    (False, False)
    """
    return url.startswith(LOCAL_SCHEMES) or bool(LOCAL_URL.match(url))


class LiveDemo:
    """One `.dn-demo` on a page, found by its demo name (or the page's first demo)."""

    def __init__(self, page: Any, name: str | None = None) -> None:
        self.page = page
        selector = f'.dn-demo[data-demo="{name}"]' if name else ".dn-demo"
        self.root = page.locator(selector).first
        self.root.locator(".dn-demo__toolbar").wait_for()  # enhanced by the runner
        self.name = self.root.get_attribute("data-demo")

    @property
    def state(self) -> str:
        return self.root.get_attribute("data-state") or ""

    def button(self, label: str) -> Any:
        return self.root.get_by_role("button", name=label, exact=True)

    @property
    def status(self) -> str:
        return self.root.locator(".dn-demo__status").inner_text()

    @property
    def output(self) -> Any:
        return self.root.locator(".dn-demo__output")

    @property
    def code(self) -> str:
        return self.page.evaluate("(name) => window.deepnotes.demo(name).code", self.name)

    def set_code(self, code: str) -> None:
        """Replace the editor's text (like pasting it), through the runner's public handle."""
        self.page.evaluate(
            "([name, code]) => { window.deepnotes.demo(name).code = code; }", [self.name, code]
        )

    def type_code(self, code: str) -> None:
        """Select everything in the editor and type `code` with the keyboard (one line)."""
        self.root.locator(".cm-content").click()
        self.page.keyboard.press("ControlOrMeta+a")
        self.page.keyboard.type(code)

    @property
    def runs(self) -> int:
        """How many runs of this demo have finished since the page loaded."""
        return int(self.root.get_attribute("data-runs") or 0)

    def wait_state(self, *states: str, timeout_ms: float = RUN_TIMEOUT_MS) -> str:
        self.page.wait_for_function(
            "([el, states]) => states.includes(el.dataset.state)",
            arg=[self.root.element_handle(), list(states)],
            timeout=timeout_ms,
        )
        return self.state

    def run(self, timeout_ms: float = COLD_TIMEOUT_MS) -> tuple[str, float]:
        """Press Run and wait until that run finished; return the final state and the seconds."""
        before = self.runs
        start = time.perf_counter()
        self.button("Run").click()
        self.wait_runs(before + 1, timeout_ms)
        return self.state, time.perf_counter() - start

    def wait_runs(self, count: int, timeout_ms: float = RUN_TIMEOUT_MS) -> None:
        self.page.wait_for_function(
            "([el, count]) => Number(el.dataset.runs || 0) >= count",
            arg=[self.root.element_handle(), count],
            timeout=timeout_ms,
        )

    def wait_until_running(self, timeout_ms: float = COLD_TIMEOUT_MS) -> None:
        self.wait_state("running", timeout_ms=timeout_ms)

    def stop_and_measure(self) -> float:
        """Click Stop and return the milliseconds (in the page) until the demo says stopped."""
        return self.page.evaluate(
            """(el) => new Promise((resolve, reject) => {
                const start = performance.now();
                const done = () => el.dataset.state === 'stopped';
                const observer = new MutationObserver(() => {
                    if (done()) { observer.disconnect(); resolve(performance.now() - start); }
                });
                observer.observe(el, { attributes: true, attributeFilter: ['data-state'] });
                el.querySelector('.dn-demo__stop').click();
                if (done()) { observer.disconnect(); resolve(performance.now() - start); }
                setTimeout(() => reject(new Error('not stopped after 10 s')), 10000);
            })""",
            self.root.element_handle(),
        )

    def runtime_state(self) -> str:
        return self.page.evaluate("() => window.deepnotes.runtime.state")

    def wait_runtime_ready(self, timeout_ms: float = COLD_TIMEOUT_MS) -> None:
        """Wait until Python is loaded; fail with the runtime's own message if it could not."""
        self.page.wait_for_function(
            "() => ['ready', 'failed'].includes(window.deepnotes.runtime.state)", timeout=timeout_ms
        )
        failure = self.page.evaluate("() => window.deepnotes.runtime.failure")
        assert failure is None, f"Python could not be loaded: {failure}"


def instant_goto(page: Any, url: str) -> None:
    """Follow a link to `url` the way a reader's click does under Material's instant navigation:
    the content is swapped in the same document, so the page's Python worker stays. Fails if the
    browser loaded a new document instead (the URL must be one the sitemap lists)."""
    page.evaluate(
        """(url) => {
            window.__dnSameDocument = true;
            const link = document.createElement('a');
            link.href = url;
            link.textContent = 'next page';
            link.setAttribute('data-dn-test-nav', '');
            document.querySelector('.md-content').append(link);
        }""",
        url,
    )
    page.locator("a[data-dn-test-nav]").last.dispatch_event("click")
    page.wait_for_function("(url) => location.href.split('#')[0] === url", arg=url)
    # The link lived in the old content: gone once the new page's content is in place.
    page.wait_for_function("() => !document.querySelector('a[data-dn-test-nav]')")
    page.wait_for_function("() => !document.querySelector('.dn-demo:not([data-dn-live])')")
    assert page.evaluate("() => window.__dnSameDocument === true"), f"{url} was a full page load"


@contextmanager
def coming_back(page: Any) -> Iterator[None]:
    """Return `page` (by instant navigation, keeping its worker) to the URL it had on entry,
    whatever the block did: the tests that share one page expect to find it there."""
    start_url = page.url.split("#")[0]
    try:
        yield
    finally:
        instant_goto(page, start_url)

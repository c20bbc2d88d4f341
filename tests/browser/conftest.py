"""Real-browser fixtures: the built site served locally, Debian chromium, a network guard.

The tests use ``site/`` as ``make build`` left it (``make test`` builds first) and fail with a
clear message when it is missing or was built from an older web bundle. ``DEEPNOTES_SITE``
points them at another built site. Each browser context aborts, records and fails on any
request that would leave 127.0.0.1.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_page import is_local, start_python

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DEEPNOTES_SITE", ROOT / "site"))
ARTIFACTS = ROOT / "test-artifacts" / "browser"


def _load(name: str, path: Path) -> Any:
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def site_dir() -> Path:
    """The built site; fails (with what to do) when it is missing or stale."""
    index = SITE / "index.html"
    if not index.is_file():
        pytest.fail(f"{SITE} has no index.html: build the site first (make build)")
    if 'name="deepnotes-runtime"' not in index.read_text(encoding="utf-8"):
        pytest.fail(f"{index} has no deepnotes-runtime meta: rebuild the site (make build)")
    stamp = SITE / "assets" / "build" / "stamp.json"
    if not stamp.is_file():
        pytest.fail(f"{stamp} is missing: the web bundle was not built (make web build)")
    web_bundle = _load("_dn_web_bundle", ROOT / "hooks" / "web_bundle.py")
    built = json.loads(stamp.read_text(encoding="utf-8")).get("inputs")
    if built != web_bundle.inputs_hash():
        pytest.fail(f"{SITE} was built from an older web/ bundle: rebuild it (make build)")
    return SITE


def _serve(site: Path, isolation: bool) -> Iterator[str]:
    serve = _load("_dn_serve", ROOT / "tools" / "serve.py")
    server = serve.start_server(site, isolation=isolation)
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="session")
def isolated_url(site_dir: Path) -> Iterator[str]:
    """URL of the site served with COOP/COEP (cross-origin isolated: interrupt buffer)."""
    yield from _serve(site_dir, isolation=True)


@pytest.fixture(scope="session")
def plain_url(site_dir: Path) -> Iterator[str]:
    """URL of the site served without COOP/COEP, like a plain static host."""
    yield from _serve(site_dir, isolation=False)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    chromium = _load("_dn_chromium", ROOT / "tools" / "chromium.py")
    if not chromium.PATH.exists():
        pytest.fail(f"no chromium at {chromium.PATH}: install Debian's chromium (make chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = chromium.launch(playwright)
        try:
            yield browser
        finally:
            browser.close()


class NetworkGuard:
    """Aborts and records every request of a browser context that would leave 127.0.0.1."""

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.requests: list[str] = []

    def attach(self, context: Any) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.route(lambda url: not is_local(url), self._block)

    def _block(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort("blockedbyclient")


@pytest.fixture(scope="session")
def guard() -> NetworkGuard:
    """One guard for every context of the session; checked after each test."""
    return NetworkGuard()


@pytest.fixture(autouse=True)
def _no_request_leaves_localhost(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail the test during which any request tried to leave 127.0.0.1."""
    if "guard" not in request.fixturenames:
        yield
        return
    guard: NetworkGuard = request.getfixturevalue("guard")
    guard.outside.clear()
    yield
    outside, guard.outside[:] = list(guard.outside), []
    assert outside == [], f"requests tried to leave 127.0.0.1: {outside}"


def _context(browser: Any, guard: NetworkGuard, start: str | None = "view", **options: Any) -> Any:
    options.setdefault("viewport", {"width": 1100, "height": 900})
    context = browser.new_context(**options)
    context.set_default_timeout(60_000)
    guard.attach(context)
    if start:
        start_python(context, start)
    return context


def local_sitemap(context: Any, base_url: str) -> None:
    """Serve sitemap.xml with the test server's URLs instead of ``site_url``'s.

    Material's instant navigation only intercepts links listed in the sitemap; the build lists
    the deployed URLs (https://.../deepnotes/...), so without this every click would be a full
    page load here, unlike on the real site.
    """

    def rewrite(route: Any) -> None:
        response = route.fetch()
        xml = response.text()
        locs = re.findall(r"<loc>(.*?)</loc>", xml)
        if locs:
            deployed = min(locs, key=len)  # the home page: the shortest URL
            xml = xml.replace(f"<loc>{deployed}", f"<loc>{base_url}")
        route.fulfill(response=response, body=xml)

    context.route(f"{base_url}sitemap.xml", rewrite)


@pytest.fixture(scope="session")
def new_context(browser: Any, guard: NetworkGuard) -> Any:
    """Make a fresh browser context (its own storage, HTTP cache and service workers): 1100x900,
    60 s timeouts, the network guard attached, Python started when a demo scrolls into view
    (``start="load"``: the site's default, on page load; ``None``: whatever the page does). The
    caller closes it."""
    return lambda **options: _context(browser, guard, **options)


@pytest.fixture(scope="session")
def isolated_context(browser: Any, guard: NetworkGuard, isolated_url: str) -> Iterator[Any]:
    """A browser context for the isolated server (its HTTP cache is shared by the tests). Its
    pages run Python, so they start it as they open (the site's default)."""
    context = _context(browser, guard, start="load")
    local_sitemap(context, isolated_url)
    yield context
    context.close()


@pytest.fixture(scope="session")
def plain_context(browser: Any, guard: NetworkGuard, plain_url: str) -> Iterator[Any]:
    """A browser context for the non-isolated server (no service worker, so the site's own
    cannot make it isolated: the page stays as a host without the headers leaves it). Most of
    its tests never run Python, so its pages start it on the first Run; a test that runs
    Python from page load asks for that page (``start_python(page, "load")``)."""
    context = _context(browser, guard, start="run", service_workers="block")
    local_sitemap(context, plain_url)
    yield context
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Directory for screenshots and timings (test-artifacts/browser/, ignored by git)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def timings(artifacts: Path) -> Iterator[dict[str, float]]:
    """Measured times (seconds) collected by the tests, written to timings.json at the end."""
    data: dict[str, float] = {}
    yield data
    if data:
        path = artifacts / "timings.json"
        old = json.loads(path.read_text()) if path.is_file() else {}
        old.update({key: round(value, 3) for key, value in data.items()})
        path.write_text(json.dumps(old, indent=2, sort_keys=True) + "\n")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests here ``browser``, and ``no_cover`` (pytest-cov's marker): they drive
    Chromium, whose Python runs in Pyodide, out of coverage's sight; tracing Playwright's own
    Python in this process only slowed them by ~6 % (~35 s of `make test`)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.no_cover)

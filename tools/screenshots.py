"""Full-page screenshots of the reader-facing pages, light and dark, for a human to look at.

    python -m tools.screenshots            # every topic page, home, quiz, summary, errata
    python -m tools.screenshots topics/optimizers/ quiz/

Writes ``test-artifacts/pages/<page>-<light|dark>.jpg`` from the built ``site/`` (``make
build``), served locally, in Debian's chromium at 1100 px wide. The demos show their
pre-rendered figures (Python is not started); the scheme is switched with Material's own
palette toggle, as a reader would. ``make screenshots`` runs it; ``make test`` does not (a
screenshot only helps when someone looks at it; the browser tests check what can be checked).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from tools import chromium

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "test-artifacts" / "pages"
#: Material's colour schemes, by the name the screenshot files use.
SCHEMES = {"light": "default", "dark": "slate"}
#: The index of each scheme's option in Material's palette form (``#__palette_N``).
PALETTES = {"default": 1, "slate": 2}


def set_scheme(page: Any, scheme: str) -> None:
    """Switch the scheme the way a reader's toggle does: Material's palette form changes (it
    sets the body's data-md-color-* attributes and stores the choice), no reload."""
    page.evaluate(
        """(id) => {
            const input = document.getElementById(id);
            input.checked = true;
            input.dispatchEvent(new Event('change', { bubbles: true }));
        }""",
        f"__palette_{PALETTES[scheme]}",
    )
    page.wait_for_function(
        "(s) => document.body.getAttribute('data-md-color-scheme') === s", arg=scheme
    )
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")


def _serve_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_dn_serve_shots", ROOT / "tools" / "serve.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def reader_pages(site: Path) -> list[str]:
    """URL paths of the home page, every topic page, the quiz, the summary and the errata."""
    topics = sorted(p.parent.name for p in site.glob("topics/*/index.html"))
    return ["", *(f"topics/{name}/" for name in topics), "quiz/", "summary/", "errata/"]


def shoot(site: Path, paths: list[str]) -> list[Path]:
    """Take the screenshots; return the files written."""
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    server = _serve_module().start_server(site, isolation=False)
    written = []
    try:
        with sync_playwright() as playwright:
            browser = chromium.launch(playwright)
            context = browser.new_context(
                viewport={"width": 1100, "height": 900}, service_workers="block"
            )
            # Layout only: no Python (pages start it on the first Run only, and the runtime
            # could not load), so the pre-rendered figures stay in place.
            context.add_init_script("window.deepnotes = {startPython: 'run'};")
            context.route("**/pyodide/**", lambda route: route.abort())
            page = context.new_page()
            for path in paths:
                page.goto(server.url + path)
                page.wait_for_load_state("load")
                # Figures load lazily (when scrolled to); a full-page shot does not scroll.
                page.evaluate(
                    """() => Promise.all([...document.images].map((img) => {
                        img.loading = 'eager';
                        return img.decode().catch(() => null);
                    }))"""
                )
                # A viewport as tall as the page: the code editors draw only the lines in view.
                height = page.evaluate("() => document.documentElement.scrollHeight")
                page.set_viewport_size({"width": 1100, "height": min(height, 32_000)})
                page.wait_for_timeout(300)
                for scheme, material_scheme in SCHEMES.items():
                    set_scheme(page, material_scheme)
                    page.wait_for_timeout(300)  # Material's colour transition
                    name = (path.strip("/").replace("/", "-") or "home") + f"-{scheme}.jpg"
                    page.screenshot(path=str(OUT / name), full_page=True, type="jpeg", quality=70)
                    written.append(OUT / name)
                page.set_viewport_size({"width": 1100, "height": 900})
            browser.close()
    finally:
        server.stop()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="URL paths (default: every reader page)")
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    args = parser.parse_args(argv)
    if not (args.site / "index.html").is_file():
        parser.error(f"{args.site} has no index.html: build the site first (make build)")
    for path in shoot(args.site, args.paths or reader_pages(args.site)):
        print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Every page at 375x667 (a small phone), issue 10: the page body never scrolls sideways (wide
code, tables and math scroll inside their own containers), figures fit, and the demo editor and
buttons stay usable. Screenshots of a few pages: test-artifacts/browser/small-*.png.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_page import start_python
from test_a11y import PAGES

ROOT = Path(__file__).resolve().parents[2]
WIDTH, HEIGHT = 375, 667
SCREENSHOTS = {"", "topics/regularization/", "topics/optimizers/", "quiz/"}

OVERFLOW = """(width) => {
    const doc = document.scrollingElement;
    const wide = [];
    // Elements sticking out of the viewport that are not inside a horizontally scrollable box.
    for (const el of document.querySelectorAll('.md-content *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= width + 1) continue;
        let box = el.parentElement, clipped = false;
        while (box && box !== document.body) {
            const s = getComputedStyle(box);
            if (['auto', 'scroll', 'hidden', 'clip'].includes(s.overflowX)
                && box.getBoundingClientRect().right <= width + 1) { clipped = true; break; }
            box = box.parentElement;
        }
        if (!clipped) wide.push(`${el.tagName.toLowerCase()}.${el.className} right=${r.right|0}`);
    }
    const imgs = [...document.querySelectorAll('.dn-figure img, .md-content img')]
        .filter((img) => img.getBoundingClientRect().right > width + 1)
        .map((img) => img.getAttribute('src').slice(0, 40));
    return { scrollWidth: doc.scrollWidth, wide: wide.slice(0, 8), imgs };
}"""


@pytest.fixture(scope="module")
def phone(browser: Any, guard: Any) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": WIDTH, "height": HEIGHT},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        service_workers="block",
    )
    context.set_default_timeout(60_000)
    guard.attach(context)
    start_python(context, "run")
    page = context.new_page()
    yield page
    context.close()


@pytest.mark.skipif(not PAGES, reason="the site is not built")
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_page_fits_a_small_phone(phone: Any, plain_url: str, path: str) -> None:
    page = phone
    page.goto(plain_url + path)
    page.wait_for_load_state("load")
    has_demo = page.locator(".dn-demo").count() > 0
    if has_demo:
        page.locator(".dn-demo .dn-demo__toolbar").first.wait_for()
    found = page.evaluate(OVERFLOW, WIDTH)
    if path in SCREENSHOTS:
        out = ROOT / "test-artifacts" / "browser"
        out.mkdir(parents=True, exist_ok=True)
        name = (path.strip("/").replace("/", "-") or "home") + ".png"
        page.screenshot(path=str(out / f"small-{name}"), full_page=False)
    assert found["scrollWidth"] <= WIDTH + 1, found
    assert found["imgs"] == [], found
    assert found["wide"] == [], found
    if has_demo:
        demo = page.locator(".dn-demo").first
        demo.scroll_into_view_if_needed()
        for name in ("Run", "Reset", "Copy"):
            box = demo.get_by_role("button", name=name, exact=True).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH + 1, (name, box)
            assert box["height"] >= 24, (name, box)  # a tap target
        editor = demo.locator(".cm-editor").bounding_box()
        assert editor["width"] >= WIDTH * 0.7 and editor["x"] + editor["width"] <= WIDTH + 1

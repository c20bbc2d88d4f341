"""Accessibility of every built page in real Chromium (issue 10).

axe-core (web/node_modules/axe-core, npm) is injected into each page of the site, in
Material's light (default) and dark (slate) schemes, after the runner has enhanced the demos
(editor, toolbar, status line): no serious or critical violation may remain. Every rule runs on
every page, the pages alternating between the light and the dark scheme; the colour rules run
again in the other scheme (switched by the reader's toggle) on each page that shows a class or an
element not yet colour-checked in that scheme, so every component of the site is colour-checked
in both schemes (COLOUR_COVERED; axe spends ~2 s per run on a long page whatever it checks). Python
is never loaded here (the pages are told to start it on the first Run only), so the pages are
checked as a reader first sees them. KaTeX's aria-hidden glyph spans are taken out of the page
while axe runs (``formula_glyphs_set_aside``) and checked to carry the colours of the text around
them and to hold nothing focusable instead. Results: test-artifacts/browser/axe.json.

Also: focus is visible on the demo controls, a demo is usable by keyboard, reduced motion turns
off smooth scrolling and animations, and every pre-rendered figure has a describing alt text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from demo_page import LiveDemo, start_python
from tools.screenshots import set_scheme  # the reader's palette toggle, shared

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
SITE = Path(__import__("os").environ.get("DEEPNOTES_SITE", ROOT / "site"))
SCHEMES = ("default", "slate")
BLOCKING = ("serious", "critical")


def site_pages() -> list[str]:
    """URL paths of every page of the built site (its index.html files)."""
    if not (SITE / "index.html").is_file():
        return []
    pages = []
    for path in sorted(SITE.rglob("index.html")):
        rel = path.parent.relative_to(SITE)
        if rel.parts and rel.parts[0] in {"pyodide", "wheels", "assets"}:
            continue
        if len(rel.parts) == 2 and rel.parts[0] == "notebooks" and rel.name not in NOTEBOOKS:
            continue
        if len(rel.parts) == 2 and rel.parts[0] == "reference" and rel.name not in REFERENCE:
            continue
        pages.append("" if rel.as_posix() == "." else f"{rel.as_posix()}/")
    return pages


# The ~40 notebook pages come from one template (mkdocs-jupyter + hooks/notebooks.py) and differ
# only in their cells: axe checks three of them (short, long with several figures, one with
# printed tables) and the index, instead of spending minutes on near-identical pages.
NOTEBOOKS = {"quickstart", "augmentation_rotation", "gradcheck_bug"}

# Likewise the 15 API reference pages are one mkdocstrings template filled with docstrings: axe
# checks the index and four of them (the largest, data; classes with formulas, layers and optim;
# the quiz subpackage). Every reference page is still built strictly, link-checked and checked to
# document every public name (tests/build).
REFERENCE = {"data", "layers", "optim", "quiz"}


PAGES = site_pages()
FINDINGS: dict[str, list[dict[str, Any]]] = {}

#: Per scheme, the class names and element names already colour-checked in it by axe.
COLOUR_COVERED: dict[str, set[str]] = {scheme: set() for scheme in SCHEMES}


def styled_tokens(page: Any) -> set[str]:
    """The class names and element names (``<tag>``) shown on the page: what colours attach to.

    Formulas are left out: their glyphs take the colours of the text around them (checked on
    every page by ``katex_colour_breaks``) and their MathML is visually hidden.
    """
    return set(
        page.evaluate(
            """() => {
                const out = new Set();
                for (const el of document.body.querySelectorAll('*')) {
                    if (el.closest('.katex')) continue;
                    out.add(`<${el.localName}>`);
                    for (const name of el.classList) out.add(name);
                }
                return [...out];
            }"""
        )
    )


@pytest.fixture(scope="module")
def a11y_page(browser: Any, guard: Any, plain_url: str) -> Iterator[Any]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: install the npm packages (make web)")
    # bypass_csp: axe is injected as an inline script, which the pages' policy refuses.
    context = browser.new_context(
        viewport={"width": 1100, "height": 900}, service_workers="block", bypass_csp=True
    )
    context.set_default_timeout(60_000)
    guard.attach(context)
    start_python(context, "run")
    page = context.new_page()
    yield page
    context.close()
    out = ROOT / "test-artifacts" / "browser"
    out.mkdir(parents=True, exist_ok=True)
    (out / "axe.json").write_text(json.dumps(FINDINGS, indent=2, sort_keys=True) + "\n")


#: The rules whose outcome depends on colours: all that is checked again in the dark scheme
#: (structure, names and roles do not change with the palette).
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


#: KaTeX's visual rendering of each formula: one span per glyph, hidden from assistive technology
#: (``aria-hidden``; the MathML beside it is what a screen reader reads, and axe checks that). The
#: glyphs only inherit the colour of the sentence around them, whose contrast axe checks, and
#: axe spends a third of a run laying out ~2,000-3,500 glyph spans a page even when they are
#: excluded (4.4-5.0 -> 3.0-3.7 s per run without them): so they are set aside while axe runs,
#: and ``katex_colour_breaks`` asserts that inheritance and that they hold nothing focusable (what
#: axe's aria-hidden-focus rule would have found there), in both schemes.
FORMULA_GLYPHS = ".katex-html"


@contextmanager
def formula_glyphs_set_aside(page: Any) -> Iterator[None]:
    """Take KaTeX's glyph spans out of the page (each replaced by a placeholder comment) for the
    block's duration, then put every one back where it was."""
    count = page.evaluate(
        """(selector) => {
            window.__dnGlyphs = [...document.querySelectorAll(selector)].map((el) => {
                const mark = document.createComment('glyphs');
                el.replaceWith(mark);
                return [mark, el];
            });
            return window.__dnGlyphs.length;
        }""",
        FORMULA_GLYPHS,
    )
    try:
        yield
    finally:
        back = page.evaluate(
            """() => {
                for (const [mark, el] of window.__dnGlyphs) mark.replaceWith(el);
                const n = window.__dnGlyphs.length;
                delete window.__dnGlyphs;
                return n;
            }"""
        )
        assert back == count


def katex_colour_breaks(page: Any) -> list[str]:
    """Formula glyphs whose colour or background differs from the text around the formula."""
    return page.evaluate(
        """() => {
            const out = [];
            for (const math of document.querySelectorAll('.katex-html')) {
                const host = math.closest('.katex-display, .katex').parentElement;
                const want = getComputedStyle(host).color;
                for (const el of [math, ...math.querySelectorAll('*')]) {
                    if (el.closest('svg')) continue;  // radicals and arrows: drawn in currentColor
                    const s = getComputedStyle(el);
                    const transparent = s.backgroundColor === 'rgba(0, 0, 0, 0)';
                    if (s.color !== want || !transparent) {
                        out.push(`${el.className} in "${host.textContent.slice(0, 40)}": ` +
                                 `${s.color} on ${s.backgroundColor}, text is ${want}`);
                    }
                    if (el.matches('a[href], button, input, select, textarea, [tabindex]')) {
                        out.push(`focusable ${el.tagName} in aria-hidden formula glyphs`);
                    }
                }
            }
            return out.slice(0, 10);
        }"""
    )


def axe_violations(page: Any, rules: list[str] | None = None) -> list[dict[str, Any]]:
    """axe's violations on the page: every WCAG 2.1 A/AA and best-practice rule, or `rules`."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.add_script_tag(path=str(AXE))
    return page.evaluate(
        """async (rules) => {
            const runOnly = rules ? { type: 'rule', values: rules }
                : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                          'best-practice'] };
            const result = await axe.run(document, { resultTypes: ['violations'], runOnly });
            return result.violations.map((v) => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ') + ' :: ' +
                                               (n.failureSummary || '').slice(0, 200)),
                count: v.nodes.length,
            }));
        }""",
        rules,
    )


@pytest.mark.skipif(not PAGES, reason="the site is not built")
@pytest.mark.parametrize("path", PAGES, ids=[p or "home" for p in PAGES])
def test_axe_finds_no_serious_violation(a11y_page: Any, plain_url: str, path: str) -> None:
    page = a11y_page
    page.goto(plain_url + path)
    page.wait_for_load_state("load")
    if page.locator(".dn-demo").count():
        page.locator(".dn-demo .dn-demo__toolbar").first.wait_for()
    tokens = styled_tokens(page)
    first = SCHEMES[PAGES.index(path) % 2]  # every rule, in light and dark on alternate pages
    other = next(scheme for scheme in SCHEMES if scheme != first)
    passes = [(first, None)]
    if not tokens <= COLOUR_COVERED[other]:  # something new to colour-check in the other one
        passes.append((other, COLOUR_RULES))
    blocking = []
    for scheme, rules in passes:
        if page.evaluate("() => document.body.dataset.mdColorScheme") != scheme:
            set_scheme(page, scheme)
        with formula_glyphs_set_aside(page):
            violations = axe_violations(page, rules)
        COLOUR_COVERED[scheme] |= tokens
        FINDINGS[f"{path or 'home'} [{scheme}]"] = violations
        blocking += [f"[{scheme}] formula colour: {text}" for text in katex_colour_breaks(page)]
        blocking += [
            f"[{scheme}] {v['id']} ({v['impact']}, {v['count']}x): {v['help']}\n    "
            + "\n    ".join(v["nodes"])
            for v in violations
            if v["impact"] in BLOCKING
        ]
    assert not blocking, "\n".join(blocking)


@pytest.fixture()
def demo_page(a11y_page: Any, plain_url: str) -> Any:
    a11y_page.goto(plain_url + "topics/regularization/")
    return a11y_page


def test_demo_controls_show_a_visible_focus_ring(demo_page: Any) -> None:
    page = demo_page
    demo = LiveDemo(page)
    for scheme in SCHEMES:
        set_scheme(page, scheme)
        for label in ("Run", "Reset", "Copy"):
            demo.button(label).focus()
            page.keyboard.press("Shift+Tab")
            page.keyboard.press("Tab")  # keyboard focus, so :focus-visible applies
            style = demo.button(label).evaluate(
                "(el) => { const s = getComputedStyle(el);"
                " return [document.activeElement === el, s.outlineStyle, s.outlineWidth,"
                " s.boxShadow]; }"
            )
            focused, outline, width, shadow = style
            assert focused, label
            assert (outline != "none" and width != "0px") or shadow != "none", (label, style)


def test_a_demo_is_usable_by_keyboard(demo_page: Any) -> None:
    page = demo_page
    demo = LiveDemo(page)
    original = demo.code
    demo.root.locator(".cm-content").focus()
    page.keyboard.press("ControlOrMeta+End")
    page.keyboard.type("\nprint('typed')")
    assert demo.code.endswith("print('typed')")
    # Esc then Tab leaves the editor (Tab alone indents); the toolbar buttons are reachable.
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.closest('.cm-editor')")
    demo.button("Reset").focus()
    page.keyboard.press("Enter")
    assert demo.code == original
    assert page.evaluate("() => document.activeElement.closest('.cm-editor') !== null")
    page.evaluate("() => localStorage.clear()")


def test_reduced_motion_turns_off_smooth_scrolling_and_animation(
    browser: Any, guard: Any, plain_url: str
) -> None:
    context = browser.new_context(reduced_motion="reduce", service_workers="block")
    guard.attach(context)
    start_python(context, "run")
    page = context.new_page()
    page.goto(plain_url + "topics/regularization/")
    LiveDemo(page)
    moving = page.evaluate(
        """() => {
            const out = [];
            const seconds = (t) => Math.max(...t.split(',').map((x) => parseFloat(x) || 0));
            for (const el of document.querySelectorAll('body *')) {
                const s = getComputedStyle(el);
                const anim = s.animationName !== 'none' && seconds(s.animationDuration) > 0.01
                    && s.animationIterationCount !== '0';
                const trans = seconds(s.transitionDuration) > 0.01;
                if ((anim || trans) && el.closest('.dn-demo, .dn-quiz, .dn-q, .dn-exam')) {
                    out.push(el.className + ' ' + (anim ? s.animationName : s.transitionProperty));
                }
            }
            return {
                scroll: getComputedStyle(document.documentElement).scrollBehavior,
                moving: out.slice(0, 10),
            };
        }"""
    )
    context.close()
    assert moving["scroll"] != "smooth"
    assert moving["moving"] == [], moving


def test_every_prerendered_figure_has_a_describing_alt(site_dir: Path) -> None:
    bad = []
    count = 0
    for path in sorted(site_dir.rglob("index.html")):
        text = path.read_text(encoding="utf-8")
        for block in re.findall(r'<figure class="dn-figure">(.*?)</figure>', text, re.S):
            for img in re.findall(r"<img\b[^>]*>", block):
                count += 1
                alt = re.search(r'\balt="([^"]*)"', img)
                alt_text = (alt.group(1) if alt else "").strip()
                if (
                    len(alt_text) < 12
                    or re.fullmatch(r"(?i)figure \d+.*|.*\.(png|svg|jpe?g)", alt_text)
                    or len(alt_text.split()) < 3
                ):
                    bad.append(f"{path.relative_to(site_dir)}: alt={alt_text!r}")
    assert count > 0, "no pre-rendered demo figure found"
    assert not bad, "\n".join(bad)

"""Every page with demos, in Chromium with JavaScript switched off (issues 4 and 6): each demo
still shows its code and its pre-rendered output (every figure loads, printed text is shown),
so the pages teach before, or without, any Python running."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="module")
def no_js(new_context: Any) -> Iterator[Any]:
    context = new_context(java_script_enabled=False, service_workers="block")
    yield context.new_page()
    context.close()


def pages_with_demos(site: Path) -> list[str]:
    pages = [*sorted(site.glob("topics/*/index.html")), site / "index.html"]
    return [
        f"{p.parent.relative_to(site).as_posix()}/".removeprefix("./")
        for p in pages
        if 'class="dn-demo"' in p.read_text(encoding="utf-8")
    ]


def test_demos_show_code_and_figures_without_javascript(
    no_js: Any, plain_url: str, site_dir: Path
) -> None:
    page = no_js
    paths = pages_with_demos(site_dir)
    assert len(paths) >= 12, paths  # the home page's quickstart and the 11 topic pages
    problems = []
    for path in paths:
        page.goto(plain_url + path)
        assert page.evaluate("() => !document.querySelector('.dn-demo__toolbar')"), "JS ran"
        found = page.evaluate(
            """async () => {
                const demos = [...document.querySelectorAll('.dn-demo')];
                const imgs = demos.flatMap((d) => [...d.querySelectorAll('.dn-demo__output img')]);
                // lazy images load when scrolled to; load them all at once here
                await Promise.all(imgs.map((img) => {
                    img.loading = 'eager';
                    return img.decode().catch(() => null);
                }));
                return demos.map((d) => ({
                    name: d.dataset.demo,
                    code: d.querySelector('.dn-demo__source').innerText.trim().length,
                    shown: d.querySelector('.dn-demo__source').getClientRects().length > 0,
                    figures: [...d.querySelectorAll('.dn-demo__output img')]
                        .map((img) => img.naturalWidth),
                    text: (d.querySelector('.dn-demo__stdout') || {}).innerText || '',
                }));
            }"""
        )
        for demo in found:
            where = f"{path or 'home'} {demo['name']}"
            if not (demo["shown"] and demo["code"] > 20):
                problems.append(f"{where}: its code is not shown")
            if not demo["figures"] and not demo["text"].strip():
                problems.append(f"{where}: no pre-rendered output")
            if any(width == 0 for width in demo["figures"]):
                problems.append(f"{where}: a figure did not load")
    assert not problems, "\n".join(problems)


def _regularization_page_state(
    new_context: Any, plain_url: str, runner: Callable[[Any], None], state: str
) -> dict[str, Any]:
    """Open the regularization page with JavaScript on, its runner script answered by
    ``runner`` (a Playwright route handler), and return what ``state`` evaluates there."""
    context = new_context(service_workers="block")
    context.route("**/assets/build/runner.js", runner)
    try:
        page = context.new_page()
        page.goto(plain_url + "topics/regularization/")
        return page.evaluate(state)
    finally:
        context.close()


def test_demos_show_their_code_when_the_runner_does_not_load(
    new_context: Any, plain_url: str
) -> None:
    """With JavaScript on, the page head hides the highlighted copy of each demo's code (the
    runner's editor replaces it); if the runner script never arrives, the copy shows again."""
    state = _regularization_page_state(
        new_context,
        plain_url,
        lambda route: route.abort(),
        """() => ({
            dnJs: document.documentElement.classList.contains('dn-js'),
            editors: document.querySelectorAll('.dn-demo .cm-editor').length,
            shown: [...document.querySelectorAll('.dn-demo__source')]
                .map((s) => s.getClientRects().length > 0 && s.innerText.includes('import')),
        })""",
    )
    assert state["editors"] == 0
    assert not state["dnJs"]
    assert state["shown"] and all(state["shown"]), state


def test_with_javascript_the_highlighted_copy_is_hidden_before_the_editors_exist(
    new_context: Any, plain_url: str
) -> None:
    """The page head marks the page (html.dn-js) and demo.css hides the copy from the first
    style pass, keeping the editor's room: shown here with a runner that loads but builds no
    editor, so what the reader sees before the editors exist stays on screen."""
    state = _regularization_page_state(
        new_context,
        plain_url,
        lambda route: route.fulfill(
            content_type="text/javascript", body="window.deepnotes = {enhance() {}};"
        ),
        """() => ({
            dnJs: document.documentElement.classList.contains('dn-js'),
            drawn: [...document.querySelectorAll('.dn-demo__source')]
                .filter((s) => s.getClientRects().length).length,
            room: [...document.querySelectorAll('.dn-demo')]
                .map((d) => d.getBoundingClientRect().height),
        })""",
    )
    assert state["dnJs"], state
    assert state["drawn"] == 0, state
    assert state["room"] and min(state["room"]) > 500, state  # the editor's room is kept

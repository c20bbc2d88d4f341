"""MkDocs hook: render the math with KaTeX at build time, not in every reader's browser.

``pymdownx.arithmatex`` (generic mode) writes each formula as
``<span class="arithmatex">\\(...\\)</span>`` or ``<div class="arithmatex">\\[...\\]</div>``.
After MkDocs renders a page (``on_post_page``: the finished page, so math in admonitions,
tables, tabs, quiz blocks, mkdocstrings docstrings and the table of contents is all there), this
hook replaces the delimited TeX inside each wrapper by KaTeX's HTML, exactly what
``web/src/katex-init.js`` would produce in the browser (``katex.renderToString``, ``displayMode``
for ``\\[``, ``throwOnError: false``, HTML plus MathML for screen readers). The wrappers stay.

* **Node** - one long-lived ``node tools/katex_render.mjs`` per build
  (``tools/katex_render.py``), sent one batch per page, started only when a formula is not in
  the cache. It loads the npm ``katex`` of ``web/node_modules`` (``make web``).
* **Cache** - ``.cache/katex/katex-<version>.json`` maps each formula (display flag + TeX) to
  its HTML, so a rebuild with unchanged math does not start Node at all.
* **Client script** - when the math is rendered here, ``assets/build/katex-init.js`` (KaTeX
  and auto-render, ~270 KB) is dropped from ``extra_javascript``: pages need only
  ``katex.min.css`` and its fonts. Material's instant navigation swaps in pre-rendered HTML,
  so nothing runs at swap time.
* **Fallback** - ``extra.deepnotes.katex: client`` (or a missing Node / npm ``katex``, which
  is logged as a warning) leaves the TeX in the pages and the script in ``extra_javascript``:
  the browser renders the math as before.
* **TeX errors** - a formula KaTeX cannot parse is rendered in red as in the browser (its
  ``throwOnError: false``) and logged as a warning, so ``mkdocs build --strict`` fails on it.

The search index is built from the page content before ``on_post_page``, so it keeps the TeX
source (``\\(\\beta\\)``), not KaTeX's markup.
"""

from __future__ import annotations

import html
import importlib.util
import json
import logging
import re
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.katex")

HOOK_REPO = Path(__file__).resolve().parent.parent
SCRIPT = "assets/build/katex-init.js"
MODES = ("build", "client")
# An arithmatex wrapper holding plain (escaped) text: the TeX with its delimiters.
ARITHMATEX = re.compile(
    r'<(?P<tag>span|div)(?P<attrs>\s[^>]*?\bclass="(?:[^"]*\s)?arithmatex(?:\s[^"]*)?"[^>]*)>'
    r"(?P<text>[^<]*)</(?P=tag)>"
)
DELIMITED = re.compile(
    r"(?P<pre>\s*)\\(?P<open>[(\[])(?P<tex>.*)\\(?P<close>[)\]])(?P<post>\s*)", re.S
)

Formula = tuple[str, bool]  # (TeX without delimiters, display mode)

_state: dict[str, Any] = {}


def _tool(name: str) -> ModuleType:
    """Import ``tools/<name>.py`` by path (tools/ is scripts, not a package)."""
    module = sys.modules.get(name)
    if module is None:
        spec = importlib.util.spec_from_file_location(name, HOOK_REPO / "tools" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return module


def parse(text: str) -> tuple[str, Formula, str] | None:
    """Split a wrapper's escaped text into ``(before, (tex, display), after)``, or None.

    Examples
    --------
    >>> parse(r"\\(a &lt; b\\)")
    ('', ('a < b', False), '')
    >>> parse("\\\\[\\nx\\n\\\\]")
    ('', ('\\nx\\n', True), '')
    >>> parse("no math") is None
    True
    """
    match = DELIMITED.fullmatch(html.unescape(text))
    if match is None or "([".index(match["open"]) != ")]".index(match["close"]):
        return None
    return match["pre"], (match["tex"], match["open"] == "["), match["post"]


def formulas(page_html: str) -> list[Formula]:
    """Every formula of a page's arithmatex wrappers, in page order.

    Examples
    --------
    >>> formulas('<p><span class="arithmatex">\\\\(x^2\\\\)</span></p>')
    [('x^2', False)]
    """
    found = []
    for match in ARITHMATEX.finditer(page_html):
        parts = parse(match["text"])
        if parts is not None:
            found.append(parts[1])
    return found


def replace_math(page_html: str, rendered: dict[Formula, str]) -> str:
    """Put each wrapper's rendered HTML in place of its TeX (formulas missing from
    ``rendered`` stay TeX). The wrapper element and its attributes are kept, and the HTML goes
    in a plain ``<span>``, as KaTeX's auto-render puts it in the browser: Material's
    ``div.arithmatex > *`` styles apply to that span, so the layout is the same.

    Examples
    --------
    >>> page = '<span class="arithmatex">\\\\(x\\\\)</span>'
    >>> replace_math(page, {("x", False): "<span class=katex>x</span>"})
    '<span class="arithmatex"><span><span class=katex>x</span></span></span>'
    """

    def swap(match: re.Match[str]) -> str:
        parts = parse(match["text"])
        if parts is None or parts[1] not in rendered:
            return match[0]
        pre, formula, post = parts
        math = f"<span>{rendered[formula]}</span>"  # auto-render's own wrapper (same layout)
        return f"<{match['tag']}{match['attrs']}>{pre}{math}{post}</{match['tag']}>"

    return ARITHMATEX.sub(swap, page_html)


def cache_key(formula: Formula) -> str:
    """The cache's key of a formula: ``D`` or ``T`` (display or text mode), then the TeX."""
    tex, display = formula
    return ("D" if display else "T") + tex


def _mode(config: Any) -> str:
    extra = (config.extra or {}).get("deepnotes", {}) or {}
    mode = extra.get("katex", "build")
    if mode not in MODES:
        raise PluginError(f"extra.deepnotes.katex must be one of {', '.join(MODES)}; got {mode!r}")
    return mode


def _cache_file(config: Any, version: str) -> Path:
    """``.cache/katex/katex-<version>.json`` next to ``mkdocs.yml``."""
    root = Path(config.config_file_path).resolve().parent
    return root / ".cache" / "katex" / f"katex-{version}.json"


def _load_cache(path: Path) -> dict[str, str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _drop_script(config: Any) -> None:
    """Take the client-side KaTeX bundle out of ``extra_javascript``."""
    config.extra_javascript[:] = [
        item for item in config.extra_javascript if str(getattr(item, "path", item)) != SCRIPT
    ]


# ---- MkDocs events ---------------------------------------------------------------------


def on_pre_build(config: Any) -> None:
    """Decide where the math is rendered; in the build, drop the client script, load the cache."""
    _state.clear()
    if _mode(config) == "client":
        log.info("katex: extra.deepnotes.katex is 'client': math is rendered in the browser")
        return
    katex = _tool("katex_render")
    try:
        version = katex.available()
    except katex.KatexError as exc:
        log.warning("katex: %s; the math is rendered in the browser instead (katex-init.js)", exc)
        return
    _drop_script(config)
    path = _cache_file(config, version)
    _state.update(
        renderer=katex.KatexRenderer(),
        version=version,
        cache_file=path,
        cache=_load_cache(path),
        used=set(),
        pages=0,
        formulas=0,
        node_formulas=0,
        node_seconds=0.0,
        seconds=0.0,
    )


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Replace the page's TeX by KaTeX's HTML (cached, else one Node batch for the page)."""
    if not _state or "arithmatex" not in output:
        return output
    entered = time.perf_counter()
    every = formulas(output)
    if not every:
        return output
    found = list(dict.fromkeys(every))
    cache: dict[str, str] = _state["cache"]
    missing = [formula for formula in found if cache_key(formula) not in cache]
    fresh: dict[Formula, str] = {}
    if missing:
        started = time.perf_counter()
        try:
            answers = _state["renderer"].render(missing)
        except _tool("katex_render").KatexError as exc:
            raise PluginError(f"katex: rendering {page.file.src_uri} failed: {exc}") from exc
        _state["node_seconds"] += time.perf_counter() - started
        _state["node_formulas"] += len(missing)
        for formula, answer in zip(missing, answers, strict=True):
            if "html" in answer and "warning" not in answer:
                cache[cache_key(formula)] = answer["html"]
            elif "html" in answer:  # shown in red, as in the browser; not cached: warns each build
                fresh[formula] = answer["html"]
                log.warning("katex: %s: %s", page.file.src_uri, answer["warning"])
            else:
                log.warning(
                    "katex: %s: KaTeX cannot render %r: %s",
                    page.file.src_uri,
                    formula[0],
                    answer.get("error"),
                )
    rendered = {f: cache[cache_key(f)] for f in found if cache_key(f) in cache}
    _state["used"].update(cache_key(f) for f in rendered)
    _state["pages"] += 1
    _state["formulas"] += len(every)
    output = replace_math(output, rendered | fresh)
    _state["seconds"] += time.perf_counter() - entered
    return output


def on_post_build(config: Any) -> None:
    """Stop Node, save the cache (this build's formulas, plus older ones while they are few)."""
    if not _state:
        return
    _state["renderer"].close()
    cache, used = _state["cache"], _state["used"]
    if len(cache) > 4 * max(len(used), 1):  # mostly formulas no page has any more
        cache = {key: cache[key] for key in used}
    if _state["node_formulas"] or len(cache) != len(_state["cache"]):
        path: Path = _state["cache_file"]
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in path.parent.glob("katex-*.json"):
            if old != path:
                old.unlink()  # another KaTeX version's HTML
        path.write_text(json.dumps(cache, sort_keys=True), encoding="utf-8")
    log.info(
        "katex: %d formulas in %d pages rendered at build time in %.2f s (KaTeX %s; %d new ones"
        " by Node in %.2f s, the rest from .cache/katex)",
        _state["formulas"],
        _state["pages"],
        _state["seconds"],
        _state["version"],
        _state["node_formulas"],
        _state["node_seconds"],
    )


def on_build_error(error: Exception) -> None:
    """Do not leave Node running when the build fails."""
    if _state.get("renderer") is not None:
        _state["renderer"].close()

"""hooks/katex.py: math rendered at build time, in the built site and in a tiny MkDocs project
(the cache, a TeX error failing a strict build, the browser fallback without Node)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import repo_files

REPO = Path(__file__).resolve().parents[2]
SITE = REPO / "site"
SCRIPT = "assets/build/katex-init.js"
needs_node = pytest.mark.skipif(
    shutil.which("node") is None or not (REPO / "web" / "node_modules" / "katex").is_dir(),
    reason="needs node and web/node_modules (make web)",
)
# Where TeX may legitimately stay as text: code, scripts, demo sources and KaTeX's own MathML
# annotation (the TeX source, without delimiters, for screen readers and copy).
NOT_PROSE = re.compile(r"<(pre|code|script|textarea|annotation)\b.*?</\1>", re.S)
WRAPPER = re.compile(r'<(span|div) class="arithmatex">(.{0,40})', re.S)


def _hook(name: str = "katex"):
    """A hook module of hooks/ (katex by default), loaded from its file."""
    return repo_files.load(f"hooks/{name}.py", f"_{name}_hook")


def _site_pages() -> list[Path]:
    return [
        path
        for path in sorted(SITE.rglob("*.html"))
        if path.relative_to(SITE).parts[0] not in {"pyodide", "wheels"}
    ]


# ---- the hook's functions ---------------------------------------------------------------


def test_formulas_are_found_unescaped_with_their_mode() -> None:
    page = (
        '<p><span class="arithmatex">\\(a &lt; b &amp; c\\)</span> and '
        '<div class="arithmatex">\\[\n\\frac{1}{2}\n\\]</div>'
        '<span class="arithmatex"><em>markup</em></span><span class="other">\\(x\\)</span></p>'
    )
    assert _hook().formulas(page) == [("a < b & c", False), ("\n\\frac{1}{2}\n", True)]


def test_replace_keeps_the_wrapper_and_leaves_unknown_formulas() -> None:
    hook = _hook()
    page = (
        '<span class="arithmatex" id="m">\\(x\\)</span>'
        '<div class="arithmatex">\\[y\\]</div><span class="arithmatex">\\(z\\)</span>'
    )
    out = hook.replace_math(page, {("x", False): "<X>", ("y", True): "<Y>"})
    assert out == (
        '<span class="arithmatex" id="m"><span><X></span></span>'
        '<div class="arithmatex"><span><Y></span></div><span class="arithmatex">\\(z\\)</span>'
    )


def test_mismatched_delimiters_are_not_math() -> None:
    assert _hook().parse("\\(x\\]") is None


# ---- the built site ----------------------------------------------------------------------

site_built = pytest.mark.skipif(
    not (SITE / "index.html").exists(), reason="needs the built site (make build)"
)


@site_built
def test_every_formula_of_the_site_is_prerendered() -> None:
    raw, unrendered, scripts, count = [], [], [], 0
    for path in _site_pages():
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(SITE).as_posix()
        for match in WRAPPER.finditer(text):
            count += 1
            if not match[2].startswith(
                ('<span><span class="katex">', '<span><span class="katex-display">')
            ):
                unrendered.append(f"{name}: {match[2]!r}")
        prose = NOT_PROSE.sub("", text)
        raw += [f"{name}: {m[0]!r}" for m in re.finditer(r"\\[(\[].{0,30}", prose)]
        if SCRIPT in text:
            scripts.append(name)
    assert count > 500, "the topic pages have hundreds of formulas"
    assert not unrendered, unrendered[:10]
    assert not raw, raw[:10]
    assert not scripts, f"pre-rendered pages still load {SCRIPT}: {scripts[:5]}"


@site_built
def test_math_in_admonitions_tables_and_docstrings_is_rendered() -> None:
    topic = (SITE / "topics" / "optimizers" / "index.html").read_text(encoding="utf-8")
    inside = {
        "admonition": r'<div class="admonition[^"]*">(?:(?!</div>).)*?class="katex"',
        "details": r"<details[^>]*>(?:(?!</details>).)*?class=\"katex\"",
        "table cell": r"<td[^>]*>(?:(?!</td>).)*?class=\"katex\"",
    }
    for where, pattern in inside.items():
        assert re.search(pattern, topic, re.S), f"no rendered math in a {where}"
    assert 'class="katex-mathml"' in topic  # MathML kept for screen readers
    reference = (SITE / "reference" / "optim" / "index.html").read_text(encoding="utf-8")
    assert reference.count('<span class="katex">') > 10  # mkdocstrings docstrings' $...$


@pytest.mark.parametrize(
    ("cell", "wrapped"),
    [
        (r"<p>weight $(1-\beta)\beta^k$ here</p>", r"\((1-\beta)\beta^k\)</span> here"),
        ("<p>$$a &lt; b$$</p>", r'<span class="arithmatex">\[a &lt; b\]</span>'),
        ("<p>a line\nbreak: $x\n+ y$</p>", r'<span class="arithmatex">\(x' + "\n+ y\\)"),
    ],
)
def test_notebook_dollar_math_gets_the_arithmatex_wrapper(cell: str, wrapped: str) -> None:
    assert wrapped in _hook("notebooks").wrap_dollar_math(cell)


@pytest.mark.parametrize(
    "cell",
    [
        "<p><code>$x$</code> and <pre>$$y$$</pre></p>",  # code stays as written
        "<p>costs $5 and $10</p>",  # money, not math
        "<p>$ x$ and $y $</p>",  # a space inside the dollars
        "<p>$x\n\ny$</p>",  # a blank line ends a paragraph's math
        r"<p>an escaped \$x$</p>",
    ],
)
def test_dollars_that_are_not_math_stay_text(cell: str) -> None:
    assert _hook("notebooks").wrap_dollar_math(cell) == cell


@site_built
def test_notebook_markdown_math_is_rendered() -> None:
    """mkdocs-jupyter leaves a Markdown cell's ``$...$`` as text (nbconvert expects MathJax from
    a CDN, which the site does not load): every notebook page shows it as KaTeX instead."""
    with_math = [
        demo
        for demo in sorted((REPO / "demos").glob("*.py"))
        if re.search(r"^# .*\$\S", demo.read_text(encoding="utf-8"), re.M)
    ]
    assert len(with_math) >= 5, with_math
    problems = []
    for demo in with_math:
        page = (SITE / "notebooks" / demo.stem / "index.html").read_text(encoding="utf-8")
        cells = "".join(re.findall(r'jp-RenderedMarkdown[^"]*"[^>]*>(.*?)</div>', page, re.S))
        left = re.findall(r"\$[^$\s<][^$<]{0,30}", NOT_PROSE.sub("", cells))
        if left or 'class="katex"' not in cells:
            problems.append(f"{demo.stem}: raw TeX {left[:3]}")
    assert not problems, problems


@site_built
def test_search_index_keeps_tex_not_katex_markup() -> None:
    text = (SITE / "search" / "search_index.json").read_text(encoding="utf-8")
    # KaTeX's markup (its class names, MathML), not the word: a page may talk about KaTeX
    markup = re.findall(r'class=\\?"katex|katex-(?:mathml|html|display)|<math\b', text)
    assert not markup, markup[:5]
    docs = json.loads(text)["docs"]
    optimizers = " ".join(d["text"] for d in docs if d["location"].startswith("topics/optimizers"))
    assert "\\beta" in optimizers  # the TeX source stays searchable


# ---- a tiny MkDocs project ---------------------------------------------------------------

PAGE = """\
# Home

Inline $a < b$ and $\\beta$.

$$
\\frac{1}{2}
$$

!!! note
    In a note: $x^2$.

| col |
| --- |
| $\\sqrt{y}$ |
"""


def _project(tmp_path: Path, page: str = PAGE, mode: str = "build") -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        "markdown_extensions:\n  - admonition\n  - tables\n"
        "  - pymdownx.arithmatex:\n      generic: true\n"
        f"extra:\n  deepnotes:\n    katex: {mode}\n"
        f"extra_javascript:\n  - {SCRIPT}\n  - other.js\n"
        f"hooks:\n  - {REPO / 'hooks' / 'katex.py'}\n"
    )
    return tmp_path


def _build(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **env},
    )


@needs_node
def test_tiny_site_is_prerendered_and_cached(tmp_path: Path) -> None:
    project = _project(tmp_path)
    first = _build(project, "--strict")
    assert first.returncode == 0, first.stderr
    assert "5 formulas in 1 pages" in first.stderr and "5 new ones by Node" in first.stderr
    page = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert SCRIPT not in page and "other.js" in page
    assert page.count('<span class="arithmatex"><span><span class="katex">') == 4
    assert page.count('<div class="arithmatex"><span><span class="katex-display">') == 1
    assert "\\(" not in NOT_PROSE.sub("", page)
    cache = json.loads(next((project / ".cache" / "katex").glob("katex-*.json")).read_text())
    assert set(cache) == {"Ta < b", "T\\beta", "D\n\\frac{1}{2}\n", "Tx^2", "T\\sqrt{y}"}

    again = _build(project, "--strict")
    assert again.returncode == 0, again.stderr
    assert "0 new ones by Node" in again.stderr
    unstamped = re.compile(r"<!--.*?-->", re.S)  # the theme's build date
    rebuilt = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert unstamped.sub("", rebuilt) == unstamped.sub("", page)


@needs_node
def test_a_tex_error_fails_a_strict_build(tmp_path: Path) -> None:
    project = _project(tmp_path, "# Home\n\nBroken: $\\frac{1}$.\n")
    result = _build(project, "--strict")
    assert result.returncode != 0
    assert "katex: index.md: KaTeX parse error" in result.stderr


def test_without_node_the_browser_renders_the_math(tmp_path: Path) -> None:
    project = _project(tmp_path)
    empty = tmp_path / "no-node"
    empty.mkdir()
    result = _build(project, PATH=str(empty))  # not --strict: the fallback is a warning
    assert result.returncode == 0, result.stderr
    assert "WARNING -  katex: node is not installed; the math is rendered in the browser" in (
        result.stderr
    )
    page = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert SCRIPT in page
    assert '<span class="arithmatex">\\(a &lt; b\\)</span>' in page
    assert 'class="katex' not in page


def test_client_mode_renders_in_the_browser_without_a_warning(tmp_path: Path) -> None:
    result = _build(_project(tmp_path, mode="client"), "--strict")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert SCRIPT in page and 'class="katex' not in page

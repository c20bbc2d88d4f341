"""MkDocs hook: every demo is also a notebook page, executed, with a download button.

For each ``demos/<name>.py`` (a jupytext "percent" script) this hook

1. converts it to a notebook with jupytext, adding a title cell that links back
   to the topic page that embeds the demo;
2. executes it cell by cell in one namespace, like a kernel would, through the
   same warmed-up, forking demo processes that pre-render the pages
   (``hooks/demos.py``, ``tools/demo_runner.py``, ``deepnotes.sandbox.run_code``):
   no Jupyter kernel to start per notebook, and a failing cell fails the build;
   the cells' outputs together are also cached as the demo's pre-rendered output
   on its page, so a cold build runs every demo once, not twice;
3. writes the executed ``docs/notebooks/<name>.ipynb`` plus an index page.

mkdocs-jupyter then renders those notebooks (``execute: false``: they are
already executed) with a download button for the ``.ipynb``. Executed
notebooks are cached in ``.cache/notebooks/`` under a key made of the demo's
source, the engine's sources and the library versions, so an incremental
build re-executes only what changed. ``docs/notebooks/`` is generated and
ignored by git.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import re
import shutil
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.notebooks")

ROOT = Path(__file__).resolve().parent.parent
DEMOS = ROOT / "demos"
ENGINE = ROOT / "src" / "deepnotes"
CACHE = ROOT / ".cache" / "notebooks"
DEMO_MARKER = re.compile(r"^\[\[demo ([A-Za-z0-9_]+)\]\]\s*$", re.MULTILINE)


def _engine_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(ENGINE.rglob("*.py")):
        digest.update(path.relative_to(ENGINE).as_posix().encode())
        digest.update(path.read_bytes())
    for package in ("numpy", "matplotlib", "jupytext"):
        digest.update(f"{package}={version(package)}".encode())
    return digest.hexdigest()


def _pages_embedding_demos(docs_dir: Path) -> dict[str, str]:
    """Map demo name -> the docs page (relative path) that embeds it first."""
    owners: dict[str, str] = {}
    for page in sorted(docs_dir.rglob("*.md")):
        if "notebooks" in page.relative_to(docs_dir).parts:
            continue
        for name in DEMO_MARKER.findall(page.read_text(encoding="utf-8")):
            owners.setdefault(name, page.relative_to(docs_dir).as_posix())
    return owners


def _title_of(source: str, name: str) -> str:
    """The demo's title: the first Markdown heading of its first cell (``# # Title``)."""
    match = re.search(r"^# #\s+(.+)$", source, re.MULTILINE)
    return match.group(1).strip() if match else name.replace("_", " ").capitalize()


def _demos_hook():
    """``hooks/demos.py``, whose pool of warmed-up demo processes runs the notebooks too."""
    spec = importlib.util.spec_from_file_location(
        "deepnotes_hooks_demos", ROOT / "hooks" / "demos.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _cell_outputs(result: dict) -> list:
    """nbformat outputs of one cell from ``deepnotes.sandbox.run_code``'s result."""
    import nbformat

    outputs = []
    if result["stdout"]:
        outputs.append(nbformat.v4.new_output("stream", name="stdout", text=result["stdout"]))
    for figure in result["figures"]:
        outputs.append(
            nbformat.v4.new_output(
                "display_data",
                data={"image/png": figure["png"], "text/plain": f"<Figure: {figure['alt']}>"},
                metadata={"image/png": {"width": figure["width"], "height": figure["height"]}},
            )
        )
    if result["notes"]:
        outputs.append(
            nbformat.v4.new_output("stream", name="stderr", text="\n".join(result["notes"]) + "\n")
        )
    return outputs


def _notebook_of(demo: Path, owner: str | None, results: list):
    """The demo as a notebook: a title, a note on where it comes from, executed cells."""
    import jupytext
    import nbformat

    source = demo.read_text(encoding="utf-8")
    notebook = jupytext.reads(source, fmt="py:percent")
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, (cell, result) in enumerate(zip(code_cells, results, strict=False), start=1):
        if result.get("crashed") or result.get("error"):
            raise PluginError(
                f"notebooks: demos/{demo.name}, code cell {number} failed:\n{result['error']}"
            )
        cell.outputs = _cell_outputs(result)
        cell.execution_count = number
    if len(results) != len(code_cells):
        raise PluginError(f"notebooks: demos/{demo.name} did not run all its code cells")
    page_url = "" if owner in (None, "index.md") else owner.removesuffix(".md") + "/"
    back = f"[the page that embeds it](../../{page_url})" if owner else "the site"
    has_title = bool(notebook.cells) and notebook.cells[0].source.lstrip().startswith("# ")
    intro = (
        ("" if has_title else f"# {_title_of(source, demo.stem)}\n\n")
        + f"This notebook is the demo `demos/{demo.stem}.py` from {back}, executed when the site "
        "was built. To run it yourself, install the project in a clone "
        "(`pip install -e '.[plots]'`) and open the notebook in Jupyter."
    )
    notebook.cells.insert(1 if has_title else 0, nbformat.v4.new_markdown_cell(intro))
    notebook.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return notebook


def _build_notebooks(
    demos: list[Path], owners: dict[str, str], fingerprint: str, config: Any
) -> list[Path]:
    """Executed notebooks for ``demos``, from the cache or run now (in parallel, cell by cell)."""
    import nbformat

    def cached_path(demo: Path) -> Path:
        key = f"{fingerprint}{owners.get(demo.stem, '')}{demo.read_text(encoding='utf-8')}"
        return CACHE / f"{demo.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.ipynb"

    todo = [demo for demo in demos if not cached_path(demo).exists()]
    if todo:
        sources = {demo: demo.read_text(encoding="utf-8") for demo in todo}
        jobs = [(demo.stem, source) for demo, source in sources.items()]
        demos_hook = _demos_hook()
        all_results = demos_hook.run_demos(jobs, cells=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        whole_runs = []  # the same runs are the demos' pre-rendered output (hooks/demos.py)
        for demo, results in zip(todo, all_results, strict=True):
            if isinstance(results, dict):  # the runner itself failed
                raise PluginError(f"notebooks: demos/{demo.name} failed:\n{results['error']}")
            notebook = _notebook_of(demo, owners.get(demo.stem), results)
            whole_runs.append((sources[demo], demos_hook.cells_as_one_run(results)))
            for stale in CACHE.glob(f"{demo.stem}-*.ipynb"):
                stale.unlink()
            nbformat.write(notebook, cached_path(demo))
        demos_hook.remember_runs(whole_runs, demos_hook.cache_dir_of(config))
    return [cached_path(demo) for demo in demos]


def _write_if_changed(path: Path, data: bytes) -> None:
    if path.exists() and path.read_bytes() == data:
        return  # keeps `mkdocs serve` from seeing a change and rebuilding forever
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def _render_cache_dir() -> Path:
    """Where mkdocs-jupyter caches rendered notebooks: its key is the notebook and its options,
    not the converter, so the folder names the versions that render and highlight (a new one
    starts empty)."""
    renderers = ("mkdocs-jupyter", "nbconvert", "pygments")
    versions = "-".join(f"{name}{version(name)}" for name in renderers)
    return ROOT / ".cache" / f"rendered-notebooks-{versions}"


def on_config(config, **kwargs):
    jupyter = config.plugins.get("mkdocs-jupyter")
    if jupyter is not None and jupyter.config.get("cache"):
        jupyter.config["cache_dir"] = str(_render_cache_dir())
    docs_dir = Path(config["docs_dir"])
    out_dir = docs_dir / "notebooks"
    demos = sorted(d for d in DEMOS.glob("*.py") if not d.name.startswith("_"))
    owners = _pages_embedding_demos(docs_dir)
    fingerprint = _engine_fingerprint()
    built = _build_notebooks(demos, owners, fingerprint, config)
    wanted = {f"{demo.stem}.ipynb" for demo in demos} | {"index.md"}
    for demo, notebook in zip(demos, built, strict=True):
        _write_if_changed(out_dir / f"{demo.stem}.ipynb", notebook.read_bytes())
    rows = []
    for demo in demos:
        owner = owners.get(demo.stem)
        page = f"[{owner.removesuffix('.md')}](../{owner})" if owner else "(not on a page)"
        title = _title_of(demo.read_text(encoding="utf-8"), demo.stem)
        rows.append(f"| [{title}]({demo.stem}.ipynb) | `{demo.stem}.py` | {page} |")
    index = (
        "# Notebooks\n\n"
        "Every demo on the site is also a Jupyter notebook, executed when the site was built. "
        "Open one to read it with its outputs, or download the `.ipynb` (the download button on "
        "each notebook page) and run it after `pip install -e '.[plots]'` in a clone.\n\n"
        "| Notebook | Demo source | Used on |\n|---|---|---|\n" + "\n".join(rows) + "\n"
    )
    _write_if_changed(out_dir / "index.md", index.encode())
    if out_dir.exists():
        for extra in out_dir.iterdir():
            if extra.name not in wanted:
                shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
    _expand_nav(config, [(_title_of(d.read_text(encoding="utf-8"), d.stem), d.stem) for d in demos])
    log.info("notebooks: %d demo notebooks ready in %s", len(demos), out_dir)
    return config


def _expand_nav(config, entries: list[tuple[str, str]]) -> None:
    """Turn the nav item ``Notebooks: notebooks/index.md`` into a section listing each one."""
    for i, item in enumerate(config["nav"] or []):
        if isinstance(item, dict) and item.get("Notebooks") == "notebooks/index.md":
            children = [{title: f"notebooks/{stem}.ipynb"} for title, stem in entries]
            config["nav"][i] = {"Notebooks": ["notebooks/index.md", *children]}
            return


_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)


# A notebook's rendered Markdown cell (nbconvert keeps its ``$...$`` math as text), and, inside
# it, code that must stay as written.
_MARKDOWN_CELL = re.compile(
    r'(<div class="jp-RenderedHTMLCommon jp-RenderedMarkdown[^"]*"[^>]*>)(.*?)(</div>)', re.S
)
_CODE = re.compile(r"(<(code|pre)\b.*?</\2>)", re.S)
_DISPLAY_MATH = re.compile(r"\$\$([^$<]+?)\$\$")
# Pandoc's rule: no space just inside the dollars, no digit right after the closing one
# ("costs $5 and $10" is not math); no blank line inside.
_INLINE_MATH = re.compile(r"(?<![\\$\w])\$(?=\S)((?:(?!\n\s*\n)[^$<])*?\S)\$(?![\w$])")


def wrap_dollar_math(cell_html: str) -> str:
    r"""Put the ``$...$`` and ``$$...$$`` math of a rendered Markdown cell in the arithmatex
    wrappers the Markdown pages have, so hooks/katex.py renders it like theirs (display math
    in a ``span`` too: it may sit inside a paragraph).

    Examples
    --------
    >>> print(wrap_dollar_math(r"<p>the weight $(1-\beta)\beta^k$ of a value</p>"))
    <p>the weight <span class="arithmatex">\((1-\beta)\beta^k\)</span> of a value</p>
    >>> print(wrap_dollar_math("<p><code>$x$</code> costs $5 and $10; $$a &lt; b$$</p>"))
    <p><code>$x$</code> costs $5 and $10; <span class="arithmatex">\[a &lt; b\]</span></p>
    """
    parts = _CODE.split(cell_html)
    out = []
    for i, part in enumerate(parts):
        kind = i % 3  # re.split with two groups: text, whole code element, tag name
        if kind == 2:
            continue
        if kind == 0:
            part = _DISPLAY_MATH.sub(r'<span class="arithmatex">\\[\1\\]</span>', part)
            part = _INLINE_MATH.sub(r'<span class="arithmatex">\\(\1\\)</span>', part)
        out.append(part)
    return "".join(out)


def on_post_page(output: str, page, config) -> str:
    """Notebook pages: drop the MathJax-from-a-CDN block nbconvert puts in, and hand the
    Markdown cells' ``$...$`` math to hooks/katex.py (which runs next) in arithmatex wrappers.

    The site renders math with its self-hosted KaTeX on every page, notebooks
    included, and loads nothing from a third-party origin.
    """
    if page.file.src_uri.startswith("notebooks/") and page.file.src_uri.endswith(".ipynb"):
        output = _MATHJAX.sub("", output)  # hooks/a11y.py makes the scrolling cells focusable
        return _MARKDOWN_CELL.sub(lambda m: m[1] + wrap_dollar_math(m[2]) + m[3], output)
    return output

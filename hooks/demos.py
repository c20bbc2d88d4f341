"""MkDocs hook: embed ``demos/NAME.py`` where a page has the paragraph ``[[demo NAME]]``.

Each marker becomes the pre-rendered demo block of the runtime contract::

    <div class="dn-demo" id="demo-NAME" data-demo="NAME" data-demo-version="<sha>">
      <div class="dn-demo__source"> pygments-highlighted source </div>
      <textarea class="dn-demo__original" hidden> exact source </textarea>
      <div class="dn-demo__output" aria-live="polite"> figures, printed text </div>
    </div>

The browser runner (web/src) turns it into an editor; without JavaScript the
page still shows the code and its output.

What the reader sees is what runs
    The shown, editable source is the demo file minus its leading jupytext
    YAML header (a block of ``# ---`` comment lines that only tools read); the
    ``# %%`` cell markers stay, they are ordinary comments. The build runs
    exactly that text, so line numbers in a traceback match the editor.

Pre-rendering
    Every demo referenced by some page is run once per build at ``on_files``,
    through :func:`deepnotes.sandbox.run_code` in its own process (isolation:
    a demo cannot change the build's state or the next demo's), two at a time:
    ``tools/demo_runner.py`` imports numpy/matplotlib once and forks a fresh
    child per demo, which saves ~1.5 s of imports per demo. A demo that
    fails fails the build (its traceback is shown); an unknown name fails it
    too, listing the demos that exist. Results are cached in
    ``.cache/demos/<key>.json`` where the key hashes the demo's source, every
    file of ``src/deepnotes`` (but the quiz), the numpy/matplotlib/Python
    versions and this hook's render version, so an unchanged demo costs
    nothing on the next build. The notebooks hook, which runs first and runs
    every demo cell by cell in one namespace, fills this cache with those runs
    (``remember_runs``), so in a cold build this hook usually finds them there.

Fast preview
    Any edit under ``src/deepnotes`` re-renders every demo. For a quick local
    preview, ``DEEPNOTES_SKIP_DEMOS=1 mkdocs serve`` shows the code without
    pre-rendered output; it logs a warning, so a ``--strict`` build refuses it.

Figures are written as separate files ``assets/demos/<name>-<i>-<hash>.png``
(mkdocs "generated" files; the hash of the PNG is in the name, so a changed
figure is never served stale) with alt text and width/height attributes;
pages stay light.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import logging
import os
import queue
import re
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

log = logging.getLogger("mkdocs.hooks.demos")

HOOK_REPO = Path(__file__).resolve().parent.parent
ENGINE_SRC = HOOK_REPO / "src"
RENDER_VERSION = "1"  # bump when the pre-render format changes, to invalidate the cache
MARKER_MD = re.compile(r"^[ \t]*\[\[demo[ \t]+([^\]\s]+)[ \t]*\]\][ \t]*$", re.MULTILINE)
MARKER_HTML = re.compile(r"<p>\[\[demo[ \t]+([^\]\s<]+)[ \t]*\]\]</p>")
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TIMEOUT_S = 300
SKIP_ENV = "DEEPNOTES_SKIP_DEMOS"  # =1: no pre-render (fast local preview; fails --strict)
CACHE_DAYS = 3  # cached results unused for this long are deleted
WORKERS = max(1, min(2, os.cpu_count() or 1))

# tools/demo_runner.py: a warmed-up interpreter that forks once per demo (see its docstring).
RUNNER = HOOK_REPO / "tools" / "demo_runner.py"
SANDBOX = ENGINE_SRC / "deepnotes" / "sandbox.py"

_state: dict[str, Any] = {"results": {}, "figures": {}}


def strip_jupytext_header(source: str) -> str:
    """Return ``source`` without a leading jupytext YAML header and trailing blank lines.

    Examples
    --------
    >>> strip_jupytext_header("# ---\\n# jupyter:\\n#   x: 1\\n# ---\\n\\n# %%\\nprint(1)\\n\\n")
    '# %%\\nprint(1)\\n'
    >>> strip_jupytext_header("print(1)")
    'print(1)\\n'
    """
    lines = source.splitlines()
    if lines and lines[0].strip() == "# ---":
        for end in range(1, len(lines)):
            if lines[end].strip() == "# ---":
                lines = lines[end + 1 :]
                break
            if not lines[end].startswith("#"):
                break
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def markers_in(markdown: str) -> list[str]:
    """Return the demo names of the ``[[demo NAME]]`` lines in ``markdown``, in order.

    Examples
    --------
    >>> markers_in("Text\\n\\n[[demo l2_lambda]]\\n\\n`[[demo not]]` inline\\n")
    ['l2_lambda']
    """
    return MARKER_MD.findall(markdown)


def _versions() -> str:
    parts = [f"python {sys.version.split()[0]}"]
    for dist in ("numpy", "matplotlib"):
        try:
            parts.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:  # pragma: no cover - both are build requirements
            parts.append(f"{dist} missing")
    return ", ".join(parts)


def _engine_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted((ENGINE_SRC / "deepnotes").rglob("*.py")):
        if "quiz" in path.relative_to(ENGINE_SRC).parts:
            continue  # the quiz never runs in a demo
        digest.update(path.relative_to(ENGINE_SRC).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def cache_key(source: str, engine_digest: str, versions: str) -> str:
    """sha256 of everything a pre-rendered output depends on."""
    blob = "\0".join([RENDER_VERSION, source, engine_digest, versions])
    return hashlib.sha256(blob.encode()).hexdigest()


def _runner_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ENGINE_SRC), env.get("PYTHONPATH")]))
    env.update(MPLBACKEND="agg", PYTHONHASHSEED="0", OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1")
    return env


class DemoProcess:
    """One ``tools/demo_runner.py`` server: imports once, forks a fresh child per demo."""

    def __init__(self) -> None:
        self.stderr = tempfile.TemporaryFile(mode="w+", encoding="utf-8")
        cmd = [sys.executable, str(RUNNER), "--sandbox", str(SANDBOX)]
        self.proc = subprocess.Popen(
            cmd,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self.stderr,
            text=True,
            env=_runner_env(),
        )
        self.ready = self._reply() is not None

    def _reply(self) -> dict[str, Any] | None:
        line = self.proc.stdout.readline() if self.proc.stdout else ""
        return json.loads(line) if line.strip() else None

    def _stderr_tail(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read()[-4000:]

    def run(self, name: str, source: str, cells: bool = False) -> dict[str, Any] | list:
        """Run one demo; on a crash the result is ``{"error": ..., "crashed": True}``.

        With ``cells`` the demo runs as a notebook and the result is a list of
        per-cell results (see ``tools/demo_runner.py``).
        """
        if not self.ready:
            return {
                "error": f"the demo runner did not start:\n{self._stderr_tail()}",
                "crashed": True,
            }
        with tempfile.TemporaryDirectory(prefix="dn-demo-") as tmp:
            source_path, out_path = Path(tmp, f"{name}.py"), Path(tmp, "result.json")
            source_path.write_text(source, encoding="utf-8")
            job = {
                "name": name,
                "source_path": str(source_path),
                "out_path": str(out_path),
                "cells": cells,
            }
            self.stderr.seek(0)
            self.stderr.truncate()
            self.proc.stdin.write(json.dumps({**job, "timeout": TIMEOUT_S}) + "\n")
            self.proc.stdin.flush()
            reply = self._reply()
            if reply is None or not reply["ok"] or not out_path.exists():
                why = reply["error"] if reply else "the demo runner exited"
                return {"error": f"{why}:\n{self._stderr_tail()}", "crashed": True}
            return json.loads(out_path.read_text(encoding="utf-8"))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - the server exits on EOF
            self.proc.kill()
        if self.proc.stdout:
            self.proc.stdout.close()
        self.stderr.close()


def _run_demo_once(name: str, source: str) -> dict[str, Any]:
    """Without ``os.fork``: one fresh interpreter for this demo."""
    with tempfile.TemporaryDirectory(prefix="dn-demo-") as tmp:
        source_path, out_path = Path(tmp, f"{name}.py"), Path(tmp, "result.json")
        source_path.write_text(source, encoding="utf-8")
        cmd = [sys.executable, str(RUNNER), "--sandbox", str(SANDBOX), "--once", name]
        try:
            proc = subprocess.run(
                [*cmd, str(source_path), str(out_path)],
                env=_runner_env(),
                capture_output=True,
                text=True,
                timeout=TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"error": f"the demo did not finish within {TIMEOUT_S} s", "crashed": True}
        if proc.returncode != 0 or not out_path.exists():
            return {
                "error": f"the demo runner crashed (exit {proc.returncode}):\n{proc.stderr}",
                "crashed": True,
            }
        return json.loads(out_path.read_text(encoding="utf-8"))


def run_demos(jobs: list[tuple[str, str]], *, cells: bool = False) -> list[Any]:
    """Run ``(name, source)`` jobs, ``WORKERS`` at a time, each demo in its own process.

    ``cells=True`` runs each demo as a notebook, cell by cell (``hooks/notebooks.py``).
    """
    if not hasattr(os, "fork"):  # pragma: no cover - Windows
        if cells:
            raise RuntimeError("running demos cell by cell needs os.fork (Linux or macOS)")
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(lambda job: _run_demo_once(*job), jobs))
    idle: queue.SimpleQueue[DemoProcess] = queue.SimpleQueue()
    started: list[DemoProcess] = []
    lock = threading.Lock()

    def run(job: tuple[str, str]) -> dict[str, Any]:
        try:
            server = idle.get_nowait()
        except queue.Empty:
            server = DemoProcess()
            with lock:
                started.append(server)
        try:
            return server.run(*job, cells=cells)
        finally:
            idle.put(server)

    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            return list(pool.map(run, jobs))
    finally:
        for server in started:
            server.close()


def cells_as_one_run(cells: list[dict[str, Any]]) -> dict[str, Any]:
    """The result of running a demo whole, from the results of running it cell by cell.

    The cells ran in order in one namespace (``hooks/notebooks.py``), so together they
    printed what the whole script prints and drew the same figures in the same order.
    """
    return {
        "stdout": "".join(cell["stdout"] for cell in cells),
        "figures": [figure for cell in cells for figure in cell["figures"]],
        "error": None,
        "truncated": any(cell.get("truncated") for cell in cells),
        "notes": [note for cell in cells for note in cell.get("notes", [])],
    }


def cache_dir_of(config: Any) -> Path:
    """Where the pre-rendered results of a build with this MkDocs ``config`` are cached."""
    return Path(config.config_file_path).resolve().parent / ".cache" / "demos"


def remember_runs(runs: list[tuple[str, dict[str, Any]]], cache_dir: Path) -> None:
    """Cache each ``(source, result)`` as the pre-rendered output of the demo ``source`` (the
    file's text): the notebooks hook runs every demo cell by cell before this hook would run
    it whole, so a cold build runs each demo once instead of twice."""
    engine, versions = _engine_digest(), _versions()
    for source, result in runs:
        shown = strip_jupytext_header(source)
        cached = cache_dir / f"{cache_key(shown, engine, versions)}.json"
        if not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(result), encoding="utf-8")


def prune_cache(cache_dir: Path, max_age_days: float = CACHE_DAYS) -> int:
    """Delete cached results unused for ``max_age_days`` (an edited engine leaves many behind)."""
    cutoff = time.time() - max_age_days * 86400
    removed = 0
    for path in cache_dir.glob("*.json"):
        if path.stat().st_mtime < cutoff:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def render_demos(
    names: dict[str, list[str]], demos_dir: Path, cache_dir: Path
) -> dict[str, dict[str, Any]]:
    """Pre-render the demos ``names`` (name -> pages using it); return name -> result.

    Raises :class:`PluginError` for an unknown name or a demo that fails.
    """
    available = sorted(p.stem for p in demos_dir.glob("*.py")) if demos_dir.is_dir() else []
    for name, pages in sorted(names.items()):
        if name not in available or not NAME.match(name):
            raise PluginError(
                f"[[demo {name}]] on {', '.join(sorted(pages))}: there is no demos/{name}.py. "
                f"Available demos: {', '.join(available) or '(none)'}"
            )
    if os.environ.get(SKIP_ENV) == "1":
        log.warning("demos: %s=1, demo outputs are NOT pre-rendered (local preview only)", SKIP_ENV)
        return {
            name: {
                "source": strip_jupytext_header((demos_dir / f"{name}.py").read_text("utf-8")),
                "stdout": "",
                "figures": [],
                "notes": ["Output not pre-rendered in this preview build: press Run."],
            }
            for name in names
        }
    engine, versions = _engine_digest(), _versions()
    cache_dir.mkdir(parents=True, exist_ok=True)
    prune_cache(cache_dir)
    results: dict[str, dict[str, Any]] = {}
    todo: list[tuple[str, str, Path]] = []
    for name in sorted(names):
        source = strip_jupytext_header((demos_dir / f"{name}.py").read_text(encoding="utf-8"))
        cached = cache_dir / f"{cache_key(source, engine, versions)}.json"
        if cached.exists():
            results[name] = {**json.loads(cached.read_text(encoding="utf-8")), "source": source}
            os.utime(cached)  # still in use: keep it out of the pruning below
        else:
            todo.append((name, source, cached))
    if todo:
        start = time.perf_counter()
        outcomes = run_demos([(name, source) for name, source, _ in todo])
        failures = []
        for (name, source, cached), result in zip(todo, outcomes, strict=True):
            if result.get("error"):
                failures.append(
                    f"demos/{name}.py (used on {', '.join(sorted(names[name]))}) failed:\n"
                    f"{result['error']}"
                )
                continue
            cached.write_text(json.dumps(result), encoding="utf-8")
            results[name] = {**result, "source": source}
        if failures:
            raise PluginError("A demo failed at build time.\n" + "\n\n".join(failures))
        log.info(
            "demos: ran %d demo(s) in %.1f s (%d from cache)",
            len(todo),
            time.perf_counter() - start,
            len(names) - len(todo),
        )
    return results


def _figure_files(name: str, result: dict[str, Any]) -> list[tuple[str, bytes, dict[str, Any]]]:
    out = []
    for i, figure in enumerate(result["figures"], start=1):
        png = base64.b64decode(figure["png"])
        digest = hashlib.sha256(png).hexdigest()[:12]
        out.append((f"assets/demos/{name}-{i}-{digest}.png", png, figure))
    return out


def demo_html(name: str, result: dict[str, Any], image_urls: list[str], element_id: str) -> str:
    """Return the demo block for ``name`` (every text escaped; images by URL)."""
    source = result["source"]
    version_sha = hashlib.sha256(source.encode()).hexdigest()[:12]
    code = highlight(source, PythonLexer(), HtmlFormatter(wrapcode=True, nowrap=False))
    parts = [
        # --dn-lines: demo.css keeps the editor's room while the runner has not built it yet.
        f'<div class="dn-demo" id="{html.escape(element_id)}" data-demo="{html.escape(name)}" '
        f'data-demo-version="{version_sha}" style="--dn-lines: {len(source.splitlines())}">',
        f'<div class="dn-demo__source"><div class="language-python highlight">'
        f"{_strip_outer_div(code)}</div></div>",
        # One newline after <textarea>: HTML drops it, so a leading newline of the source survives.
        f'<textarea class="dn-demo__original" hidden>\n{html.escape(source)}</textarea>',
        '<div class="dn-demo__output" aria-live="polite">',
    ]
    for url, figure in zip(image_urls, result["figures"], strict=True):
        parts.append(
            f'<figure class="dn-figure"><img src="{html.escape(url)}" '
            f'alt="{html.escape(figure["alt"])}" width="{int(figure["width"])}" '
            f'height="{int(figure["height"])}" loading="lazy" decoding="async"></figure>'
        )
    if result["stdout"]:  # the same markup as web/src/output.js renders after a run
        parts.append(
            '<pre class="dn-demo__stdout" tabindex="0" aria-label="Printed output"><code>'
            f"{html.escape(result['stdout'])}</code></pre>"
        )
    for note in result.get("notes", []):
        parts.append(f'<p class="dn-demo__note">{html.escape(note)}</p>')
    if not result["figures"] and not result["stdout"] and not result.get("notes"):
        parts.append('<p class="dn-demo__note">The code ran and produced no output.</p>')
    parts.append("</div></div>")
    return "\n".join(parts)


def _strip_outer_div(code: str) -> str:
    """Pygments wraps in ``<div class="highlight">``; we supply Material's own wrapper."""
    code = code.strip()
    if code.startswith('<div class="highlight">') and code.endswith("</div>"):
        return code[len('<div class="highlight">') : -len("</div>")]
    return code  # pragma: no cover - pygments always wraps with nowrap=False


# ---- MkDocs events ---------------------------------------------------------------------


@event_priority(50)  # before plugins that index the files (htmlproofer checks every image link)
def on_files(files: Files, config: Any) -> Files:
    """Find every marker, pre-render those demos, add their figures as site files."""
    config_dir = Path(config.config_file_path).resolve().parent
    names: dict[str, list[str]] = {}
    for file in files.documentation_pages():
        for name in markers_in(file.content_string):
            names.setdefault(name, []).append(file.src_uri)
    results = render_demos(names, config_dir / "demos", cache_dir_of(config))
    figures: dict[str, list[File]] = {}
    for name, result in results.items():
        figures[name] = []
        for src_uri, png, _figure in _figure_files(name, result):
            generated = File.generated(config, src_uri, content=png)
            files.append(generated)
            figures[name].append(generated)
    _state["results"], _state["figures"] = results, figures
    return files


def on_page_content(html_text: str, page: Any, config: Any, files: Files) -> str:
    """Replace each ``<p>[[demo NAME]]</p>`` with the pre-rendered demo block."""
    used: dict[str, int] = {}

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        result = _state["results"].get(name)
        if result is None:  # a marker on_files could not see in the Markdown source
            raise PluginError(
                f"{page.file.src_uri}: [[demo {name}]] was not pre-rendered; write the marker "
                f"as a line of its own in the page's Markdown. Rendered demos: "
                f"{', '.join(sorted(_state['results'])) or '(none)'}"
            )
        used[name] = used.get(name, 0) + 1
        element_id = f"demo-{name}" + (f"-{used[name]}" if used[name] > 1 else "")
        urls = [f.url_relative_to(page.file) for f in _state["figures"][name]]
        return demo_html(name, result, urls, element_id)

    html_text = MARKER_HTML.sub(replace, html_text)
    leftover = re.sub(r"<(pre|code)\b.*?</\1>", "", html_text, flags=re.DOTALL)
    if "[[demo" in leftover:
        raise PluginError(
            f"{page.file.src_uri}: a [[demo NAME]] marker must be a paragraph of its own "
            "(alone on its line, with blank lines around it)"
        )
    return html_text


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild on `mkdocs serve` when a demo or the engine changes."""
    config_dir = Path(config.config_file_path).resolve().parent
    for path in (config_dir / "demos", ENGINE_SRC / "deepnotes"):
        if path.is_dir():
            server.watch(str(path))
    return server

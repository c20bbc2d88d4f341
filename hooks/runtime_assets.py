"""MkDocs hook: ship the Python runtime with the site and tell every page where it is.

On each build:

1. **Engine wheel** - ``tools/engine_wheel.py`` builds the pure-Python
   ``deepnotes`` wheel (``pip wheel --no-deps``; ``pyodide build`` is not needed
   for a ``py3-none-any`` wheel and fails offline), cached by a hash of ``src/``
   and ``pyproject.toml``. It is copied to
   ``site/wheels/<hash>/deepnotes-<version>-py3-none-any.whl``: the hash in the
   path means a browser never runs a stale engine. The site's wheel also carries the
   engine's bytecode for this Pyodide's Python (``build_engine_wheel(pyodide_dist=...)``).
2. **Pyodide** - with ``extra.deepnotes.pyodide_source: self`` (the default) the
   verified copy in ``.cache/pyodide/<version>/`` (assembled by
   ``tools/pyodide_dist.py`` if missing) is put in ``site/pyodide/<version>-<key>/``, the key
   a hash of its files (``pyodide_dist.content_key``): the files are served as immutable.
   Files are hard-linked from the cache when possible (else copied) and skipped
   when already identical, so ``mkdocs serve`` rebuilds stay fast.
3. **Runtime meta** - every page gets
   ``<meta name="deepnotes-runtime" content="{json}">`` with ``pyodide`` (the
   directory URL, relative to the page; the runner resolves it against the page
   URL), ``wheel``, ``worker`` (``assets/build/worker.js?v=<hash of the file>``),
   ``version`` (the engine's), ``pyodide_version`` and ``pyodide_source``.
4. **matplotlib's font cache** - ``tools/font_cache.py`` builds it once per Pyodide
   version (in Pyodide under Node); it goes to ``site/runtime/<hash>/fontlist-v<N>.json``
   and the meta's ``fontlist``. The worker writes it into matplotlib's cache directory
   before the first import, so no page load spends seconds building it. Without Node the
   build goes on without it (matplotlib then builds the cache in the browser).
5. **CDN mode** - ``pyodide_source: cdn`` points ``pyodide`` at
   ``https://cdn.jsdelivr.net/pyodide/v<version>/full/`` and adds
   ``integrity: {"pyodide.mjs": "sha384-..."}``, computed from the npm copy of the
   same version (the CDN serves the same release build); a runner that fetches
   ``pyodide.mjs`` itself can check it with SubtleCrypto before importing it.
   Nothing of Pyodide is copied into the site then; the wheel still is.
6. **Cross-origin isolation** - with ``extra.deepnotes.isolate_with_service_worker: true``
   (the default) the meta's ``serviceWorker`` names the site's ``sw.js`` (hooks/offline.py): a
   page that its host did not make cross-origin isolated registers it and loads once more
   through it, with COOP/COEP headers (web/src/isolation.js). ``false`` leaves isolation to
   the host's headers.
"""

from __future__ import annotations

import hashlib
import html
import importlib.util
import json
import logging
import os
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

log = logging.getLogger("mkdocs.hooks.runtime_assets")

HOOK_REPO = Path(__file__).resolve().parent.parent
CDN = "https://cdn.jsdelivr.net/pyodide/v{version}/full/"
WORKER_URI = "assets/build/worker.js"
EARLY_URI = "assets/build/early.js"

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


def _options(config: Any) -> dict[str, Any]:
    extra = (config.extra or {}).get("deepnotes", {}) or {}
    source = extra.get("pyodide_source", "self")
    if source not in {"self", "cdn"}:
        raise PluginError(f"extra.deepnotes.pyodide_source must be 'self' or 'cdn'; got {source!r}")
    isolate = extra.get("isolate_with_service_worker", True)
    if not isinstance(isolate, bool):
        raise PluginError(
            f"extra.deepnotes.isolate_with_service_worker must be true or false; got {isolate!r}"
        )
    pyodide = _tool("pyodide_dist")
    version = str(extra.get("pyodide_version", pyodide.PYODIDE_VERSION))
    return {"source": source, "version": version, "isolate": isolate}


def link_or_copy(src: Path, dest: Path) -> bool:
    """Put ``src`` at ``dest`` (hard link, else copy); skip if already the same. True if written.

    Examples
    --------
    >>> import tempfile
    >>> tmp = Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a").write_text("x")
    >>> link_or_copy(tmp / "a", tmp / "b" / "c"), link_or_copy(tmp / "a", tmp / "b" / "c")
    (True, False)
    """
    if dest.exists():
        s, d = src.stat(), dest.stat()
        if (s.st_ino == d.st_ino and s.st_dev == d.st_dev) or (
            s.st_size == d.st_size and s.st_mtime_ns == d.st_mtime_ns
        ):
            return False
        dest.unlink()
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:
        shutil.copy2(src, dest)
    return True


def relative_url(url: str, page_url: str) -> str:
    """``url`` (site-relative, may carry a ``?query``; absolute URLs unchanged) as seen from
    the page at ``page_url``.

    >>> relative_url("assets/w.js?v=1", "topics/x/"), relative_url("pyodide/", "")
    ('../../assets/w.js?v=1', 'pyodide/')
    """
    if "://" in url:
        return url
    path, _, query = url.partition("?")
    out = get_relative_url(path, page_url)
    if path.endswith("/") and not out.endswith("/"):
        out += "/"
    return out + (f"?{query}" if query else "")


def runtime_meta(page_url: str, state: dict[str, Any]) -> str:
    """Return the ``<meta name="deepnotes-runtime">`` tag for a page at ``page_url``.

    Examples
    --------
    >>> state = {"pyodide": "pyodide/0.27.7/", "wheel": "wheels/ab/d.whl", "worker": "w.js?v=1",
    ...          "service_worker": "sw.js"}
    >>> print(runtime_meta("topics/optimizers/", state).replace("&quot;", "'"))
    <meta name="deepnotes-runtime" content="{'pyodide': '../../pyodide/0.27.7/',
    'wheel': '../../wheels/ab/d.whl', 'worker': '../../w.js?v=1',
    'serviceWorker': '../../sw.js'}">
    """

    def rel(url: str) -> str:
        return relative_url(url, page_url)

    data = {"pyodide": rel(state["pyodide"]), "wheel": rel(state["wheel"])}
    if state.get("fontlist"):
        data["fontlist"] = rel(state["fontlist"])
    if state.get("worker"):
        data["worker"] = rel(state["worker"])
    if state.get("service_worker"):
        data["serviceWorker"] = rel(state["service_worker"])
    data.update(state.get("extra", {}))
    return f'<meta name="deepnotes-runtime" content="{html.escape(json.dumps(data))}">'


# ---- MkDocs events ---------------------------------------------------------------------


def on_pre_build(config: Any) -> None:
    """Make sure the Pyodide copy and the engine wheel exist (both cached)."""
    options = _options(config)
    pyodide = _tool("pyodide_dist")
    engine = _tool("engine_wheel")
    try:
        dist = pyodide.ensure_dist(options["version"])
    except pyodide.DistError as exc:
        raise PluginError(f"Pyodide could not be prepared: {exc}") from exc
    try:
        wheel = engine.build_engine_wheel(pyodide_dist=dist)
    except engine.WheelError as exc:
        raise PluginError(str(exc)) from exc
    key = wheel.parent.name
    fontlist_file, fontlist = _font_cache(dist)
    extra: dict[str, Any] = {
        "version": wheel.name.split("-")[1],  # deepnotes-<version>-py3-none-any.whl
        "pyodide_version": options["version"],
        "pyodide_source": options["source"],
    }
    if options["source"] == "cdn":
        pyodide_url = CDN.format(version=options["version"])
        extra["integrity"] = {"pyodide.mjs": pyodide.sri_hash((dist / "pyodide.mjs").read_bytes())}
    else:
        pyodide_url = f"pyodide/{options['version']}-{pyodide.content_key(dist)}/"
    _state.clear()
    _state.update(
        dist=dist,
        wheel_file=wheel,
        wheel=f"wheels/{key}/{wheel.name}",
        pyodide=pyodide_url,
        fontlist_file=fontlist_file,
        fontlist=fontlist,
        worker=None,
        service_worker="sw.js" if options["isolate"] else None,
        extra=extra,
    )


def _font_cache(dist: Path) -> tuple[Path | None, str | None]:
    """matplotlib's font cache for this Pyodide and its site URL (content-hashed), or Nones."""
    fonts = _tool("font_cache")
    try:
        path = fonts.ensure_font_cache(dist)
    except fonts.FontCacheError as exc:
        log.warning("runtime_assets: no matplotlib font cache (%s); pages work without it", exc)
        return None, None
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    return path, f"runtime/{digest}/{path.name}"


def on_files(files: Files, config: Any) -> Files:
    """Find the worker and early-start bundles (built by hooks/web_bundle.py) to version their
    URLs."""
    for key, uri in (("worker", WORKER_URI), ("early", EARLY_URI)):
        bundle = files.get_file_from_path(uri)
        if bundle is not None:
            digest = hashlib.sha256(bundle.content_bytes).hexdigest()[:12]
            _state[key] = f"{uri}?v={digest}"
        else:
            _state.pop(key, None)
            log.info("runtime_assets: no %s in docs/ (web bundle not built)", uri)
    return files


def early_script(page_url: str, state: dict[str, Any]) -> str:
    """The ``<script async>`` that starts Python while a page with demos is parsed (early.js).

    >>> early_script("topics/optimizers/", {"early": "assets/build/early.js?v=1"})
    '<script src="../../assets/build/early.js?v=1" async></script>'
    >>> early_script("", {})
    ''
    """
    if "early" not in state:
        return ""
    return f'<script src="{html.escape(relative_url(state["early"], page_url))}" async></script>'


def on_post_page(output: str, page: Any, config: Any) -> str:
    """Add the runtime meta tag to the page's <head> and, on pages with demos, early.js after
    it (it reads the meta)."""
    if page.file.src_uri == "404.md" or not _state:
        return output  # served at any depth: relative URLs would be wrong there
    head = runtime_meta(page.url, _state) + "\n"
    if 'class="dn-demo"' in output:
        head += early_script(page.url, _state) + "\n"
    head_end = output.find("</head>")
    if head_end == -1:
        return output
    return output[:head_end] + head + output[head_end:]


def on_post_build(config: Any) -> None:
    """Put the engine wheel and (self-hosted mode) Pyodide into the site."""
    site = Path(config.site_dir)
    written = int(link_or_copy(_state["wheel_file"], site / _state["wheel"]))
    if _state.get("fontlist"):
        written += link_or_copy(_state["fontlist_file"], site / _state["fontlist"])
    if _state["extra"]["pyodide_source"] == "self":
        dist: Path = _state["dist"]
        target = site / _state["pyodide"]
        for path in sorted(dist.iterdir()):
            if path.is_file() and not path.name.startswith("."):
                written += link_or_copy(path, target / path.name)
    log.info("runtime_assets: %d runtime file(s) written into the site", written)

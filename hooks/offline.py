"""MkDocs hook: the offline pack - ``offline-manifest.json`` and the service worker ``sw.js``.

After the build (this hook runs last, once the Pyodide copy and the engine wheel are in
``site/``) it lists every file a reader needs offline - Pyodide, the engine wheel, every page,
asset and figure - with its size, and writes at the site root:

* ``offline-manifest.json``: ``{"build": <hash>, "bytes": total, "parts": {"runtime": ...,
  "engine": ..., "pages": ...}, "files": [{"url", "bytes"}, ...]}``; the page shows the
  download size from it before anything is downloaded ("Use offline" in the footer,
  web/src/offline.js);
* ``sw.js``: ``web/offline/sw.js`` with the build hash filled in. Its cache is named after the
  hash, so a new build installs a new worker that replaces the pack (no stale engine).

The build hash covers the content of every listed file. Pages are listed by their directory URL
(``topics/optimizers/``), the URL a reader navigates to.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger("mkdocs.hooks.offline")

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "web" / "offline" / "sw.js"
SKIP_NAMES = {"sw.js", "offline-manifest.json", "sitemap.xml.gz"}
SKIP_SUFFIXES = (".map", ".LEGAL.txt", ".ipynb")  # notebooks: downloads, not needed offline


def pack_files(site: Path) -> list[tuple[str, Path]]:
    """``(url relative to the site root, path)`` of every file of the offline pack, sorted.

    Examples
    --------
    >>> import tempfile
    >>> site = Path(tempfile.mkdtemp())
    >>> for name in ["index.html", "a/index.html", "a/x.png", "sw.js", "b/c.js.map"]:
    ...     (site / name).parent.mkdir(parents=True, exist_ok=True)
    ...     _ = (site / name).write_text("x")
    >>> [url for url, _ in pack_files(site)]
    ['', 'a/', 'a/x.png']
    """
    out = []
    for path in sorted(site.rglob("*")):
        if not path.is_file() or path.name in SKIP_NAMES or path.name.endswith(SKIP_SUFFIXES):
            continue
        rel = path.relative_to(site).as_posix()
        if rel.startswith("."):
            continue
        if path.name == "index.html":
            rel = rel[: -len("index.html")]
        out.append((rel, path))
    return sorted(out)


def manifest(site: Path) -> dict[str, Any]:
    """The offline manifest of ``site`` (see the module docstring)."""
    digest = hashlib.sha256()
    files = []
    parts = {"runtime": 0, "engine": 0, "pages": 0}
    for url, path in pack_files(site):
        data = path.read_bytes()
        digest.update(url.encode() + b"\0" + hashlib.sha256(data).digest())
        files.append({"url": url, "bytes": len(data)})
        part = (
            "runtime"
            if url.startswith("pyodide/")
            else "engine"
            if url.startswith("wheels/")
            else "pages"
        )
        parts[part] += len(data)
    return {
        "build": digest.hexdigest()[:16],
        "bytes": sum(parts.values()),
        "parts": parts,
        "files": files,
    }


def on_post_build(config: Any) -> None:
    """Write ``offline-manifest.json`` and ``sw.js`` into the site."""
    site = Path(config.site_dir)
    data = manifest(site)
    (site / "offline-manifest.json").write_text(json.dumps(data), encoding="utf-8")
    worker = TEMPLATE.read_text(encoding="utf-8").replace("__DEEPNOTES_BUILD__", data["build"])
    (site / "sw.js").write_text(worker, encoding="utf-8")
    log.info(
        "offline: pack of %d files, %.1f MB (build %s)",
        len(data["files"]),
        data["bytes"] / 1e6,
        data["build"],
    )

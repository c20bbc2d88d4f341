"""MkDocs hook: build the browser bundle (``npm run build`` in ``web/``) when it is stale.

The demo runner, the Pyodide worker and the self-hosted KaTeX live in ``web/src/`` and are
bundled by esbuild (``web/build.mjs``) into ``docs/assets/build/`` (ignored by git), which
``mkdocs.yml`` lists under ``extra_javascript`` / ``extra_css``. Before every build this hook
compares a hash of the bundle's inputs (``web/build.mjs``, ``web/package-lock.json`` and every
file under ``web/src/``) with the one ``build.mjs`` wrote into ``docs/assets/build/stamp.json``,
and rebuilds only when they differ, so ``mkdocs serve`` does not loop on its own output.
``mkdocs serve`` also watches ``web/src/`` so editing the runner rebuilds the site.

Cross-origin isolation on static hosts is the site's own service worker's job (``sw.js``,
hooks/offline.py and web/src/isolation.js; one service worker per scope).
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import subprocess
from pathlib import Path

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.hooks.web_bundle")

ROOT = Path(__file__).resolve().parent.parent
WEB = ROOT / "web"
REQUIRED = ("runner.js", "early.js", "worker.js", "katex-init.js", "katex/katex.min.css")


def _files_under(directory: Path) -> list[str]:
    """Files under ``directory`` relative to ``web/``, in the order ``build.mjs`` hashes them."""
    files: list[str] = []
    for entry in sorted(p.name for p in directory.iterdir()):
        path = directory / entry
        if path.is_dir():
            files.extend(_files_under(path))
        else:
            files.append(path.relative_to(WEB).as_posix())
    return files


def inputs_hash() -> str:
    """sha256 over the bundle's inputs, computed exactly like ``inputsHash`` in web/build.mjs."""
    digest = hashlib.sha256()
    for name in ["build.mjs", "package-lock.json", *_files_under(WEB / "src")]:
        digest.update(name.encode())
        digest.update(b"\0")
        digest.update((WEB / name).read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _is_fresh(out_dir: Path) -> bool:
    try:
        stamp = json.loads((out_dir / "stamp.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not all((out_dir / name).is_file() for name in REQUIRED):
        return False
    return stamp.get("inputs") == inputs_hash()


def on_pre_build(config, **kwargs) -> None:
    out_dir = Path(config["docs_dir"]) / "assets" / "build"
    if _is_fresh(out_dir):
        return
    if not (WEB / "node_modules").is_dir():
        raise PluginError(
            "web/node_modules is missing, so the demo runner cannot be bundled: run `make web` "
            "(npm ci in web/) first."
        )
    npm = shutil.which("npm")
    if npm is None:
        raise PluginError("npm is not installed; it is needed to bundle the demo runner (web/).")
    log.info("Bundling the demo runner (npm run build in web/)")
    done = subprocess.run(
        [npm, "run", "--silent", "build", "--", "--outdir", str(out_dir)],
        cwd=WEB,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise PluginError(f"npm run build failed in web/:\n{done.stdout}\n{done.stderr}")
    if not _is_fresh(out_dir):
        raise PluginError("npm run build finished but docs/assets/build/stamp.json is not fresh")


def on_serve(server, config, builder, **kwargs):
    server.watch(str(WEB / "src"))
    server.watch(str(WEB / "build.mjs"))
    return server

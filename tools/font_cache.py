"""matplotlib's font cache for Pyodide, built once (in Pyodide under Node) and shipped.

A fresh Pyodide builds matplotlib's font list the first time pyplot is imported: seconds of
reading the ~40 bundled fonts on every page load. ``tools/font_cache.mjs`` builds it once per
Pyodide version; the site ships the file and the worker writes it into matplotlib's cache
directory before the first import (``web/src/worker.js``).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "tools" / "font_cache.mjs"


class FontCacheError(RuntimeError):
    """The font cache could not be built (no Node, or Pyodide failed)."""


def ensure_font_cache(dist: Path) -> Path:
    """Return the cached ``fontlist-v<N>.json`` for the Pyodide in ``dist``, building it if
    needed (cached next to ``dist``, as ``<dist>.fontlist/<name>``)."""
    cache = dist.parent / f"{dist.name}.fontlist"
    found = sorted(cache.glob("fontlist-v*.json"))
    if found:
        return found[-1]
    node = shutil.which("node")
    if node is None:
        raise FontCacheError("node is not installed: the matplotlib font cache needs it")
    cache.mkdir(parents=True, exist_ok=True)
    raw = cache / "result.json"
    proc = subprocess.run(
        [node, str(SCRIPT), str(dist), str(raw)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0 or not raw.is_file():
        raise FontCacheError(f"font_cache.mjs failed:\n{(proc.stdout + proc.stderr)[-2000:]}")
    result = json.loads(raw.read_text(encoding="utf-8"))
    raw.unlink()
    if not result.get("fonts"):
        raise FontCacheError("font_cache.mjs found no fonts")
    path = cache / result["name"]
    path.write_text(result["text"], encoding="utf-8")
    return path

"""Build the pure-Python ``deepnotes`` wheel that the browser's Pyodide installs by URL.

Used by ``hooks/runtime_assets.py`` (the site ships the wheel) and by the
Pyodide tests (``tests/pyodide/``), so both install the very same file.

Why plain ``pip wheel`` and not ``pyodide build``
    The engine is pure Python, so its ``py3-none-any`` wheel loads in Pyodide
    as is; no cross-compilation is needed. ``pyodide build`` (pyodide-build)
    first downloads a cross-build environment and fails offline, so it is not
    used. ``pip wheel --no-deps`` runs with build isolation (it fetches the
    ``hatchling`` backend from PyPI once into pip's cache): the machine's own
    setuptools is old and ``--no-build-isolation`` fails.

The wheel is cached in ``.cache/wheels/<hash>/`` where ``hash`` covers every
file under ``src/`` and ``pyproject.toml``: the same sources never rebuild,
and the hash goes into the site URL so a browser never runs a stale engine.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "wheels"


class WheelError(RuntimeError):
    """The engine wheel could not be built."""


def sources_hash(repo: Path = REPO) -> str:
    """Return a short sha256 over ``src/**`` (no caches) and ``pyproject.toml``.

    Examples
    --------
    >>> len(sources_hash())
    16
    """
    digest = hashlib.sha256()
    files = [p for p in (repo / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    for path in sorted([*files, repo / "pyproject.toml"]):
        if path.suffix in {".pyc", ".pyo"} or path.name.endswith(".egg-info"):
            continue
        digest.update(path.relative_to(repo).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def build_engine_wheel(repo: Path = REPO, cache: Path = CACHE) -> Path:
    """Return the path of the engine wheel for the current sources, building it if needed."""
    key = sources_hash(repo)
    target = cache / key
    found = sorted(target.glob("deepnotes-*-py3-none-any.whl")) if target.is_dir() else []
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dn-wheel-", dir=cache) as tmp:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--disable-pip-version-check",
            "--quiet",
            "--wheel-dir",
            tmp,
            str(repo),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        wheels = sorted(Path(tmp).glob("deepnotes-*-py3-none-any.whl"))
        if proc.returncode != 0 or not wheels:
            raise WheelError(
                f"building the engine wheel failed (exit {proc.returncode}):\n"
                f"{proc.stdout}{proc.stderr}"
            )
        staging = Path(tmp) / "out"
        staging.mkdir()
        shutil.move(wheels[0], staging / wheels[0].name)
        if target.exists():  # pragma: no cover - a concurrent build finished first
            shutil.rmtree(target)
        staging.rename(target)
    return target / wheels[0].name


if __name__ == "__main__":
    print(build_engine_wheel())

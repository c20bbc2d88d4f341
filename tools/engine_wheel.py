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
and the hash goes into the site URL so a browser never runs a stale engine. The
wheel the site ships also carries its bytecode for the site's Pyodide
(``build_engine_wheel(pyodide_dist=...)``), cached under a hash of that one.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "wheels"
BYTECODE_TOOL = REPO / "tools" / "pyodide_bytecode.mjs"


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


def build_engine_wheel(
    repo: Path = REPO, cache: Path = CACHE, pyodide_dist: Path | None = None
) -> Path:
    """Return the path of the engine wheel for the current sources, building it if needed.

    With ``pyodide_dist`` (a Pyodide distribution directory) the wheel also carries the
    bytecode of its modules for that Pyodide's Python (``pkg/__pycache__/*.cpython-312.pyc``
    next to the sources, compiled in that Pyodide under Node by
    ``tools/pyodide_bytecode.mjs --keep-sources``): Pyodide never writes bytecode, so
    without it every start of Python in a page compiled the engine again (~0.15 s of
    ``import deepnotes`` in Node). It is cached under its own hash.

    Raises
    ------
    WheelError
        If the wheel cannot be built, or its bytecode cannot be compiled (no ``node``).
    """
    plain = _cached(cache, sources_hash(repo), lambda out: _pip_wheel(repo, out))
    if pyodide_dist is None:
        return plain
    dist = Path(pyodide_dist)
    key = hashlib.sha256(f"{plain.parent.name} bytecode {dist.name}".encode()).hexdigest()[:16]
    return _cached(cache, key, lambda out: _with_bytecode(plain, dist, out))


def _with_bytecode(plain: Path, dist: Path, out: Path) -> Path:
    """A copy of the wheel ``plain`` in ``out`` with its modules' bytecode added."""
    node = shutil.which("node")
    if node is None:
        raise WheelError("node is not installed: the engine wheel's bytecode needs it")
    wheel = out / plain.name
    shutil.copy2(plain, wheel)
    cmd = [node, str(BYTECODE_TOOL), str(dist), "--keep-sources", str(wheel)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise WheelError(
            f"compiling the engine wheel's bytecode failed (exit {proc.returncode}):\n"
            f"{proc.stdout}{proc.stderr}"
        )
    return wheel


def _cached(cache: Path, key: str, make: Callable[[Path], Path]) -> Path:
    """The wheel in ``cache/key/``; made by ``make(directory)`` first if it is not there."""
    target = cache / key
    found = sorted(target.glob("deepnotes-*-py3-none-any.whl")) if target.is_dir() else []
    if found:
        return found[0]
    cache.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="dn-wheel-", dir=cache) as tmp:
        staging = Path(tmp) / "out"
        staging.mkdir()
        wheel = make(staging)
        if target.exists():  # pragma: no cover - a concurrent build finished first
            shutil.rmtree(target)
        staging.rename(target)
    return target / wheel.name


def _pip_wheel(repo: Path, out: Path) -> Path:
    """``pip wheel --no-deps`` of ``repo`` into ``out``; the wheel's path."""
    with tempfile.TemporaryDirectory(prefix="dn-pip-") as tmp:
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
        return Path(shutil.move(wheels[0], out / wheels[0].name))


if __name__ == "__main__":
    print(build_engine_wheel())

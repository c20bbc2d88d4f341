"""hooks/runtime_assets.py in a tiny MkDocs project: the site carries its own Python runtime."""

from __future__ import annotations

import hashlib
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
VERSION = "0.27.7"


def _build(tmp_path: Path, pyodide_source: str, isolate: str | None = None) -> tuple[int, str]:
    (tmp_path / "docs" / "topics").mkdir(parents=True)
    (tmp_path / "docs" / "index.md").write_text("# Home\n")
    (tmp_path / "docs" / "topics" / "deep.md").write_text("# Deep\n")
    (tmp_path / "docs" / "assets" / "build").mkdir(parents=True)
    (tmp_path / "docs" / "assets" / "build" / "worker.js").write_text("// worker\n")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\n"
        f"hooks:\n  - {REPO / 'hooks' / 'runtime_assets.py'}\n"
        f"extra:\n  deepnotes:\n    pyodide_source: {pyodide_source}\n"
        f"    pyodide_version: '{VERSION}'\n"
        + (f"    isolate_with_service_worker: {isolate}\n" if isolate is not None else "")
        + "nav:\n  - index.md\n  - topics/deep.md\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return result.returncode, result.stderr


def _site(tmp_path: Path, pyodide_source: str, isolate: str | None = None) -> Path:
    code, stderr = _build(tmp_path, pyodide_source, isolate)
    assert code == 0, stderr
    return tmp_path / "site"


def _meta(page: Path) -> dict:
    match = re.search(r'<meta name="deepnotes-runtime" content="([^"]+)">', page.read_text())
    assert match, "no deepnotes-runtime meta"
    return json.loads(html.unescape(match.group(1)))


@pytest.fixture(scope="module")
def self_hosted(tmp_path_factory):
    return _site(tmp_path_factory.mktemp("self"), "self")


def test_meta_urls_are_relative_to_each_page(self_hosted):
    home, deep = _meta(self_hosted / "index.html"), _meta(self_hosted / "topics/deep/index.html")
    # The directory carries a hash of its files: browsers and the offline pack keep them as
    # immutable, so new files (e.g. precompiled wheels) must come under a new URL.
    assert re.fullmatch(rf"pyodide/{re.escape(VERSION)}-[0-9a-f]{{12}}/", home["pyodide"])
    assert deep["pyodide"] == "../../" + home["pyodide"]
    assert deep["wheel"] == "../../" + home["wheel"]
    digest = hashlib.sha256(b"// worker\n").hexdigest()[:12]
    assert home["worker"] == f"assets/build/worker.js?v={digest}"
    assert (home["version"], home["pyodide_version"], home["pyodide_source"]) == (
        "0.1.0",
        VERSION,
        "self",
    )


def test_wheel_and_pyodide_are_in_the_site(self_hosted):
    home = _meta(self_hosted / "index.html")
    assert re.fullmatch(r"wheels/[0-9a-f]{16}/deepnotes-[^/]+-py3-none-any\.whl", home["wheel"])
    assert (self_hosted / home["wheel"]).read_bytes()[:2] == b"PK"
    pyodide = self_hosted / home["pyodide"]
    lock = json.loads((pyodide / "pyodide-lock.json").read_text())
    for entry in lock["packages"].values():
        assert (pyodide / entry["file_name"]).is_file()
    for core in ("pyodide.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (pyodide / core).is_file()
    assert not (pyodide / ".stamp.json").exists()


def test_matplotlib_font_cache_is_shipped_for_this_pyodide(self_hosted):
    home, deep = _meta(self_hosted / "index.html"), _meta(self_hosted / "topics/deep/index.html")
    assert re.fullmatch(r"runtime/[0-9a-f]{16}/fontlist-v\d+\.json", home["fontlist"])
    assert deep["fontlist"] == "../../" + home["fontlist"]
    fontlist = json.loads((self_hosted / home["fontlist"]).read_text())
    assert home["fontlist"].endswith(f"fontlist-v{fontlist['_version']}.json")
    assert fontlist["defaultFamily"]["ttf"] == "DejaVu Sans"
    # Paths relative to matplotlib's data directory: valid in any Pyodide of this version.
    names = [font["fname"] for font in fontlist["ttflist"]]
    assert len(names) >= 30 and all(name.startswith("fonts/ttf/") for name in names), names[:3]


def test_cdn_mode_points_to_the_pinned_cdn_with_integrity(tmp_path):
    site = _site(tmp_path, "cdn", isolate="false")
    meta = _meta(site / "index.html")
    assert meta["pyodide"] == f"https://cdn.jsdelivr.net/pyodide/v{VERSION}/full/"
    assert meta["integrity"]["pyodide.mjs"].startswith("sha384-")
    assert not (site / "pyodide").exists()
    assert (site / meta["wheel"]).is_file()
    assert "serviceWorker" not in meta  # isolation left to the host


def test_pages_name_the_service_worker_that_isolates_them(self_hosted):
    """By default every page names sw.js (site root), relative to the page."""
    assert _meta(self_hosted / "index.html")["serviceWorker"] == "sw.js"
    assert _meta(self_hosted / "topics/deep/index.html")["serviceWorker"] == "../../sw.js"


def test_a_wrong_isolation_setting_fails_the_build_saying_what_is_allowed(tmp_path):
    code, stderr = _build(tmp_path, "self", isolate="sometimes")
    assert code != 0
    assert "isolate_with_service_worker must be true or false; got 'sometimes'" in stderr

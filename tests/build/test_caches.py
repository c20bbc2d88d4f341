"""Stale caches (issue 10): a changed engine gets a new wheel URL, every page of a build names
the same (existing) wheel, and HTML is served no-cache while versioned files are immutable, so
a returning reader never mixes an old engine with new pages. The browser side (the worker loads
the meta's wheel; older stored data): tests/browser/test_load_and_caches.py.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import urllib.request
from pathlib import Path

import pytest
import repo_files

ROOT = Path(__file__).resolve().parents[2]
SITE = Path(os.environ.get("DEEPNOTES_SITE", ROOT / "site"))
META = re.compile(r'<meta name="deepnotes-runtime" content="([^"]*)">')


engine_wheel = repo_files.load("tools/engine_wheel.py", "engine_wheel")
runtime_assets = repo_files.load("hooks/runtime_assets.py", "_dn_runtime_assets_caches")


def test_a_changed_engine_gets_a_new_wheel_url(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "src", repo / "src", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "pyproject.toml", repo / "pyproject.toml")
    before = engine_wheel.sources_hash(repo)
    assert before == engine_wheel.sources_hash(repo)  # stable
    optim = repo / "src" / "deepnotes" / "optim.py"
    optim.write_text(optim.read_text() + "\n# a docstring bump\n")
    after = engine_wheel.sources_hash(repo)
    assert after != before

    def meta(key: str) -> dict:
        state = {
            "pyodide": "pyodide/0.27.7/",
            "wheel": f"wheels/{key}/deepnotes-0.1.0-py3-none-any.whl",
            "worker": "assets/build/worker.js?v=1",
        }
        tag = runtime_assets.runtime_meta("topics/optimizers/", state)
        return json.loads(html.unescape(META.search(tag).group(1)))

    assert meta(before)["wheel"] == f"../../wheels/{before}/deepnotes-0.1.0-py3-none-any.whl"
    assert meta(after)["wheel"] != meta(before)["wheel"]


def _pages() -> list[Path]:
    if not (SITE / "index.html").is_file():
        pytest.skip("the site is not built (make build)")
    return [
        p
        for p in sorted(SITE.rglob("index.html"))
        if p.relative_to(SITE).parts[0] not in {"pyodide", "wheels"}
    ]


def test_every_page_names_the_same_existing_wheel_and_worker() -> None:
    wheels, workers = set(), set()
    for page in _pages():
        found = META.search(page.read_text(encoding="utf-8"))
        if page.parent == SITE / "404":
            continue
        assert found, f"{page} has no runtime meta"
        data = json.loads(html.unescape(found.group(1)))
        base = page.parent
        wheels.add((base / data["wheel"]).resolve())
        worker, _, version = data["worker"].partition("?v=")
        workers.add(((base / worker).resolve(), version))
    assert len(wheels) == 1 and len(workers) == 1, (wheels, workers)
    wheel = wheels.pop()
    assert wheel.is_file() and wheel.parent.parent == (SITE / "wheels").resolve()
    worker, version = workers.pop()
    assert worker.is_file() and len(version) >= 8


def test_html_is_revalidated_and_versioned_files_are_immutable() -> None:
    pages = _pages()
    serve = repo_files.load("tools/serve.py", "_dn_serve_caches")
    assert pages
    home = (SITE / "index.html").read_text(encoding="utf-8")
    data = json.loads(html.unescape(META.search(home).group(1)))
    server = serve.start_server(SITE, isolation=False)
    try:

        def cache_control(path: str) -> str:
            request = urllib.request.Request(server.url + path, method="HEAD")
            with urllib.request.urlopen(request) as response:
                return response.headers.get("Cache-Control", "")

        assert cache_control("") == "no-cache"
        assert cache_control("topics/optimizers/") == "no-cache"
        assert "immutable" in cache_control(data["wheel"])
        # The worker is versioned by its query (?v=hash): revalidated or immutable, never stale.
        assert re.search(r"immutable|no-cache", cache_control(data["worker"]))
    finally:
        server.stop()

"""Rendered notebook pages are cached between builds (mkdocs-jupyter's cache, placed by
hooks/notebooks.py): the build ``make test`` just ran left one entry per notebook, each holding
that notebook's page, in a folder named after the versions that rendered it."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

import pytest
import repo_files

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "site"
NOTEBOOKS = ROOT / "docs" / "notebooks"


def _hook():
    return repo_files.load("hooks/notebooks.py", "_dn_notebooks_hook")


def test_the_cache_folder_names_the_renderers_versions() -> None:
    folder = _hook()._render_cache_dir()
    assert folder.parent == ROOT / ".cache"
    assert f"mkdocs-jupyter{version('mkdocs-jupyter')}" in folder.name
    assert f"nbconvert{version('nbconvert')}" in folder.name
    assert f"pygments{version('pygments')}" in folder.name


@pytest.mark.skipif(
    not (SITE / "index.html").exists() or not any(NOTEBOOKS.glob("*.ipynb")),
    reason="needs the site built here (make build)",
)
def test_the_build_left_one_cached_page_per_notebook() -> None:
    entries = sorted(_hook()._render_cache_dir().glob("*.json"))
    notebooks = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert len(entries) == len(notebooks), (len(entries), len(notebooks))
    titles = set()
    for entry in entries:
        cached = json.loads(entry.read_text(encoding="utf-8"))
        assert "jp-Notebook" in cached["content"]  # a whole rendered notebook
        titles.add(cached["title"])
    built = {nb.stem for nb in notebooks if (SITE / "notebooks" / nb.stem / "index.html").exists()}
    assert len(built) == len(notebooks)
    assert len(titles) == len(notebooks)  # one page each, none cached twice

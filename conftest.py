"""Shared pytest fixtures for the deepnotes test suite.

At the repository root, not in tests/: pytest --doctest-modules would otherwise import
tests/conftest.py and tests/browser/conftest.py under the same module name.
"""

from __future__ import annotations

import os

# One BLAS thread: the suite's matrices are tiny, and on a shared 2-core machine OpenBLAS's
# spinning worker threads made small training runs 3-10x slower (must precede numpy's import).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np
import pytest

# Figures are drawn off-screen everywhere (CI has no display).
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test is reproducible."""
    return np.random.default_rng(0)


def _run_order(item: pytest.Item) -> int:
    """CPython tests first, then the browser tests, then the checks of the Pyodide run (by
    their markers: tests/browser/conftest.py marks its tests, test_in_pyodide.py its own)."""
    if item.get_closest_marker("pyodide"):
        return 2
    return 1 if item.get_closest_marker("browser") else 0


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the single-threaded CPython tests while the Pyodide run (started in the background
    right after collection, tests/pyodide/conftest.py) has the other core to itself; the
    browser tests, which keep both cores busy, come after; the Pyodide checks last."""
    items.sort(key=_run_order)  # stable: each group keeps its order

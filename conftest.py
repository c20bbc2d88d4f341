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

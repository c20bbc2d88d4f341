"""Shared pytest fixtures for the deepnotes test suite."""

from __future__ import annotations

import os

import numpy as np
import pytest

# Figures are drawn off-screen everywhere (CI has no display).
os.environ.setdefault("MPLBACKEND", "Agg")


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator, so every test is reproducible."""
    return np.random.default_rng(0)

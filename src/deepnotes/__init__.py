"""deepnotes: a small, readable pure-NumPy deep-learning engine for the study notes.

Modules (one job each): ``layers``, ``model``, ``losses``, ``optim``, ``schedules``,
``averages`` (``ewma``), ``data``, ``gradcheck``, ``train``, ``diagnosis``
(``diagnose``), ``tuning`` and, with matplotlib installed, ``plots``.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from deepnotes import data, gradcheck, layers, losses, model, optim, schedules, train, tuning
from deepnotes.averages import ewma
from deepnotes.diagnosis import Diagnosis, diagnose

try:
    __version__ = version("deepnotes")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0+source"

__all__ = [
    "Diagnosis",
    "__version__",
    "data",
    "diagnose",
    "ewma",
    "gradcheck",
    "layers",
    "losses",
    "model",
    "optim",
    "schedules",
    "train",
    "tuning",
]

"""deepnotes: a small, readable pure-NumPy deep-learning engine for the study notes.

Modules (one job each): ``layers``, ``model``, ``losses``, ``optim``, ``schedules``,
``averages`` (``ewma``), ``data``, ``gradcheck``, ``train``, ``diagnosis``
(``diagnose``), ``tuning`` and, with matplotlib installed, ``plots``.
"""

from __future__ import annotations

from deepnotes import data, gradcheck, layers, losses, model, optim, schedules, train, tuning
from deepnotes.averages import ewma
from deepnotes.diagnosis import Diagnosis, diagnose

#: The package's version, its one source (pyproject.toml reads it from here): a literal, not
#: ``importlib.metadata.version()``, which scans every entry of ``sys.path`` (in Pyodide the
#: whole standard-library zip first: ~60 ms of each start of Python in the page).
__version__ = "0.1.0"

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

"""Load a module of this repository that is a file, not part of a package (``hooks/``,
``tools/``), by its path: the build tests import hooks and tools as MkDocs and make run them."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def load(relative: str, name: str) -> ModuleType:
    """Execute ``REPO / relative`` as the module ``name`` (registered in ``sys.modules``, where
    dataclasses and pickling look modules up) and return it."""
    spec = importlib.util.spec_from_file_location(name, REPO / relative)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module

"""Start the Pyodide run early (see pyodide_run.py): right after collection, when its tests are
selected, so it overlaps the rest of the suite at the lowest CPU priority."""

from __future__ import annotations

import pytest
from pyodide_run import RUN_KEY, PyodideRun, RunError


def pytest_collection_finish(session: pytest.Session) -> None:
    config = session.config
    if config.option.collectonly or RUN_KEY in config.stash:
        return
    if not any(item.get_closest_marker("pyodide") for item in session.items):
        return
    try:
        config.stash[RUN_KEY] = PyodideRun()
    except RunError:
        return  # no node, or no wheels: the report fixture says so (skip or fail)


def pytest_sessionfinish(session: pytest.Session) -> None:
    run = session.config.stash.get(RUN_KEY, None)
    if run is not None:
        run.stop()

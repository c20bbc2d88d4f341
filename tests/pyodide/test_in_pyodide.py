"""Every demo and the engine's test suite, run inside Pyodide 0.27.7 under Node.

The browser runs numpy 2.0.2 / matplotlib 3.8.4 on a 32-bit WebAssembly
Python 3.12; CPython tests alone would not catch what breaks there. The run itself
(``pyodide_run.py``: two Node processes sharing the demos) starts in the background as soon as
pytest has collected the tests (``conftest.py``); these tests check its merged report.

Timings and per-demo results go to ``test-artifacts/pyodide-report.json`` (per-demo seconds
are measured at the lowest CPU priority, next to the other tests: see ``make bench`` for
timings on a quiet machine). Set ``DEEPNOTES_PYODIDE_COMPARE=1`` to also time each demo in
CPython there.
"""

from __future__ import annotations

import shutil

import pytest
from pyodide_run import REPO, RUN_KEY, PyodideRun, RunError

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]


@pytest.fixture(scope="module")
def report(request: pytest.FixtureRequest) -> dict:
    """The merged report of the run conftest.py started (or of one started now)."""
    run = request.config.stash.get(RUN_KEY, None)
    if run is None and shutil.which("node") is None:
        pytest.skip("node is not installed (make web installs the browser side and needs it)")
    try:
        if run is None:
            run = PyodideRun()
            request.config.stash[RUN_KEY] = run
        result = run.finish()
    except RunError as err:
        pytest.fail(str(err))
    if result.get("crash"):
        pytest.fail(f"Pyodide run crashed: {result['crash']}\n{result['output'][-8000:]}")
    return result


def test_runs_the_browser_versions(report):
    versions = report["versions"]
    assert (versions["python"][:4], versions["numpy"], versions["matplotlib"]) == (
        "3.12",
        "2.0.2",
        "3.8.4",
    )
    assert versions["deepnotes_file"].startswith("/lib/python3.12/site-packages/")


def test_every_demo_runs_in_pyodide(report):
    names = sorted(p.stem for p in (REPO / "demos").glob("[!_]*.py"))
    assert [d["name"] for d in report["demos"]] == names
    failed = {d["name"]: d["error"] for d in report["demos"] if d["error"]}
    assert not failed, "\n\n".join(f"demos/{n}.py:\n{e}" for n, e in failed.items())


def test_engine_suite_passes_in_pyodide(report):
    tests = report["tests"]
    counts = tests["counts"]
    assert counts.get("passed", 0) > 0, report["output"][-8000:]
    assert tests["exit_code"] == 0, (
        f"engine tests in Pyodide: {counts}\n" + report["output"][-12000:]
    )

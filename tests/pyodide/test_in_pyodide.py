"""Every demo and the engine's test suite, run inside Pyodide 0.27.7 under Node.

The browser runs numpy 2.0.2 / matplotlib 3.8.4 on a 32-bit WebAssembly
Python 3.12; CPython tests alone would not catch what breaks there. This
module prepares what ``tests/pyodide/run.mjs`` needs, runs it (as two Node processes at once,
half the demos each) and checks the merged report:

* Pyodide itself, from ``tools/pyodide_dist.py`` (cached, sha256-verified);
* the engine wheel, from ``tools/engine_wheel.py`` (the function the site's
  hook uses, so the tests install the very file the site ships);
* pure-Python wheels for pytest and hypothesis, downloaded once from PyPI
  with ``pip download --no-deps`` into ``.cache/pyodide-test-wheels/``.
  Versions follow ``requirements/dev.txt``, except hypothesis: its newer
  releases ship compiled wheels only, so the newest pure-Python release is
  pinned below.

Timings and per-demo results go to ``test-artifacts/pyodide-report.json``.
Set ``DEEPNOTES_PYODIDE_COMPARE=1`` to also time each demo in CPython there.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest

pytestmark = [pytest.mark.pyodide, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
TEST_WHEELS = REPO / ".cache" / "pyodide-test-wheels"
ARTIFACTS = REPO / "test-artifacts"
PURE_TEST_PACKAGES = ("pytest", "pluggy", "iniconfig", "pygments", "attrs", "sortedcontainers")
HYPOTHESIS_PURE = "6.155.7"  # the newest hypothesis with a py3-none-any wheel
TIMEOUT_S = 1800


def _tool(name: str) -> ModuleType:
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _pinned(names: tuple[str, ...]) -> list[str]:
    text = (REPO / "requirements" / "dev.txt").read_text()
    pins = {}
    for name in names:
        match = re.search(rf"^{name}==([^\s;]+)", text, re.MULTILINE | re.IGNORECASE)
        pins[name] = f"{name}=={match.group(1)}" if match else name
    return [pins[name] for name in names]


def _test_wheels() -> Path:
    """Download the pure-Python test wheels once; return their directory."""
    TEST_WHEELS.mkdir(parents=True, exist_ok=True)
    wanted = [*_pinned(PURE_TEST_PACKAGES), f"hypothesis=={HYPOTHESIS_PURE}"]
    have = {
        p.name.split("-")[0].lower() + "==" + p.name.split("-")[1]
        for p in TEST_WHEELS.glob("*.whl")
    }
    missing = [req for req in wanted if req.lower() not in have]
    if missing:
        cmd = [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--platform",
            "any",
            "--python-version",
            "3.12",
            "--implementation",
            "py",
            "--disable-pip-version-check",
            "--quiet",
            "--dest",
            str(TEST_WHEELS),
            *missing,
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            pytest.fail(f"could not download the test wheels {missing}:\n{proc.stderr}")
    return TEST_WHEELS


def _cpython_demo_times() -> dict[str, float]:
    from deepnotes.sandbox import run_code

    times = {}
    for path in sorted((REPO / "demos").glob("[!_]*.py")):
        start = time.perf_counter()
        run_code(path.read_text(), name=path.stem)
        times[path.stem] = round(time.perf_counter() - start, 2)
    return times


def _merge(first: dict, second: dict) -> dict:
    """One report from the two Node processes' (each ran half the demos; the second, the tests)."""
    merged = dict(second)
    merged["ok"] = first.get("ok", False) and second.get("ok", False)
    merged["crash"] = first.get("crash") or second.get("crash")
    demos = first.get("demos", []) + second.get("demos", [])
    merged["demos"] = sorted(demos, key=lambda demo: demo["name"])
    merged["timings"] = {"demos_process": first.get("timings"), **second.get("timings", {})}
    return merged


@pytest.fixture(scope="module")
def report() -> dict:
    """Run run.mjs as two Node processes at once (Node runs Python on one core): half the
    demos in each, the engine's test suite in the second."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (make web installs the browser side and needs it)")
    dist = _tool("pyodide_dist").ensure_dist()
    wheel = _tool("engine_wheel").build_engine_wheel()
    base = [node, str(REPO / "tests" / "pyodide" / "run.mjs"), "--repo", str(REPO)]
    base += ["--index", str(dist), "--wheel", str(wheel)]
    commands = [
        [*base, "--demo-shard", "0/2", "--skip-tests"],
        [*base, "--demo-shard", "1/2", "--test-wheels", str(_test_wheels())],
    ]
    start = time.perf_counter()
    procs = [
        subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for cmd in commands
    ]
    results, outputs = [], []
    for proc in procs:
        try:
            stdout, stderr = proc.communicate(timeout=TIMEOUT_S)
        except subprocess.TimeoutExpired:
            for other in procs:
                other.kill()
            pytest.fail(f"run.mjs took over {TIMEOUT_S} s")
        output = stdout + stderr
        outputs.append(output)
        lines = [line for line in stdout.splitlines() if line.startswith("RESULT ")]
        if not lines:
            pytest.fail(f"run.mjs printed no RESULT (exit {proc.returncode}):\n{output[-8000:]}")
        results.append(json.loads(lines[-1][len("RESULT ") :]))
    result = _merge(*results)
    result["wall_s"] = round(time.perf_counter() - start, 1)
    result["output"] = "\n".join(outputs)
    if os.environ.get("DEEPNOTES_PYODIDE_COMPARE"):
        result["cpython_demo_s"] = _cpython_demo_times()
    ARTIFACTS.mkdir(exist_ok=True)
    saved = {k: v for k, v in result.items() if k != "output"}
    (ARTIFACTS / "pyodide-report.json").write_text(json.dumps(saved, indent=1) + "\n")
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

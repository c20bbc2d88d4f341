"""Running ``tests/pyodide/run.mjs``: two Node processes, started early, read late.

The Pyodide run is long (every demo and the engine suite inside Pyodide) and runs Python on
one core per Node process. ``conftest.py`` starts it as soon as pytest has collected the
tests, at the lowest CPU priority (``nice 19``): it has the second core while the
single-threaded CPython tests run (the root ``conftest.py`` orders them first) and what the
browser tests leave idle after; the ``report`` fixture of ``test_in_pyodide.py``, run last,
then only collects the result. The two
processes share the demos through a claim directory (``run.mjs --claim-dir``): whoever is free
takes the next demo, and the second process runs the engine suite first.

What run.mjs needs:

* Pyodide itself, from ``tools/pyodide_dist.py`` (cached, sha256-verified);
* the engine wheel, from ``tools/engine_wheel.py`` (the function the site's
  hook uses, so the tests install the very file the site ships);
* pure-Python wheels for pytest and hypothesis, downloaded once from PyPI
  with ``pip download --no-deps`` into ``.cache/pyodide-test-wheels/``.
  Versions follow ``requirements/dev.txt``, except hypothesis: its newer
  releases ship compiled wheels only, so the newest pure-Python release is
  pinned below.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
TEST_WHEELS = REPO / ".cache" / "pyodide-test-wheels"
ARTIFACTS = REPO / "test-artifacts"
PURE_TEST_PACKAGES = ("pytest", "pluggy", "iniconfig", "pygments", "attrs", "sortedcontainers")
HYPOTHESIS_PURE = "6.155.7"  # the newest hypothesis with a py3-none-any wheel
TIMEOUT_S = 1800


class RunError(Exception):
    """The Pyodide run could not be prepared, started or read (the message says why)."""


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
            raise RunError(f"could not download the test wheels {missing}:\n{proc.stderr}")
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
    """One report from the two Node processes' (they shared the demos; the second ran the
    engine suite)."""
    merged = dict(second)
    merged["ok"] = first.get("ok", False) and second.get("ok", False)
    merged["crash"] = first.get("crash") or second.get("crash")
    demos = first.get("demos", []) + second.get("demos", [])
    merged["demos"] = sorted(demos, key=lambda demo: demo["name"])
    merged["timings"] = {"demos_process": first.get("timings"), **second.get("timings", {})}
    return merged


def _lowest_priority() -> None:
    os.nice(19)  # in the child, before node starts: the other tests keep the CPU they need


class PyodideRun:
    """The two run.mjs processes: started when this is made, read by `finish` (once)."""

    def __init__(self) -> None:
        node = shutil.which("node")
        if node is None:
            raise RunError("node is not installed (`make web` needs it too)")
        dist = _tool("pyodide_dist").ensure_dist()
        wheel = _tool("engine_wheel").build_engine_wheel(pyodide_dist=dist)
        self.claims = tempfile.mkdtemp(prefix="deepnotes-pyodide-claims-")
        base = [node, str(REPO / "tests" / "pyodide" / "run.mjs"), "--repo", str(REPO)]
        base += ["--index", str(dist), "--wheel", str(wheel), "--claim-dir", self.claims]
        commands = [
            [*base, "--skip-tests"],
            [*base, "--tests-first", "--test-wheels", str(_test_wheels())],
        ]
        self.start = time.perf_counter()
        # Output goes to files, not pipes: nobody reads it until `finish`, and a full pipe
        # would stall the run meanwhile.
        self.outputs = [tempfile.TemporaryFile(mode="w+", encoding="utf-8") for _ in commands]
        self.procs = [
            subprocess.Popen(
                cmd,
                stdout=output,
                stderr=subprocess.STDOUT,
                text=True,
                preexec_fn=_lowest_priority,
            )
            for cmd, output in zip(commands, self.outputs, strict=True)
        ]
        self.result: dict | None = None

    def finish(self) -> dict:
        """Wait for both processes; the merged report (also in test-artifacts/)."""
        if self.result is not None:
            return self.result
        results, outputs = [], []
        try:
            for proc, file in zip(self.procs, self.outputs, strict=True):
                left = TIMEOUT_S - (time.perf_counter() - self.start)
                try:
                    proc.wait(timeout=max(left, 1))
                except subprocess.TimeoutExpired as err:
                    raise RunError(f"run.mjs took over {TIMEOUT_S} s") from err
                file.seek(0)
                output = file.read()
                outputs.append(output)
                lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
                if not lines:
                    raise RunError(
                        f"run.mjs printed no RESULT (exit {proc.returncode}):\n{output[-8000:]}"
                    )
                results.append(json.loads(lines[-1][len("RESULT ") :]))
        finally:
            self.stop()
        result = _merge(*results)
        result["wall_s"] = round(time.perf_counter() - self.start, 1)
        result["output"] = "\n".join(outputs)
        if os.environ.get("DEEPNOTES_PYODIDE_COMPARE"):
            result["cpython_demo_s"] = _cpython_demo_times()
        ARTIFACTS.mkdir(exist_ok=True)
        saved = {k: v for k, v in result.items() if k != "output"}
        (ARTIFACTS / "pyodide-report.json").write_text(json.dumps(saved, indent=1) + "\n")
        self.result = result
        return result

    def stop(self) -> None:
        """Kill what still runs (pytest stopped early) and remove the claim directory."""
        for proc in self.procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        for file in self.outputs:
            file.close()
        shutil.rmtree(self.claims, ignore_errors=True)


#: Where conftest.py keeps the run it started (pytest's config stash).
RUN_KEY = pytest.StashKey[PyodideRun]()

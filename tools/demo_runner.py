"""Run demos for the build's pre-render, each in its own process, without paying imports each time.

``hooks/demos.py`` starts one of these per worker slot::

    python tools/demo_runner.py --sandbox src/deepnotes/sandbox.py

It imports numpy, matplotlib (Agg) and pyplot once, then reads one job per line on stdin
(JSON ``{"name", "source_path", "out_path", "timeout"}``, plus ``"cells": true`` to run
the demo as a notebook, cell by cell). For each job it **forks**: the child, a fresh
copy of this warmed-up process, runs the demo through ``run_code`` and writes the result
as JSON to ``out_path``; the parent waits (killing the child after ``timeout`` seconds)
and answers one JSON line ``{"ok": bool, "error": str | null}``. A demo can therefore
not leak state into the next one (isolation as with a new interpreter), but the ~1.5 s
of imports is paid once per build and slot.

Where ``os.fork`` does not exist, ``--once NAME SOURCE OUT`` runs a single
demo in this process instead (the hook then starts one process per demo).

The sandbox module is loaded by path, independent of the package's
``__init__``, so a half-written engine shows up as the demo's own traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from types import ModuleType


def load_sandbox(path: str) -> ModuleType:
    """Import ``deepnotes/sandbox.py`` from ``path`` as a standalone module."""
    spec = importlib.util.spec_from_file_location("deepnotes_sandbox_build", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def run_one(
    sandbox: ModuleType, name: str, source_path: str, out_path: str, cells: bool = False
) -> None:
    """Run one demo and write ``run_code``'s dict to ``out_path``.

    With ``cells``, run the demo as a notebook instead: each code cell of the
    jupytext percent script in turn, in one shared ``__main__``, and write the
    list of per-cell results (stopping after a cell that fails).
    """
    with open(source_path, encoding="utf-8") as f:
        source = f.read()
    if cells:
        import jupytext

        notebook = jupytext.reads(source, fmt="py:percent")
        main_module = ModuleType("__main__")
        result = []
        for i, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
            outcome = sandbox.run_code(
                cell.source, name=f"{name} cell {i + 1}", main_module=main_module
            )
            result.append(outcome)
            if outcome["error"]:
                break
    else:
        result = sandbox.run_code(source, name=name)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(result, f)


def _preload() -> None:
    """Import what nearly every demo needs; a failure here is left for the demo to report."""
    os.environ["MPLBACKEND"] = "agg"
    try:
        import matplotlib

        matplotlib.use("agg")
        import matplotlib.pyplot  # warmed up for the forked children
        import numpy  # noqa: F401
    except Exception:  # pragma: no cover - the build's venv has both
        pass
    try:
        import deepnotes  # noqa: F401
    except Exception:
        pass  # a broken engine: each demo will show the ImportError itself


def _fork_and_wait(sandbox: ModuleType, job: dict) -> dict:
    pid = os.fork()
    if pid == 0:  # child: keep the protocol pipe clean, run, exit without cleanup handlers
        code = 1
        try:
            os.dup2(2, 1)
            run_one(
                sandbox, job["name"], job["source_path"], job["out_path"], job.get("cells", False)
            )
            code = 0
        except BaseException:
            traceback.print_exc()
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    deadline = time.monotonic() + float(job.get("timeout", 300))
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return {"ok": False, "error": f"the demo did not finish within {job['timeout']} s"}
        time.sleep(0.02)
    if os.waitstatus_to_exitcode(status) != 0:
        return {
            "ok": False,
            "error": f"the demo process failed ({os.waitstatus_to_exitcode(status)})",
        }
    return {"ok": True, "error": None}


def serve(sandbox_path: str) -> None:
    """Answer jobs from stdin until it closes (see the module docstring)."""
    protocol = sys.stdout
    sys.stdout = sys.stderr
    _preload()
    sandbox = load_sandbox(sandbox_path)
    print(json.dumps({"ready": True}), file=protocol, flush=True)
    for line in sys.stdin:
        if line.strip():
            print(json.dumps(_fork_and_wait(sandbox, json.loads(line))), file=protocol, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sandbox", required=True, help="path of deepnotes/sandbox.py")
    parser.add_argument("--once", nargs=3, metavar=("NAME", "SOURCE", "OUT"))
    args = parser.parse_args(argv)
    if args.once:
        run_one(load_sandbox(args.sandbox), *args.once)
    else:
        serve(args.sandbox)
    return 0


if __name__ == "__main__":
    sys.exit(main())

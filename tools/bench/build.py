"""``mkdocs build`` cold and incremental, and the time of the fast test suite.

Cold: the demo and notebook caches (``.cache/demos``, ``.cache/notebooks`` and the rendered
notebook pages, ``.cache/rendered-notebooks-*``) are moved aside into a temporary directory,
so every demo is pre-rendered and every notebook executed and rendered again; they are put
back afterwards (whatever happens), so the user's cache is never lost. Incremental: the same
build again with the caches the cold build just filled. Both build into a temporary directory,
not ``site/``. Run it on a quiet machine: while the caches are aside, any other build
re-renders every demo.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CACHES = ("demos", "notebooks", "rendered-notebooks-*")  # under .cache/
TEST_MARKERS = "not browser and not pyodide"


@contextmanager
def caches_moved_aside(tmp: Path) -> Iterator[None]:
    """Move ``CACHES`` into ``tmp`` for the duration; restore them even on error."""
    moved = []
    try:
        for cache in (found for pattern in CACHES for found in (ROOT / ".cache").glob(pattern)):
            target = tmp / cache.name
            shutil.move(cache, target)
            moved.append((cache, target))
        yield
    finally:
        for cache, target in moved:
            if cache.exists():  # what the cold build wrote: drop it, keep the user's
                shutil.rmtree(cache)
            shutil.move(target, cache)


def mkdocs_build(site_dir: Path) -> float:
    """Seconds of one ``mkdocs build --strict`` into ``site_dir``."""
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site_dir)],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def test_suite_s() -> tuple[float, int]:
    """Seconds and exit code of ``pytest -m "not browser and not pyodide"``."""
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", TEST_MARKERS],
        cwd=ROOT,
        capture_output=True,
        check=False,
    )
    return time.perf_counter() - start, proc.returncode


def measure(tests: bool = True) -> dict[str, float]:
    """Cold and incremental build seconds, and the test suite's (if ``tests``)."""
    with tempfile.TemporaryDirectory(prefix="deepnotes-bench-build-") as tmp:
        tmp_path = Path(tmp)
        (tmp_path / "caches").mkdir()
        with caches_moved_aside(tmp_path / "caches"):
            cold = mkdocs_build(tmp_path / "site")
            incremental = mkdocs_build(tmp_path / "site")
    results = {"cold_s": cold, "incremental_s": incremental}
    if tests:
        results["tests_s"], results["tests_exit"] = test_suite_s()
    return results


def report(results: dict[str, float]) -> str:
    cold, incremental = results["cold_s"], results["incremental_s"]
    lines = [
        "## Build\n",
        "`mkdocs build --strict` into a temporary directory: *cold* with the demo and notebook "
        "caches moved aside (every demo pre-rendered, every notebook executed and rendered again), "
        "*incremental* the same build right after, with those caches filled. Absolute seconds "
        "depend on the machine's load; the ratio less so.\n",
        "| Build | seconds | ratio |",
        "|---|---|---|",
        f"| cold | {cold:.1f} s | 1 |",
        f"| incremental | {incremental:.1f} s | {incremental / cold:.2f}x of cold |",
    ]
    if "tests_s" in results:
        status = "passed" if results["tests_exit"] == 0 else f"exit {results['tests_exit']:.0f}"
        lines += [
            "",
            f'Test suite `pytest -m "{TEST_MARKERS}"`: {results["tests_s"]:.0f} s ({status}; '
            "reported, not a target).",
        ]
    return "\n".join(lines)


def section() -> str:
    """Measure and return the Markdown section (or why the build failed)."""
    try:
        return report(measure())
    except subprocess.CalledProcessError as exc:
        tail = (exc.stderr or b"").decode(errors="replace")[-800:]
        return f"## Build\n\n`mkdocs build` failed (exit {exc.returncode}):\n\n```\n{tail}\n```"


if __name__ == "__main__":
    print(report(measure(tests="--no-tests" not in sys.argv)))

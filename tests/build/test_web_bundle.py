"""hooks/web_bundle.py: when the browser bundle is rebuilt, and what a missing npm install says."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import repo_files
from mkdocs.exceptions import PluginError

REPO = Path(__file__).resolve().parents[2]


def _hook():
    return repo_files.load("hooks/web_bundle.py", "_web_bundle_hook")


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_python_and_node_hash_the_same_inputs() -> None:
    script = "import('./build.mjs').then((m) => console.log(m.inputsHash()))"
    node = subprocess.run(
        ["node", "--input-type=module", "-e", script],
        cwd=REPO / "web",
        capture_output=True,
        text=True,
        check=True,
    )
    assert node.stdout.strip() == _hook().inputs_hash()


def _fresh_output(tmp_path: Path, hook) -> Path:
    out = tmp_path / "docs" / "assets" / "build"
    for name in hook.REQUIRED:
        (out / name).parent.mkdir(parents=True, exist_ok=True)
        (out / name).write_text("x")
    (out / "stamp.json").write_text(json.dumps({"inputs": hook.inputs_hash()}))
    return out


def test_a_fresh_bundle_is_not_rebuilt(tmp_path: Path, monkeypatch) -> None:
    hook = _hook()
    _fresh_output(tmp_path, hook)
    monkeypatch.setattr(hook.subprocess, "run", lambda *a, **k: pytest.fail("rebuilt"))
    hook.on_pre_build({"docs_dir": str(tmp_path / "docs")})


def test_a_stale_bundle_without_node_modules_says_run_make_web(tmp_path, monkeypatch) -> None:
    hook = _hook()
    out = _fresh_output(tmp_path, hook)
    (out / "stamp.json").write_text(json.dumps({"inputs": "older"}))
    monkeypatch.setattr(hook, "WEB", tmp_path / "web-without-node-modules")
    monkeypatch.setattr(hook, "inputs_hash", lambda: "newer")
    with pytest.raises(PluginError, match="make web"):
        hook.on_pre_build({"docs_dir": str(tmp_path / "docs")})

"""hooks/demos.py in a tiny MkDocs project: pre-rendered blocks, figure files, strict failures."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import repo_files

REPO = Path(__file__).resolve().parents[2]

DEMO = """\
# ---
# jupyter:
#   jupytext:
#     formats: py:percent
# ---

# %%
import matplotlib.pyplot as plt
import numpy as np

x = np.linspace(0, 1, 5)
print("mean <x> & more:", x.mean())
# @alt: A straight line from 0 to 1
plt.plot(x, x)
plt.show()
"""


def _project(tmp_path: Path, page: str, demos: dict[str, str]) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "index.md").write_text(page)
    (tmp_path / "demos").mkdir()
    for name, source in demos.items():
        (tmp_path / "demos" / f"{name}.py").write_text(source)
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nuse_directory_urls: true\n"
        f"hooks:\n  - {REPO / 'hooks' / 'demos.py'}\n"
        "nav:\n  - index.md\n"
    )
    return tmp_path


def _build(project: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    project = _project(
        tmp_path_factory.mktemp("site"),
        "# Home\n\nBefore.\n\n[[demo tiny]]\n\n!!! note\n    x\n\n`[[demo tiny]]` in code.\n",
        {"tiny": DEMO, "unused": "raise ValueError('never run')\n"},
    )
    result = _build(project)
    assert result.returncode == 0, result.stderr
    return project, (project / "site" / "index.html").read_text()


def test_block_has_contract_markup_and_exact_source(built):
    _, page = built
    block = re.search(
        r'<div class="dn-demo" id="demo-tiny" data-demo="tiny".*?</div></div>', page, re.S
    )
    assert block, page
    textarea = re.search(
        r'<textarea class="dn-demo__original" hidden>\n(.*?)</textarea>', page, re.S
    )
    shown = html.unescape(textarea.group(1))
    assert shown.startswith("# %%\nimport matplotlib.pyplot as plt\n")  # jupytext header gone
    assert shown == DEMO.split("# ---\n\n", 1)[1]
    assert 'data-demo-version="' in block.group(0)
    assert '<div class="language-python highlight"><pre>' in page
    assert (
        '<pre class="dn-demo__stdout" tabindex="0" aria-label="Printed output">'
        "<code>mean &lt;x&gt; &amp; more: 0.5\n</code></pre>"
    ) in page
    assert "<code>[[demo tiny]]</code>" in page  # markers in code are left alone


def test_figure_is_a_file_with_alt_and_size(built):
    project, page = built
    img = re.search(r'<img src="([^"]+)" alt="([^"]+)" width="(\d+)" height="(\d+)"', page)
    src, alt, width, height = img.groups()
    assert alt == "A straight line from 0 to 1"
    assert re.fullmatch(r"assets/demos/tiny-1-[0-9a-f]{12}\.png", src)
    png = (project / "site" / src).read_bytes()
    assert png[:4] == b"\x89PNG"
    assert (int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")) == (
        int(width),
        int(height),
    )
    assert "base64" not in page


def test_second_build_uses_the_cache(built):
    project, _ = built
    assert len(list((project / ".cache" / "demos").glob("*.json"))) == 1
    again = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert "demos: ran" not in again.stderr


def test_unknown_demo_fails_listing_the_available_ones(tmp_path):
    project = _project(tmp_path, "# Home\n\n[[demo nope]]\n", {"alpha": "x = 1\n", "beta": ""})
    result = _build(project)
    assert result.returncode != 0
    assert "there is no demos/nope.py. Available demos: alpha, beta" in result.stderr


def test_failing_demo_fails_the_build_with_its_traceback(tmp_path):
    broken = "x = 1\nraise ValueError('broken demo')\n"
    project = _project(tmp_path, "# Home\n\n[[demo broken]]\n", {"broken": broken})
    result = _build(project)
    assert result.returncode != 0
    assert "demos/broken.py (used on index.md) failed" in result.stderr
    assert 'File "<broken>", line 2, in <module>' in result.stderr
    assert "ValueError: broken demo" in result.stderr


def test_demos_do_not_leak_state_into_each_other(tmp_path):
    leaky = "import sys\nsys.modules['leaked_by_a'] = sys\nprint('a ran')\n"
    check = "import sys\nprint('leaked' if 'leaked_by_a' in sys.modules else 'clean')\n"
    page = "# Home\n\n[[demo a]]\n\n[[demo b]]\n\n[[demo c]]\n"
    project = _project(tmp_path, page, {"a": leaky, "b": check, "c": check})
    result = _build(project)
    assert result.returncode == 0, result.stderr
    html_text = (project / "site" / "index.html").read_text()
    assert html_text.count("<code>clean\n</code></pre>") == 2


def test_cache_pruning_keeps_recent_results(tmp_path):
    hook = repo_files.load("hooks/demos.py", "demos_hook")
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    old.write_text("{}")
    new.write_text("{}")
    week_ago = time.time() - 7 * 86400
    os.utime(old, (week_ago, week_ago))
    assert hook.prune_cache(tmp_path) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["new.json"]


def test_skip_env_previews_without_running_and_strict_refuses_it(tmp_path):
    project = _project(tmp_path, "# Home\n\n[[demo a]]\n", {"a": "raise ValueError('not run')\n"})
    env = {**os.environ, "DEEPNOTES_SKIP_DEMOS": "1"}
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q"]
    lenient = subprocess.run(cmd, cwd=project, env=env, capture_output=True, text=True, check=False)
    assert lenient.returncode == 0, lenient.stderr
    page = (project / "site" / "index.html").read_text()
    assert "Output not pre-rendered in this preview build" in page
    strict = subprocess.run(  # without -q: mkdocs only counts warnings it emits
        [sys.executable, "-m", "mkdocs", "build", "--strict"],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert strict.returncode != 0
    assert "DEEPNOTES_SKIP_DEMOS=1" in strict.stderr

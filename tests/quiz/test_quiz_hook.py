"""hooks/quiz.py in a real (small) MkDocs build: markers become quizzes, typos fail the build.

The small site has every page and anchor the bank links to, so the validator's anchor check
runs against real MkDocs output too.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deepnotes.quiz import TOPICS, load_bank
from deepnotes.quiz.validate import validate

REPO = Path(__file__).resolve().parents[2]
ERRATA = ("dropout-scaling", "insufficient-data", "covariate-shift", "xavier-name")


def write_site(root: Path, extra_page: str = "") -> Path:
    """A docs tree with every section the bank links to, plus the three kinds of marker."""
    docs = root / "docs"
    (docs / "topics").mkdir(parents=True)
    anchors: dict[str, list[str]] = {topic: [] for topic in TOPICS}
    for q in load_bank():
        if q.section_anchor not in anchors[q.topic]:
            anchors[q.topic].append(q.section_anchor)
    for topic, ids in anchors.items():
        body = "".join(f"## Section *{anchor}* {{#{anchor}}}\n\nText.\n\n" for anchor in ids)
        body += f"## Quiz {{#quiz}}\n\n[[quiz {topic}]]\n"
        (docs / "topics" / f"{topic}.md").write_text(f"# {TOPICS[topic]}\n\n{body}")
    (docs / "index.md").write_text("# Home\n\n[[quiz progress]]\n")
    (docs / "quiz.md").write_text("# Quiz\n\n[[quiz all]]\n")
    (docs / "errata.md").write_text(
        "# Errata\n\n" + "".join(f"## {e} {{#{e}}}\n\nText.\n\n" for e in ERRATA)
    )
    if extra_page:
        (docs / "typo.md").write_text(extra_page)
    (root / "mkdocs.yml").write_text(
        "site_name: quiz hook test\n"
        f"docs_dir: {docs}\n"
        f"site_dir: {root / 'site'}\n"
        "theme: {name: material}\n"
        "markdown_extensions: [attr_list, admonition]\n"
        f"hooks: [{REPO / 'hooks' / 'quiz.py'}]\n"
    )
    return root


def build(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(root / "mkdocs.yml")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = write_site(tmp_path_factory.mktemp("quizsite"))
    done = build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"


def test_each_topic_page_shows_its_questions(site: Path) -> None:
    bank = load_bank()
    for topic in TOPICS:
        html = (site / "topics" / topic / "index.html").read_text()
        assert f'data-dn-quiz-topic="{topic}"' in html
        assert html.count('class="dn-q"') == sum(q.topic == topic for q in bank)
        assert "[[quiz" not in html


def test_links_are_relative_and_use_the_section_titles(site: Path) -> None:
    html = (site / "topics" / "regularization" / "index.html").read_text()
    assert '<a href="./#inverted-dropout">Section inverted-dropout</a>' in html
    assert '<a href="../../errata/#dropout-scaling">Read the erratum</a>' in html
    exam = (site / "quiz" / "index.html").read_text()
    assert '<a href="../topics/batch-norm/#test-time">Section test-time</a>' in exam


def test_the_exam_and_the_progress_box_are_rendered(site: Path) -> None:
    exam = (site / "quiz" / "index.html").read_text()
    assert 'data-dn-quiz="exam"' in exam and exam.count('class="dn-q"') == len(load_bank())
    home = (site / "index.html").read_text()
    assert 'class="dn-progress"' in home
    assert "topics/data-splits/#quiz" in home


def test_the_validator_accepts_the_real_build(site: Path) -> None:
    report = validate(site=site)
    assert report.ok, report.format()
    assert any("section and errata links resolve" in c for c in report.checked)


def test_an_unknown_topic_fails_the_build(tmp_path: Path) -> None:
    root = write_site(tmp_path, extra_page="# Typo\n\n[[quiz regularisation]]\n")
    done = build(root)
    assert done.returncode != 0
    assert "typo.md has [[quiz regularisation]], but 'regularisation' is not a topic" in done.stderr
    assert "regularization" in done.stderr

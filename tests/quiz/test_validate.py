"""`python -m deepnotes.quiz validate` catches each kind of problem, with line numbers."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest

from deepnotes.quiz import BankError, load_bank
from deepnotes.quiz.__main__ import main
from deepnotes.quiz.topics import TOPICS
from deepnotes.quiz.validate import Report, validate

FIXTURES = Path(__file__).parent / "fixtures"


def messages(report: Report) -> list[str]:
    return [str(problem) for problem in report.problems]


def find(report: Report, *needles: str) -> str:
    """The one problem line containing every needle (fails listing them all otherwise)."""
    found = [m for m in messages(report) if all(n in m for n in needles)]
    assert len(found) == 1, f"{needles} not found exactly once in:\n" + report.format()
    return found[0]


def test_malformed_yaml_names_the_line() -> None:
    report = validate(FIXTURES / "malformed.yaml")
    assert not report.ok
    assert find(report, "malformed YAML").startswith(f"{FIXTURES / 'malformed.yaml'}:8: ")


def test_unknown_fields_name_the_field_and_the_line() -> None:
    report = validate(FIXTURES / "unknown_field.yaml")
    line = find(report, "unknown field 'explaination'")
    assert ":11: question 'misspelt-field'" in line and "allowed: answer" in line
    assert ":14: unknown top-level field 'author'" in find(report, "'author'")


def test_an_option_without_explanation_is_caught() -> None:
    report = validate(FIXTURES / "missing_explanation.yaml")
    assert ":10: question 'no-explanation-for-c': option C has no explanation" in find(
        report, "no explanation"
    )


def test_bad_values_are_reported_one_by_one() -> None:
    report = validate(FIXTURES / "bad_values.yaml")
    assert ":4: " in find(report, "id must be a slug", "'Not A Slug'")
    assert ":12: " in find(report, "topic must be one of", "'cooking'")
    assert ":15: " in find(report, "answer holds 'E'")
    assert ":17: " in find(report, "section must be a page and an anchor")
    assert ":22: " in find(report, "option C of a numeric question must be a number")
    assert ":23: " in find(report, "a numeric question has exactly one answer")
    assert ":18: " in find(report, "numeric question needs 'compute'")
    assert ":34: " in find(report, "call must name something under 'deepnotes.'", "os.system")


def test_yaml_booleans_in_place_of_text_get_a_hint(tmp_path: Path) -> None:
    text = (
        (FIXTURES / "script_injection.yaml").read_text().replace("B: Code is escaped too.", "B: no")
    )
    (tmp_path / "bank.yaml").write_text(text)
    report = validate(tmp_path / "bank.yaml")
    assert "quote it" in find(report, "explanation of option B must be non-empty text; got False")


def test_duplicate_keys_and_ids_are_caught() -> None:
    report = validate(FIXTURES / "duplicates.yaml")
    assert ":9: question #1: duplicate key 'answer'" in find(report, "duplicate key")
    assert ":12: duplicate id 'twice' (first used on line 4)" in find(report, "duplicate id")


def test_notes_questions_missing_rekeyed_or_reordered_are_caught() -> None:
    report = validate(FIXTURES / "notes_mismatch.yaml", notes_key=FIXTURES / "notes_key_small.yaml")
    assert "notes question 3 ('If a model has low training error" in find(report, "is missing")
    rekeyed = find(report, "differs from the notes' key")
    assert ":6: question 'random-search' (notes question 14): answer [A]" in rekeyed
    assert "[A, C]" in rekeyed
    reordered = find(report, "does not start with the notes' stem")
    assert ":14: question 'batch-norm-helps' (notes question 15)" in reordered
    assert ":22: " in find(report, "seed_number 42 is not a question of the notes")


def test_the_real_notes_key_catches_a_changed_key(tmp_path: Path) -> None:
    text = resources.files("deepnotes.quiz").joinpath("bank.yaml").read_text(encoding="utf-8")
    # Notes question 20 keeps A, B, C; pretend someone dropped C.
    assert text.count("answer: [A, B, C]") == 1
    (tmp_path / "bank.yaml").write_text(text.replace("answer: [A, B, C]", "answer: [A, B]"))
    report = validate(tmp_path / "bank.yaml")
    assert "answer [A, B] differs from the notes' key [A, B, C]" in find(
        report, "notes question 20"
    )
    assert len(report.problems) == 1


def test_a_topic_with_too_few_questions_is_caught() -> None:
    report = validate(FIXTURES / "missing_explanation.yaml")
    for topic in TOPICS:
        assert "every topic needs at least 3" in find(report, f"topic '{topic}' has")
    assert "topic 'frameworks' has 0 questions" in find(report, "'frameworks'")


def test_numeric_keys_are_checked_against_the_engine() -> None:
    report = validate(FIXTURES / "numeric_wrong.yaml")
    wrong = find(report, "'ewma-wrong-key'")
    assert ":5: " in wrong and "the engine computes 15.2632" in wrong
    assert "the key is A = 2.9 and option B matches it" in wrong
    assert "options A, B match it" in find(report, "'lr-ambiguous'")
    raised = find(report, "'engine-raises'")
    assert "cannot compute its key" in raised and "lr0 must be > 0" in raised


def test_load_bank_raises_with_every_problem_listed() -> None:
    with pytest.raises(BankError) as caught:
        load_bank(FIXTURES / "bad_values.yaml")
    text = str(caught.value)
    assert text.startswith("the question bank has 8 problems:")
    assert "  1. " in text and "  8. " in text


def _site(root: Path, pages: dict[str, str]) -> Path:
    """A fake built site: page path -> body HTML."""
    (root / "index.html").parent.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text("<html><body>home</body></html>")
    for page, body in pages.items():
        path = root / page
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"<html><body>{body}</body></html>")
    return root


def _full_site(root: Path, drop: tuple[str, str] = ("", "")) -> Path:
    pages = {}
    for q in load_bank():
        page = q.section_page.removesuffix(".md") + "/index.html"
        if (page, q.section_anchor) == drop:
            continue
        pages.setdefault(page, "")
        pages[page] += f'<h2 id="{q.section_anchor}">x</h2>'
    for topic in TOPICS:
        pages[f"topics/{topic}/index.html"] += f'<div data-dn-quiz-topic="{topic}"></div>'
    pages["errata/index.html"] = "".join(
        f'<h2 id="{i}">e</h2>'
        for i in ("dropout-scaling", "insufficient-data", "covariate-shift", "xavier-name")
    )
    return _site(root, pages)


def test_anchors_are_checked_against_the_built_site(tmp_path: Path) -> None:
    site = _full_site(tmp_path / "site")
    assert validate(site=site).ok
    broken = _full_site(tmp_path / "broken", drop=("topics/batch-norm/index.html", "test-time"))
    report = validate(site=broken)
    line = find(report, "'bn-running-mean'")
    assert "section 'topics/batch-norm.md#test-time': no id=\"test-time\" on that page" in line
    assert line.startswith("bank.yaml:")


def test_a_missing_page_errata_anchor_or_quiz_is_caught(tmp_path: Path) -> None:
    site = _full_site(tmp_path / "site")
    (site / "errata" / "index.html").write_text('<h2 id="dropout-scaling-x">e</h2>')
    (site / "topics" / "frameworks" / "index.html").write_text(
        '<h2 id="choosing">c</h2><h2 id="side-by-side">s</h2>'
    )
    (site / "topics" / "gradient-checking" / "index.html").unlink()
    report = validate(site=site)
    assert "did you mean '#dropout-scaling-x'?" in find(report, "'reg-dropout-how'", "errata")
    assert "the page is not in the built site" in find(report, "'gc-purpose'")
    assert "`[[quiz frameworks]]`" in find(report, "topics/frameworks.md shows no quiz")
    assert "'fw-autodiff'" in find(report, "#what-we-leave-out")


def test_without_a_built_site_the_anchor_check_is_skipped_with_a_notice(tmp_path: Path) -> None:
    report = validate(site=tmp_path / "not-built")
    assert report.ok
    assert "not a built site" in report.notices[0]


def test_the_command_line_exits_1_with_a_numbered_list(capsys: pytest.CaptureFixture) -> None:
    assert main(["validate", "--bank", str(FIXTURES / "missing_explanation.yaml")]) == 1
    out = capsys.readouterr().out
    assert re.search(r"FAILED: \d+ problems in the quiz bank:", out)
    assert "\n  1. " in out and "option C has no explanation" in out


def test_the_command_line_passes_on_the_shipped_bank() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deepnotes.quiz", "validate"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"OK: \d\d questions in 11 topics", done.stdout), done.stdout
    assert "notice: section anchors not checked" in done.stdout

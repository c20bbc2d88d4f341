"""The shipped question bank: valid, complete, faithful to the study notes."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import pytest

from deepnotes.quiz import TOPICS, Question, load_bank
from deepnotes.quiz.bank import LETTERS
from deepnotes.quiz.notes_key import load_notes_key
from deepnotes.quiz.validate import validate

# The notes' own key ("Improving Deep Neural Networks", questions 1-20, the "**Correct:**"
# lines), written out here a second time on purpose: changing a key needs two edits.
NOTES_KEY = {
    1: "B", 2: "A", 3: "B", 4: "B", 5: "B", 6: "B", 7: "C", 8: "B", 9: "B", 10: "B",
    11: "A", 12: "B", 13: "B", 14: "AC", 15: "AB", 16: "A", 17: "C", 18: "A", 19: "B",
    20: "ABC",
}  # fmt: skip
ERRATA_IDS = {"dropout-scaling", "insufficient-data", "covariate-shift", "xavier-name"}


@pytest.fixture(scope="module")
def bank() -> list[Question]:
    return load_bank()


def test_the_shipped_bank_validates_without_problems() -> None:
    report = validate()
    assert report.ok, report.format()


def test_every_topic_has_at_least_three_questions(bank: list[Question]) -> None:
    counts = Counter(q.topic for q in bank)
    assert set(counts) == set(TOPICS)
    assert min(counts.values()) >= 3, counts


def test_the_bank_has_about_fifty_questions_with_unique_ids(bank: list[Question]) -> None:
    assert 45 <= len(bank) <= 60
    assert len({q.id for q in bank}) == len(bank)


def test_the_twenty_notes_questions_are_there_with_the_notes_keys(bank: list[Question]) -> None:
    seeded = {q.seed_number: q for q in bank if q.seed_number is not None}
    assert sorted(seeded) == list(range(1, 21))
    for number, letters in NOTES_KEY.items():
        assert seeded[number].answer == frozenset(letters), f"notes question {number}"


def test_the_repo_copy_of_the_notes_key_matches(bank: list[Question]) -> None:
    key = load_notes_key()
    assert {n: "".join(sorted(e.answer)) for n, e in key.items()} == NOTES_KEY
    for q in bank:
        if q.seed_number is not None:
            assert q.question.startswith(key[q.seed_number].stem)


def test_multi_answer_questions_are_the_notes_14_15_20(bank: list[Question]) -> None:
    assert sorted(q.seed_number for q in bank if q.seed_number and q.multiple) == [14, 15, 20]


def test_every_option_has_its_own_explanation(bank: list[Question]) -> None:
    for q in bank:
        assert tuple(q.options) == LETTERS
        assert tuple(q.explanations) == LETTERS
        assert len(set(q.explanations.values())) == len(LETTERS), q.id


def test_sections_point_into_the_topic_pages_or_docs(bank: list[Question]) -> None:
    for q in bank:
        assert q.section_page.endswith(".md") and q.section_anchor, q.id
        assert q.section_page == f"topics/{q.topic}.md", q.id


def test_the_known_errata_are_attached(bank: list[Question]) -> None:
    by_id = {q.id: q for q in bank}
    errata = {q.seed_number or q.id: q.errata.id for q in bank if q.errata is not None}
    assert set(errata.values()) == ERRATA_IDS
    assert errata[3] == "insufficient-data"
    assert errata[5] == "dropout-scaling"
    assert errata[15] == "covariate-shift"
    # The notes' key stays, our explanation is right: too little data raises variance.
    q3 = next(q for q in bank if q.seed_number == 3)
    assert q3.answer == {"B"} and "variance" in q3.explanations["D"]
    assert by_id["init-xavier-name"].errata.link == "errata.md#xavier-name"


def test_numeric_questions_are_keyed_by_the_engine(bank: list[Question]) -> None:
    numeric = [q for q in bank if q.kind == "numeric"]
    assert len(numeric) >= 3
    assert {q.compute["call"] for q in numeric} >= {
        "deepnotes.ewma",
        "deepnotes.schedules.inverse_time",
        "deepnotes.layers.Dense",
    }
    for q in numeric:
        assert q.values is not None and len(q.answer) == 1


def test_questions_are_read_only(bank: list[Question]) -> None:
    q = bank[0]
    with pytest.raises(AttributeError):
        q.answer = frozenset("A")  # type: ignore[misc]
    with pytest.raises(TypeError):
        q.options["A"] = "changed"  # type: ignore[index]


def test_importing_deepnotes_and_the_quiz_does_not_need_yaml() -> None:
    code = (
        "import sys; import deepnotes, deepnotes.quiz; "
        "assert 'yaml' not in sys.modules, 'yaml imported too early'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)

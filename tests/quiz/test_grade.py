"""grade(): right, wrong, missed and extra letters, and an explanation for every option."""

from __future__ import annotations

import pytest

from deepnotes.quiz import Question, grade, load_bank
from deepnotes.quiz.grading import parse_choice


@pytest.fixture(scope="module")
def by_seed() -> dict[int, Question]:
    return {q.seed_number: q for q in load_bank() if q.seed_number is not None}


def test_a_single_answer_right(by_seed: dict[int, Question]) -> None:
    result = grade(by_seed[5], "B")
    assert result.correct
    assert result.chosen == {"B"} and not result.missing and not result.extra
    assert result.summary() == "Correct."
    assert result.section == "topics/regularization.md#dropout"


def test_a_single_answer_wrong_explains_both_options(by_seed: dict[int, Question]) -> None:
    result = grade(by_seed[5], "a")
    assert not result.correct
    assert result.missing == {"B"} and result.extra == {"A"}
    assert result.summary() == "Not quite. The answer is B. You missed B; A is not right."
    assert result.feedback["A"].verdict == "wrong, your choice"
    assert result.feedback["B"].verdict == "correct answer, not chosen"
    assert result.feedback["A"].explanation == by_seed[5].explanations["A"]
    assert result.errata is not None and result.errata.id == "dropout-scaling"


def test_multi_answer_needs_all_and_only_the_right_letters(by_seed: dict[int, Question]) -> None:
    q20 = by_seed[20]
    assert grade(q20, "ABC").correct
    assert grade(q20, ["c", "b", "a"]).correct
    partial = grade(q20, "A, B")
    assert not partial.correct and partial.missing == {"C"} and not partial.extra
    too_many = grade(q20, "ABCD")
    assert not too_many.correct and too_many.extra == {"D"} and not too_many.missing
    assert too_many.summary() == "Not quite. The answer is A, B, C. D is not right."


def test_nothing_chosen_is_wrong_and_says_the_answer(by_seed: dict[int, Question]) -> None:
    result = grade(by_seed[14], "")
    assert not result.correct and result.missing == {"A", "C"}
    assert result.summary() == "No answer chosen. The answer is A, C."


def test_feedback_covers_every_option_in_order(by_seed: dict[int, Question]) -> None:
    result = grade(by_seed[15], "AB")
    assert list(result.feedback) == ["A", "B", "C", "D"]
    assert [f.chosen for f in result.feedback.values()] == [True, True, False, False]
    assert [f.correct for f in result.feedback.values()] == [True, True, False, False]
    assert all(f.explanation for f in result.feedback.values())


@pytest.mark.parametrize(
    ("chosen", "letters"),
    [("B", {"B"}), ("a,c", {"A", "C"}), (" a ; c ", {"A", "C"}), (["d"], {"D"}), ("", set())],
)
def test_parse_choice_accepts_the_usual_spellings(chosen: object, letters: set[str]) -> None:
    assert parse_choice(chosen) == letters


@pytest.mark.parametrize("chosen", ["E", "AB1", ["A", "BC"]])
def test_unknown_letters_are_refused_with_the_allowed_ones(chosen: object) -> None:
    with pytest.raises(ValueError, match=r"chosen must be option letters A, B, C, D"):
        parse_choice(chosen)


def test_non_text_choices_and_questions_are_type_errors(by_seed: dict[int, Question]) -> None:
    with pytest.raises(TypeError, match="chosen must"):
        parse_choice(3)
    with pytest.raises(TypeError, match="chosen must hold letters as text"):
        parse_choice([1, 2])
    with pytest.raises(TypeError, match=r"question must be a deepnotes\.quiz\.Question"):
        grade("question 5", "B")

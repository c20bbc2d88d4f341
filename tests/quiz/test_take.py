"""The terminal quiz, driven through stdin."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from deepnotes.quiz import Question, load_bank
from deepnotes.quiz.__main__ import main
from deepnotes.quiz.take import run_quiz


@pytest.fixture(scope="module")
def by_seed() -> dict[int, Question]:
    return {q.seed_number: q for q in load_bank() if q.seed_number is not None}


def take(questions: list[Question], answers: str) -> tuple[object, str]:
    out = io.StringIO()
    score = run_quiz(questions, stdin=io.StringIO(answers), stdout=out)
    return score, out.getvalue()


def test_a_right_and_a_wrong_answer_are_scored_and_explained(by_seed: dict[int, Question]) -> None:
    score, out = take([by_seed[3], by_seed[5]], "B\nA\n")
    assert (score.correct, score.answered, score.total) == (1, 1 + 1, 2)
    assert "Question 1 of 2 · Bias, variance and the basic recipe" in out
    assert "(from your notes, question 3)" in out
    assert "✓ Correct." in out
    assert "✗ Not quite. The answer is B. You missed B; A is not right." in out
    assert "Read more: topics/regularization.md#dropout" in out
    assert "Errata (errata.md#dropout-scaling):" in out
    assert out.rstrip().endswith("Score: 1 / 2 correct")


def test_multi_answer_questions_say_choose_all_that_apply(by_seed: dict[int, Question]) -> None:
    score, out = take([by_seed[14]], "a, c\n")
    assert "Choose all that apply." in out and "all letters that apply" in out
    assert score.correct == 1


def test_bad_input_is_asked_again(by_seed: dict[int, Question]) -> None:
    score, out = take([by_seed[3]], "\nxyz\nAB\nb\n")
    assert out.count("Please answer with option letters (A, B, C, D).") == 2
    assert "Please answer with one letter: this question has one answer." in out
    assert score.correct == 1


def test_quit_or_end_of_input_stops_with_the_score_so_far(by_seed: dict[int, Question]) -> None:
    score, out = take([by_seed[1], by_seed[2], by_seed[3]], "B\nq\n")
    assert (score.correct, score.answered, score.total) == (1, 1, 3)
    assert "Score: 1 / 1 correct (2 of 3 questions not answered)" in out
    score, _ = take([by_seed[1], by_seed[2]], "B\n")
    assert score.answered == 1


def test_the_command_line_takes_a_topic_quiz(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    frameworks = [q for q in load_bank() if q.topic == "frameworks"]
    answers = "".join("".join(sorted(q.answer)) + "\n" for q in frameworks)
    monkeypatch.setattr(sys, "stdin", io.StringIO(answers))
    assert main(["take", "--topic", "frameworks"]) == 0
    out = capsys.readouterr().out
    assert f"Score: {len(frameworks)} / {len(frameworks)} correct" in out
    assert "· Frameworks" in out and "· Regularization" not in out


def test_limit_and_seeded_shuffle(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("A\nA\n"))
    assert main(["take", "--shuffle", "--seed", "1", "--limit", "2"]) == 0
    first = capsys.readouterr().out
    monkeypatch.setattr(sys, "stdin", io.StringIO("A\nA\n"))
    assert main(["take", "--shuffle", "--seed", "1", "--limit", "2"]) == 0
    assert capsys.readouterr().out == first
    assert "Question 2 of 2" in first and "Question 3" not in first


def test_unknown_topic_is_a_usage_error() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deepnotes.quiz", "take", "--topic", "cooking"],
        input="",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    assert "invalid choice: 'cooking'" in done.stderr


def test_a_real_process_reads_answers_from_stdin() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "deepnotes.quiz", "take", "--topic", "batch-norm", "--limit", "1"],
        input="AB\n",
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Score: 1 / 1 correct" in done.stdout

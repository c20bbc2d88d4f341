"""Take a quiz in the terminal: questions on stdout, answers from stdin.

Each question shows its options; type the letter (or, for "choose all that
apply", every letter, e.g. ``AC`` or ``a, c``). After each answer you see
whether it was right, why each option is right or wrong, and which section
of the notes teaches it. ``q`` (or end of input) stops early; the score
counts the questions answered.

Examples
--------
>>> import io
>>> from deepnotes.quiz import load_bank
>>> q = next(q for q in load_bank() if q.seed_number == 3)
>>> out = io.StringIO()
>>> score = run_quiz([q], stdin=io.StringIO("x\\nb\\n"), stdout=out)
>>> score.correct, score.answered
(1, 1)
>>> "Please answer with option letters" in out.getvalue()
True
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from deepnotes.quiz.bank import Question
from deepnotes.quiz.grading import Result, grade, parse_choice
from deepnotes.quiz.topics import TOPICS

__all__ = ["Score", "ask", "run_quiz"]

_WIDTH = 88
_MARKS = {
    "correct answer, your choice": "✓",
    "correct answer, not chosen": "✓",
    "wrong, your choice": "✗",
    "wrong": " ",
}


@dataclass(frozen=True)
class Score:
    """How a terminal quiz went: right answers, answered questions, questions offered."""

    correct: int
    answered: int
    total: int

    def __str__(self) -> str:
        text = f"Score: {self.correct} / {self.answered} correct"
        if self.answered < self.total:
            text += f" ({self.total - self.answered} of {self.total} questions not answered)"
        return text


def _wrap(text: str, indent: str = "", hanging: str | None = None) -> str:
    return textwrap.fill(
        " ".join(text.split()),
        width=_WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if hanging is None else hanging,
        break_on_hyphens=False,
    )


def _show_question(question: Question, number: int, total: int, out: TextIO) -> None:
    print(f"\nQuestion {number} of {total} · {TOPICS[question.topic]}", file=out)
    if question.seed_number is not None:
        print(f"(from your notes, question {question.seed_number})", file=out)
    print(_wrap(question.question), file=out)
    if question.multiple:
        print("Choose all that apply.", file=out)
    for letter, text in question.options.items():
        print(_wrap(f"{letter}) {text}", "  ", "     "), file=out)


def _show_result(result: Result, out: TextIO) -> None:
    print(("✓ " if result.correct else "✗ ") + result.summary(), file=out)
    for letter, option in result.feedback.items():
        mark = _MARKS[option.verdict]
        print(f" {mark} {letter} ({option.verdict})", file=out)
        print(_wrap(option.explanation, "     "), file=out)
    print(f"Read more: {result.section}", file=out)
    if result.errata is not None:
        print(_wrap(f"Errata ({result.errata.link}): {result.errata.note}"), file=out)


def ask(
    question: Question, number: int, total: int, stdin: TextIO, stdout: TextIO
) -> Result | None:
    """Ask one question until a valid answer comes; return its ``Result``, or None to stop.

    Parameters
    ----------
    question : Question
    number, total : int
        Position in the quiz, for the heading ("Question 2 of 5").
    stdin, stdout : text streams

    Returns
    -------
    Result or None
        None when the user types ``q`` or the input ends.

    Examples
    --------
    >>> import io
    >>> from deepnotes.quiz import load_bank
    >>> q = next(q for q in load_bank() if q.seed_number == 1)
    >>> ask(q, 1, 1, io.StringIO("q\\n"), io.StringIO()) is None
    True
    """
    _show_question(question, number, total, stdout)
    if question.multiple:
        prompt = "Your answer (all letters that apply, e.g. AC; q to quit): "
    else:
        prompt = "Your answer (one letter; q to quit): "
    while True:
        print(prompt, end="", file=stdout, flush=True)
        line = stdin.readline()
        if not line:
            print(file=stdout)
            return None
        text = line.strip()
        if not stdin.isatty():
            print(text, file=stdout)  # echo piped input so the transcript reads well
        if text.lower() in ("q", "quit", "exit"):
            return None
        try:
            chosen = parse_choice(text)
        except ValueError:
            chosen = None
        if not chosen:
            letters = ", ".join(question.options)
            print(f"Please answer with option letters ({letters}).", file=stdout)
            continue
        if not question.multiple and len(chosen) != 1:
            print("Please answer with one letter: this question has one answer.", file=stdout)
            continue
        result = grade(question, chosen)
        _show_result(result, stdout)
        return result


def run_quiz(
    questions: Sequence[Question], *, stdin: TextIO | None = None, stdout: TextIO | None = None
) -> Score:
    """Ask ``questions`` in order and print the score at the end.

    Parameters
    ----------
    questions : sequence of Question
    stdin, stdout : text streams, optional
        Default to ``sys.stdin`` and ``sys.stdout`` (the tests pass ``io.StringIO``).

    Returns
    -------
    Score

    Examples
    --------
    >>> import io
    >>> from deepnotes.quiz import load_bank
    >>> q = next(q for q in load_bank() if q.seed_number == 20)
    >>> out = io.StringIO()
    >>> run_quiz([q], stdin=io.StringIO("A,B\\n"), stdout=out)
    Score(correct=0, answered=1, total=1)
    >>> print(out.getvalue().splitlines()[-1])
    Score: 0 / 1 correct
    """
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    correct = answered = 0
    for number, question in enumerate(questions, 1):
        result = ask(question, number, len(questions), stdin, stdout)
        if result is None:
            break
        answered += 1
        correct += result.correct
    score = Score(correct, answered, len(questions))
    print(f"\n{score}", file=stdout)
    return score

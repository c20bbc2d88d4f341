"""Grade an answer to a quiz question and explain every option.

An answer is right when the chosen letters are exactly the correct set: for a
"choose all that apply" question, missing one correct option or adding a wrong
one both make it wrong, and the result says which.

Examples
--------
>>> from deepnotes.quiz import load_bank
>>> q = next(q for q in load_bank() if q.seed_number == 20)
>>> result = grade(q, "A, B, D")
>>> result.correct, sorted(result.missing), sorted(result.extra)
(False, ['C'], ['D'])
>>> print(result.summary())
Not quite. The answer is A, B, C. You missed C; D is not right.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from deepnotes.quiz.bank import LETTERS, Errata, Question

__all__ = ["OptionFeedback", "Result", "grade", "parse_choice"]


@dataclass(frozen=True)
class OptionFeedback:
    """What one option is, whether it was chosen, and why it is right or wrong.

    Examples
    --------
    >>> OptionFeedback("B", "Adding dropout", chosen=False, correct=True,
    ...                explanation="Dropout reduces variance.").verdict
    'correct answer, not chosen'
    """

    letter: str
    text: str
    chosen: bool
    correct: bool
    explanation: str

    @property
    def verdict(self) -> str:
        """A short label a screen reader or a terminal can show next to the option."""
        if self.correct:
            return "correct answer, your choice" if self.chosen else "correct answer, not chosen"
        return "wrong, your choice" if self.chosen else "wrong"


@dataclass(frozen=True)
class Result:
    """The outcome of ``grade``.

    Attributes
    ----------
    question_id : str
    correct : bool
        The chosen letters are exactly the answer.
    chosen, missing, extra : frozenset of str
        What was chosen; correct letters not chosen; chosen letters that are wrong.
    feedback : mapping of str to OptionFeedback
        Every option, in letter order, with its explanation.
    section : str
        The docs section that teaches the question (``page.md#anchor``).
    errata : Errata or None
        What the study notes get wrong about it, if anything.
    """

    question_id: str
    correct: bool
    chosen: frozenset[str]
    missing: frozenset[str]
    extra: frozenset[str]
    answer: frozenset[str]
    feedback: Mapping[str, OptionFeedback]
    section: str
    errata: Errata | None = None

    def summary(self) -> str:
        """One sentence: right, or what the answer is and what went wrong."""
        if self.correct:
            return "Correct."
        if not self.chosen:
            return f"No answer chosen. The answer is {', '.join(sorted(self.answer))}."
        parts = []
        if self.missing:
            parts.append(f"You missed {', '.join(sorted(self.missing))}")
        if self.extra:
            verb = "is" if len(self.extra) == 1 else "are"
            parts.append(f"{', '.join(sorted(self.extra))} {verb} not right")
        return f"Not quite. The answer is {', '.join(sorted(self.answer))}. {'; '.join(parts)}."


def parse_choice(chosen: str | Iterable[str]) -> frozenset[str]:
    """Turn ``"B"``, ``"a, c"``, ``"AC"`` or ``["A", "C"]`` into a set of option letters.

    Parameters
    ----------
    chosen : str or iterable of str
        Letters, case-insensitive; commas and spaces between them are ignored.

    Returns
    -------
    frozenset of str

    Raises
    ------
    ValueError
        If something other than an option letter appears.
    TypeError
        If ``chosen`` is not text or an iterable of text.

    Examples
    --------
    >>> sorted(parse_choice("a, c"))
    ['A', 'C']
    >>> parse_choice("E")
    Traceback (most recent call last):
    ...
    ValueError: chosen must be option letters A, B, C, D (e.g. 'B' or 'A,C'); got 'E'
    """
    if isinstance(chosen, str):
        letters = [c for c in chosen.upper() if c not in ", ;\t"]
    else:
        try:
            items = list(chosen)
        except TypeError:
            raise TypeError(
                f"chosen must be letters like 'B', 'A,C' or ['A', 'C']; got {chosen!r}"
            ) from None
        if not all(isinstance(item, str) for item in items):
            raise TypeError(f"chosen must hold letters as text; got {chosen!r}")
        letters = [item.strip().upper() for item in items]
    if not all(letter in LETTERS for letter in letters):
        raise ValueError(
            f"chosen must be option letters {', '.join(LETTERS)} (e.g. 'B' or 'A,C'); "
            f"got {chosen!r}"
        )
    return frozenset(letters)


def grade(question: Question, chosen: str | Iterable[str]) -> Result:
    """Grade the letters ``chosen`` for ``question``.

    Parameters
    ----------
    question : Question
        A question from ``load_bank()``.
    chosen : str or iterable of str
        The chosen letters (see ``parse_choice``); nothing chosen is graded wrong.

    Returns
    -------
    Result
        Right or wrong, what was missed or wrongly chosen, and every option's
        explanation.

    Raises
    ------
    ValueError
        If ``chosen`` holds something other than option letters.
    TypeError
        If ``question`` is not a ``Question``.

    Examples
    --------
    >>> from deepnotes.quiz import load_bank
    >>> q = next(q for q in load_bank() if q.seed_number == 3)
    >>> result = grade(q, "b")
    >>> result.correct, result.feedback["B"].verdict
    (True, 'correct answer, your choice')
    """
    if not isinstance(question, Question):
        raise TypeError(
            f"question must be a deepnotes.quiz.Question; got {type(question).__name__}"
        )
    letters = parse_choice(chosen)
    feedback = {
        letter: OptionFeedback(
            letter=letter,
            text=question.options[letter],
            chosen=letter in letters,
            correct=letter in question.answer,
            explanation=question.explanations[letter],
        )
        for letter in question.options
    }
    return Result(
        question_id=question.id,
        correct=letters == question.answer,
        chosen=letters,
        missing=question.answer - letters,
        extra=letters - question.answer,
        answer=question.answer,
        feedback=MappingProxyType(feedback),
        section=question.section,
        errata=question.errata,
    )

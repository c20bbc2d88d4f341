"""Quiz: the study notes' 20 questions and ours, as data, graded and validated.

- ``load_bank()`` reads the bank (``bank.yaml``, shipped with the package) into
  read-only ``Question`` objects;
- ``grade(question, chosen)`` says whether a set of chosen letters is right and
  explains every option;
- ``python -m deepnotes.quiz validate`` checks the bank against the notes' key,
  the engine and the built site; ``python -m deepnotes.quiz take`` runs a quiz
  in the terminal.

Reading the bank needs PyYAML (``pip install 'deepnotes[quiz]'``); it is
imported only when a bank is read.

Examples
--------
>>> from deepnotes.quiz import grade, load_bank
>>> bank = load_bank()
>>> q = next(q for q in bank if q.seed_number == 15)
>>> result = grade(q, "A")
>>> result.correct, sorted(result.missing)
(False, ['B'])
"""

from __future__ import annotations

from deepnotes.quiz.bank import BankError, Errata, Problem, Question, load_bank, parse_bank
from deepnotes.quiz.grading import OptionFeedback, Result, grade
from deepnotes.quiz.topics import TOPICS

__all__ = [
    "TOPICS",
    "BankError",
    "Errata",
    "OptionFeedback",
    "Problem",
    "Question",
    "Result",
    "grade",
    "load_bank",
    "parse_bank",
]

"""The study notes' own answer key (questions 1-20), kept in the repo as data.

``notes_key.yaml`` copies, for each of the notes' 20 questions, the key (the
"**Correct:**" line) and the first words of the question. The validator checks
the bank against it: the key must be the notes' key, and the question with
``seed_number: n`` must start with the notes' stem, so renumbering or reordering
is caught.

Examples
--------
>>> key = load_notes_key()
>>> sorted(key[20].answer), key[13].stem
(['A', 'B', 'C'], 'Learning rate decay is useful because')
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from os import PathLike
from pathlib import Path

from deepnotes.quiz.bank import LETTERS, BankError, Problem, _Reader, read_yaml

__all__ = ["NotesKeyEntry", "load_notes_key", "parse_notes_key"]


@dataclass(frozen=True)
class NotesKeyEntry:
    """The notes' key for one question: its number, correct letters and opening words."""

    number: int
    answer: frozenset[str]
    stem: str
    line: int = 0


def parse_notes_key(
    text: str, source: str = "notes_key.yaml"
) -> tuple[dict[int, NotesKeyEntry], list[Problem]]:
    """Parse a notes key; return ``{number: entry}`` and the problems found (with lines).

    Examples
    --------
    >>> entries, problems = parse_notes_key("version: 1\\nquestions:\\n  1: {answer: [E]}\\n")
    >>> print(problems[0])
    notes_key.yaml:3: notes question 1: answer must be a list of letters A-D; got ['E']
    """
    root, loader, problems = read_yaml(text, source)
    if problems:
        return {}, problems
    reader = _Reader(loader, source)
    top = reader.mapping(root, "the top level") if root is not None else None
    if top is None or "questions" not in top:
        reader.problem("expected 'version: 1' and 'questions:' (number -> answer, stem)", root)
        return {}, reader.problems
    questions = top["questions"][1]
    if not reader.is_mapping(questions):
        reader.problem("'questions' must map question numbers to {answer, stem}", questions)
        return {}, reader.problems
    entries: dict[int, NotesKeyEntry] = {}
    for key_node, value_node in questions.value:
        number = reader.value(key_node)
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            reader.problem(f"question numbers must be 1, 2, ...; got {number!r}", key_node)
            continue
        if number in entries:
            reader.problem(f"notes question {number} is listed twice", key_node)
            continue
        fields = reader.mapping(value_node, f"notes question {number}")
        if fields is None:
            continue
        for name, (name_node, _) in fields.items():
            if name not in ("answer", "stem"):
                reader.problem(
                    f"notes question {number}: unknown field '{name}' (allowed: answer, stem)",
                    name_node,
                )
        answer = reader.value(fields["answer"][1]) if "answer" in fields else None
        if not isinstance(answer, list) or not answer or not all(a in LETTERS for a in answer):
            reader.problem(
                f"notes question {number}: answer must be a list of letters A-D; got {answer!r}",
                value_node,
            )
            continue
        stem = reader.value(fields["stem"][1]) if "stem" in fields else None
        if not isinstance(stem, str) or not stem.strip():
            reader.problem(
                f"notes question {number}: needs 'stem', the first words of the question",
                value_node,
            )
            continue
        entries[number] = NotesKeyEntry(
            number, frozenset(answer), stem.strip(), key_node.start_mark.line + 1
        )
    return entries, reader.problems


def load_notes_key(path: str | PathLike[str] | None = None) -> dict[int, NotesKeyEntry]:
    """Read the notes' key (by default ``deepnotes/quiz/notes_key.yaml``).

    Parameters
    ----------
    path : str or path-like, optional
        Another key file (the tests use broken ones).

    Returns
    -------
    dict of int to NotesKeyEntry

    Raises
    ------
    BankError
        If the file is malformed; every problem is listed with its line.

    Examples
    --------
    >>> key = load_notes_key()
    >>> len(key), sorted(key[15].answer)
    (20, ['A', 'B'])
    """
    if path is None:
        text = resources.files("deepnotes.quiz").joinpath("notes_key.yaml").read_text("utf-8")
        source = "notes_key.yaml"
    else:
        text, source = Path(path).read_text(encoding="utf-8"), str(path)
    entries, problems = parse_notes_key(text, source)
    if problems:
        raise BankError(problems)
    return entries

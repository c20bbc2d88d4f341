"""Load the quiz question bank (YAML) with a strict schema.

The bank is a YAML mapping ``{version: 1, questions: [...]}``. Every question is a
mapping with these fields (``bank.yaml`` has 50-odd examples):

- ``id``: stable slug, unique in the bank (``splits-purpose``);
- ``topic``: one of ``deepnotes.quiz.topics.TOPICS``;
- ``seed_number``: 1-20 for the study notes' own questions, ``null`` for ours;
- ``kind``: ``choice`` (default) or ``numeric``;
- ``question``: the question text (``code`` in backticks is allowed);
- ``options``: mapping ``A``-``D`` -> text (numbers for ``numeric``);
- ``answer``: list of the correct letters (several for "choose all that apply");
- ``explanations``: mapping ``A``-``D`` -> why that option is right or wrong;
- ``section``: the docs section that teaches it, ``topics/<slug>.md#<anchor>``;
- ``errata`` (optional): ``{id, note}``, what the notes got wrong, linking to
  ``errata.md#<id>``;
- ``compute`` (``numeric`` only): how the engine computes the key, see
  ``deepnotes.quiz.compute``;
- ``tolerance`` (``numeric`` only): relative tolerance, default 1e-3.

The loader walks YAML's node tree, so every problem (malformed YAML, unknown or
missing fields, an option without an explanation...) names its line. ``yaml``
(PyYAML, the ``quiz`` extra) is imported only when a bank is read.

Examples
--------
>>> questions = load_bank()
>>> q = next(q for q in questions if q.seed_number == 14)
>>> q.topic, sorted(q.answer), q.multiple
('hyperparameter-tuning', ['A', 'C'], True)
>>> problems = parse_bank("version: 1\\nquestions:\\n  - id: x\\n    colour: red\\n")[1]
>>> print(problems[0])  # doctest: +ELLIPSIS
bank.yaml:4: question 'x': unknown field 'colour' (allowed: answer, compute, errata, ...)
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from os import PathLike
from pathlib import Path
from types import MappingProxyType
from typing import Any

from deepnotes.quiz.compute import check_spec
from deepnotes.quiz.topics import TOPICS

__all__ = [
    "KINDS",
    "LETTERS",
    "BankError",
    "Errata",
    "Problem",
    "Question",
    "format_number",
    "load_bank",
    "parse_bank",
    "read_yaml",
]

LETTERS: tuple[str, ...] = ("A", "B", "C", "D")
KINDS: tuple[str, ...] = ("choice", "numeric")
BANK_VERSION = 1

_FIELDS = (
    "answer",
    "compute",
    "errata",
    "explanations",
    "id",
    "kind",
    "options",
    "question",
    "section",
    "seed_number",
    "tolerance",
    "topic",
)
_REQUIRED = ("id", "topic", "question", "options", "answer", "explanations", "section")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_SECTION = re.compile(r"^(?P<page>[A-Za-z0-9_./-]+\.md)#(?P<anchor>[A-Za-z0-9_-]+)$")
_DEFAULT_TOLERANCE = 1e-3


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a bank (or its key), with the line where it is.

    Examples
    --------
    >>> print(Problem("option C has no explanation", line=12))
    bank.yaml:12: option C has no explanation
    """

    message: str
    line: int | None = None
    source: str = "bank.yaml"

    def __str__(self) -> str:
        where = f"{self.source}:{self.line}" if self.line else self.source
        return f"{where}: {self.message}"


class BankError(ValueError):
    """A bank that does not follow the schema; ``problems`` lists everything found.

    Examples
    --------
    >>> err = BankError([Problem("unknown field 'x'", line=3)])
    >>> print(err)
    the question bank has 1 problem:
      1. bank.yaml:3: unknown field 'x'
    """

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]) -> None:
        self.problems = tuple(problems)
        lines = [f"  {i}. {p}" for i, p in enumerate(self.problems, 1)]
        n = len(self.problems)
        super().__init__(
            f"the question bank has {n} problem{'s' if n != 1 else ''}:\n" + "\n".join(lines)
        )


@dataclass(frozen=True)
class Errata:
    """Where the study notes are wrong about a question: an ``errata.md`` id and a note.

    Examples
    --------
    >>> Errata("insufficient-data", "Too little data raises variance.").link
    'errata.md#insufficient-data'
    """

    id: str
    note: str

    @property
    def link(self) -> str:
        """The docs link of this erratum, ``errata.md#<id>``."""
        return f"errata.md#{self.id}"


@dataclass(frozen=True)
class Question:
    """One quiz question, read-only.

    ``options`` and ``explanations`` map each letter to its text; ``answer`` is the
    frozenset of correct letters. For ``kind == "numeric"`` questions ``values``
    maps each letter to its number and ``compute`` says how the engine computes
    the key. ``line`` is where the question starts in the bank file.

    Examples
    --------
    >>> q = load_bank()[0]
    >>> q.options["A"] == q.options.get("A"), isinstance(q.answer, frozenset)
    (True, True)
    """

    id: str
    topic: str
    seed_number: int | None
    question: str
    options: Mapping[str, str]
    explanations: Mapping[str, str]
    answer: frozenset[str]
    section: str
    errata: Errata | None = None
    kind: str = "choice"
    values: Mapping[str, float] | None = None
    compute: Mapping[str, Any] | None = None
    tolerance: float = _DEFAULT_TOLERANCE
    line: int = field(default=0, compare=False)

    @property
    def multiple(self) -> bool:
        """True when several options are correct ("choose all that apply")."""
        return len(self.answer) > 1

    @property
    def section_page(self) -> str:
        """The docs page of ``section``, e.g. ``'topics/regularization.md'``."""
        return self.section.partition("#")[0]

    @property
    def section_anchor(self) -> str:
        """The anchor of ``section``, e.g. ``'inverted-dropout'``."""
        return self.section.partition("#")[2]


def format_number(value: float) -> str:
    """Show a numeric option the way the bank wrote it (``0.0625``, ``15.26``, ``1e-05``).

    Examples
    --------
    >>> format_number(0.0625), format_number(2.0), format_number(1e-5), format_number(3)
    ('0.0625', '2', '1e-05', '3')
    """
    return format(float(value), "g")


def read_yaml(text: str, source: str) -> tuple[Any, Any, list[Problem]]:
    """Compose ``text`` into YAML nodes; return ``(root_node, loader, problems)``.

    Malformed YAML gives ``root_node = None`` and one problem with its line.
    Keep the loader to turn leaf nodes into Python values (``loader.construct_object``).
    """
    try:
        import yaml
    except ImportError as exc:  # pragma: no cover - pyyaml is in the quiz extra
        raise ImportError(
            "reading the quiz bank needs PyYAML: pip install 'deepnotes[quiz]'"
        ) from exc
    loader = yaml.SafeLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        what = " ".join(part for part in (exc.context, exc.problem) if part)
        return None, loader, [Problem(f"malformed YAML: {what}", line, source)]
    except yaml.YAMLError as exc:
        return None, loader, [Problem(f"malformed YAML: {exc}", None, source)]
    finally:
        loader.dispose()
    return root, loader, []


class _Reader:
    """Walks the composed node tree, collecting problems with line numbers."""

    def __init__(self, loader: Any, source: str) -> None:
        import yaml

        self._yaml = yaml
        self.loader = loader
        self.source = source
        self.problems: list[Problem] = []

    def problem(self, message: str, node: Any) -> None:
        line = node.start_mark.line + 1 if node is not None else None
        self.problems.append(Problem(message, line, self.source))

    def value(self, node: Any) -> Any:
        try:
            return self.loader.construct_object(node, deep=True)
        except self._yaml.YAMLError as exc:
            self.problem(f"cannot read value: {exc}", node)
            return None

    def mapping(self, node: Any, what: str) -> dict[str, tuple[Any, Any]] | None:
        """Return ``{key: (key_node, value_node)}``, reporting duplicates and non-text keys."""
        if not isinstance(node, self._yaml.MappingNode):
            self.problem(f"{what} must be a mapping (key: value lines)", node)
            return None
        items: dict[str, tuple[Any, Any]] = {}
        for key_node, value_node in node.value:
            key = self.value(key_node)
            if not isinstance(key, str):
                self.problem(f"{what}: keys must be text; got {key!r}", key_node)
                continue
            if key in items:
                self.problem(f"{what}: duplicate key '{key}'", key_node)
                continue
            items[key] = (key_node, value_node)
        return items

    def is_sequence(self, node: Any) -> bool:
        return isinstance(node, self._yaml.SequenceNode)

    def is_mapping(self, node: Any) -> bool:
        return isinstance(node, self._yaml.MappingNode)

    def text(self, node: Any, what: str) -> str | None:
        value = self.value(node)
        if not isinstance(value, str) or not value.strip():
            hint = ""
            if isinstance(value, bool | int | float) or value is None:
                hint = " (YAML reads yes/no/on/off/null and numbers as non-text: quote it)"
            self.problem(f"{what} must be non-empty text; got {value!r}{hint}", node)
            return None
        return value.strip()


def parse_bank(text: str, source: str = "bank.yaml") -> tuple[list[Question], list[Problem]]:
    """Parse a bank; return the well-formed questions and every problem found.

    Parameters
    ----------
    text : str
        The YAML text.
    source : str, default "bank.yaml"
        File name used in problem messages.

    Returns
    -------
    questions : list of Question
        The questions that passed every schema check, in file order.
    problems : list of Problem
        Everything wrong, each with its line number.

    Examples
    --------
    >>> questions, problems = parse_bank("version: 1\\nquestions: [\\n")
    >>> questions, problems[0].line
    ([], 3)
    """
    root, loader, problems = read_yaml(text, source)
    if problems:
        return [], problems
    reader = _Reader(loader, source)
    if root is None:
        reader.problem("the bank is empty; expected 'version: 1' and 'questions:'", None)
        return [], reader.problems
    top = reader.mapping(root, "the top level")
    if top is None:
        return [], reader.problems
    for key, (key_node, _) in top.items():
        if key not in ("version", "questions"):
            reader.problem(
                f"unknown top-level field '{key}' (allowed: version, questions)", key_node
            )
    if "version" not in top:
        reader.problem(f"missing 'version: {BANK_VERSION}' at the top", root)
    else:
        version = reader.value(top["version"][1])
        if version != BANK_VERSION:
            reader.problem(f"version must be {BANK_VERSION}; got {version!r}", top["version"][1])
    if "questions" not in top:
        reader.problem("missing 'questions:' (the list of questions)", root)
        return [], reader.problems
    items = top["questions"][1]
    if not reader.is_sequence(items):
        reader.problem("'questions' must be a list ('- id: ...' entries)", items)
        return [], reader.problems
    questions: list[Question] = []
    first_line: dict[str, int] = {}
    for index, node in enumerate(items.value, 1):
        question = _parse_question(reader, node, index)
        if question is None:
            continue
        if question.id in first_line:
            reader.problem(
                f"duplicate id '{question.id}' (first used on line {first_line[question.id]})",
                node,
            )
            continue
        first_line[question.id] = question.line
        questions.append(question)
    return questions, reader.problems


def _parse_question(reader: _Reader, node: Any, index: int) -> Question | None:
    fields = reader.mapping(node, f"question #{index}")
    if fields is None:
        return None
    before = len(reader.problems)
    qid = None
    if "id" in fields:
        qid = reader.value(fields["id"][1])
        if not isinstance(qid, str) or not _SLUG.match(qid):
            reader.problem(
                f"question #{index}: id must be a slug like 'dropout-scaling' "
                f"(lowercase letters, digits, hyphens); got {qid!r}",
                fields["id"][1],
            )
            qid = None
    name = f"question '{qid}'" if qid else f"question #{index}"
    for key, (key_node, _) in fields.items():
        if key not in _FIELDS:
            reader.problem(
                f"{name}: unknown field '{key}' (allowed: {', '.join(_FIELDS)})", key_node
            )
    for key in _REQUIRED:
        if key not in fields:
            reader.problem(f"{name}: missing field '{key}'", node)

    def get(key: str) -> Any:
        return fields[key][1] if key in fields else None

    topic = _parse_topic(reader, get("topic"), name)
    seed_number = _parse_seed_number(reader, get("seed_number"), name)
    kind = _parse_kind(reader, get("kind"), name)
    question = reader.text(get("question"), f"{name}: question") if get("question") else None
    options, values = _parse_options(reader, get("options"), kind, name)
    answer = _parse_answer(reader, get("answer"), options, kind, name)
    explanations = _parse_explanations(reader, get("explanations"), options, name)
    section = _parse_section(reader, get("section"), name)
    errata = _parse_errata(reader, get("errata"), name) if get("errata") is not None else None
    compute, tolerance = _parse_numeric(reader, node, get("compute"), get("tolerance"), kind, name)
    if len(reader.problems) > before or qid is None:
        return None
    return Question(
        id=qid,
        topic=topic,
        seed_number=seed_number,
        question=question,
        options=MappingProxyType(options),
        explanations=MappingProxyType(explanations),
        answer=answer,
        section=section,
        errata=errata,
        kind=kind,
        values=MappingProxyType(values) if values is not None else None,
        compute=compute,
        tolerance=tolerance,
        line=node.start_mark.line + 1,
    )


def _parse_topic(reader: _Reader, node: Any, name: str) -> str | None:
    if node is None:
        return None
    topic = reader.value(node)
    if topic not in TOPICS:
        reader.problem(f"{name}: topic must be one of {', '.join(TOPICS)}; got {topic!r}", node)
        return None
    return topic


def _parse_seed_number(reader: _Reader, node: Any, name: str) -> int | None:
    if node is None:
        return None
    number = reader.value(node)
    if number is None:
        return None
    if isinstance(number, bool) or not isinstance(number, int) or number < 1:
        reader.problem(
            f"{name}: seed_number must be the notes' question number (1, 2, ...) or null; "
            f"got {number!r}",
            node,
        )
        return None
    return number


def _parse_kind(reader: _Reader, node: Any, name: str) -> str:
    if node is None:
        return "choice"
    kind = reader.value(node)
    if kind not in KINDS:
        reader.problem(f"{name}: kind must be one of {', '.join(KINDS)}; got {kind!r}", node)
        return "choice"
    return kind


def _letters_mapping(reader: _Reader, node: Any, what: str) -> dict[str, tuple[Any, Any]] | None:
    items = reader.mapping(node, what)
    if items is None:
        return None
    for key, (key_node, _) in items.items():
        if key not in LETTERS:
            reader.problem(
                f"{what}: '{key}' is not an option letter ({', '.join(LETTERS)})", key_node
            )
    return items


def _parse_options(
    reader: _Reader, node: Any, kind: str, name: str
) -> tuple[dict[str, str], dict[str, float] | None]:
    if node is None:
        return {}, None
    items = _letters_mapping(reader, node, f"{name}: options")
    if items is None:
        return {}, None
    missing = [letter for letter in LETTERS if letter not in items]
    if missing:
        reader.problem(
            f"{name}: options must have every letter {', '.join(LETTERS)}; missing "
            f"{', '.join(missing)}",
            node,
        )
    options: dict[str, str] = {}
    values: dict[str, float] = {}
    for letter in LETTERS:
        if letter not in items:
            continue
        value_node = items[letter][1]
        value = reader.value(value_node)
        if kind == "numeric":
            if (
                isinstance(value, bool)
                or not isinstance(value, numbers.Real)
                or not math.isfinite(value)
            ):
                reader.problem(
                    f"{name}: option {letter} of a numeric question must be a number; "
                    f"got {value!r}",
                    value_node,
                )
                continue
            values[letter] = float(value)
            options[letter] = format_number(value)
        else:
            text = reader.text(value_node, f"{name}: option {letter}")
            if text is not None:
                options[letter] = text
    return options, (values if kind == "numeric" else None)


def _parse_answer(
    reader: _Reader, node: Any, options: dict[str, str], kind: str, name: str
) -> frozenset[str]:
    if node is None:
        return frozenset()
    answer = reader.value(node)
    if not isinstance(answer, list) or not answer:
        reader.problem(
            f"{name}: answer must be a non-empty list of letters, e.g. [B] or [A, C]; "
            f"got {answer!r}",
            node,
        )
        return frozenset()
    bad = [a for a in answer if a not in LETTERS]
    if bad:
        reader.problem(
            f"{name}: answer holds {', '.join(map(repr, bad))}, not option letters "
            f"({', '.join(LETTERS)})",
            node,
        )
    if len(set(answer)) != len(answer):
        reader.problem(f"{name}: answer repeats a letter: {answer}", node)
    if kind == "numeric" and len(answer) != 1:
        reader.problem(f"{name}: a numeric question has exactly one answer; got {answer}", node)
    return frozenset(a for a in answer if a in LETTERS)


def _parse_explanations(
    reader: _Reader, node: Any, options: dict[str, str], name: str
) -> dict[str, str]:
    if node is None:
        return {}
    items = _letters_mapping(reader, node, f"{name}: explanations")
    if items is None:
        return {}
    explanations: dict[str, str] = {}
    for letter in LETTERS:
        if letter not in items:
            reader.problem(f"{name}: option {letter} has no explanation", node)
            continue
        text = reader.text(items[letter][1], f"{name}: explanation of option {letter}")
        if text is not None:
            explanations[letter] = text
    return explanations


def _parse_section(reader: _Reader, node: Any, name: str) -> str | None:
    if node is None:
        return None
    section = reader.value(node)
    if not isinstance(section, str) or not _SECTION.match(section):
        reader.problem(
            f"{name}: section must be a page and an anchor like "
            f"'topics/regularization.md#inverted-dropout'; got {section!r}",
            node,
        )
        return None
    return section


def _parse_errata(reader: _Reader, node: Any, name: str) -> Errata | None:
    items = reader.mapping(node, f"{name}: errata")
    if items is None:
        return None
    for key, (key_node, _) in items.items():
        if key not in ("id", "note"):
            reader.problem(f"{name}: errata: unknown field '{key}' (allowed: id, note)", key_node)
    if "id" not in items or "note" not in items:
        reader.problem(f"{name}: errata needs both 'id' (an errata.md anchor) and 'note'", node)
        return None
    errata_id = reader.value(items["id"][1])
    if not isinstance(errata_id, str) or not _SLUG.match(errata_id):
        reader.problem(
            f"{name}: errata id must be an errata.md anchor slug; got {errata_id!r}", items["id"][1]
        )
        return None
    note = reader.text(items["note"][1], f"{name}: errata note")
    return Errata(errata_id, note) if note is not None else None


def _parse_numeric(
    reader: _Reader,
    question_node: Any,
    compute_node: Any,
    tolerance_node: Any,
    kind: str,
    name: str,
) -> tuple[Mapping[str, Any] | None, float]:
    tolerance = _DEFAULT_TOLERANCE
    if kind != "numeric":
        for node, key in ((compute_node, "compute"), (tolerance_node, "tolerance")):
            if node is not None:
                reader.problem(f"{name}: '{key}' is only for kind: numeric questions", node)
        return None, tolerance
    if tolerance_node is not None:
        value = reader.value(tolerance_node)
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
            reader.problem(
                f"{name}: tolerance must be a relative tolerance in (0, 1); got {value!r}",
                tolerance_node,
            )
        else:
            tolerance = float(value)
    if compute_node is None:
        reader.problem(
            f"{name}: a numeric question needs 'compute' (how the engine computes the key)",
            question_node,
        )
        return None, tolerance
    spec = reader.value(compute_node)
    for message in check_spec(spec):
        reader.problem(f"{name}: compute: {message}", compute_node)
    return spec, tolerance


def _default_bank() -> Any:
    return resources.files("deepnotes.quiz").joinpath("bank.yaml")


def load_bank(path: str | PathLike[str] | None = None) -> list[Question]:
    """Read and check a question bank; return its questions in file order.

    Parameters
    ----------
    path : str or path-like, optional
        A bank file; by default the bank shipped with deepnotes
        (``deepnotes/quiz/bank.yaml``).

    Returns
    -------
    list of Question

    Raises
    ------
    BankError
        If the YAML is malformed or breaks the schema; the message lists every
        problem with its line number.

    Examples
    --------
    >>> bank = load_bank()
    >>> len({q.topic for q in bank})
    11
    """
    if path is None:
        source = _default_bank()
        text, name = source.read_text(encoding="utf-8"), "bank.yaml"
    else:
        text, name = Path(path).read_text(encoding="utf-8"), str(path)
    questions, problems = parse_bank(text, name)
    if problems:
        raise BankError(problems)
    return questions

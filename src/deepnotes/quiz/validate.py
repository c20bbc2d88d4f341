"""Check the question bank: schema, the notes' key, coverage, the engine, the built site.

``validate`` collects every problem instead of stopping at the first, so one run
shows all that needs fixing:

1. malformed YAML, unknown or missing fields, an option without an explanation
   (each with its line number; see ``deepnotes.quiz.bank``);
2. a notes question (1-20) missing from the bank, its key differing from
   ``notes_key.yaml``, or its text not starting with the notes' stem;
3. a topic with fewer than ``MIN_PER_TOPIC`` questions;
4. a numeric question whose keyed option is not the number the engine computes
   (or where several options match it);
5. with a built site: a ``section`` or errata anchor that does not exist, or a
   topic page that does not show its quiz.

Examples
--------
>>> report = validate()
>>> report.ok, len(report.questions) >= 45
(True, True)
>>> report.notices[0]
'section anchors not checked: no built site given (build it, then pass --site site)'
"""

from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import resources
from os import PathLike
from pathlib import Path

from deepnotes.quiz.bank import Problem, Question, parse_bank
from deepnotes.quiz.compute import ComputeError, describe, evaluate
from deepnotes.quiz.notes_key import NotesKeyEntry, parse_notes_key
from deepnotes.quiz.topics import TOPICS, topic_page

__all__ = ["MIN_PER_TOPIC", "Report", "page_html_path", "read_ids", "validate"]

MIN_PER_TOPIC = 3


@dataclass
class Report:
    """What ``validate`` found.

    Attributes
    ----------
    questions : list of Question
        The questions that passed the schema.
    problems : list of Problem
        Everything wrong; empty means the bank is valid.
    notices : list of str
        Checks that were skipped and why.
    checked : list of str
        What was checked successfully (for the summary line).
    """

    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem was found."""
        return not self.problems

    def format(self) -> str:
        """The report as text: notices, then a numbered list of problems or a summary."""
        lines = [f"notice: {notice}" for notice in self.notices]
        if self.problems:
            n = len(self.problems)
            lines.append(f"FAILED: {n} problem{'s' if n != 1 else ''} in the quiz bank:")
            lines += [f"  {i}. {problem}" for i, problem in enumerate(self.problems, 1)]
        else:
            lines.append("OK: " + "; ".join(self.checked))
        return "\n".join(lines)


def _read(path: str | PathLike[str] | None, default: str) -> tuple[str, str]:
    if path is None:
        return resources.files("deepnotes.quiz").joinpath(default).read_text("utf-8"), default
    return Path(path).read_text(encoding="utf-8"), str(path)


def _normalize(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _check_notes(
    questions: list[Question], key: dict[int, NotesKeyEntry], report: Report, source: str
) -> None:
    before = len(report.problems)
    by_number: dict[int, Question] = {}
    for q in questions:
        if q.seed_number is None:
            continue
        if q.seed_number in by_number:
            report.problems.append(
                Problem(
                    f"question '{q.id}': seed_number {q.seed_number} is already used by "
                    f"'{by_number[q.seed_number].id}'",
                    q.line,
                    source,
                )
            )
            continue
        by_number[q.seed_number] = q
        if q.seed_number not in key:
            report.problems.append(
                Problem(
                    f"question '{q.id}': seed_number {q.seed_number} is not a question of "
                    f"the notes (notes_key.yaml has {min(key, default=0)}-{max(key, default=0)})",
                    q.line,
                    source,
                )
            )
    for number, entry in sorted(key.items()):
        q = by_number.get(number)
        if q is None:
            report.problems.append(
                Problem(
                    f"notes question {number} ('{entry.stem}...') is missing from the bank "
                    f"(no question has seed_number: {number})",
                    None,
                    source,
                )
            )
            continue
        if q.answer != entry.answer:
            report.problems.append(
                Problem(
                    f"question '{q.id}' (notes question {number}): answer "
                    f"[{', '.join(sorted(q.answer))}] differs from the notes' key "
                    f"[{', '.join(sorted(entry.answer))}] in notes_key.yaml",
                    q.line,
                    source,
                )
            )
        if not _normalize(q.question).startswith(_normalize(entry.stem)):
            report.problems.append(
                Problem(
                    f"question '{q.id}' (notes question {number}) does not start with the "
                    f"notes' stem '{entry.stem}': renumbered or reordered?",
                    q.line,
                    source,
                )
            )
    if len(report.problems) == before:
        report.checked.append(f"the {len(key)} notes questions match notes_key.yaml")


def _check_topics(questions: list[Question], report: Report, source: str) -> None:
    counts = Counter(q.topic for q in questions)
    for topic in TOPICS:
        if counts[topic] < MIN_PER_TOPIC:
            report.problems.append(
                Problem(
                    f"topic '{topic}' has {counts[topic]} question"
                    f"{'s' if counts[topic] != 1 else ''}; every topic needs at least "
                    f"{MIN_PER_TOPIC}",
                    None,
                    source,
                )
            )


def _check_numeric(questions: list[Question], report: Report, source: str) -> None:
    numeric = [q for q in questions if q.kind == "numeric"]
    before = len(report.problems)
    for q in numeric:
        try:
            value = evaluate(q.compute)
        except ComputeError as exc:
            report.problems.append(
                Problem(
                    f"question '{q.id}': the engine cannot compute its key: {exc}", q.line, source
                )
            )
            continue
        matching = [
            letter
            for letter, option in q.values.items()
            if math.isclose(option, value, rel_tol=q.tolerance, abs_tol=1e-12)
        ]
        keyed = sorted(q.answer)
        if matching != keyed:
            found = (
                f"options {', '.join(matching)} match it"
                if len(matching) > 1
                else f"option {matching[0]} matches it"
                if matching
                else "no option matches it"
            )
            report.problems.append(
                Problem(
                    f"question '{q.id}': the engine computes {value:.6g} "
                    f"({describe(q.compute)}), but the key is {keyed[0]} = "
                    f"{q.options[keyed[0]]} and {found} (relative tolerance {q.tolerance:g})",
                    q.line,
                    source,
                )
            )
    if numeric and len(report.problems) == before:
        report.checked.append(f"{len(numeric)} numeric keys agree with the engine")


class _IdParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.quiz_topics: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif name == "data-dn-quiz-topic" and value:
                self.quiz_topics.add(value)


def page_html_path(site_dir: str | PathLike[str], page: str) -> Path:
    """Where MkDocs (directory URLs) writes a docs page: ``topics/x.md`` -> ``topics/x/index.html``.

    Examples
    --------
    >>> page_html_path("site", "topics/batch-norm.md").as_posix()
    'site/topics/batch-norm/index.html'
    >>> page_html_path("site", "index.md").as_posix(), page_html_path("s", "a/index.md").as_posix()
    ('site/index.html', 's/a/index.html')
    """
    stem = page[: -len(".md")]
    parts = stem.split("/")
    if parts[-1] in ("index", "README"):
        parts = parts[:-1]
    return Path(site_dir, *parts, "index.html")


def read_ids(html_file: str | PathLike[str]) -> tuple[set[str], set[str]]:
    """Return the ``id`` attributes of a built page and the quiz topics it renders.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     page = Path(tmp, "index.html")
    ...     _ = page.write_text('<h2 id="l2">L2</h2><div data-dn-quiz-topic="regularization">')
    ...     read_ids(page)
    ({'l2'}, {'regularization'})
    """
    parser = _IdParser()
    parser.feed(Path(html_file).read_text(encoding="utf-8"))
    return parser.ids, parser.quiz_topics


def _check_site(
    questions: list[Question], site_dir: str | PathLike[str] | None, report: Report, source: str
) -> None:
    if site_dir is None:
        report.notices.append(
            "section anchors not checked: no built site given (build it, then pass --site site)"
        )
        return
    if not Path(site_dir, "index.html").is_file():
        report.notices.append(
            f"section anchors not checked: {site_dir} is not a built site (no index.html); "
            "run `python -m mkdocs build --strict` first"
        )
        return
    pages: dict[str, tuple[set[str], set[str]] | None] = {}

    def page_ids(page: str) -> tuple[set[str], set[str]] | None:
        if page not in pages:
            path = page_html_path(site_dir, page)
            pages[page] = read_ids(path) if path.is_file() else None
        return pages[page]

    before = len(report.problems)
    links = 0
    for q in questions:
        targets = [("section", q.section)]
        if q.errata is not None:
            targets.append(("errata", q.errata.link))
        for what, target in targets:
            page, _, anchor = target.partition("#")
            links += 1
            found = page_ids(page)
            if found is None:
                report.problems.append(
                    Problem(
                        f"question '{q.id}': {what} '{target}': the page is not in the built "
                        f"site (no {page_html_path(site_dir, page)})",
                        q.line,
                        source,
                    )
                )
            elif anchor not in found[0]:
                close = difflib.get_close_matches(anchor, sorted(found[0]), n=1)
                hint = f"; did you mean '#{close[0]}'?" if close else ""
                report.problems.append(
                    Problem(
                        f"question '{q.id}': {what} '{target}': no id=\"{anchor}\" on that "
                        f"page ({page_html_path(site_dir, page)}){hint}",
                        q.line,
                        source,
                    )
                )
    for topic in TOPICS:
        found = page_ids(topic_page(topic))
        if found is not None and topic not in found[1]:
            report.problems.append(
                Problem(
                    f"topic page {topic_page(topic)} shows no quiz: add the line "
                    f"`[[quiz {topic}]]` under its '## Quiz {{#quiz}}' heading",
                    None,
                    str(page_html_path(site_dir, topic_page(topic))),
                )
            )
    if len(report.problems) == before:
        report.checked.append(f"{links} section and errata links resolve in {site_dir}")


def validate(
    bank: str | PathLike[str] | None = None,
    *,
    notes_key: str | PathLike[str] | None = None,
    site: str | PathLike[str] | None = None,
) -> Report:
    """Check a question bank and return everything that is wrong with it.

    Parameters
    ----------
    bank : str or path-like, optional
        The bank file; by default the shipped ``deepnotes/quiz/bank.yaml``.
    notes_key : str or path-like, optional
        The notes' key; by default the shipped ``notes_key.yaml``.
    site : str or path-like, optional
        A built MkDocs site (``site/``) to check the ``section`` anchors against;
        without it (or when it is not built) that check is skipped with a notice.

    Returns
    -------
    Report
        ``report.ok`` is True when nothing is wrong; ``report.format()`` is the
        numbered list the command line prints.

    Examples
    --------
    >>> print(validate().format().splitlines()[-1])  # doctest: +ELLIPSIS
    OK: ... questions in 11 topics (>= 3 each); the 20 notes questions match ...
    """
    report = Report()
    text, source = _read(bank, "bank.yaml")
    questions, problems = parse_bank(text, source)
    report.questions = questions
    report.problems += problems
    key_text, key_source = _read(notes_key, "notes_key.yaml")
    key, key_problems = parse_notes_key(key_text, key_source)
    report.problems += key_problems
    report.checked.append(
        f"{len(questions)} questions in {len({q.topic for q in questions})} topics "
        f"(>= {MIN_PER_TOPIC} each)"
    )
    if not key_problems:
        _check_notes(questions, key, report, source)
    _check_topics(questions, report, source)
    _check_numeric(questions, report, source)
    _check_site(questions, site, report, source)
    return report

"""Command line: ``python -m deepnotes.quiz validate|take``.

``validate [--bank PATH] [--notes-key PATH] [--site DIR]`` checks the bank and
exits 1 with a numbered list of problems; ``take [--topic T] [--limit N]
[--shuffle --seed S]`` runs a quiz in the terminal (answers from stdin).

Examples
--------
>>> main(["validate"])  # doctest: +ELLIPSIS
notice: section anchors not checked: ...
OK: ... questions in 11 topics ...
0
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import numpy as np

from deepnotes.quiz.bank import BankError, load_bank
from deepnotes.quiz.take import run_quiz
from deepnotes.quiz.topics import TOPICS
from deepnotes.quiz.validate import validate

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m deepnotes.quiz",
        description="The deepnotes quiz: check the question bank, or take a quiz in the terminal.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser(
        "validate",
        help="check the bank against the notes' key, the engine and the built site",
        description="Exit 1 with a numbered list of problems when the bank is not valid.",
    )
    check.add_argument("--bank", help="bank file (default: the bank shipped with deepnotes)")
    check.add_argument("--notes-key", help="notes' answer key (default: the shipped one)")
    check.add_argument(
        "--site",
        help="built MkDocs site to check section anchors against (e.g. site); skipped if absent",
    )
    take = commands.add_parser("take", help="take a quiz in the terminal")
    take.add_argument("--topic", choices=list(TOPICS), help="only this topic's questions")
    take.add_argument("--bank", help="bank file (default: the bank shipped with deepnotes)")
    take.add_argument("--limit", type=int, help="ask at most this many questions")
    take.add_argument("--shuffle", action="store_true", help="ask in random order")
    take.add_argument("--seed", type=int, default=None, help="seed for --shuffle")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 fine, 1 problems found)."""
    args = _parser().parse_args(argv)
    if args.command == "validate":
        report = validate(args.bank, notes_key=args.notes_key, site=args.site)
        print(report.format())
        return 0 if report.ok else 1
    try:
        questions = load_bank(args.bank)
    except BankError as exc:
        print(exc, file=sys.stderr)
        return 1
    if args.topic:
        questions = [q for q in questions if q.topic == args.topic]
    if args.shuffle:
        order = np.random.default_rng(args.seed).permutation(len(questions))
        questions = [questions[i] for i in order]
    if args.limit is not None:
        if args.limit < 1:
            print(f"--limit must be at least 1; got {args.limit}", file=sys.stderr)
            return 2
        questions = questions[: args.limit]
    run_quiz(questions)
    return 0


if __name__ == "__main__":
    sys.exit(main())

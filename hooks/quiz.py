"""MkDocs hook: embed quiz questions where a page has a quiz marker paragraph.

Markers (each alone on its own line, a paragraph of its own):

- ``[[quiz TOPIC]]``: that topic's questions (a topic page's "Quiz" section);
- ``[[quiz all]]``: every question, as an exam (the Quiz page);
- ``[[quiz progress]]``: the reader's progress per topic (the home page).

The questions come from ``deepnotes.quiz.load_bank()`` and are rendered by
``deepnotes.quiz.render``; ``docs/assets/deepnotes/quiz.js`` makes them
interactive (listed in ``extra_javascript``). An unknown topic, a bank that does
not load, or a ``section`` pointing at a page that does not exist fails the
build. Whether the anchors exist is checked on the built site by
``python -m deepnotes.quiz validate --site site``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

REPO = Path(__file__).resolve().parent.parent
try:
    from deepnotes.quiz import TOPICS, BankError, Question, load_bank
    from deepnotes.quiz.render import render_exam, render_progress, render_topic
except ImportError:  # running from a fresh clone without `pip install -e .`
    sys.path.insert(0, str(REPO / "src"))
    from deepnotes.quiz import TOPICS, BankError, Question, load_bank
    from deepnotes.quiz.render import render_exam, render_progress, render_topic

MARKER = re.compile(r"<p>\[\[quiz[ \t]+([^\]\s<]+)[ \t]*\]\]</p>")
HEADING = re.compile(r"^#{1,6}[ \t]+(?P<title>.+?)[ \t]*\{[^}]*#(?P<id>[\w-]+)[^}]*\}[ \t]*$", re.M)
BANK = REPO / "src" / "deepnotes" / "quiz" / "bank.yaml"

_bank: list[Question] = []
_titles: dict[str, str] = {}


def on_pre_build(config: Any) -> None:
    """Load the bank once per build (so `mkdocs serve` picks up edits)."""
    global _bank
    try:
        _bank = load_bank()
    except BankError as exc:
        raise PluginError(f"quiz: {exc}") from exc
    _titles.clear()


def on_serve(server: Any, config: Any, builder: Any) -> Any:
    """Rebuild when the bank changes under `mkdocs serve`."""
    server.watch(str(BANK))
    return server


def _plain(title: str) -> str:
    return re.sub(r"[*_`]", "", title).strip()


def _section_titles(files: Files, page_path: str) -> None:
    """Read the explicit-id headings of a docs page once (``{#id}`` attr_list)."""
    key = f"{page_path}#"
    if any(target.startswith(key) for target in _titles):
        return
    file = files.get_file_from_path(page_path)
    if file is None:
        return
    for match in HEADING.finditer(file.content_string):
        _titles[f"{page_path}#{match['id']}"] = _plain(match["title"])
    _titles.setdefault(key, "")


def _linker(page: Page, files: Files):
    def link(target: str) -> str:
        path, _, anchor = target.partition("#")
        file = files.get_file_from_path(path)
        if file is None:
            raise PluginError(
                f"quiz: {page.file.src_uri} links to '{target}', but there is no docs page {path}"
            )
        url = file.url_relative_to(page.file)
        return f"{url}#{anchor}" if anchor else url

    return link


def on_page_content(html: str, page: Page, config: Any, files: Files) -> str:
    """Replace every quiz marker paragraph by its rendered block."""
    if "[[quiz" not in html:
        return html
    link = _linker(page, files)
    for question in _bank:
        _section_titles(files, question.section_page)
    titles = {k: v for k, v in _titles.items() if not k.endswith("#")}

    def replace(match: re.Match[str]) -> str:
        what = match.group(1)
        if what == "all":
            return render_exam(_bank, link=link, titles=titles)
        if what == "progress":
            return render_progress(_bank, link=link)
        if what not in TOPICS:
            raise PluginError(
                f"quiz: {page.file.src_uri} has [[quiz {what}]], but '{what}' is not a topic; "
                f"use one of: {', '.join(TOPICS)}, all, progress"
            )
        questions = [q for q in _bank if q.topic == what]
        return render_topic(questions, link=link, titles=titles, topic=what)

    return MARKER.sub(replace, html)

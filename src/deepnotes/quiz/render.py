"""Render quiz questions as accessible HTML forms for the site (used by ``hooks/quiz.py``).

Three blocks, each driven by ``docs/assets/deepnotes/quiz.js`` and working
without Pyodide:

- ``render_topic``: a topic's questions, each its own ``<form>`` with Check and
  Retry, a per-page score and a "Reset my answers" button;
- ``render_exam``: every question in one form, grouped by topic, with a single
  Submit that shows the score and the review (exam mode);
- ``render_progress``: an empty ``<div class="dn-progress">`` that carries the
  question ids per topic; the script fills it with the reader's progress.

Each question is a ``<fieldset>`` whose ``<legend>`` is the question, with
radio buttons (one answer) or checkboxes plus "Choose all that apply" (several).
Every option's explanation, the link to the teaching section and the errata
are in the page but ``hidden`` until the reader checks the answer, and left out
of the search index. All bank text is escaped; ``code`` in backticks becomes
``<code>``.

Examples
--------
>>> from deepnotes.quiz import load_bank
>>> q = next(q for q in load_bank() if q.seed_number == 14)
>>> html = render_topic([q], link=lambda target: "../" + target)
>>> 'type="checkbox"' in html and "Choose all that apply" in html
True
>>> inline("a <script> `x < y`")
'a &lt;script&gt; <code>x &lt; y</code>'
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable, Sequence

from deepnotes.quiz.bank import Question
from deepnotes.quiz.topics import TOPICS

__all__ = ["inline", "render_exam", "render_progress", "render_question", "render_topic"]

Link = Callable[[str], str]
_CODE = re.compile(r"`([^`]+)`")


def inline(text: str) -> str:
    """Escape bank text for HTML, turning `code` spans into ``<code>``.

    Examples
    --------
    >>> inline('He init: `init="he"` & <b>')
    'He init: <code>init=&quot;he&quot;</code> &amp; &lt;b&gt;'
    """
    return _CODE.sub(r"<code>\1</code>", html.escape(text, quote=True))


def _attr(value: str) -> str:
    return html.escape(value, quote=True)


def _section_label(target: str, titles: dict[str, str]) -> str:
    page, _, anchor = target.partition("#")
    if target in titles:
        return titles[target]
    topic = page.removeprefix("topics/").removesuffix(".md")
    page_title = TOPICS.get(topic, topic)
    return f"{page_title}: {anchor.replace('-', ' ')}"


def render_question(
    question: Question,
    number: int,
    total: int,
    *,
    link: Link,
    titles: dict[str, str] | None = None,
    exam: bool = False,
) -> str:
    """Render one question (a ``<form>``, or a ``<div>`` inside the exam's form).

    Parameters
    ----------
    question : Question
    number, total : int
        Its position, shown as "Question 2 of 7".
    link : callable
        Maps a docs target (``topics/x.md#anchor``, ``errata.md#id``) to its URL
        relative to the page being rendered.
    titles : dict, optional
        Docs target -> section title, for the "Learn more" link text.
    exam : bool, default False
        In exam mode there are no per-question Check/Retry buttons.

    Returns
    -------
    str
        The HTML of the question.

    Examples
    --------
    >>> from deepnotes.quiz import load_bank
    >>> q = next(q for q in load_bank() if q.seed_number == 3)
    >>> html = render_question(q, 1, 5, link=lambda target: target)
    >>> html.startswith('<form class="dn-q" id="dn-q-bv-low-train-high-dev"')
    True
    >>> 'type="radio"' in html, "Question 1 of 5" in html
    (True, True)
    """
    titles = titles or {}
    qid = f"dn-q-{question.id}"
    multiple = question.multiple
    kind = "checkbox" if multiple else "radio"
    tag = "div" if exam else "form"
    answer = ",".join(sorted(question.answer))
    badge = (
        f'<span class="dn-q__badge">From your notes, question {question.seed_number}</span>'
        if question.seed_number is not None
        else ""
    )
    hint = '<span class="dn-q__hint">Choose all that apply.</span>' if multiple else ""
    options = []
    for letter, text in question.options.items():
        option_id = f"{qid}-{letter}"
        options.append(
            f'<div class="dn-q__option" data-letter="{letter}">'
            f'<input type="{kind}" id="{option_id}" name="{qid}" value="{letter}">'
            f'<label for="{option_id}"><span class="dn-q__letter">{letter}</span> '
            f'<span class="dn-q__option-text">{inline(text)}</span></label>'
            f'<div class="dn-q__why" id="{option_id}-why" hidden data-search-exclude>'
            f'<strong class="dn-q__verdict"></strong> {inline(question.explanations[letter])}'
            f"</div></div>"
        )
    errata = ""
    if question.errata is not None:
        errata = (
            f'<div class="admonition warning dn-q__errata">'
            f'<p class="admonition-title">Errata: the notes get this wrong</p>'
            f"<p>{inline(question.errata.note)} "
            f'<a href="{_attr(link(question.errata.link))}">Read the erratum</a></p></div>'
        )
    buttons = (
        ""
        if exam
        else '<div class="dn-q__actions">'
        '<button type="submit" class="md-button md-button--primary dn-q__check">Check</button> '
        '<button type="button" class="md-button dn-q__retry" hidden>Retry</button></div>'
    )
    # In the exam one live region (the result) speaks; 50 would talk over each other.
    live = "" if exam else ' role="status" aria-live="polite"'
    return (
        f'<{tag} class="dn-q" id="{qid}" data-qid="{_attr(question.id)}" '
        f'data-topic="{question.topic}" data-answer="{answer}" '
        f'data-multiple="{"true" if multiple else "false"}"'
        f"{'' if exam else ' novalidate'}>"
        f'<fieldset class="dn-q__fieldset"><legend class="dn-q__legend">'
        f'<span class="dn-q__number">Question {number} of {total}</span>{badge} '
        f'<span class="dn-q__text">{inline(question.question)}</span> {hint}</legend>'
        f'<div class="dn-q__options">{"".join(options)}</div></fieldset>'
        f"{buttons}"
        f'<p class="dn-q__status"{live}></p>'
        f'<div class="dn-q__more" hidden data-search-exclude>'
        f'<p class="dn-q__learn">Learn more: <a href="{_attr(link(question.section))}">'
        f"{inline(_section_label(question.section, titles))}</a></p>{errata}</div>"
        f"</{tag}>"
    )


def render_topic(
    questions: Sequence[Question],
    *,
    link: Link,
    titles: dict[str, str] | None = None,
    topic: str | None = None,
) -> str:
    """Render a topic page's quiz: its questions, the page score and a reset button.

    Parameters
    ----------
    questions : sequence of Question
        The topic's questions, in bank order.
    link : callable
        Docs target -> URL relative to the page (see ``render_question``).
    titles : dict, optional
        Docs target -> section title.
    topic : str, optional
        The topic slug (default: the first question's topic).

    Returns
    -------
    str

    Examples
    --------
    >>> from deepnotes.quiz import load_bank
    >>> qs = [q for q in load_bank() if q.topic == "frameworks"]
    >>> html = render_topic(qs, link=lambda target: target)
    >>> html.count('<form class="dn-q"') == len(qs), "Reset my answers" in html
    (True, True)
    """
    topic = topic or (questions[0].topic if questions else "")
    total = len(questions)
    blocks = "".join(
        render_question(q, i, total, link=link, titles=titles) for i, q in enumerate(questions, 1)
    )
    return (
        f'<div class="dn-quiz" data-dn-quiz="topic" data-dn-quiz-topic="{_attr(topic)}">'
        f'<p class="dn-quiz__intro">{total} questions. Choose an answer and press '
        f"<strong>Check</strong> to see which options are right and why. Your answers "
        f"are kept in this browser only.</p>{blocks}"
        f'<div class="dn-quiz__footer">'
        f'<p class="dn-quiz__score">Score on this page: <span class="dn-quiz__score-value">'
        f"0 of {total} correct</span></p>"
        f'<button type="button" class="md-button dn-quiz__reset">Reset my answers</button>'
        f'<p class="dn-quiz__notice" role="status" aria-live="polite"></p></div></div>'
    )


def render_exam(
    questions: Sequence[Question], *, link: Link, titles: dict[str, str] | None = None
) -> str:
    """Render the full exam: all questions grouped by topic, one Submit, score and review.

    Examples
    --------
    >>> from deepnotes.quiz import load_bank
    >>> html = render_exam(load_bank(), link=lambda target: target)
    >>> html.count("<form"), html.count('<section class="dn-exam__topic"')
    (1, 11)
    """
    total = len(questions)
    sections = []
    number = 0
    for index, (topic, title) in enumerate(TOPICS.items(), 1):
        group = [q for q in questions if q.topic == topic]
        if not group:
            continue
        blocks = []
        for q in group:
            number += 1
            blocks.append(render_question(q, number, total, link=link, titles=titles, exam=True))
        sections.append(
            f'<section class="dn-exam__topic" data-dn-quiz-topic="{topic}" '
            f'aria-labelledby="exam-{topic}">'
            f'<h2 class="dn-exam__heading" id="exam-{topic}">{index} · {html.escape(title)}</h2>'
            f"{''.join(blocks)}</section>"
        )
    return (
        f'<form class="dn-quiz dn-quiz--exam" data-dn-quiz="exam" novalidate>'
        f'<p class="dn-quiz__intro">{total} questions from all {len(sections)} topics. '
        f"Answer every one, then press <strong>Submit answers</strong> at the end to see "
        f"your score and a review with the explanation of every option. Your answers are "
        f"kept in this browser until you retake the exam.</p>"
        f"{''.join(sections)}"
        f'<div class="dn-exam__actions">'
        f'<button type="submit" class="md-button md-button--primary dn-exam__submit">'
        f"Submit answers</button> "
        f'<button type="button" class="md-button dn-exam__retake" hidden>Retake the exam</button>'
        f"</div>"
        f'<div class="dn-exam__result" role="status" aria-live="polite" tabindex="-1"></div>'
        f"</form>"
    )


def render_progress(questions: Sequence[Question], *, link: Link) -> str:
    """Render the home page's progress box: per topic, the question ids and the quiz link.

    The script (``quiz.js``) fills it from the answers stored in the browser;
    without the script the fallback sentence stays.

    Examples
    --------
    >>> from deepnotes.quiz import load_bank
    >>> html = render_progress(load_bank(), link=lambda t: t)
    >>> html.startswith('<div class="dn-progress" data-dn-progress=')
    True
    """
    topics = [
        {
            "topic": topic,
            "title": title,
            "href": link(f"topics/{topic}.md#quiz"),
            "ids": [q.id for q in questions if q.topic == topic],
        }
        for topic, title in TOPICS.items()
    ]
    data = _attr(json.dumps(topics, separators=(",", ":")))
    return (
        f'<div class="dn-progress" data-dn-progress="{data}" '
        f'data-exam-href="{_attr(link("quiz.md"))}">'
        f'<p class="dn-progress__fallback">Your quiz progress per topic appears here as you '
        f"answer the questions at the end of each topic (kept in this browser only).</p>"
        f"</div>"
    )

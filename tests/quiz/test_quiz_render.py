"""The quiz HTML: accessible forms, escaped text, explanations hidden until Check."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

from deepnotes.quiz import load_bank
from deepnotes.quiz.render import render_exam, render_progress, render_topic

FIXTURES = Path(__file__).parent / "fixtures"


def link(target: str) -> str:
    return "/docs/" + target


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text outside tags."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def all(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def test_markup_in_the_bank_is_shown_as_text_never_run() -> None:
    q = load_bank(FIXTURES / "script_injection.yaml")[0]
    html = render_topic([q], link=link)
    tags = Tags(html)
    assert not tags.all("script") and not tags.all("img") and not tags.all("em")
    text = "".join(tags.text)
    assert 'Does <script>alert("x")</script> run?' in text
    assert "<img src=x onerror=alert(1)>" in text
    assert "&lt;script&gt;" in html and "<code>&lt;b&gt;</code>" in html


def test_single_answers_are_radios_and_multiple_answers_checkboxes() -> None:
    bank = {q.seed_number: q for q in load_bank() if q.seed_number}
    tags = Tags(render_topic([bank[3], bank[14]], link=link))
    radios = tags.all("input", type="radio")
    boxes = tags.all("input", type="checkbox")
    assert [r["name"] for r in radios] == ["dn-q-bv-low-train-high-dev"] * 4
    assert [b["value"] for b in boxes] == ["A", "B", "C", "D"]
    html = render_topic([bank[14]], link=link)
    assert html.count("Choose all that apply.") == 1
    assert "Choose all that apply" not in render_topic([bank[3]], link=link)


def test_every_input_has_a_label_and_every_question_a_legend() -> None:
    questions = [q for q in load_bank() if q.topic == "optimizers"]
    tags = Tags(render_topic(questions, link=link))
    inputs = tags.all("input")
    labels = {a["for"] for a in tags.all("label")}
    assert len(inputs) == 4 * len(questions)
    assert {i["id"] for i in inputs} == labels
    assert len(tags.all("fieldset")) == len(tags.all("legend")) == len(questions)
    assert len(tags.all("p", role="status")) == len(questions) + 1


def test_explanations_links_and_errata_are_hidden_until_checked() -> None:
    q = next(q for q in load_bank() if q.seed_number == 5)
    html = render_topic([q], link=link)
    tags = Tags(html)
    whys = [a for t, a in tags.tags if (a.get("class") or "") == "dn-q__why"]
    assert len(whys) == 4 and all("hidden" in a and "data-search-exclude" in a for a in whys)
    more = [a for t, a in tags.tags if a.get("class") == "dn-q__more"]
    assert len(more) == 1 and "hidden" in more[0]
    assert 'href="/docs/topics/regularization.md#dropout"' in html
    assert 'href="/docs/errata.md#dropout-scaling"' in html
    # No aria-describedby before Check: hidden text would still be read out.
    assert "aria-describedby" not in html


def test_the_topic_block_has_score_reset_and_its_topic() -> None:
    questions = [q for q in load_bank() if q.topic == "frameworks"]
    html = render_topic(questions, link=link)
    assert 'data-dn-quiz="topic" data-dn-quiz-topic="frameworks"' in html
    assert f"0 of {len(questions)} correct" in html
    assert ">Reset my answers</button>" in html
    assert html.count(">Check</button>") == len(questions)
    assert f"Question {len(questions)} of {len(questions)}" in html


def test_the_exam_has_every_question_grouped_by_topic_and_one_submit() -> None:
    bank = load_bank()
    html = render_exam(bank, link=link)
    tags = Tags(html)
    assert len(tags.all("form")) == 1
    assert len([a for _, a in tags.tags if a.get("class") == "dn-q"]) == len(bank)
    assert ">Check</button>" not in html and html.count("Submit answers</button>") == 1
    headings = [a["id"] for a in tags.all("h2")]
    assert headings[0] == "exam-data-splits" and len(headings) == 11
    assert f"Question {len(bank)} of {len(bank)}" in html
    # One live region speaks for the exam, not one per question.
    assert len(tags.all("div", role="status")) == 1 and not tags.all("p", role="status")


def test_the_progress_box_carries_the_question_ids_per_topic() -> None:
    bank = load_bank()
    tags = Tags(render_progress(bank, link=link))
    box = tags.all("div", **{"class": "dn-progress"})[0]
    topics = json.loads(box["data-dn-progress"])
    assert [t["topic"] for t in topics][:2] == ["data-splits", "bias-variance"]
    assert sum(len(t["ids"]) for t in topics) == len(bank)
    assert topics[0]["href"] == "/docs/topics/data-splits.md#quiz"
    assert re.fullmatch(r"/docs/quiz\.md", box["data-exam-href"])

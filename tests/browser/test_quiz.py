"""The quiz in real Chromium on the built site: Check/Retry, storage, exam by keyboard, dark mode.

Uses the shared fixtures of tests/browser/conftest.py (built ``site/``, its plain server,
Debian chromium, the network guard). Every test gets a fresh browser context, so it starts
with empty localStorage. The quiz needs no Pyodide: nothing here waits for it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_page import seed_storage, start_python

from deepnotes.quiz import Question, load_bank

KEY = "deepnotes:v1:quiz"


@pytest.fixture(scope="module")
def by_seed() -> dict[int, Question]:
    return {q.seed_number: q for q in load_bank() if q.seed_number is not None}


@pytest.fixture(scope="module")
def light_question() -> Question:
    """A one-answer question on the lightest topic page (frameworks: one demo), for the tests of
    what is stored: they load the page two or three times, ~1 s each instead of ~2.5 s."""
    q = next(q for q in load_bank() if q.id == "fw-autodiff")
    assert q.topic == "frameworks" and len(q.answer) == 1
    return q


@pytest.fixture
def context(browser: Any, guard: Any) -> Iterator[Any]:
    # No service worker: the quiz does not need cross-origin isolation (nor its one reload).
    context = browser.new_context(viewport={"width": 1100, "height": 900}, service_workers="block")
    context.set_default_timeout(20_000)
    guard.attach(context)
    start_python(context, "run")  # the quiz needs no Python
    yield context
    context.close()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    """A page that fails the test on any error thrown by the quiz script."""
    page = context.new_page()
    errors: list[str] = []
    page.on(
        "pageerror",
        lambda exc: errors.append(str(exc)) if "quiz" in (exc.stack or str(exc)) else None,
    )
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            if msg.type == "error" and "deepnotes quiz" in msg.text
            else None
        ),
    )
    yield page
    assert errors == [], errors


def topic_url(base: str, q: Question) -> str:
    return f"{base}topics/{q.topic}/"


def question(page: Any, q: Question) -> Any:
    block = page.locator(f"#dn-q-{q.id}")
    block.scroll_into_view_if_needed()
    return block


def choose(block: Any, letters: str) -> None:
    for option in block.locator(".dn-q__option input").all():
        want = option.get_attribute("value") in letters
        if option.is_checked() != want:
            option.click()


def stored(page: Any) -> Any:
    return json.loads(page.evaluate(f"localStorage.getItem('{KEY}')") or "null")


def test_single_answer_wrong_then_right(
    page: Any, plain_url: str, by_seed: dict[int, Question]
) -> None:
    q = by_seed[5]  # dropout: key B, with an erratum
    page.goto(topic_url(plain_url, q))
    block = question(page, q)
    assert block.locator("input[type=radio]").count() == 4
    assert block.locator(".dn-q__why").first.is_hidden()

    choose(block, "A")
    block.get_by_role("button", name="Check").click()
    status = block.locator(".dn-q__status")
    assert status.inner_text().startswith("✗ Not quite. The answer is B")
    option_a = block.locator('.dn-q__option[data-letter="A"]')
    assert option_a.locator(".dn-q__why").is_visible()
    assert "Wrong, your choice." in option_a.inner_text()
    assert q.explanations["A"][:40] in option_a.inner_text()
    assert "Correct answer, not chosen." in block.locator('[data-letter="B"]').inner_text()
    # Screen readers: each option now points at its explanation; the status is a live region.
    described = block.locator("#dn-q-reg-dropout-how-A").get_attribute("aria-describedby")
    assert described == "dn-q-reg-dropout-how-A-why"
    assert status.get_attribute("aria-live") == "polite"
    learn = block.locator(".dn-q__learn a")
    assert learn.is_visible() and learn.get_attribute("href").endswith("#dropout")
    assert block.locator(".dn-q__errata a").get_attribute("href").endswith("#dropout-scaling")

    block.get_by_role("button", name="Retry").click()
    assert block.locator(".dn-q__why").first.is_hidden()
    assert block.locator("input:checked").count() == 0
    assert page.evaluate("document.activeElement.id") == "dn-q-reg-dropout-how-A"

    choose(block, "B")
    block.get_by_role("button", name="Check").click()
    assert status.inner_text() == "✓ Correct!"
    total = len([x for x in load_bank() if x.topic == q.topic])
    score = page.locator(".dn-quiz__score-value").inner_text()
    assert score.startswith(f"1 of {total} correct")


def test_multi_answer_missing_and_extra_then_right(
    page: Any, plain_url: str, by_seed: dict[int, Question]
) -> None:
    q = by_seed[14]  # random vs grid search: A and C
    page.goto(topic_url(plain_url, q))
    block = question(page, q)
    assert block.locator("input[type=checkbox]").count() == 4
    assert "Choose all that apply." in block.locator("legend").inner_text()
    check = block.get_by_role("button", name="Check")

    choose(block, "A")
    check.click()
    assert "you missed C" in block.locator(".dn-q__status").inner_text()
    choose(block, "ACD")  # changing the answer hides the old feedback
    assert block.locator(".dn-q__status").inner_text() == ""
    check.click()
    assert "D is not right" in block.locator(".dn-q__status").inner_text()
    choose(block, "AC")
    check.click()
    assert block.locator(".dn-q__status").inner_text() == "✓ Correct!"
    assert stored(page)["answers"][q.id] == {"chosen": ["A", "C"], "checked": True, "correct": True}


def test_answers_survive_a_reload_and_show_on_other_pages(
    page: Any, plain_url: str, by_seed: dict[int, Question]
) -> None:
    q5, q4 = by_seed[5], by_seed[4]  # both on the regularization page
    page.goto(topic_url(plain_url, q5))
    block = question(page, q5)
    choose(block, "B")
    block.get_by_role("button", name="Check").click()
    choose(question(page, q4), "C")  # chosen, not checked yet

    page.reload()
    block = question(page, q5)
    assert block.locator("#dn-q-reg-dropout-how-B").is_checked()
    assert block.locator(".dn-q__status").inner_text() == "✓ Correct!"
    assert block.locator('[data-letter="B"] .dn-q__why').is_visible()
    other = question(page, q4)
    assert other.locator("#dn-q-reg-reduce-variance-C").is_checked()
    assert other.locator(".dn-q__status").inner_text() == ""

    # The home page shows the progress per topic from the same storage.
    page.goto(plain_url)
    progress = page.locator(".dn-progress")
    row = progress.locator(".dn-progress__topic", has_text="Regularization")
    total = len([x for x in load_bank() if x.topic == "regularization"])
    assert row.locator(".dn-progress__count").inner_text() == f"1 / {total}"
    assert row.locator("progress").get_attribute("aria-label") == (
        f"Regularization: 1 of {total} correct"
    )

    # Material's instant navigation swaps the page without reloading: the quiz still starts.
    row.locator("a").click()
    page.wait_for_url("**/topics/regularization/**")
    block = question(page, q5)
    assert block.locator(".dn-q__status").inner_text() == "✓ Correct!"
    choose(question(page, q4), "B")
    question(page, q4).get_by_role("button", name="Check").click()
    assert question(page, q4).locator(".dn-q__status").inner_text() == "✓ Correct!"


@pytest.mark.parametrize(
    "value",
    [
        "{not json",
        json.dumps({"version": 0, "answers": {"fw-autodiff": {"chosen": ["A"]}}}),
        json.dumps(
            {"version": 1, "answers": {"fw-autodiff": {"chosen": "A"}, "<x>": 3}, "exam": 7}
        ),
        "[1, 2, 3]",
    ],
    ids=["corrupted", "old-version", "wrong-shapes", "array"],
)
def test_a_corrupted_or_old_stored_value_is_ignored(
    page: Any, plain_url: str, light_question: Question, value: str
) -> None:
    q = light_question
    seed_storage(page, {KEY: value})
    page.goto(topic_url(plain_url, q))
    block = question(page, q)
    assert block.locator("input:checked").count() == 0
    choose(block, "".join(q.answer))
    block.get_by_role("button", name="Check").click()
    assert block.locator(".dn-q__status").inner_text() == "✓ Correct!"
    state = stored(page)
    assert state["version"] == 1 and state["answers"][q.id]["correct"] is True
    page.goto(plain_url)
    assert page.locator(".dn-progress__topic").count() == 11


def test_reset_my_answers_clears_the_page_and_the_storage(
    page: Any, plain_url: str, light_question: Question
) -> None:
    q = light_question
    page.goto(topic_url(plain_url, q))
    block = question(page, q)
    choose(block, "".join(q.answer))
    block.get_by_role("button", name="Check").click()
    page.get_by_role("button", name="Reset my answers").click()
    assert block.locator("input:checked").count() == 0
    assert block.locator(".dn-q__status").inner_text() == ""
    assert q.id not in stored(page)["answers"]
    assert "were reset" in page.locator(".dn-quiz__notice").inner_text()

    choose(block, "B")
    block.get_by_role("button", name="Check").click()
    page.goto(plain_url)
    reset_all = page.get_by_role("button", name="Reset all my answers")
    reset_all.click()  # first press only arms it
    assert stored(page)["answers"]
    page.locator(".dn-progress__reset").click()
    assert stored(page)["answers"] == {}
    assert "erased" in page.locator(".dn-progress__notice").inner_text()


def test_the_full_exam_by_keyboard_only(page: Any, plain_url: str) -> None:
    page.goto(f"{plain_url}quiz/")
    questions = page.locator(".dn-quiz--exam .dn-q").evaluate_all(
        "qs => qs.map(q => [q.dataset.qid, q.dataset.answer.split(','), q.dataset.multiple])"
    )
    assert len(questions) == len(load_bank())
    # Submitting too early names the unanswered questions.
    page.locator(".dn-exam__submit").focus()
    page.keyboard.press("Enter")
    assert f"{len(questions)} questions are not answered yet" in (
        page.locator(".dn-exam__result").inner_text()
    )

    page.locator(".dn-quiz--exam .dn-q input").first.focus()
    wrong_on_purpose = questions[0][0]
    for qid, answer, multiple in questions:
        if multiple == "true":
            for letter in "ABCD":  # one tab stop per checkbox
                if letter in answer:
                    page.keyboard.press("Space")
                page.keyboard.press("Tab")
        else:
            target = "ABCD".index(answer[0])
            if qid == wrong_on_purpose:
                target = (target + 1) % 4
            page.keyboard.press("Space")  # checks A, the focused radio
            for _ in range(target):
                page.keyboard.press("ArrowDown")  # moves and checks the next radio
            assert page.evaluate("document.activeElement.value") == "ABCD"[target]
            page.keyboard.press("Tab")  # leaves the radio group
    assert page.evaluate("document.activeElement.classList.contains('dn-exam__submit')")
    page.keyboard.press("Enter")

    result = page.locator(".dn-exam__result")
    total = len(questions)
    expected = f"Your score: {total - 1} of {total} correct"
    assert result.inner_text().startswith(expected)
    assert page.evaluate("document.activeElement.classList.contains('dn-exam__result')")
    first = page.locator(f"#dn-q-{wrong_on_purpose}")
    assert first.locator(".dn-q__status").inner_text().startswith("✗ Not quite.")
    assert page.locator(".dn-q__why:visible").count() == 4 * total  # the review

    page.reload()  # the submitted exam and its review come back
    assert page.locator(".dn-exam__result").inner_text().startswith(expected)
    page.get_by_role("button", name="Retake the exam").focus()
    page.keyboard.press("Enter")
    assert page.locator(".dn-quiz--exam input:checked").count() == 0
    assert stored(page)["exam"] == {"chosen": {}, "submitted": False}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_feedback_is_readable_in_light_and_dark_mode(
    browser: Any, guard: Any, plain_url: str, artifacts: Path, scheme: str
) -> None:
    context = browser.new_context(
        viewport={"width": 1000, "height": 900}, color_scheme=scheme, service_workers="block"
    )
    guard.attach(context)
    start_python(context, "run")
    try:
        page = context.new_page()
        q = next(x for x in load_bank() if x.seed_number == 15)
        page.goto(topic_url(plain_url, q))
        block = question(page, q)
        choose(block, "A")
        block.get_by_role("button", name="Check").click()
        expected = "slate" if scheme == "dark" else "default"
        assert page.evaluate("document.body.dataset.mdColorScheme") == expected
        colors = block.evaluate(
            """q => {
              const bg = getComputedStyle(document.body).backgroundColor;
              const text = getComputedStyle(q.querySelector('.dn-q__text')).color;
              const ok = getComputedStyle(q.querySelector('.dn-q__option--answer')).borderColor;
              return {bg, text, ok};
            }"""
        )
        assert colors["text"] != colors["bg"] and colors["ok"] != colors["bg"]
        block.screenshot(path=str(artifacts / f"quiz-{scheme}.png"))
    finally:
        context.close()

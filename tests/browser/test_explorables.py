"""Explorable demos in real Chromium: live curves, Pause/Resume/Step, knobs, compare runs, URL
state, predictions, the offline pack (issue 9). Measured figures go to timings.json."""

from __future__ import annotations

import importlib.util
import json
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from demo_page import COLD_TIMEOUT_MS, LiveDemo

PAGE = "topics/regularization/"
DEMO = "l2_lambda"

#: A quick live training run (the knobs are the ones the tests turn).
LIVE_CODE = """\
import numpy as np

from deepnotes import data
from deepnotes.layers import Dense, ReLU, Sigmoid
from deepnotes.live import live_callback
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.train import fit

lr = 0.01  # @param {min: 1e-4, max: 1, scale: log}
epochs = EPOCHS  # @param {min: 10, max: 5000, step: 10}
X, Y = data.moons(300, noise=0.2, rng=0)
rng = np.random.default_rng(1)
model = Sequential([Dense(2, 32, rng=rng), ReLU(), Dense(32, 32, rng=rng), ReLU(),
                    Dense(32, 1, rng=rng), Sigmoid()])
watch = live_callback("Adam", epochs=epochs, boundary=(model, X, Y))
history = fit(model, BinaryCrossEntropy(), Adam(lr=lr), X, Y, epochs=epochs, callback=watch)
print(f"{len(history.train_cost)} epochs, cost {history.train_cost[-1]:.3f}")
"""


def live_code(epochs: int) -> str:
    return LIVE_CODE.replace("EPOCHS", str(epochs))


@pytest.fixture
def context(new_context: Any) -> Iterator[Any]:
    """A fresh context per test: its own localStorage, caches and service workers."""
    context = new_context()
    yield context
    context.close()


@pytest.fixture(scope="module")
def shared(new_context: Any, isolated_url: str) -> Iterator[tuple[Any, LiveDemo]]:
    """One page (one Python worker) for the tests that only run code in the L2 demo: each
    starts from `fresh`, so a cold load is paid once instead of once per test."""
    context = new_context()
    page, demo = open_demo(context, isolated_url)
    yield page, demo
    context.close()


def fresh(shared: tuple[Any, LiveDemo], code: str) -> tuple[Any, LiveDemo]:
    """The shared page's demo, idle, with no runs in its chart, counters at 0 and `code` set."""
    page, demo = shared
    if demo.state in {"running", "queued"}:
        demo.stop_and_measure()
    page.evaluate(
        """(el) => {
            window.deepnotes.demo(el.dataset.demo).explorable.clearRuns();
            for (const key of ['livePoints', 'liveFrames', 'liveFramesAtEnd']) {
                delete el.dataset[key];
            }
        }""",
        demo.root.element_handle(),
    )
    demo.set_code(code)
    return page, demo


def open_demo(context: Any, base: str, query: str = "", name: str = DEMO) -> tuple[Any, LiveDemo]:
    page = context.new_page()
    page.goto(f"{base}{PAGE}{query}")
    return page, LiveDemo(page, name)


def data(demo: LiveDemo, key: str) -> int:
    """The demo's ``data-*`` counter ``key`` (camelCase, as in ``dataset``)."""
    return int(demo.root.evaluate("(el, key) => el.dataset[key] || 0", key))


def wait_data(demo: LiveDemo, key: str, at_least: int, timeout_ms: float = 60_000) -> None:
    demo.page.wait_for_function(
        "([el, key, n]) => Number(el.dataset[key] || 0) >= n",
        arg=[demo.root.element_handle(), key, at_least],
        timeout=timeout_ms,
    )


def test_live_run_draws_frames_and_page_stays_responsive(
    shared: tuple[Any, LiveDemo], artifacts: Path, timings: dict[str, float]
) -> None:
    page, demo = fresh(shared, live_code(400))
    before = demo.runs
    # Handler delay of real clicks during the run: event creation (input) -> handler start.
    page.evaluate(
        """(el) => {
            window.__latency = [];
            el.querySelector('.dn-demo__title').addEventListener('click',
                (e) => window.__latency.push(performance.now() - e.timeStamp));
        }""",
        demo.root.element_handle(),
    )
    demo.button("Run").click()
    wait_data(demo, "livePoints", 5, COLD_TIMEOUT_MS)
    title = demo.root.locator(".dn-demo__title")
    for _ in range(10):
        if demo.state != "running":
            break
        title.click()
        page.wait_for_timeout(60)
    demo.wait_runs(before + 1)
    assert demo.state == "done", demo.status
    frames = data(demo, "liveFramesAtEnd")
    assert frames >= 10, f"only {frames} frames drawn during the run"
    legend = demo.root.locator(".dn-live__legend li")
    assert legend.count() == 1
    assert demo.root.locator(".dn-live__boundary").is_visible()
    latency = page.evaluate("window.__latency")
    assert latency, "no click landed during the live run"
    timings["explore_live_frames_drawn"] = frames
    timings["explore_live_epochs_streamed"] = data(demo, "livePoints")
    timings["explore_click_handler_delay_median_ms"] = statistics.median(latency)
    timings["explore_click_handler_delay_max_ms"] = max(latency)
    timings["explore_clicks_measured"] = len(latency)
    demo.root.screenshot(path=str(artifacts / "explore-live-light.png"))
    page.emulate_media(color_scheme="dark")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.evaluate("window.deepnotes.demo('l2_lambda').explorable.draw()")
    demo.root.screenshot(path=str(artifacts / "explore-live-dark.png"))
    page.emulate_media(color_scheme="light")
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'default')")


def test_pause_stops_the_curve_and_resume_continues(
    shared: tuple[Any, LiveDemo], timings: dict[str, float]
) -> None:
    page, demo = fresh(shared, live_code(5000))
    demo.button("Run").click()
    wait_data(demo, "livePoints", 5, COLD_TIMEOUT_MS)
    pause = demo.root.locator(".dn-live__pause")
    pause.click()
    assert demo.root.get_attribute("data-live-paused") == "true"
    page.wait_for_timeout(500)  # the epoch in flight may still arrive
    paused_at = data(demo, "livePoints")
    page.wait_for_timeout(1500)
    assert data(demo, "livePoints") == paused_at, "the curve grew while paused"
    assert demo.state == "running"
    demo.root.locator(".dn-live__step").click()
    wait_data(demo, "livePoints", paused_at + 1, 10_000)
    page.wait_for_timeout(700)
    assert data(demo, "livePoints") == paused_at + 1, "Step trained more than one epoch"
    pause.click()  # Resume
    wait_data(demo, "livePoints", paused_at + 20, 30_000)
    ms = demo.stop_and_measure()
    timings["explore_stop_while_live_ms"] = ms
    assert demo.state == "stopped"


def test_slider_change_reruns_and_overlays_two_labelled_runs(
    shared: tuple[Any, LiveDemo], artifacts: Path
) -> None:
    page, demo = fresh(shared, live_code(60))
    page.evaluate("window.deepnotes.demo('l2_lambda').explorable.renderKnobs()")
    before = demo.runs
    demo.run()
    slider = demo.root.locator('.dn-knob__range[id$="-knob-lr"]')
    slider.focus()
    for _ in range(12):
        page.keyboard.press("ArrowRight")
    assert "lr = 0.01 " not in demo.code  # the code line follows the slider
    demo.wait_runs(before + 2)
    assert demo.state == "done", demo.status
    items = demo.root.locator(".dn-live__legend li").all_inner_texts()
    assert len(items) == 2, items
    assert "lr=0.01 (run 1)" in items[0], items
    assert "lr=" in items[1] and "(run 2)" in items[1], items
    assert "l2_lambda.lr=" in page.url
    demo.root.screenshot(path=str(artifacts / "explore-compare.png"))
    demo.root.locator(".dn-live__clear").click()
    assert demo.root.locator(".dn-live__legend li").count() == 0


def test_url_with_knob_values_restores_them(context: Any, isolated_url: str) -> None:
    _page, demo = open_demo(context, isolated_url, "?l2_lambda.lambd=3.5&l2_lambda.epochs=100")
    assert "lambd = 3.5  # @param" in demo.code
    assert "epochs = 100  # @param" in demo.code
    assert demo.root.get_attribute("data-knobs-restored") == "2"
    value = demo.root.locator('[data-knob="lambd"] output').inner_text()
    assert value == "3.5"
    # The pre-rendered figure stays until the reader runs.
    assert demo.output.locator("img").count() >= 1
    assert "prerendered" in (demo.output.get_attribute("class") or "")


def test_prediction_is_recorded_and_counted(context: Any, isolated_url: str) -> None:
    page, demo = open_demo(
        context, isolated_url, "?dropout_keep_prob.epochs=50", "dropout_keep_prob"
    )
    box = demo.root.locator(".dn-predict")
    assert "dev error" in box.inner_text()
    box.get_by_role("button", name="down", exact=True).click()
    stored = page.evaluate("JSON.parse(localStorage.getItem('deepnotes:v1:quiz'))")
    assert stored["predictions"]["dropout_keep_prob"]["chosen"] == "down"
    demo.wait_runs(1, COLD_TIMEOUT_MS)
    assert demo.state == "done", demo.status
    page.wait_for_function(
        "() => JSON.parse(localStorage.getItem('deepnotes:v1:quiz'))"
        ".predictions.dropout_keep_prob.outcome !== null"
    )
    entry = page.evaluate("JSON.parse(localStorage.getItem('deepnotes:v1:quiz'))")["predictions"]
    assert entry["dropout_keep_prob"]["outcome"] in {"up", "down"}
    assert "predicted" in box.locator(".dn-predict__result").inner_text()
    page.goto(isolated_url)  # the home page's progress box counts it
    progress = page.locator(".dn-progress__predictions")
    assert "1 made" in progress.inner_text()


def test_offline_pack_serves_the_site_with_the_server_down(
    new_context: Any, site_dir: Path, timings: dict[str, float]
) -> None:
    # Its own server, so the test can stop it: every request to it then fails.
    spec = importlib.util.spec_from_file_location(
        "_dn_serve_offline", Path(__file__).resolve().parents[2] / "tools" / "serve.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    server = module.start_server(site_dir, isolation=True)
    context = new_context()
    try:
        page = context.new_page()
        page.goto(f"{server.url}{PAGE}")
        LiveDemo(page, DEMO)
        box = page.locator(".dn-offline")
        box.locator(".dn-offline__button").first.click()
        confirm = box.locator(".dn-offline__confirm")
        confirm.wait_for()
        size = int(box.get_attribute("data-size") or 0)
        manifest = json.loads((site_dir / "offline-manifest.json").read_text())
        assert size == manifest["bytes"] > 20e6
        assert "MB" in box.locator(".dn-offline__status").inner_text()
        confirm.click()
        page.wait_for_function(
            "() => document.querySelector('.dn-offline').dataset.state === 'installed'",
            timeout=180_000,
        )
        timings["explore_offline_pack_mb"] = manifest["bytes"] / 1e6
        server.stop()
        server = None
        page.reload()
        demo = LiveDemo(page, DEMO)
        demo.set_code(live_code(30))
        state, seconds = demo.run()
        assert state == "done", demo.status
        assert "30 epochs" in demo.output.inner_text()
        timings["explore_offline_cold_run_s"] = seconds
        # Another page, never visited, also comes from the pack.
        page.goto(page.url.replace(PAGE, "topics/optimizers/"))
        LiveDemo(page)
    finally:
        context.close()
        if server is not None:
            server.stop()

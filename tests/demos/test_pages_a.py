"""Claim tests for the demos of the pages data-splits, bias-variance and regularization.

Each demo runs as a script (Agg backend, ``plt.show`` stubbed out) and the point its
page makes is checked on the values the demo computed, so a demo that stops showing
its point fails here. A few tests turn a knob (rewrite the ``name = value  # @param``
line) and check that the demo answers the way its page says it does.
"""

from __future__ import annotations

import re
import runpy
import tempfile
from functools import cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

# Not traced by coverage (pytest-cov's marker): these tests check what each page claims on the
# demos' results, and tracing their matplotlib-heavy runs cost ~45 s of `make test`; the engine,
# sandbox and quiz tests alone cover the same 94 % of deepnotes.
pytestmark = pytest.mark.no_cover

DEMOS = Path(__file__).resolve().parents[2] / "demos"
DOCS = Path(__file__).resolve().parents[2] / "docs"

PAGES = {
    "topics/data-splits.md": ["dev_set_size", "distribution_shift", "dev_overfit"],
    "topics/bias-variance.md": [
        "capacity_boundaries",
        "capacity_curve",
        "diagnose_numbers",
        "recipe_steps",
    ],
    "topics/regularization.md": [
        "l2_lambda",
        "dropout_keep_prob",
        "dropout_masks",
        "augmentation_rotation",
        "early_stopping",
    ],
}
ALL = [name for names in PAGES.values() for name in names]


def _with_knobs(name: str, knobs: dict[str, object]) -> str:
    source = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    for knob, value in knobs.items():
        pattern = re.compile(rf"^{knob} = [^#\n]*?(  # @param.*)$", re.MULTILINE)
        line = f"{knob} = {value!r}"
        source, count = pattern.subn(lambda match, line=line: line + match.group(1), source)
        assert count == 1, f"{name}.py has no knob {knob!r}"
    return source


def run_demo(name: str, **knobs: object) -> dict:
    """Run demos/<name>.py, with some knobs changed, and return its global namespace."""
    path = DEMOS / f"{name}.py"
    tmp_dir = None
    if knobs:  # the rewritten source runs from a temporary file, never from demos/
        tmp_dir = tempfile.TemporaryDirectory()
        path = Path(tmp_dir.name) / f"{name}.py"
        path.write_text(_with_knobs(name, knobs), encoding="utf-8")
    show = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        namespace = runpy.run_path(str(path), run_name="__main__")
        namespace["_figures"] = len(plt.get_fignums())
    finally:
        plt.show = show
        plt.close("all")
        if tmp_dir is not None:
            tmp_dir.cleanup()
    return namespace


@cache
def demo(name: str) -> dict:
    """Each demo with its default knobs runs once per test session."""
    return run_demo(name)


# --- every demo: used on its page, one alt text per figure, knobs marked ----------------


@pytest.mark.parametrize("page", sorted(PAGES))
def test_page_embeds_its_demos(page):
    text = (DOCS / page).read_text(encoding="utf-8")
    for name in PAGES[page]:
        assert re.search(rf"^\[\[demo {name}\]\]$", text, flags=re.MULTILINE), (page, name)


@pytest.mark.parametrize("name", ALL)
def test_demo_has_alt_text_for_each_figure_and_knobs(name):
    source = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    alts = re.findall(r"^# @alt: \S.{40,}$", source, flags=re.MULTILINE)
    assert len(alts) == demo(name)["_figures"] >= 1
    assert "# @param {" in source
    if "rng" in source:  # seeded: the page shows what a rerun shows
        assert "default_rng(" in source


# --- data splits ------------------------------------------------------------------------


def test_dev_set_size_wobble_follows_standard_error():
    ns = demo("dev_set_size")
    # The observed spread of the measured error matches sqrt(e(1-e)/n) within 10%.
    assert np.allclose(ns["spread"], ns["standard_error"], rtol=0.1)
    p_correct = dict(zip(ns["dev_sizes"].tolist(), ns["p_correct"], strict=True))
    # 100 dev examples cannot reliably tell 10% from 11% error; 10,000 can.
    assert p_correct[100] < 0.7
    assert p_correct[10_000] > 0.97


def test_distribution_shift_error_jumps_on_the_app_data():
    ns = demo("distribution_shift")
    assert ns["train_dev_error"] - ns["train_error"] < 0.03  # little variance
    assert ns["app_dev_error"] > ns["train_dev_error"] + 0.15  # a big mismatch jump


def test_distribution_shift_app_examples_in_training_shrink_the_jump():
    with_app = run_demo("distribution_shift", n_app_in_train=200)
    assert with_app["app_dev_error"] < demo("distribution_shift")["app_dev_error"] - 0.1


def test_dev_overfit_winner_is_flattered_and_an_unselected_model_is_not():
    ns = demo("dev_overfit")
    assert abs(ns["unselected"].mean()) < 0.01  # a model fixed in advance: unbiased
    assert ns["overstatement"].mean() > 0.015  # the dev winner: optimistic
    by_budget = ns["by_budget"]
    assert by_budget[-1] > by_budget[0] + 0.01  # more candidates, more flattery


# --- bias and variance ------------------------------------------------------------------


def test_capacity_boundaries_underfit_just_right_overfit():
    verdicts = [d.verdict for d in demo("capacity_boundaries")["results"].values()]
    assert verdicts == ["high bias", "fine", "high variance"]
    overfit = list(demo("capacity_boundaries")["results"].values())[-1]
    assert overfit.train_error < 0.02 and overfit.variance > 0.1


def test_capacity_curve_training_error_falls_and_gap_widens():
    ns = demo("capacity_curve")
    train, dev = ns["train_errors"], ns["dev_errors"]
    assert train[0] > 0.08 and train[-1] < 0.02
    gaps = dev - train
    assert gaps[-1] > gaps[0] + 0.08
    assert dev.min() < dev[-1] - 0.02  # the biggest network is not the best on dev


def test_diagnose_numbers_matches_the_recipe():
    ns = demo("diagnose_numbers")
    verdicts = {name: d.verdict for name, d in ns["cases"].items()}
    assert verdicts["train 1%, dev 11%"] == "high variance"
    assert verdicts["train 15%, dev 16%"] == "high bias"
    assert verdicts["train 15%, dev 30%"] == "high bias and high variance"
    assert verdicts["train 0.5%, dev 1%"] == "fine"
    assert ns["yours"].verdict == "high variance"  # 8% / 11% with Bayes 7.5%


def test_recipe_steps_walks_bias_then_variance_to_fine():
    verdicts = [d.verdict for _, d in demo("recipe_steps")["steps"]]
    assert verdicts[0] == "high bias"
    assert verdicts[1] == "high variance"
    assert verdicts[-1] == "fine"


def test_recipe_steps_more_data_does_not_fix_bias():
    steps = run_demo("recipe_steps", bias_fix="more data")["steps"]
    assert [d.verdict for _, d in steps] == ["high bias", "high bias"]


# --- regularization ---------------------------------------------------------------------


def test_l2_closes_the_gap_and_shrinks_the_weights():
    ns = demo("l2_lambda")
    assert ns["gap_0"] > 0.1
    assert ns["gap_l2"] < ns["gap_0"] - 0.07
    assert ns["dev_error_l2"] < ns["dev_error_0"] - 0.03
    assert np.sum(ns["weights_l2"] ** 2) < 0.1 * np.sum(ns["weights_0"] ** 2)


def test_dropout_closes_the_gap():
    ns = demo("dropout_keep_prob")
    assert ns["gap_plain"] > 0.1
    assert ns["gap_dropout"] < ns["gap_plain"] - 0.05
    assert ns["dev_error_dropout"] < ns["dev_error_plain"] - 0.03


def test_dropout_masks_inverted_scaling_keeps_the_mean():
    ns = demo("dropout_masks")
    keep_prob = ns["keep_prob"]
    assert abs(ns["kept_fraction"] - keep_prob) < 0.05
    assert ns["inverted_mean"] == pytest.approx(ns["test_mean"], rel=0.02)
    assert ns["plain_mean"] == pytest.approx(keep_prob * ns["test_mean"], rel=0.02)
    masks = ns["masks"]
    assert not np.array_equal(masks[0], masks[1])  # a fresh mask on every pass


def test_augmentation_rotation_gains_on_dev():
    ns = demo("augmentation_rotation")
    assert ns["dev_error_plain"] > 0.08
    assert ns["dev_error_augmented"] < ns["dev_error_plain"] - 0.08


def test_early_stopping_keeps_a_better_epoch_than_the_last():
    ns = demo("early_stopping")
    full, stopped = ns["full"], ns["stopped"]
    best, patience = ns["best"], ns["patience"]
    assert stopped.stopped_early and ns["stop"] == best + patience
    assert best == full.best_epoch < len(full) - 100  # dev cost bottoms out early
    assert full.dev_cost[-1] > 2 * full.dev_cost[best]
    assert full.train_cost[-1] < full.train_cost[best]  # training cost keeps falling
    assert ns["best_errors"][1] < ns["final_errors"][1] - 0.03  # restored weights: better dev

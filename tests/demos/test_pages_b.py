"""Claim tests for the demos of the pages normalizing-inputs, initialization,
gradient-checking and minibatch-ewma.

Each demo is run as a script (Agg backend, ``plt.show`` stubbed out) and the claim
its page makes is checked on the values the demo computed, so a demo that stops
showing its point fails here. A few tests also turn a knob (rewriting the
``name = value  # @param`` line) to check that the demo responds the way its page
says it does.
"""

from __future__ import annotations

import math
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


def _source(name: str, knobs: dict[str, object]) -> str:
    source = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    for knob, value in knobs.items():
        pattern = re.compile(rf"^{knob} = .*?(  # @param.*)$", re.MULTILINE)
        line = f"{knob} = {value!r}"
        source, count = pattern.subn(lambda match, line=line: line + match.group(1), source)
        assert count == 1, f"{name}.py has no knob {knob!r}"
    return source


def run_demo(name: str, **knobs: object) -> dict:
    """Run demos/<name>.py (with knobs changed) and return its global namespace."""
    path = DEMOS / f"{name}.py"
    if knobs:  # run the rewritten source from a temporary file (not in demos/)
        tmp = Path(tempfile.mkdtemp()) / f"{name}.py"
        tmp.write_text(_source(name, knobs), encoding="utf-8")
        path = tmp
    show = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        namespace = runpy.run_path(str(path), run_name="__main__")
        namespace["_figures"] = len(plt.get_fignums())
    finally:
        plt.show = show
        plt.close("all")
        if knobs:
            path.unlink()
            path.parent.rmdir()
    return namespace


@cache
def demo(name: str) -> dict:
    """Each demo with its default knobs runs once per test session."""
    return run_demo(name)


def alt_count(name: str) -> int:
    text = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    return len(re.findall(r"^\s*# @alt: \S", text, flags=re.MULTILINE))


ALL = [
    "normalize_contours",
    "normalize_offset",
    "standardize_train_stats",
    "init_activations",
    "init_training",
    "gradient_clipping",
    "gradcheck_bug",
    "gradcheck_eps",
    "gradcheck_dropout",
    "gradcheck_hidden_bug",
    "minibatch_cost",
    "ewma_beta",
    "ewma_window",
]


@pytest.mark.parametrize("name", ALL)
def test_every_figure_has_alt_text(name):
    assert demo(name)["_figures"] == alt_count(name) >= 1


# --- normalizing inputs -------------------------------------------------------------


def test_standardized_inputs_converge_many_times_faster():
    ns = demo("normalize_contours")
    raw, std = ns["steps"]["raw"], ns["steps"]["standardized"]
    assert raw is not None and std is not None, "both runs should converge"
    assert raw / std > 20, f"raw {raw} vs standardized {std} steps"


def test_raw_path_diverges_above_the_stability_limit():
    # The page: "just above 0.01 the raw path diverges" (scale 10 -> limit 2/(2*100)).
    ns = run_demo("normalize_contours", lr_raw=0.0125, max_steps=200)
    assert ns["steps"]["raw"] is None


def test_centring_and_scaling_both_matter():
    results = demo("normalize_offset")["results"]
    steps = {name: r["steps"] for name, r in results.items()}
    assert steps["standardized"] <= 2
    assert steps["raw"] > 100 * steps["standardized"]
    # Each half of the recipe alone leaves the problem slower than both together.
    assert steps["centred only"] > steps["standardized"]
    assert steps["scaled only"] > 10 * steps["standardized"]
    assert results["raw"]["kappa"] > 100 > results["standardized"]["kappa"]


def test_dev_set_needs_the_training_statistics():
    ns = demo("standardize_train_stats")
    assert ns["acc_right"] > 0.95
    assert ns["acc_right"] - ns["acc_wrong"] > 0.15
    # A single example standardized with its own statistics becomes all zeros.
    assert ns["p_right"] > 0.9 and abs(ns["p_wrong"] - 0.5) < 0.1


def test_balanced_dev_set_makes_both_ways_agree():
    ns = run_demo("standardize_train_stats", dev_positive_fraction=0.5)
    assert abs(ns["acc_right"] - ns["acc_wrong"]) < 0.05


# --- initialization ------------------------------------------------------------------


def test_he_keeps_relu_activations_in_a_band_and_small_random_collapses():
    results = demo("init_activations")["results"]
    he_stds = results[("ReLU", "he")][0]
    assert len(he_stds) >= 10
    assert he_stds.max() / he_stds.min() < 3
    random_stds = results[("ReLU", "random")][0]
    assert random_stds[0] / random_stds[-1] > 100
    # The notes' "xavier" (LeCun) halves the variance per ReLU layer: two decades in 15.
    xavier = results[("ReLU", "xavier")][0]
    assert 30 < xavier[0] / xavier[-1] < 1000
    # With tanh, xavier keeps the activations within a band as well.
    tanh_xavier = results[("Tanh", "xavier")][0]
    assert tanh_xavier.max() / tanh_xavier.min() < 5


def test_gradients_vanish_toward_the_first_layers_with_small_random_init():
    results = demo("init_activations")["results"]
    dA = results[("ReLU", "random")][1]
    assert dA[-1] / dA[0] > 1e6
    dA_he = results[("ReLU", "he")][1]
    assert dA_he.max() / dA_he.min() < 5


def test_zero_init_gives_no_hidden_gradient():
    zeros = demo("init_activations")["zeros"]
    for stds, _, dW_norms in zeros.values():
        assert stds.max() == 0 and dW_norms.max() == 0


def test_he_trains_and_zeros_or_small_random_do_not():
    histories = demo("init_training")["histories"]
    final = {init: h.train_cost[-1] for init, h in histories.items()}
    assert abs(final["zeros"] - math.log(2)) < 0.01
    assert abs(final["random"] - math.log(2)) < 0.01
    assert final["he"] < 0.5 * final["xavier"]
    assert final["he"] < 0.3


def test_clipping_rescues_the_exploding_start():
    runs = demo("gradient_clipping")["runs"]
    (plain_costs, plain_norms, _), (clipped_costs, _, _) = runs.values()
    assert plain_norms[0] > 10 * demo("gradient_clipping")["max_norm"]
    assert np.mean(plain_costs[-20:]) > 1.0
    assert min(plain_norms) < 1e-8  # the network died: no gradient left
    assert np.mean(clipped_costs[-20:]) < 0.3


# --- gradient checking ---------------------------------------------------------------


def test_correct_net_passes_and_the_report_names_the_buggy_layer():
    ns = demo("gradcheck_bug")
    assert ns["correct"].relative_error < 1e-7
    assert ns["buggy"].relative_error > 1e-3
    assert ns["buggy"].worst.name == "2.W"
    wrong = [name for name, check in ns["buggy"].parameters.items() if check.verdict == "wrong"]
    assert wrong == ["2.W"]


def test_report_follows_the_bug():
    ns = run_demo("gradcheck_bug", buggy_layer=4)
    assert ns["buggy"].worst.name == "4.W"


def test_eps_sweep_is_a_v():
    ns = demo("gradcheck_eps")
    eps, errors = ns["eps_values"], ns["errors"]
    assert 1e-7 <= ns["best"] <= 1e-4  # bottom of the float64 V
    assert errors[0] > 100 * errors.min()  # truncation at eps = 0.1
    assert errors[-1] > 100 * errors.min()  # round-off at eps = 1e-12
    at_course_eps = errors[np.argmin(abs(eps - 1e-7))]
    assert at_course_eps > 10 * errors.min()  # 1e-7 is already on the round-off side
    float32 = ns["by_hand"]["float32"]
    assert ns["best32"] >= 1e-3  # float32 needs a much larger eps
    assert float32[np.argmin(abs(eps - 1e-7))] > 0.1  # useless at the course's eps
    assert float32.min() > 100 * ns["by_hand"]["float64"].min()


def test_dropout_check_is_refused_then_passes_with_keep_prob_one():
    ns = demo("gradcheck_dropout")
    assert isinstance(ns["refusal"], ValueError)
    assert "keep_prob" in str(ns["refusal"])
    assert ns["error"] < 1e-7
    assert ns["spread_on"] > 1e4 * ns["signal"]
    assert all(layer.keep_prob == ns["keep_prob"] < 1 for layer in ns["dropouts"])


def test_bug_hidden_at_initialization_shows_after_training():
    runs = demo("gradcheck_hidden_bug")["runs"]
    bug = runs["ForgetfulTanh (bug)"]["checked"]
    correct = runs["correct Tanh"]["checked"]
    assert 1e-7 < bug[0] < 1e-5  # only "look closer" at initialization
    assert bug[max(bug)] > 1e-3  # clearly wrong once the weights have grown
    assert max(correct.values()) < 1e-7


# --- mini-batches and EWMA -----------------------------------------------------------


def test_minibatch_beats_batch_at_equal_examples_processed():
    runs = demo("minibatch_cost")["runs"]
    final = {name: costs[-1] for name, (_, costs, _) in runs.items()}
    assert final["mini-batch 64"] < final["mini-batch 128"] < final["batch (m)"]
    assert final["batch (m)"] - final["mini-batch 64"] > 0.1
    steps = {name: len(h.batch_costs) for name, (h, _, _) in runs.items()}
    assert steps["stochastic (1)"] == demo("minibatch_cost")["m"] * steps["batch (m)"]


def test_minibatch_costs_are_noisy():
    h = demo("minibatch_cost")["runs"]["mini-batch 64"][0]
    ups = np.sum(np.diff(h.batch_costs) > 0)
    assert ups > 0.2 * len(h.batch_costs)  # many steps go up: noise, not a bug


def test_bias_corrected_ewma_starts_at_the_data():
    ns = demo("ewma_beta")
    theta, corrected, uncorrected = ns["theta"], ns["corrected"], ns["uncorrected"]
    assert corrected[0] == pytest.approx(theta[0])
    assert np.all(np.abs(corrected[:5] - theta[:5].mean()) < 3)
    assert np.all(uncorrected[:5] < 0.15 * theta[:5].mean())
    # Later the correction no longer matters.
    assert abs(corrected[-1] - uncorrected[-1]) < 0.01 * abs(corrected[-1])


def test_larger_beta_is_smoother_but_lags():
    ns = demo("ewma_beta")
    smoothed, season = ns["smoothed"], ns["season"]
    roughness = {b: np.std(np.diff(v)) for b, v in smoothed.items()}
    assert roughness[0.5] > roughness[0.9] > roughness[0.98]
    peak = {b: int(np.argmax(v)) for b, v in smoothed.items()}
    assert peak[0.98] - int(np.argmax(season)) > 20  # weeks late


def test_ewma_window_and_bias():
    ns = demo("ewma_window")
    beta, total = ns["beta"], ns["total_weight"][ns["beta"]]
    t = np.arange(1, total.size + 1)
    assert np.allclose(total, 1 - beta**t)
    assert np.allclose(ns["corrected"][beta], 1.0)
    assert abs(beta ** (1 / (1 - beta)) - math.exp(-1)) < 0.05

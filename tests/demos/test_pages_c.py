"""Claim tests for the demos of the optimizers, tuning, batch-norm and frameworks pages.

Each test runs a demo (as the page shows it, or with one knob changed, as the page
invites the reader to do) and checks the claim the page makes about its result, so a
demo that stops showing its point fails.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
import matplotlib.pyplot as plt

# Not traced by coverage (pytest-cov's marker): these tests check what each page claims on the
# demos' results, and tracing their matplotlib-heavy runs cost ~45 s of `make test`; the engine,
# sandbox and quiz tests alone cover the same 94 % of deepnotes.
pytestmark = pytest.mark.no_cover

DEMOS = Path(__file__).resolve().parents[2] / "demos"
_RUNS: dict[tuple, dict] = {}  # a demo run with the same knobs is reused, to keep this file fast


def run_demo(name: str, **knobs: object) -> dict:
    """Execute ``demos/<name>.py`` and return its namespace; ``knobs`` replace assignments.

    A knob ``lr=0.3`` rewrites the first line ``lr = ...`` of the demo, like the page's
    slider would. Figures are closed afterwards. Demos are seeded, so a second call
    with the same knobs returns the first run's namespace.
    """
    key = (name, tuple(sorted(knobs.items())))
    if key not in _RUNS:
        _RUNS[key] = _execute(name, knobs)
    return _RUNS[key]


def _execute(name: str, knobs: dict) -> dict:
    source = (DEMOS / f"{name}.py").read_text(encoding="utf-8")
    for key, value in knobs.items():
        source, count = re.subn(
            rf"^{key} = [^#\n]*", f"{key} = {value!r}  ", source, count=1, flags=re.MULTILINE
        )
        assert count == 1, f"demos/{name}.py has no top-level assignment to {key}"
    namespace: dict = {"__name__": "__main__"}
    show = plt.show
    plt.show = lambda *args, **kwargs: None
    try:
        exec(compile(source, str(DEMOS / f"{name}.py"), "exec"), namespace)
    finally:
        plt.show = show
        plt.close("all")
    return namespace


# --- optimizers -----------------------------------------------------------------------


def test_optimizer_paths_each_method_beats_gradient_descent_on_the_aligned_bowl():
    ns = run_demo("optimizer_paths")
    cost = dict(zip(["gd", "momentum", "rmsprop", "adam"], ns["final_cost"].values(), strict=True))
    assert cost["momentum"] < cost["gd"] / 5
    assert cost["rmsprop"] < cost["gd"] / 1000
    assert cost["adam"] < cost["gd"] / 5


def test_optimizer_paths_rotation_removes_the_adaptive_methods_edge():
    ns = run_demo("optimizer_paths", angle=45)
    cost = dict(zip(["gd", "momentum", "rmsprop", "adam"], ns["final_cost"].values(), strict=True))
    assert cost["rmsprop"] > cost["gd"]
    assert cost["adam"] > cost["gd"]


def test_optimizer_paths_momentum_survives_a_learning_rate_that_breaks_gradient_descent():
    ns = run_demo("optimizer_paths", lr_gd=0.025, lr_momentum=0.2)
    gd_path, momentum_path = list(ns["paths"].values())[:2]
    assert ns["cost"](gd_path[-1]) > 1e4  # diverged (the demo stops it there)
    assert ns["cost"](momentum_path[-1]) < ns["cost"](momentum_path[0]) / 100


def test_optimizer_moons_adam_ends_below_half_of_gradient_descent_at_the_same_lr():
    ns = run_demo("optimizer_moons")
    assert ns["adam_vs_gd"] < 0.5
    cost = ns["final_cost"]
    # the page: at the same lr, momentum in the notes' form is no faster than gradient descent
    assert abs(cost["momentum"] - cost["gradient descent"]) < 0.1 * cost["gradient descent"]


def test_optimizer_moons_gap_shrinks_at_a_larger_learning_rate():
    small = run_demo("optimizer_moons")["adam_vs_gd"]
    large = run_demo("optimizer_moons", lr=0.3)["adam_vs_gd"]
    assert large > 2 * small


def test_lr_decay_decayed_schedules_end_lower_than_constant():
    ns = run_demo("lr_decay")
    final = list(ns["final_cost"].values())  # constant, inverse time, exponential, step
    constant, inverse_time, exponential, step = final
    assert inverse_time < 0.9 * constant
    assert exponential < 0.9 * constant
    assert step < constant


def test_lr_decay_too_fast_exponential_decay_stops_short():
    fast = list(run_demo("lr_decay", base=0.8)["final_cost"].values())[2]
    normal = list(run_demo("lr_decay")["final_cost"].values())[2]
    assert fast > normal


def test_optimizer_race_starting_class_runs_and_beats_adam_at_the_same_lr():
    ns = run_demo("optimizer_race")
    cost = ns["final_cost"]
    assert all(math.isfinite(c) for c in cost.values())
    assert cost["MyOptimizer"] < cost["Adam"]
    assert ns["winner"] == "MyOptimizer"


# --- hyperparameter tuning ------------------------------------------------------------


def test_grid_vs_random_random_lands_closer_in_most_seeds():
    ns = run_demo("grid_vs_random")
    assert len(set(np.round(ns["grid"].values("lr"), 12))) == 3
    assert len(set(ns["rand"].values("lr"))) == 9
    assert ns["random_wins"] > 0.8


def test_grid_vs_random_edge_shrinks_when_both_parameters_matter():
    only_lr = run_demo("grid_vs_random")["random_wins"]
    both = run_demo("grid_vs_random", beta_weight=1.0)["random_wins"]
    assert both < only_lr


def test_sampling_scale_shares_per_decade():
    ns = run_demo("sampling_scale")
    assert ns["lr_share_linear"][-1] > 0.85  # uniform: ~90% in [0.1, 1]
    assert np.all(np.abs(ns["lr_share_log"] - 0.25) < 0.05)  # log: a quarter per decade
    assert ns["beta_share_linear"][0] > 0.85  # uniform beta: ~91% below 0.99
    assert np.all(np.abs(ns["beta_share_log"] - 0.5) < 0.05)


def test_coarse_to_fine_second_round_is_better():
    ns = run_demo("coarse_to_fine")
    assert ns["median_per_round"][1] < ns["median_per_round"][0]
    assert ns["best_per_round"][1] <= ns["best_per_round"][0]
    assert ns["result"].best.score == pytest.approx(min(ns["best_per_round"]))


# --- batch norm -----------------------------------------------------------------------


def test_bn_large_lr_batch_norm_trains_where_the_plain_network_dies():
    ns = run_demo("bn_large_lr")
    cost = ns["final_cost"]
    assert cost["with BN"] < 0.5 * cost["without BN"]
    assert cost["without BN"] == pytest.approx(math.log(2), abs=0.05)  # a constant guess
    last_layer_95th = ns["percentiles"]["without BN"][-1, -1, 2]
    assert last_layer_95th <= 0  # every ReLU of the last hidden layer receives <= 0


def test_bn_large_lr_plain_network_trains_at_a_moderate_lr():
    cost = run_demo("bn_large_lr", lr=0.3)["final_cost"]
    assert cost["without BN"] < 0.5
    assert cost["with BN"] < cost["without BN"]


def test_bn_test_mode_batch_of_one_equals_the_running_stat_formula():
    ns = run_demo("bn_test_mode")
    assert ns["test_mode_error"] < 1e-12
    assert ns["y_test"].shape == (1, 3)


def test_bn_test_mode_smaller_batches_spread_an_example_more():
    small = run_demo("bn_test_mode", batch_size=4)["train_outputs"][:, 0].std()
    large = run_demo("bn_test_mode", batch_size=256)["train_outputs"][:, 0].std()
    assert small > 3 * large


def test_bn_bias_is_redundant_before_batch_norm():
    ns = run_demo("bn_bias")
    assert ns["output_change"] < 1e-10
    assert ns["max_abs_db"] < 1e-10


# --- frameworks -----------------------------------------------------------------------


def test_framework_same_model_learns_the_moons():
    ns = run_demo("framework_same_model")
    assert ns["history"].train_accuracy[-1] > 0.95
    assert ns["history"].train_cost[-1] < 0.1

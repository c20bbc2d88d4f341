"""Sampling scales, grid vs random search with the same budget, coarse to fine."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deepnotes.tuning import (
    Param,
    SearchResult,
    Trial,
    coarse_to_fine,
    grid_search,
    log_uniform,
    random_search,
    sample_beta,
)

SPACE = {"lr": (1e-4, 1.0, "log"), "beta": (0.8, 0.999, "1-beta log")}


def only_lr_matters(lr: float, beta: float) -> float:
    """A dev error that depends on lr alone, best at lr = 0.02."""
    return (math.log10(lr) - math.log10(0.02)) ** 2


def test_log_uniform_spreads_evenly_over_decades():
    lr = log_uniform(1e-4, 1.0, size=40_000, rng=0)
    counts = np.histogram(np.log10(lr), bins=4, range=(-4, 0))[0] / lr.size
    np.testing.assert_allclose(counts, 0.25, atol=0.01)
    assert lr.min() >= 1e-4 and lr.max() <= 1.0


def test_sample_beta_spreads_evenly_on_one_minus_beta():
    beta = sample_beta(0.9, 0.9999, size=30_000, rng=0)
    counts = np.histogram(np.log10(1 - beta), bins=3, range=(-4, -1))[0] / beta.size
    np.testing.assert_allclose(counts, 1 / 3, atol=0.01)
    assert beta.min() >= 0.9 and beta.max() <= 0.9999


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: log_uniform(0, 1, 3, rng=0), ValueError, "low must be > 0"),
        (lambda: log_uniform(1, 0.1, 3, rng=0), ValueError, "low must be < high"),
        (lambda: log_uniform(1e-3, 1, 0, rng=0), ValueError, "size"),
        (lambda: sample_beta(0.9, 1.0, 3, rng=0), ValueError, "high must be in"),
        (lambda: sample_beta(-0.1, 0.9, 3, rng=0), ValueError, "low must be in"),
        (lambda: Param(0, 1, "cubic"), ValueError, "scale must be one of"),
        (lambda: grid_search(only_lr_matters, {}, 9), TypeError, "space"),
        (lambda: grid_search(only_lr_matters, {"lr": 0.1}, 9), TypeError, "space"),
        (lambda: grid_search(only_lr_matters, {"not a name": (0, 1)}, 9), ValueError, "names"),
        (lambda: grid_search("f", SPACE, 9), TypeError, "objective"),
        (lambda: random_search(only_lr_matters, SPACE, 0, rng=0), ValueError, "budget"),
        (lambda: coarse_to_fine(only_lr_matters, SPACE, 4, 2, 0, shrink=1), ValueError, "shrink"),
        (lambda: random_search(lambda lr, beta: "bad", SPACE, 2, rng=0), TypeError, "number"),
    ],
)
def test_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_param_unit_round_trip_on_each_scale():
    for p in (Param(-2, 3), Param(1e-5, 1e-1, "log"), Param(0.9, 0.999, "1-beta log")):
        u = np.linspace(0, 1, 7)
        np.testing.assert_allclose(p.to_unit(p.from_unit(u)), u, atol=1e-9)
        assert p.from_unit(np.array([0.0]))[0] == pytest.approx(p.low)
        assert p.from_unit(np.array([1.0]))[0] == pytest.approx(p.high)
    np.testing.assert_allclose(Param(0.9, 0.999, "1-beta log").grid(3), [0.9, 0.99, 0.999])


def test_grid_uses_the_budget_and_few_distinct_values():
    result = grid_search(only_lr_matters, SPACE, budget=9)
    assert len(result) == 9
    assert len(set(result.values("lr"))) == 3
    assert len(set(result.values("beta"))) == 3
    assert len(grid_search(only_lr_matters, SPACE, budget=10)) == 9  # never over budget
    assert len(grid_search(lambda lr: lr, {"lr": (0.0, 1.0)}, budget=5)) == 5


def test_random_search_uses_the_budget_with_distinct_values():
    result = random_search(only_lr_matters, SPACE, budget=9, rng=0)
    assert len(result) == 9
    assert len(set(result.values("lr"))) == 9
    for t in result.trials:
        assert 1e-4 <= t.settings["lr"] <= 1.0 and 0.8 <= t.settings["beta"] <= 0.999
        assert t.score == pytest.approx(only_lr_matters(**t.settings))


def test_search_result_helpers():
    result = SearchResult(
        trials=[Trial({"lr": 0.1}, 0.5), Trial({"lr": 0.2}, float("nan")), Trial({"lr": 0.3}, 0.2)]
    )
    assert result.best.settings == {"lr": 0.3}  # NaN counts as worst
    np.testing.assert_array_equal(result.scores[[0, 2]], [0.5, 0.2])
    with pytest.raises(KeyError, match="no hyperparameter"):
        result.values("beta")
    assert "3 trials" in repr(result)


def test_coarse_to_fine_zooms_in():
    result = coarse_to_fine(only_lr_matters, SPACE, budget_per_round=8, rounds=3, rng=1)
    assert len(result) == 24
    assert [t.round for t in result.trials] == [0] * 8 + [1] * 8 + [2] * 8
    widths = [math.log10(s["lr"].high / s["lr"].low) for s in result.spaces]
    assert widths[0] == pytest.approx(4.0)
    assert widths[1] == pytest.approx(4.0 * 0.3) and widths[2] == pytest.approx(4.0 * 0.09)
    for space, round_ in zip(result.spaces, range(3), strict=True):  # boxes stay in the space
        assert space["lr"].low >= 1e-4 - 1e-15 and space["lr"].high <= 1.0 + 1e-12
        lrs = [t.settings["lr"] for t in result.trials if t.round == round_]
        assert all(space["lr"].low <= lr <= space["lr"].high for lr in lrs)
    best_per_round = [min(t.score for t in result.trials if t.round <= r) for r in range(3)]
    assert best_per_round[2] <= best_per_round[0]
    assert abs(math.log10(result.best.settings["lr"]) - math.log10(0.02)) < 0.1


def test_too_narrow_ranges_and_deep_zooms():
    with pytest.raises(ValueError, match="too close"):
        Param(0.0, 1e-300, "1-beta log")
    result = coarse_to_fine(lambda x: (x - 0.5) ** 2, {"x": (0.0, 1.0)}, 3, rounds=20, rng=0)
    assert len(result) == 60
    assert all(s["x"].high - s["x"].low >= 1e-6 * 0.999 for s in result.spaces)

"""The notes' qualitative claims, checked on our engine (each test well under 3 s).

Figures measured when these tests were written are in the comments.
"""

from __future__ import annotations

import math
from itertools import pairwise

import numpy as np
import pytest

from deepnotes.data import circles, moons
from deepnotes.layers import Dense, Dropout, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import SGD, Adam
from deepnotes.train import evaluate, fit
from deepnotes.tuning import grid_search, random_search


def mlp(widths, init="he", rng=None, keep_prob=None):
    """Dense+ReLU(+Dropout) hidden layers and a sigmoid output."""
    layers = []
    for i, (n_in, n_out) in enumerate(pairwise(widths)):
        layers.append(Dense(n_in, n_out, init=init, rng=rng))
        if i < len(widths) - 2:
            layers.append(ReLU())
            if keep_prob is not None:
                layers.append(Dropout(keep_prob, rng=rng))
    return Sequential([*layers, Sigmoid()])


@pytest.mark.parametrize("seed", [0, 1])
def test_zeros_init_cannot_break_symmetry_but_he_can(seed):
    X, Y = circles(m=300, noise=0.08, rng=seed)
    accuracy = {}
    for init in ("zeros", "he"):
        rng = np.random.default_rng(seed)
        model = mlp((2, 10, 5, 1), init=init, rng=rng)
        history = fit(model, BinaryCrossEntropy(), Adam(lr=0.01), X, Y, epochs=200, rng=rng)
        accuracy[init] = history.train_accuracy[-1]
        if init == "zeros":  # every hidden unit is still the same unit
            W1 = model.layers[0].params["W"]
            assert np.all(W1 == W1[0])
    # measured: zeros 0.50, he 1.00 for both seeds
    assert accuracy["zeros"] == pytest.approx(0.5, abs=0.05)
    assert accuracy["he"] >= 0.9


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adam_beats_minibatch_gd_at_the_same_small_learning_rate(seed):
    X, Y = moons(m=400, noise=0.1, rng=seed)
    final_cost = {}
    for name, optimizer in (("gd", SGD(lr=0.001)), ("adam", Adam(lr=0.001))):
        rng = np.random.default_rng(seed)
        model = mlp((2, 16, 16, 1), rng=rng)
        history = fit(
            model, BinaryCrossEntropy(), optimizer, X, Y, epochs=50, batch_size=32, rng=rng
        )
        final_cost[name] = history.train_cost[-1]
    # measured Adam/GD cost ratio: 0.19 (seed 0), 0.38 (seed 1), 0.33 (seed 2)
    assert final_cost["adam"] < 0.5 * final_cost["gd"]


def _overfit_run(seed: int, lambd: float = 0.0, keep_prob: float | None = None):
    """A 40-40 network on 80 noisy moons: it memorises the training set."""
    data_rng = np.random.default_rng(seed)
    X, Y = moons(m=80, noise=0.35, rng=data_rng)
    X_dev, Y_dev = moons(m=300, noise=0.35, rng=data_rng)
    rng = np.random.default_rng(100 + seed)
    model = mlp((2, 40, 40, 1), rng=rng, keep_prob=keep_prob)
    h = fit(
        model,
        BinaryCrossEntropy(),
        Adam(lr=0.01),
        X,
        Y,
        epochs=300,
        lambd=lambd,
        dev=(X_dev, Y_dev),
        rng=rng,
    )
    return {
        "error_gap": h.train_accuracy[-1] - h.dev_accuracy[-1],
        "cost_gap": h.dev_cost[-1] - h.train_loss[-1],
    }


_BASELINES: dict[int, dict[str, float]] = {}


def _baseline(seed: int) -> dict[str, float]:
    if seed not in _BASELINES:
        _BASELINES[seed] = _overfit_run(seed)
    return _BASELINES[seed]


# measured (accuracy gap, cost gap): seed 0: none 0.137/1.48, L2 0.043/0.08, dropout -0.008/0.08
#                                    seed 4: none 0.161/1.42, L2 0.062/0.13, dropout 0.073/0.31
@pytest.mark.parametrize("seed", [0, 4])
@pytest.mark.parametrize(
    ("name", "kwargs"), [("L2", {"lambd": 0.7}), ("dropout", {"keep_prob": 0.5})]
)
def test_l2_and_dropout_narrow_the_train_dev_gap(seed, name, kwargs):
    plain = _baseline(seed)
    regularised = _overfit_run(seed, **kwargs)
    assert plain["error_gap"] >= 0.1  # the plain network does overfit
    assert regularised["error_gap"] < plain["error_gap"] - 0.05, name
    assert regularised["cost_gap"] < 0.5 * plain["cost_gap"], name


def test_random_search_beats_grid_when_one_of_two_parameters_matters():
    """Adam's eps barely matters, lr does: 9 grid runs try 3 learning rates, 9 random runs 9."""
    data_rng = np.random.default_rng(0)
    X, Y = moons(m=100, noise=0.2, rng=data_rng)
    X_dev, Y_dev = moons(m=100, noise=0.2, rng=data_rng)

    def dev_cost(lr: float, eps: float) -> float:
        rng = np.random.default_rng(1)
        model = mlp((2, 8, 1), rng=rng)
        fit(model, BinaryCrossEntropy(), Adam(lr=lr, eps=eps), X, Y, epochs=20, rng=rng)
        return evaluate(model, BinaryCrossEntropy(), X_dev, Y_dev)[0]

    space = {"lr": (1e-4, 1.0, "log"), "eps": (1e-8, 1e-4, "log")}
    grid = grid_search(dev_cost, space, budget=9)
    assert len(set(grid.values("lr"))) == 3
    wins = 0
    for seed in range(5):
        random = random_search(dev_cost, space, budget=9, rng=seed)
        wins += random.best.score < grid.best.score
    assert wins >= 4  # measured: 5 of 5 (grid best dev cost 0.34, random 0.27-0.30)


def test_random_search_beats_grid_on_most_seeds_of_a_synthetic_objective():
    """Many seeds, cheap objective: only lr matters, best at 0.004 (between grid points)."""

    def dev_error(lr: float, beta: float) -> float:
        return 0.05 + 0.1 * (math.log10(lr) - math.log10(0.004)) ** 2

    space = {"lr": (1e-4, 1.0, "log"), "beta": (0.9, 0.999, "1-beta log")}
    for budget in (9, 16, 25):
        grid_best = grid_search(dev_error, space, budget).best.score
        wins = sum(
            random_search(dev_error, space, budget, rng=seed).best.score < grid_best
            for seed in range(100)
        )
        assert wins >= 75, (budget, wins)  # measured: 86, 91 and 100 of 100

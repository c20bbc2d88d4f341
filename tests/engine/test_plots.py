"""Plots return their Axes/Figure, label their axes, use the palette and check their input."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from deepnotes.data import blobs, moons, spirals
from deepnotes.layers import Dense, ReLU, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam
from deepnotes.plots import (
    PALETTE,
    activations_per_layer,
    cost_curves,
    decision_boundary,
    layer_histograms,
    optimizer_paths,
)
from deepnotes.train import History, fit


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _trained(rng):
    X, Y = moons(m=60, rng=rng)
    model = Sequential([Dense(2, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng), Sigmoid()])
    h = fit(model, BinaryCrossEntropy(), Adam(0.02), X, Y, 10, dev=(X, Y), rng=rng)
    return model, X, Y, h


def test_decision_boundary_binary(rng):
    model, X, Y, _ = _trained(rng)
    ax = decision_boundary(model, X, Y, resolution=30, title="moons")
    assert isinstance(ax, Axes)
    assert ax.get_xlabel() == "$x_1$" and ax.get_ylabel() == "$x_2$"
    assert ax.get_title() == "moons"
    colours = {to_hex(c.get_facecolor()[0]) for c in ax.collections if c.get_label()}
    assert colours <= {c.lower() for c in PALETTE}
    assert len(ax.get_legend().get_texts()) == 2


def test_decision_boundary_multiclass_and_existing_axes(rng):
    X, y = spirals(m=60, k=3, rng=rng)
    model = Sequential([Dense(2, 3, rng=rng)])
    _, ax = plt.subplots()
    assert decision_boundary(model, X, y, ax=ax, resolution=20) is ax
    assert len(ax.get_legend().get_texts()) == 3
    decision_boundary(model, X, np.eye(3)[y], resolution=20)  # one-hot labels


def test_decision_boundary_errors(rng):
    model, X, Y, _ = _trained(rng)
    with pytest.raises(ValueError, match="2 features"):
        decision_boundary(model, np.ones((5, 3)), np.ones(5))
    with pytest.raises(ValueError, match="one label per row"):
        decision_boundary(model, X, Y[:-1])
    with pytest.raises(ValueError, match="resolution"):
        decision_boundary(model, X, Y, resolution=1)
    with pytest.raises(TypeError, match="ax"):
        decision_boundary(model, X, Y, ax="left")


@pytest.mark.parametrize("metric", ["cost", "accuracy", "error", "batch"])
def test_cost_curves_metrics(rng, metric):
    *_, h = _trained(rng)
    ax = cost_curves(h, metric=metric, log_scale=metric == "cost", title="t")
    lines = ax.get_lines()
    assert len(lines) == (1 if metric == "batch" else 2)
    assert ax.get_xlabel() in {"epoch", "mini-batch (iteration)"}
    assert ax.get_ylabel()


def test_cost_curves_several_runs_get_palette_colours_and_styles():
    runs = {
        "GD": History(epochs=[0, 1], train_cost=[1.0, 0.8], dev_cost=[1.1, 0.9]),
        "Adam": History(epochs=[0, 1], train_cost=[1.0, 0.3], dev_cost=[1.1, 0.5]),
    }
    ax = cost_curves(runs)
    lines = ax.get_lines()
    assert [line.get_label() for line in lines] == ["GD train", "GD dev", "Adam train", "Adam dev"]
    assert [line.get_linestyle() for line in lines] == ["-", "--", "-", "--"]
    assert to_hex(lines[0].get_color()) == PALETTE[0].lower()
    assert to_hex(lines[2].get_color()) == PALETTE[1].lower()


def test_cost_curves_errors():
    with pytest.raises(TypeError, match="History"):
        cost_curves([1, 2, 3])
    with pytest.raises(ValueError, match="metric"):
        cost_curves(History(), metric="loss")


def test_optimizer_paths_draws_contours_and_paths():
    def loss(w1, w2):
        return w1**2 + 10 * w2**2

    paths = {
        "GD": np.array([[-2.0, 1.0], [-1.5, 0.2], [-1.0, 0.1]]),
        "Adam": np.array([[-2.0, 1.0], [-1.0, 0.5], [0.0, 0.0]]),
    }
    ax = optimizer_paths(loss, paths, resolution=40, title="bowl")
    labels = [line.get_label() for line in ax.get_lines()]
    assert "GD" in labels and "Adam" in labels
    assert ax.get_xlabel() == "$w_1$" and ax.get_ylabel() == "$w_2$"
    ax = optimizer_paths(loss, paths, xlim=(-3, 3), ylim=(-2, 2), levels=[1, 5, 10], resolution=20)
    assert ax.get_xlim() == (-3, 3)
    optimizer_paths(lambda a, b: 0 * a, {"flat": paths["GD"]}, resolution=10)  # constant loss


def test_optimizer_paths_errors():
    good = {"GD": np.zeros((3, 2))}
    with pytest.raises(TypeError, match="loss_fn"):
        optimizer_paths("bowl", good)
    with pytest.raises(TypeError, match="paths"):
        optimizer_paths(lambda a, b: a, {})
    with pytest.raises(ValueError, match=r"shape \(k, 2\)"):
        optimizer_paths(lambda a, b: a, {"GD": np.zeros((3, 3))})
    with pytest.raises(ValueError, match="no finite value"):
        optimizer_paths(lambda a, b: np.log(-1 - a**2), good, resolution=5)


def test_layer_histograms_from_activations(rng):
    X, _ = blobs(m=50, rng=rng)
    model = Sequential([Dense(2, 16, rng=rng), Tanh(), Dense(16, 16, rng=rng), Tanh()])
    acts = activations_per_layer(model, X)
    assert list(acts) == ["0 Dense", "1 Tanh", "2 Dense", "3 Tanh"]
    fig = layer_histograms(acts, bins=10, title="activations", xlabel="activation")
    assert isinstance(fig, Figure) and len(fig.axes) == 4
    assert "std" in fig.axes[0].get_title()
    assert fig.axes[0].get_ylabel() == "count"
    fig2 = layer_histograms([np.ones(5), np.zeros(5)], fig=fig)
    assert fig2 is fig and len(fig.axes) == 2
    assert fig.axes[0].get_title().startswith("layer 1")


def test_layer_histograms_errors():
    with pytest.raises(ValueError, match="empty"):
        layer_histograms({})
    with pytest.raises(TypeError, match="values"):
        layer_histograms(3.0)
    with pytest.raises(ValueError, match="NaN"):
        layer_histograms({"a": [np.nan]})
    with pytest.raises(TypeError, match="fig"):
        layer_histograms({"a": [1.0]}, fig="fig")

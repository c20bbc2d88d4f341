"""fit(): history, L2, schedules, early stopping, callbacks, divergence, bad arguments."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import deepnotes
from deepnotes.data import blobs, circles, moons, regression_1d, spirals
from deepnotes.layers import BatchNorm, Dense, ReLU, Sigmoid, Tanh
from deepnotes.losses import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    MeanSquaredError,
    SoftmaxCrossEntropy,
    l2_penalty,
)
from deepnotes.model import Sequential
from deepnotes.optim import SGD, Adam, Momentum
from deepnotes.schedules import exponential
from deepnotes.train import History, TrainingDiverged, accuracy, evaluate, fit


def binary_model(rng, hidden=8, n_in=2):
    return Sequential([Dense(n_in, hidden, rng=rng), ReLU(), Dense(hidden, 1, rng=rng), Sigmoid()])


def test_package_exports():
    from deepnotes.averages import ewma
    from deepnotes.diagnosis import diagnose

    assert deepnotes.ewma is ewma
    assert deepnotes.diagnose is diagnose


def test_history_records_every_epoch(rng):
    X, Y = moons(m=50, rng=rng)
    X_dev, Y_dev = moons(m=20, rng=rng)
    h = fit(
        binary_model(rng), BinaryCrossEntropy(), Adam(0.01), X, Y, 7, batch_size=16,
        dev=(X_dev, Y_dev), rng=rng,
    )  # fmt: skip
    assert isinstance(h, History) and len(h) == 7
    assert h.epochs == list(range(7))
    for series in (h.train_cost, h.train_loss, h.dev_cost, h.train_accuracy, h.dev_accuracy):
        assert len(series) == 7 and all(np.isfinite(series))
    assert h.lr == [0.01] * 7
    assert len(h.batch_costs) == 7 * 4  # 16 + 16 + 16 + 2
    assert h.best_epoch == int(np.argmin(h.dev_cost))
    assert not h.stopped_early and not h.stopped_by_callback
    assert h.train_error == pytest.approx(1 - h.train_accuracy[-1])
    assert h.dev_error == pytest.approx(1 - h.dev_accuracy[-1])
    assert "7 epochs" in repr(h) and "dev_accuracy" in repr(h)
    assert set(h.as_dict()) >= {"train_cost", "dev_cost", "lr", "best_epoch"}
    verdicts = {"high bias", "high variance", "fine", "high bias and high variance"}
    assert h.diagnose().verdict in verdicts


def test_batch_gradient_descent_is_the_default(rng):
    X, Y = circles(m=30, rng=rng)
    h = fit(binary_model(rng), BinaryCrossEntropy(), SGD(0.1), X, Y, epochs=3, rng=rng)
    assert len(h.batch_costs) == 3
    assert h.dev_cost == [] and h.best_epoch == int(np.argmin(h.train_cost))
    with pytest.raises(ValueError, match="dev"):
        h.diagnose()


def test_train_cost_is_loss_plus_l2_penalty(rng):
    X, Y = moons(m=40, rng=rng)
    model = binary_model(rng)
    h = fit(model, BinaryCrossEntropy(), Adam(0.01), X, Y, epochs=3, lambd=0.5, rng=rng)
    penalty = l2_penalty(model, 0.5, 40)
    assert h.train_cost[-1] == pytest.approx(h.train_loss[-1] + penalty)
    assert h.train_loss[-1] == pytest.approx(evaluate(model, BinaryCrossEntropy(), X, Y)[0])


def test_one_step_matches_gradient_descent_with_l2_by_hand(rng):
    """Batch GD, one epoch: W <- W - lr * (dW + lambd/m * W) for every weight matrix."""
    X, Y = moons(m=30, rng=rng)
    model = binary_model(rng)
    reference = copy.deepcopy(model)
    lr, lambd, m = 0.1, 2.0, 30
    fit(model, BinaryCrossEntropy(), SGD(lr), X, Y, epochs=1, lambd=lambd, rng=rng)
    loss = BinaryCrossEntropy()
    loss.forward(reference.forward(X, training=True), Y)
    reference.backward(loss.backward())
    for key, W in reference.parameters().items():
        dW = reference.gradients()[key]
        l2 = lambd / m * W if key.endswith("W") else 0.0
        np.testing.assert_allclose(model.parameters()[key], W - lr * (dW + l2), rtol=1e-12)


def test_schedule_sets_the_lr_of_each_epoch(rng):
    X, Y = moons(m=20, rng=rng)
    optimizer = Momentum(0.5)
    h = fit(binary_model(rng), BinaryCrossEntropy(), optimizer, X, Y, 5,
            schedule=exponential(0.1, base=0.5), rng=rng)  # fmt: skip
    np.testing.assert_allclose(h.lr, [0.1, 0.05, 0.025, 0.0125, 0.00625])
    assert optimizer.epoch == 4


def test_optimizer_with_schedule_lr_records_it(rng):
    X, Y = moons(m=20, rng=rng)
    h = fit(binary_model(rng), BinaryCrossEntropy(), SGD(exponential(1.0, 0.1)), X, Y, 3, rng=rng)
    np.testing.assert_allclose(h.lr, [1.0, 0.1, 0.01])


def test_early_stopping_stops_and_restores_the_best_weights():
    rng = np.random.default_rng(3)
    X, Y = moons(m=30, noise=0.4, rng=rng)
    X_dev, Y_dev = moons(m=200, noise=0.4, rng=rng)
    model = Sequential(
        [Dense(2, 64, rng=rng), ReLU(), Dense(64, 64, rng=rng), ReLU(), Dense(64, 1, rng=rng),
         Sigmoid()]
    )  # fmt: skip
    h = fit(model, BinaryCrossEntropy(), Adam(0.02), X, Y, epochs=500, dev=(X_dev, Y_dev),
            early_stopping=10, rng=rng)  # fmt: skip
    assert h.stopped_early
    assert len(h) == h.best_epoch + 11 < 500
    assert min(h.dev_cost) == h.dev_cost[h.best_epoch]
    dev_cost_now = evaluate(model, BinaryCrossEntropy(), X_dev, Y_dev)[0]
    assert dev_cost_now == pytest.approx(h.dev_cost[h.best_epoch], rel=1e-12)


def test_early_stopping_restores_batch_norm_statistics_too():
    rng = np.random.default_rng(0)
    X, Y = moons(m=64, noise=0.4, rng=rng)
    X_dev, Y_dev = moons(m=100, noise=0.4, rng=rng)
    model = Sequential(
        [Dense(2, 32, rng=rng), BatchNorm(32), ReLU(), Dense(32, 1, rng=rng), Sigmoid()]
    )
    h = fit(model, BinaryCrossEntropy(), Adam(0.05), X, Y, epochs=200, batch_size=9,
            dev=(X_dev, Y_dev), early_stopping=5, rng=rng)  # fmt: skip
    assert h.stopped_early
    dev_cost_now = evaluate(model, BinaryCrossEntropy(), X_dev, Y_dev)[0]
    assert dev_cost_now == pytest.approx(h.dev_cost[h.best_epoch], rel=1e-12)


def test_batch_norm_skips_a_last_batch_of_one_and_refuses_batch_size_one(rng):
    X, Y = moons(m=9, rng=rng)  # batches of 4, 4, 1
    model = Sequential(
        [Dense(2, 4, rng=rng), BatchNorm(4), ReLU(), Dense(4, 1, rng=rng), Sigmoid()]
    )
    h = fit(model, BinaryCrossEntropy(), Adam(0.01), X, Y, epochs=2, batch_size=4, rng=rng)
    assert len(h.batch_costs) == 4
    with pytest.raises(ValueError, match="batch_size=1 cannot train a model with BatchNorm"):
        fit(model, BinaryCrossEntropy(), Adam(0.01), X, Y, epochs=1, batch_size=1, rng=rng)


def test_callback_sees_each_epoch_and_can_stop(rng):
    X, Y = moons(m=20, rng=rng)
    seen = []

    def callback(epoch, history):
        seen.append((epoch, len(history.train_cost)))
        return epoch < 2  # False at epoch 2 stops

    h = fit(binary_model(rng), BinaryCrossEntropy(), Adam(0.01), X, Y, 10, callback=callback,
            rng=rng)  # fmt: skip
    assert seen == [(0, 1), (1, 2), (2, 3)]
    assert len(h) == 3 and h.stopped_by_callback


def test_callback_returning_none_continues(rng):
    X, Y = moons(m=20, rng=rng)
    h = fit(binary_model(rng), BinaryCrossEntropy(), Adam(0.01), X, Y, 4,
            callback=lambda e, h: None, rng=rng)  # fmt: skip
    assert len(h) == 4 and not h.stopped_by_callback


def test_diverging_run_names_the_epoch_and_suggests_a_smaller_lr():
    rng = np.random.default_rng(0)
    X, Y = regression_1d(m=50, rng=rng)
    X, Y = 100 * X, 100 * Y  # unnormalized inputs and targets
    model = Sequential([Dense(1, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng)])
    with pytest.raises(TrainingDiverged, match=r"diverged at epoch \d+") as info:
        fit(model, MeanSquaredError(), SGD(lr=0.5), X, Y, epochs=50, batch_size=5, rng=rng)
    message = str(info.value)
    assert "learning rate was 0.5" in message and "smaller" in message
    assert info.value.lr == 0.5 and not np.isfinite(info.value.cost)
    assert isinstance(info.value, FloatingPointError)


def test_multiclass_softmax_with_int_and_one_hot_labels(rng):
    X, y = spirals(m=150, k=3, noise=0.1, rng=rng)
    for labels in (y, np.eye(3)[y]):
        model = Sequential([Dense(2, 32, rng=rng), ReLU(), Dense(32, 3, rng=rng)])
        h = fit(model, SoftmaxCrossEntropy(), Adam(0.03), X, labels, 80, batch_size=32, rng=rng)
        assert h.train_accuracy[-1] > 0.8
        assert accuracy(model, SoftmaxCrossEntropy(), X, labels) == h.train_accuracy[-1]


def test_logit_loss_accuracy_thresholds_at_zero(rng):
    X, Y = blobs(m=60, rng=rng)
    model = Sequential([Dense(2, 1, rng=rng)])
    h = fit(model, BinaryCrossEntropyWithLogits(), Adam(0.05), X, Y, 50, rng=rng)
    assert h.train_accuracy[-1] > 0.9


def test_regression_has_no_accuracy(rng):
    X, Y = regression_1d(m=40, rng=rng)
    model = Sequential([Dense(1, 16, rng=rng), Tanh(), Dense(16, 1, rng=rng)])
    h = fit(model, MeanSquaredError(), Adam(0.01), X, Y, 100, dev=(X, Y), rng=rng)
    assert h.train_accuracy == [] and h.train_error is None and h.dev_error is None
    assert h.train_cost[-1] < h.train_cost[0]
    assert evaluate(model, MeanSquaredError(), X, Y)[1] is None


def test_float32_model_trains(rng):
    X, Y = circles(m=60, rng=rng)
    model = Sequential(
        [Dense(2, 8, rng=rng, dtype=np.float32), ReLU(), Dense(8, 1, rng=rng, dtype=np.float32),
         Sigmoid()]
    )  # fmt: skip
    h = fit(model, BinaryCrossEntropy(), Adam(0.01), X, Y, 5, lambd=0.1, rng=rng)
    assert all(p.dtype == np.float32 for p in model.parameters().values())
    assert np.isfinite(h.train_cost[-1])


def test_gradient_clipping_caps_each_step(rng):
    X, Y = moons(m=40, rng=rng)
    model = binary_model(rng)
    before = {k: v.copy() for k, v in model.parameters().items()}
    fit(model, BinaryCrossEntropy(), SGD(1.0), X, Y, epochs=1, max_grad_norm=0.01, rng=rng)
    step = np.sqrt(sum(np.sum((model.parameters()[k] - before[k]) ** 2) for k in before))
    assert step == pytest.approx(0.01, rel=1e-6) or step < 0.01


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"epochs": 0}, ValueError, "epochs must be >= 1"),
        ({"epochs": 2.5}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"lambd": -0.1}, ValueError, "lambd"),
        ({"early_stopping": 3}, ValueError, "early_stopping needs a dev set"),
        ({"dev": (np.ones((3, 3)), np.ones((3, 1)))}, ValueError, "X_dev must have 2 features"),
        ({"dev": np.ones((3, 2))}, TypeError, "dev must be a pair"),
        ({"dev": (np.ones((3, 2)), np.ones((2, 1)))}, ValueError, "same number of examples"),
        ({"callback": 3}, TypeError, "callback"),
        ({"schedule": 0.1}, TypeError, "schedule"),
        ({"optimizer": "adam"}, TypeError, "optimizer"),
        ({"max_grad_norm": 0}, ValueError, "max_grad_norm"),
        ({"X": np.full((10, 2), np.nan)}, ValueError, "X contains"),
        ({"Y": np.ones((9, 1))}, ValueError, "same number of examples"),
        ({"Y": np.ones((10, 1, 1))}, ValueError, "Y must be"),
        ({"Y": np.array(["a"] * 10)}, TypeError, "Y must hold numbers"),
        ({"rng": "seed"}, TypeError, "rng"),
    ],
)
def test_bad_arguments(kwargs, exc, match):
    rng = np.random.default_rng(0)
    args = {
        "model": binary_model(rng),
        "loss": BinaryCrossEntropy(),
        "optimizer": Adam(0.01),
        "X": np.zeros((10, 2)),
        "Y": np.zeros((10, 1)),
        "epochs": 2,
    }
    args.update(kwargs)
    with pytest.raises(exc, match=match):
        fit(**args)


def test_empty_history_repr_and_batch_gd_divergence_at_the_epoch_end():
    assert repr(History()) == "History(0 epochs)"
    rng = np.random.default_rng(0)
    X, Y = regression_1d(m=20, rng=rng)
    model = Sequential([Dense(1, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng)])
    with pytest.raises(TrainingDiverged, match="training cost became inf"):
        fit(model, MeanSquaredError(), SGD(lr=1e3), 1e3 * X, 1e3 * Y, epochs=20, rng=rng)


def test_gradient_overflow_in_a_step_becomes_training_diverged(rng):
    from deepnotes.optim import GradientOverflow

    class Exploding:  # a duck-typed optimizer without set_epoch
        def step(self, params, grads):
            raise GradientOverflow("boom")

    X, Y = moons(m=10, rng=rng)
    with pytest.raises(TrainingDiverged, match="a gradient overflowed"):
        fit(binary_model(rng), BinaryCrossEntropy(), Exploding(), X, Y, epochs=1, rng=rng)


def test_labels_with_nan_are_refused(rng):
    with pytest.raises(ValueError, match="Y contains NaN"):
        fit(binary_model(rng), BinaryCrossEntropy(), SGD(0.1), np.ones((2, 2)),
            np.array([[np.nan], [1.0]]), epochs=1)  # fmt: skip


@pytest.mark.parametrize("lr", [1e30, 1e200])
def test_an_overflowing_output_is_reported_as_a_diverged_run(lr: float) -> None:
    from deepnotes.data import moons
    from deepnotes.layers import Dense, ReLU
    from deepnotes.losses import SoftmaxCrossEntropy
    from deepnotes.model import Sequential
    from deepnotes.optim import SGD
    from deepnotes.train import TrainingDiverged, fit

    X, Y = moons(200, rng=0)
    model = Sequential([Dense(2, 16, rng=0), ReLU(), Dense(16, 2, rng=1)])
    with pytest.raises(TrainingDiverged, match=r"diverged at epoch \d+.*smaller one"):
        fit(model, SoftmaxCrossEntropy(), SGD(lr), X, Y.ravel().astype(int), epochs=20, rng=0)

"""gradient_check: passes correct backprop, finds the buggy layer, refuses dropout, uses float64."""

from __future__ import annotations

import numpy as np
import pytest

import deepnotes.gradcheck
from deepnotes.gradcheck import (
    GradientCheckReport,
    gradient_check,
    gradient_check_report,
    relative_error,
    verdict,
)
from deepnotes.layers import BatchNorm, Dense, Dropout, LeakyReLU, ReLU, Sigmoid, Tanh
from deepnotes.losses import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    MeanSquaredError,
    SoftmaxCrossEntropy,
)
from deepnotes.model import Sequential


def binary_data(rng, m=6, n=3):
    return rng.standard_normal((m, n)), (rng.random((m, 1)) < 0.5).astype(float)


@pytest.mark.parametrize(
    ("layers", "loss", "labels"),
    [
        (
            lambda r: [Dense(3, 4, rng=r), Tanh(), Dense(4, 1, rng=r), Sigmoid()],
            BinaryCrossEntropy(),
            "binary",
        ),
        (
            lambda r: [Dense(3, 5, rng=r), ReLU(), Dense(5, 1, rng=r)],
            BinaryCrossEntropyWithLogits(),
            "binary",
        ),
        (
            lambda r: [Dense(3, 5, rng=r), BatchNorm(5), LeakyReLU(0.1), Dense(5, 3, rng=r)],
            SoftmaxCrossEntropy(),
            "classes",
        ),
        (
            lambda r: [Dense(3, 4, rng=r), Sigmoid(), Dropout(1.0), Dense(4, 2, rng=r)],
            MeanSquaredError(),
            "real",
        ),
    ],
    ids=["bce", "bce-logits", "softmax-batchnorm", "mse-dropout-off"],
)
@pytest.mark.parametrize("lambd", [0.0, 0.5])
def test_correct_backprop_passes(layers, loss, labels, lambd, rng):
    model = Sequential(layers(rng))
    X = rng.standard_normal((6, 3))
    Y = {
        "binary": (rng.random((6, 1)) < 0.5).astype(float),
        "classes": rng.integers(0, 3, 6),
        "real": rng.standard_normal((6, 2)),
    }[labels]
    report = gradient_check_report(model, loss, X, Y, lambd=lambd)
    assert report.relative_error < 1e-7
    assert report.verdict == "ok"
    assert all(check.verdict == "ok" for check in report.parameters.values()), str(report)
    assert gradient_check(model, loss, X, Y, lambd=lambd) == pytest.approx(report.relative_error)


class DenseWithBug(Dense):
    """dW forgets the 1/m of the cost's mean: the classic bug, in one layer only."""

    def _backward(self, dout, input_grad=True):
        dx = super()._backward(dout, input_grad)
        self.grads["W"] *= dout.shape[0]
        return dx


def test_report_points_at_the_layer_with_the_bug(rng):
    model = Sequential(
        [
            Dense(3, 4, rng=rng),
            Tanh(),
            DenseWithBug(4, 4, rng=rng),
            Tanh(),
            Dense(4, 1, rng=rng),
            Sigmoid(),
        ]
    )
    X, Y = binary_data(rng)
    report = gradient_check_report(model, BinaryCrossEntropy(), X, Y)
    assert report.verdict == "wrong"
    assert report.worst.name == "2.W"
    verdicts = {name: check.verdict for name, check in report.parameters.items()}
    assert verdicts == {
        "0.W": "ok",
        "0.b": "ok",
        "2.W": "wrong",
        "2.b": "ok",
        "4.W": "ok",
        "4.b": "ok",
    }
    assert report.parameters["2.W"].max_abs_diff > 1e-3
    assert "2.W" in str(report) and "wrong" in str(report)


class TanhWithBug(Tanh):
    """Uses 1 - a instead of 1 - a**2."""

    def _backward(self, dout):
        return dout * (1 - self._a)


def test_bug_in_an_activation_shows_in_the_layers_before_it(rng):
    model = Sequential([Dense(3, 4, rng=rng), TanhWithBug(), Dense(4, 1, rng=rng), Sigmoid()])
    X, Y = binary_data(rng)
    report = gradient_check_report(model, BinaryCrossEntropy(), X, Y)
    assert report.parameters["2.W"].verdict == report.parameters["2.b"].verdict == "ok"
    assert report.parameters["0.W"].verdict == "wrong"


def test_forgetting_the_l2_gradient_is_caught(rng, monkeypatch):
    """With lambd > 0 the cost includes the L2 term, so backprop must add lambd/m * W."""
    model = Sequential([Dense(3, 2, rng=rng), Sigmoid()])
    X, Y = rng.standard_normal((5, 3)), (rng.random((5, 2)) < 0.5).astype(float)
    assert gradient_check(model, BinaryCrossEntropy(), X, Y, lambd=1.0) < 1e-7

    # simulate a training loop that adds the penalty to the cost but not to the gradients
    monkeypatch.setattr(deepnotes.gradcheck, "l2_gradients", lambda model, lambd, m: {})
    report = gradient_check_report(model, BinaryCrossEntropy(), X, Y, lambd=1.0)
    assert report.parameters["0.W"].verdict == "wrong"
    assert report.parameters["0.b"].verdict == "ok"  # biases are not penalised


def test_dropout_is_refused_with_the_workflow(rng):
    model = Sequential([Dense(3, 4, rng=rng), ReLU(), Dropout(0.8, rng=rng), Dense(4, 1, rng=rng)])
    X, Y = binary_data(rng)
    with pytest.raises(ValueError, match="Dropout") as info:
        gradient_check(model, BinaryCrossEntropyWithLogits(), X, Y)
    message = str(info.value)
    assert "model.layers[2].keep_prob = 1.0" in message and "then turn dropout back on" in message
    model.layers[2].keep_prob = 1.0  # the notes' workflow: check without dropout ...
    assert gradient_check(model, BinaryCrossEntropyWithLogits(), X, Y) < 1e-7
    model.layers[2].keep_prob = 0.8  # ... then turn it back on for training


def test_float32_model_is_checked_in_float64_and_left_untouched(rng):
    model = Sequential(
        [
            Dense(3, 4, rng=rng, dtype=np.float32),
            BatchNorm(4, dtype=np.float32),
            Tanh(),
            Dense(4, 1, rng=rng, dtype=np.float32),
            Sigmoid(),
        ]
    )
    X, Y = binary_data(rng)
    before = {key: value.copy() for key, value in model.parameters().items()}
    grads_before = {key: value.copy() for key, value in model.gradients().items()}
    running_mean = model.layers[1].running_mean.copy()
    loss = BinaryCrossEntropy()

    assert gradient_check(model, loss, X.astype(np.float32), Y.astype(np.float32)) < 1e-7

    for key, value in model.parameters().items():
        assert value.dtype == np.float32
        np.testing.assert_array_equal(value, before[key])
        np.testing.assert_array_equal(model.gradients()[key], grads_before[key])
    np.testing.assert_array_equal(model.layers[1].running_mean, running_mean)
    with pytest.raises(RuntimeError):
        loss.backward()  # the loss object was not used either


def test_parameter_with_zero_gradient_is_not_reported_wrong(rng):
    """The bias before batch norm has gradient 0; noise/noise must not read as 'wrong'."""
    model = Sequential([Dense(3, 4, rng=rng), BatchNorm(4), Tanh(), Dense(4, 1, rng=rng)])
    X, Y = binary_data(rng)
    report = gradient_check_report(model, BinaryCrossEntropyWithLogits(), X, Y)
    assert report.parameters["0.b"].verdict == "ok"
    assert report.parameters["0.b"].max_abs_diff < 1e-9


def test_report_structure(rng):
    model = Sequential([Dense(2, 3, rng=rng), Tanh(), Dense(3, 1, rng=rng)])
    report = gradient_check_report(model, MeanSquaredError(), *binary_data(rng, n=2), eps=1e-6)
    assert isinstance(report, GradientCheckReport)
    assert list(report.parameters) == list(model.parameters())
    assert report.eps == 1e-6 and report.lambd == 0.0
    check = report.parameters["0.W"]
    assert check.name == "0.W" and len(check.worst_index) == 2
    lines = str(report).splitlines()
    assert lines[0].split() == ["parameter", "rel.", "error", "max", "|diff|", "verdict"]
    assert lines[-1].startswith("overall")


def test_verdict_thresholds_and_relative_error():
    assert [verdict(e) for e in (0.0, 9.9e-8, 1e-7, 9.9e-6, 1e-5, 1.0, float("nan"))] == [
        "ok",
        "ok",
        "check",
        "check",
        "wrong",
        "wrong",
        "wrong",
    ]
    assert relative_error(np.zeros(4), np.zeros(4)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == 1.0
    assert relative_error(np.array([1e-20]), np.array([0.0]), floor=1e-9) == pytest.approx(1e-11)


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"model": [Dense(2, 1, rng=0)]}, TypeError, "Sequential"),
        ({"loss": "bce"}, TypeError, "loss"),
        ({"eps": 0.0}, ValueError, "eps"),
        ({"eps": 8.9e307}, ValueError, r"eps must be in \(0, 1\]"),
        ({"lambd": 7e307}, ValueError, "overflowed .* lambd=7e\\+307"),
        ({"lambd": -1.0}, ValueError, "lambd"),
        ({"X": np.ones((4, 3))}, ValueError, r"\(m, 2\)"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    arguments = {
        "model": Sequential([Dense(2, 1, rng=0), Sigmoid()]),
        "loss": BinaryCrossEntropy(),
        "X": np.ones((4, 2)),
        "Y": np.ones((4, 1)),
        **kwargs,
    }
    with pytest.raises(error, match=match):
        gradient_check_report(**arguments)

"""Losses and the L2 term: formulas, gradients against central differences, stability, labels."""

from __future__ import annotations

import numpy as np
import pytest
from numgrad import TOLERANCE, numerical_gradient, rel_error

from deepnotes.layers import BatchNorm, Dense, ReLU
from deepnotes.losses import (
    BinaryCrossEntropy,
    BinaryCrossEntropyWithLogits,
    MeanSquaredError,
    SoftmaxCrossEntropy,
    l2_gradients,
    l2_penalty,
    softmax,
)
from deepnotes.model import Sequential


def assert_backward_matches(loss, y_hat: np.ndarray, y) -> None:
    loss.forward(y_hat, y)
    analytic = loss.backward()
    numeric = numerical_gradient(lambda: loss.forward(y_hat, y), y_hat)
    assert rel_error(analytic, numeric) < TOLERANCE


# --- binary cross-entropy ---------------------------------------------------------------


def test_bce_formula_and_gradient(rng):
    P = rng.uniform(0.05, 0.95, (7, 1))
    Y = (rng.random((7, 1)) < 0.5).astype(float)
    expected = -np.mean(Y * np.log(P) + (1 - Y) * np.log(1 - P))
    assert BinaryCrossEntropy().forward(P, Y) == pytest.approx(expected, rel=1e-12)
    assert_backward_matches(BinaryCrossEntropy(), P, Y)


def test_bce_is_safe_at_exactly_zero_and_one():
    loss = BinaryCrossEntropy()
    cost = loss.forward(np.array([[0.0], [1.0]]), np.array([[1], [0]]))  # maximally wrong
    assert np.isfinite(cost) and cost > 20
    grad = loss.backward()
    assert np.all(np.isfinite(grad))
    assert grad[0, 0] < 0 < grad[1, 0]  # still pushes the predictions the right way
    assert loss.forward(np.array([[1.0], [0.0]]), np.array([[1], [0]])) < 1e-10


def test_bce_float32_clips_at_float32_resolution():
    loss = BinaryCrossEntropy()
    cost = loss.forward(np.array([[1.0], [0.0]], dtype=np.float32), np.array([[0], [1]]))
    assert np.isfinite(cost)
    assert loss.backward().dtype == np.float32


@pytest.mark.parametrize("bad", [2, -1, 0.5])
def test_bce_refuses_labels_other_than_0_and_1(bad):
    with pytest.raises(ValueError, match=r"Y must hold binary labels in \{0, 1\}"):
        BinaryCrossEntropy().forward(np.full((3, 1), 0.5), np.array([[0], [1], [bad]]))


def test_bce_refuses_logits_and_points_to_the_logits_loss():
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*WithLogits"):
        BinaryCrossEntropy().forward(np.array([[2.5], [-1.0]]), np.array([[1], [0]]))


def test_label_shape_mismatch_suggests_reshape():
    with pytest.raises(ValueError, match=r"shape of y_hat \(3, 1\); got \(3,\).*reshape"):
        BinaryCrossEntropy().forward(np.full((3, 1), 0.5), np.array([0, 1, 0]))


def test_bce_with_logits_equals_bce_of_sigmoid(rng):
    Z = rng.normal(0, 3, (9, 1))
    Y = (rng.random((9, 1)) < 0.5).astype(float)
    P = 1 / (1 + np.exp(-Z))
    assert BinaryCrossEntropyWithLogits().forward(Z, Y) == pytest.approx(
        BinaryCrossEntropy().forward(P, Y), rel=1e-10
    )
    assert_backward_matches(BinaryCrossEntropyWithLogits(), Z, Y)


def test_bce_with_logits_is_stable_for_huge_logits():
    loss = BinaryCrossEntropyWithLogits()
    cost = loss.forward(np.array([[1e4], [-1e4], [1e4]]), np.array([[1], [0], [0]]))
    assert cost == pytest.approx(1e4 / 3)
    np.testing.assert_allclose(loss.backward(), [[0.0], [0.0], [1 / 3]])


# --- softmax cross-entropy --------------------------------------------------------------


def test_softmax_rows_sum_to_one_and_are_stable():
    P = softmax(np.array([[1e4, 1e4 - 1.0, -1e4], [0.0, 0.0, 0.0]]))
    np.testing.assert_allclose(P.sum(axis=1), 1.0)
    np.testing.assert_allclose(P[0, :2], [1 / (1 + np.exp(-1)), 1 - 1 / (1 + np.exp(-1))])
    np.testing.assert_allclose(P[1], 1 / 3)
    assert softmax(np.array([1.0, 1.0], dtype=np.float32)).dtype == np.float32


def test_softmax_ce_formula_with_int_and_one_hot_labels(rng):
    Z = rng.standard_normal((6, 4))
    labels = np.array([0, 3, 1, 1, 2, 0])
    one_hot = np.eye(4)[labels]
    expected = -np.mean(np.log(np.exp(Z) / np.exp(Z).sum(axis=1, keepdims=True))[range(6), labels])
    a, b = SoftmaxCrossEntropy(), SoftmaxCrossEntropy()
    assert a.forward(Z, labels) == pytest.approx(expected, rel=1e-12)
    assert b.forward(Z, one_hot) == pytest.approx(expected, rel=1e-12)
    np.testing.assert_allclose(a.backward(), b.backward(), atol=1e-15)
    np.testing.assert_allclose(a.backward(), (softmax(Z) - one_hot) / 6, atol=1e-15)
    assert_backward_matches(SoftmaxCrossEntropy(), Z, labels)
    assert_backward_matches(SoftmaxCrossEntropy(), Z, one_hot)


def test_softmax_ce_is_stable_for_logits_of_1e4():
    loss = SoftmaxCrossEntropy()
    Z = np.array([[1e4, 0.0, -1e4], [1e4, 0.0, -1e4]])
    assert loss.forward(Z, np.array([0, 1])) == pytest.approx(1e4 / 2)
    grad = loss.backward()
    np.testing.assert_allclose(grad, [[0.0, 0.0, 0.0], [0.5, -0.5, 0.0]])


def test_softmax_ce_accepts_column_labels_and_integer_valued_floats(rng):
    Z = rng.standard_normal((3, 3))
    cost = SoftmaxCrossEntropy().forward(Z, np.array([0, 2, 1]))
    assert SoftmaxCrossEntropy().forward(Z, np.array([[0], [2], [1]])) == cost
    assert SoftmaxCrossEntropy().forward(Z, np.array([0.0, 2.0, 1.0])) == cost


@pytest.mark.parametrize(
    ("labels", "match"),
    [
        (np.array([0, 1, 3]), r"class indices in \{0, \.\.\., 2\}; got 3"),
        (np.array([0, -1, 1]), r"class indices in \{0, \.\.\., 2\}; got -1"),
        (np.array([0, 1.5, 1]), "got 1.5"),
        (np.array([0, 1]), r"shape \(3,\) or one-hot of shape \(3, 3\)"),
        (np.array([[1, 0, 0], [0, 1, 0], [0, 1, 1]]), "one-hot"),
        (np.array([["a"], ["b"], ["c"]]), "real numbers"),
    ],
)
def test_softmax_ce_refuses_bad_labels(labels, match):
    with pytest.raises((ValueError, TypeError), match=match):
        SoftmaxCrossEntropy().forward(np.zeros((3, 3)), labels)


def test_softmax_ce_needs_two_classes():
    with pytest.raises(ValueError, match=r"at least 2.*Sigmoid"):
        SoftmaxCrossEntropy().forward(np.zeros((3, 1)), np.array([0, 0, 0]))


def test_softmax_ce_float32(rng):
    loss = SoftmaxCrossEntropy()
    loss.forward(rng.standard_normal((4, 3)).astype(np.float32), np.array([0, 1, 2, 0]))
    assert loss.backward().dtype == np.float32


# --- mean squared error -----------------------------------------------------------------


def test_mse_formula_and_gradient(rng):
    y_hat, y = rng.standard_normal((6, 1)), rng.standard_normal((6, 1))
    assert MeanSquaredError().forward(y_hat, y) == pytest.approx(np.mean((y_hat - y) ** 2))
    multi_hat, multi = rng.standard_normal((5, 3)), rng.standard_normal((5, 3))
    expected = np.sum((multi_hat - multi) ** 2) / 5  # summed over outputs, mean over examples
    assert MeanSquaredError().forward(multi_hat, multi) == pytest.approx(expected)
    assert_backward_matches(MeanSquaredError(), multi_hat, multi)


def test_mse_shape_mismatch():
    with pytest.raises(ValueError, match="shape of y_hat"):
        MeanSquaredError().forward(np.zeros((4, 1)), np.zeros((4, 2)))


# --- common to all losses ---------------------------------------------------------------


@pytest.mark.parametrize(
    "loss",
    [
        BinaryCrossEntropy(),
        BinaryCrossEntropyWithLogits(),
        SoftmaxCrossEntropy(),
        MeanSquaredError(),
    ],
    ids=repr,
)
def test_backward_before_forward_and_nan_output(loss):
    fresh = type(loss)()
    with pytest.raises(RuntimeError, match="forward before backward"):
        fresh.backward()
    y_hat = np.array([[0.5, np.nan], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"y_hat contains 1 NaN.*learning rate"):
        fresh.forward(y_hat, np.zeros((2, 2)))


def test_loss_reprs_and_eps_check():
    assert repr(BinaryCrossEntropy()) == "BinaryCrossEntropy()"
    assert repr(BinaryCrossEntropy(eps=1e-6)) == "BinaryCrossEntropy(eps=1e-06)"
    assert repr(SoftmaxCrossEntropy()) == "SoftmaxCrossEntropy()"
    with pytest.raises(ValueError, match="eps"):
        BinaryCrossEntropy(eps=0.0)


# --- L2 regularisation ------------------------------------------------------------------


def l2_net(rng) -> Sequential:
    return Sequential([Dense(3, 4, rng=rng), BatchNorm(4), ReLU(), Dense(4, 2, rng=rng)])


def test_l2_penalty_formula_excludes_biases_and_batchnorm(rng):
    model = l2_net(rng)
    for value in model.parameters().values():
        value += 1.0  # biases, gamma and beta are non-zero too
    W1, W2 = model.layers[0].params["W"], model.layers[3].params["W"]
    expected = 0.7 / (2 * 10) * (np.sum(W1**2) + np.sum(W2**2))
    assert l2_penalty(model, lambd=0.7, m=10) == pytest.approx(expected, rel=1e-12)
    assert l2_penalty(model, lambd=0.0, m=10) == 0.0


def test_l2_gradients_match_central_differences(rng):
    model = l2_net(rng)
    grads = l2_gradients(model, lambd=0.3, m=7)
    assert sorted(grads) == ["0.W", "3.W"]
    params = model.parameters()
    for key, dW in grads.items():
        numeric = numerical_gradient(lambda: l2_penalty(model, 0.3, 7), params[key])
        assert rel_error(dW, numeric) < TOLERANCE
        assert dW is not params[key]


@pytest.mark.parametrize(
    ("lambd", "m", "error", "match"),
    [(-0.1, 5, ValueError, "lambd"), (0.1, 0, ValueError, "m must be"), (0.1, 2.5, TypeError, "m")],
)
def test_l2_arguments_checked(rng, lambd, m, error, match):
    with pytest.raises(error, match=match):
        l2_penalty(l2_net(rng), lambd, m)
    with pytest.raises(error, match=match):
        l2_gradients(l2_net(rng), lambd, m)


def test_l2_needs_a_model():
    with pytest.raises(TypeError, match="Sequential"):
        l2_penalty([np.ones((2, 2))], 0.1, 2)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8, np.float64])
def test_softmax_ce_integer_labels_of_any_dtype_and_later_changes_to_them(dtype, rng):
    Z = rng.standard_normal((5, 3))
    labels = np.array([2, 0, 1, 1, 0], dtype=dtype)
    want = SoftmaxCrossEntropy()
    want_cost = want.forward(Z, np.eye(3)[[2, 0, 1, 1, 0]])
    loss = SoftmaxCrossEntropy()
    assert loss.forward(Z, labels) == pytest.approx(want_cost, rel=1e-12)
    labels[:] = 0  # the caller reuses its label array before backward
    np.testing.assert_allclose(loss.backward(), want.backward(), atol=1e-15)

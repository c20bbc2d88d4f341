"""Layers: forward formulas, backward against central differences, inits, modes, dtypes, errors."""

from __future__ import annotations

import numpy as np
import pytest
from numgrad import TOLERANCE, check_layer_gradients, numerical_gradient, rel_error

from deepnotes.layers import (
    INITS,
    BatchNorm,
    Dense,
    Dropout,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Tanh,
    init_std,
    sigmoid,
)

# --- forward formulas -------------------------------------------------------------------


def test_dense_computes_XWt_plus_b(rng):
    layer = Dense(3, 2, rng=rng)
    layer.params["b"][...] = [0.5, -1.0]
    X = rng.standard_normal((4, 3))
    np.testing.assert_allclose(
        layer.forward(X), X @ layer.params["W"].T + layer.params["b"], rtol=1e-12
    )
    assert layer.params["W"].shape == (2, 3)
    assert layer.params["b"].shape == (2,)


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        (ReLU(), [0.0, 0.0, 0.5, 3.0]),
        (LeakyReLU(alpha=0.1), [-0.2, 0.0, 0.5, 3.0]),
        (Sigmoid(), 1 / (1 + np.exp(-np.array([-2.0, 0.0, 0.5, 3.0])))),
        (Tanh(), np.tanh([-2.0, 0.0, 0.5, 3.0])),
    ],
    ids=["relu", "leaky", "sigmoid", "tanh"],
)
def test_activation_forward(layer, expected):
    np.testing.assert_allclose(layer.forward(np.array([[-2.0, 0.0, 0.5, 3.0]]))[0], expected)


def test_sigmoid_is_stable_for_huge_inputs():
    z = np.array([-1e4, -800.0, 0.0, 800.0, 1e4])
    a = sigmoid(z)  # warnings are errors in the test suite: an overflow would fail here
    np.testing.assert_allclose(a, [0.0, 0.0, 0.5, 1.0, 1.0])
    assert sigmoid(np.float64(-40.0)) == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_activations_accept_any_shape():
    x = np.linspace(-3, 3, 7)
    for layer in (ReLU(), LeakyReLU(), Sigmoid(), Tanh()):
        assert layer.forward(x).shape == (7,)


# --- backward passes against central differences (float64, rel. error < 1e-7) -----------


@pytest.mark.parametrize(
    "make",
    [
        lambda rng: Dense(4, 3, rng=rng),
        lambda rng: Dense(4, 3, init="xavier", rng=rng),
        lambda rng: ReLU(),
        lambda rng: LeakyReLU(alpha=0.2),
        lambda rng: Sigmoid(),
        lambda rng: Tanh(),
    ],
    ids=["dense-he", "dense-xavier", "relu", "leaky-relu", "sigmoid", "tanh"],
)
def test_backward_matches_central_differences(make, rng):
    layer = make(rng)
    x = rng.standard_normal((5, 4))
    x[np.abs(x) < 1e-3] = 0.5  # keep clear of the ReLU kink
    check_layer_gradients(layer, x, rng)


def test_dense_with_nonzero_bias_gradients(rng):
    layer = Dense(3, 2, rng=rng)
    layer.params["b"][...] = rng.standard_normal(2)
    check_layer_gradients(layer, rng.standard_normal((6, 3)), rng)


def test_dropout_backward_with_fixed_mask(rng):
    x = rng.standard_normal((6, 5))
    mask = rng.random((6, 5)) < 0.7
    check_layer_gradients(Dropout(0.7, rng=rng), x, rng, mask=mask)


def test_batchnorm_backward_training_mode_full_gradient(rng):
    bn = BatchNorm(4)
    bn.params["gamma"][...] = rng.uniform(0.5, 2.0, 4)
    bn.params["beta"][...] = rng.standard_normal(4)
    x = 3.0 + 2.0 * rng.standard_normal((8, 4))
    check_layer_gradients(bn, x, rng, training=True)


def test_batchnorm_backward_inference_mode(rng):
    bn = BatchNorm(3)
    bn.forward(rng.standard_normal((10, 3)))  # move the running averages away from 0/1
    bn.params["gamma"][...] = [0.5, 1.5, -2.0]
    check_layer_gradients(bn, rng.standard_normal((4, 3)), rng, training=False)


def test_batchnorm_simplified_gradient_would_fail(rng):
    """The full gradient differs from the one that treats mean and variance as constants."""
    bn = BatchNorm(3)
    x = rng.standard_normal((6, 3))
    G = rng.standard_normal((6, 3))
    bn.forward(x)
    dx = bn.backward(G)
    naive = G / np.sqrt(x.var(axis=0) + bn.eps)
    assert rel_error(dx, naive) > 1e-2


@pytest.mark.parametrize("make", [lambda: Dense(3, 2, rng=0), lambda: BatchNorm(3)])
def test_input_grad_false_skips_dx_but_fills_grads(make, rng):
    layer = make()
    x = rng.standard_normal((5, 3))
    G = rng.standard_normal(layer.forward(x).shape)
    layer.backward(G)
    full = {key: value.copy() for key, value in layer.grads.items()}
    layer.forward(x)
    assert layer.backward(G, input_grad=False) is None
    for key, value in layer.grads.items():
        np.testing.assert_array_equal(value, full[key])


def test_backward_overwrites_grads_in_place(rng):
    layer = Dense(3, 2, rng=rng)
    dW, db = layer.grads["W"], layer.grads["b"]
    for _ in range(2):
        layer.forward(rng.standard_normal((4, 3)))
        layer.backward(rng.standard_normal((4, 2)))
    assert layer.grads["W"] is dW and layer.grads["b"] is db
    assert np.any(dW != 0)


# --- initialisation ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("init", "expected_std"),
    [
        ("he", np.sqrt(2 / 400)),
        ("xavier", np.sqrt(1 / 400)),
        ("glorot", np.sqrt(2 / (400 + 300))),
        ("random", 0.01),
    ],
)
def test_init_std_statistically(init, expected_std):
    W = Dense(400, 300, init=init, rng=np.random.default_rng(1)).params["W"]
    # 120,000 draws: the sample std is within ~0.2 % of the true one, the mean within 0.3 % std
    assert W.std() == pytest.approx(expected_std, rel=0.02)
    assert abs(W.mean()) < 0.02 * expected_std
    assert init_std(init, 400, 300) == pytest.approx(expected_std)


def test_random_init_scale_and_zeros_init():
    assert Dense(200, 200, init="random", scale=0.5, rng=0).params["W"].std() == pytest.approx(
        0.5, rel=0.02
    )
    zeros = Dense(5, 4, init="zeros", rng=0)
    assert not zeros.params["W"].any() and not zeros.params["b"].any()


def test_biases_start_at_zero_and_seeded_init_is_reproducible():
    a, b = Dense(3, 4, rng=7), Dense(3, 4, rng=np.random.default_rng(7))
    np.testing.assert_array_equal(a.params["W"], b.params["W"])
    assert not a.params["b"].any()


def test_unknown_init_lists_the_allowed_ones():
    with pytest.raises(ValueError, match="init") as info:
        Dense(2, 3, init="kaiming")
    for name in INITS:
        assert repr(name) in str(info.value)
    assert "'kaiming'" in str(info.value)


# --- dropout ----------------------------------------------------------------------------


def test_inverted_dropout_preserves_the_expectation():
    drop = Dropout(0.8, rng=np.random.default_rng(3))
    x = np.full((400, 250), 2.0)
    out = drop.forward(x)
    assert drop.mask.mean() == pytest.approx(0.8, abs=0.005)
    assert out.mean() == pytest.approx(2.0, rel=0.01)  # E[d * x / p] = x
    np.testing.assert_allclose(out[drop.mask], 2.0 / 0.8)
    assert not out[~drop.mask].any()


def test_dropout_is_identity_at_test_time():
    drop = Dropout(0.5, rng=0)
    x = np.arange(6.0).reshape(2, 3)
    assert drop.forward(x, training=False) is x
    assert drop.mask is None
    dout = np.ones((2, 3))
    np.testing.assert_array_equal(drop.backward(dout), dout)


def test_dropout_keep_prob_one_drops_nothing(rng):
    x = rng.standard_normal((5, 4))
    np.testing.assert_array_equal(Dropout(1.0, rng=rng).forward(x), x)


def test_dropout_mask_is_reproducible_with_a_seed(rng):
    x = rng.standard_normal((5, 4))
    a = Dropout(0.5, rng=42)
    b = Dropout(0.5, rng=42)
    a.forward(x)
    b.forward(x)
    np.testing.assert_array_equal(a.mask, b.mask)


def test_dropout_mask_argument_is_checked(rng):
    drop = Dropout(0.5, rng=rng)
    x = np.ones((2, 3))
    with pytest.raises(ValueError, match="shape of x"):
        drop.forward(x, mask=np.ones((3, 2), dtype=bool))
    with pytest.raises(ValueError, match="0/1"):
        drop.forward(x, mask=np.full((2, 3), 2))
    np.testing.assert_array_equal(drop.forward(x, mask=np.ones((2, 3))), 2 * x)


@pytest.mark.parametrize("keep_prob", [0, -0.1, 1.01, float("nan")])
def test_dropout_keep_prob_range(keep_prob):
    with pytest.raises(ValueError, match="keep_prob"):
        Dropout(keep_prob)
    drop = Dropout(0.5)
    with pytest.raises(ValueError, match="keep_prob"):
        drop.keep_prob = keep_prob


# --- batch norm -------------------------------------------------------------------------


def test_batchnorm_normalises_each_feature_in_training(rng):
    bn = BatchNorm(3)
    out = bn.forward(5.0 + 3.0 * rng.standard_normal((50, 3)))
    np.testing.assert_allclose(out.mean(axis=0), 0.0, atol=1e-12)
    np.testing.assert_allclose(out.std(axis=0), 1.0, rtol=1e-5)  # eps shifts it slightly


def test_batchnorm_running_averages_follow_the_formula(rng):
    momentum, eps = 0.8, 1e-3
    bn = BatchNorm(2, momentum=momentum, eps=eps)
    running_mean, running_var = np.zeros(2), np.ones(2)
    for _ in range(3):
        x = rng.normal(2.0, 4.0, size=(16, 2))
        bn.forward(x)
        running_mean = momentum * running_mean + (1 - momentum) * x.mean(axis=0)
        running_var = momentum * running_var + (1 - momentum) * x.var(axis=0)  # biased
    np.testing.assert_allclose(bn.running_mean, running_mean, rtol=1e-12)
    np.testing.assert_allclose(bn.running_var, running_var, rtol=1e-12)

    x_test = rng.normal(size=(1, 2))  # one example works at test time
    bn.params["gamma"][...] = [2.0, 0.5]
    bn.params["beta"][...] = [1.0, -1.0]
    expected = [2.0, 0.5] * (x_test - running_mean) / np.sqrt(running_var + eps) + [1.0, -1.0]
    before = bn.running_mean.copy()
    np.testing.assert_allclose(bn.forward(x_test, training=False), expected, rtol=1e-12)
    np.testing.assert_array_equal(bn.running_mean, before)  # inference does not update


def test_batchnorm_training_with_one_example_says_why():
    with pytest.raises(ValueError, match=r"at least 2 examples.*variance"):
        BatchNorm(3).forward(np.ones((1, 3)))


@pytest.mark.parametrize(("kwargs", "name"), [({"momentum": 1.0}, "momentum"), ({"eps": 0}, "eps")])
def test_batchnorm_hyperparameters_checked(kwargs, name):
    with pytest.raises(ValueError, match=name):
        BatchNorm(3, **kwargs)


# --- dtypes -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: Dense(3, 3, rng=0, dtype=np.float32),
        lambda: BatchNorm(3, dtype=np.float32),
        lambda: ReLU(),
        lambda: LeakyReLU(),
        lambda: Sigmoid(),
        lambda: Tanh(),
        lambda: Dropout(0.5, rng=0),
    ],
    ids=["dense", "batchnorm", "relu", "leaky", "sigmoid", "tanh", "dropout"],
)
def test_float32_stays_float32(make, rng):
    layer = make()
    x = rng.standard_normal((4, 3)).astype(np.float32)
    out = layer.forward(x)
    assert out.dtype == np.float32
    assert layer.backward(np.ones_like(out)).dtype == np.float32
    for key in layer.params:
        assert layer.params[key].dtype == layer.grads[key].dtype == np.float32


def test_float32_layer_converts_float64_input_and_keeps_the_seeded_weights(rng):
    layer32 = Dense(3, 2, rng=5, dtype=np.float32)
    layer64 = Dense(3, 2, rng=5)
    np.testing.assert_array_equal(layer32.params["W"], layer64.params["W"].astype(np.float32))
    assert layer32.forward(rng.standard_normal((4, 3))).dtype == np.float32
    assert repr(layer32) == "Dense(n_in=3, n_out=2, init='he', dtype=float32)"


def test_parameters_are_float64_by_default():
    assert Dense(2, 2, rng=0).dtype == BatchNorm(2).dtype == np.float64
    assert ReLU().dtype is None


# --- bad input --------------------------------------------------------------------------


def test_dense_wrong_number_of_features_names_both_shapes():
    with pytest.raises(ValueError, match=r"\(m, 3\).*got shape \(5, 4\)"):
        Dense(3, 2, rng=0).forward(np.ones((5, 4)))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"n_in": 0, "n_out": 2}, ValueError),
        ({"n_in": 2, "n_out": -1}, ValueError),
        ({"n_in": 2.5, "n_out": 2}, TypeError),
        ({"n_in": True, "n_out": 2}, TypeError),
        ({"n_in": 2, "n_out": 2, "scale": 0.0}, ValueError),
        ({"n_in": 2, "n_out": 2, "dtype": np.int64}, TypeError),
        ({"n_in": 2, "n_out": 2, "dtype": "not a dtype"}, TypeError),
        ({"n_in": 2, "n_out": 2, "rng": "seed"}, TypeError),
    ],
)
def test_dense_hyperparameters_checked(kwargs, error):
    with pytest.raises(error):
        Dense(**kwargs)


@pytest.mark.parametrize("alpha", [-0.1, 1.0, float("inf")])
def test_leaky_relu_alpha_checked(alpha):
    with pytest.raises(ValueError, match="alpha"):
        LeakyReLU(alpha)


def test_nan_input_training_flag_and_call_order_are_checked():
    layer = Dense(2, 2, rng=0)
    with pytest.raises(RuntimeError, match="forward before backward"):
        layer.backward(np.ones((1, 2)))
    with pytest.raises(ValueError, match="NaN"):
        layer.forward(np.array([[1.0, np.nan]]))
    with pytest.raises(TypeError, match="training"):
        layer.forward(np.ones((1, 2)), training="no")
    with pytest.raises(TypeError, match="x must hold real numbers"):
        layer.forward(np.array([["a", "b"]]))
    layer.forward(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"dout must have the shape of the last output \(3, 2\)"):
        layer.backward(np.ones((2, 2)))


def test_reprs_show_hyperparameters():
    assert repr(Dense(4, 3, init="random", scale=0.1, rng=0)) == (
        "Dense(n_in=4, n_out=3, init='random', scale=0.1)"
    )
    assert repr(LeakyReLU(0.2)) == "LeakyReLU(alpha=0.2)"
    assert repr(Dropout(0.8)) == "Dropout(keep_prob=0.8)"
    assert repr(BatchNorm(5, momentum=0.99)) == "BatchNorm(n_features=5, momentum=0.99, eps=1e-05)"
    assert repr(BatchNorm(2, dtype=np.float32)).endswith("eps=1e-05, dtype=float32)")
    assert repr(ReLU()) == "ReLU()"


def test_numerical_gradient_helper_is_itself_right():
    """Sanity check of the test helper: d/dx sum(x**3) = 3 x**2."""
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    assert rel_error(numerical_gradient(lambda: float(np.sum(x**3)), x), 3 * x**2) < TOLERANCE

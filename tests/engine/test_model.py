"""Sequential: parameter dicts, whole-network backward, inference mode, dtype, errors."""

from __future__ import annotations

import numpy as np
import pytest
from numgrad import TOLERANCE, numerical_gradient, rel_error

from deepnotes.layers import BatchNorm, Dense, Dropout, ReLU, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy, SoftmaxCrossEntropy
from deepnotes.model import Sequential
from deepnotes.optim import Adam


def small_net(rng, dtype=np.float64) -> Sequential:
    return Sequential(
        [
            Dense(3, 5, rng=rng, dtype=dtype),
            BatchNorm(5, dtype=dtype),
            Tanh(),
            Dense(5, 4, rng=rng, dtype=dtype),
            ReLU(),
            Dense(4, 1, rng=rng, dtype=dtype),
            Sigmoid(),
        ]
    )


def test_parameters_and_gradients_are_the_layers_own_arrays(rng):
    model = small_net(rng)
    params, grads = model.parameters(), model.gradients()
    assert list(params) == ["0.W", "0.b", "1.gamma", "1.beta", "3.W", "3.b", "5.W", "5.b"]
    assert list(grads) == list(params)
    assert params["0.W"] is model.layers[0].params["W"]
    assert params["1.gamma"] is model.layers[1].params["gamma"]
    assert grads["5.b"] is model.layers[5].grads["b"]

    model.forward(rng.standard_normal((6, 3)))
    model.backward(rng.standard_normal((6, 1)))
    for key, value in model.gradients().items():
        assert value is grads[key]  # backward writes in place: old dicts stay valid


def test_in_place_update_changes_the_model(rng):
    model = small_net(rng)
    X = rng.standard_normal((4, 3))
    before = model.predict(X)
    for W in model.parameters().values():
        W -= 0.1  # what an optimizer does
    assert not np.allclose(model.predict(X), before)


def test_whole_network_backward_matches_central_differences(rng):
    model = small_net(rng)
    loss = BinaryCrossEntropy()
    X = rng.standard_normal((8, 3))
    Y = (rng.random((8, 1)) < 0.5).astype(float)
    loss.forward(model.forward(X), Y)
    model.backward(loss.backward())
    grads = {key: value.copy() for key, value in model.gradients().items()}

    def J() -> float:
        return loss.forward(model.forward(X), Y)

    for key, param in model.parameters().items():
        numeric = numerical_gradient(J, param)
        if key == "0.b":  # batch norm subtracts the mean again: this bias has no effect on J
            np.testing.assert_allclose(grads[key], 0.0, atol=1e-15)
            np.testing.assert_allclose(numeric, 0.0, atol=1e-9)
            continue
        error = rel_error(grads[key], numeric)
        assert error < TOLERANCE, f"{key}: {error:.2e}"


def test_input_gradient_on_request(rng):
    model = Sequential([Dense(3, 4, rng=rng), Tanh(), Dense(4, 3, rng=rng)])
    loss = SoftmaxCrossEntropy()
    X = rng.standard_normal((5, 3))
    Y = np.array([0, 2, 1, 1, 0])
    loss.forward(model.forward(X), Y)
    assert model.backward(loss.backward()) is None  # default: no dJ/dX
    grads = {key: value.copy() for key, value in model.gradients().items()}
    loss.forward(model.forward(X), Y)
    dX = model.backward(loss.backward(), input_grad=True)
    for key, value in model.gradients().items():
        np.testing.assert_array_equal(value, grads[key])
    numeric = numerical_gradient(lambda: loss.forward(model.forward(X), Y), X)
    assert rel_error(dX, numeric) < TOLERANCE


def test_layers_before_the_first_parameter_layer_are_skipped(rng):
    model = Sequential([Dropout(1.0), Dense(2, 1, rng=rng)])
    model.forward(np.ones((3, 2)))
    assert model.backward(np.ones((3, 1))) is None
    np.testing.assert_allclose(model.gradients()["1.W"], [[3.0, 3.0]])
    assert model.backward(np.ones((3, 1)), input_grad=True).shape == (3, 2)


def test_model_without_parameters(rng):
    model = Sequential([ReLU(), Sigmoid()])
    out = model.forward(rng.standard_normal((3, 2)))
    assert model.backward(np.ones_like(out)) is None
    assert model.backward(np.ones_like(out), input_grad=True).shape == (3, 2)
    assert model.parameters() == {} and model.n_params == 0 and model.dtype is None


def test_predict_is_inference_mode(rng):
    model = Sequential([Dense(3, 50, rng=rng), Dropout(0.5, rng=rng), BatchNorm(50), ReLU()])
    X = rng.standard_normal((10, 3))
    model.forward(X)  # training: random mask, batch statistics
    np.testing.assert_array_equal(model.predict(X), model.predict(X))
    np.testing.assert_array_equal(model.predict(X), model.forward(X, training=False))
    assert model.predict(X[:1]).shape == (1, 50)  # one example works at test time


def test_float32_model_stays_float32_end_to_end(rng):
    model = small_net(rng, dtype=np.float32)
    out = model.forward(rng.standard_normal((6, 3)))  # float64 data is converted once
    assert out.dtype == np.float32
    loss = BinaryCrossEntropy()
    loss.forward(out, np.ones((6, 1)))
    dout = loss.backward()
    assert dout.dtype == np.float32
    model.backward(dout)
    for key, value in {**model.parameters(), **model.gradients()}.items():
        assert value.dtype == np.float32, key
    assert model.layers[1].running_var.dtype == np.float32


def test_float32_training_step_holds_no_float64_array(rng):
    """Forward, softmax loss, backward and Adam: nothing the engine keeps is upcast."""
    model = Sequential(
        [Dense(8, 16, rng=rng, dtype=np.float32), ReLU(), Dense(16, 3, rng=rng, dtype=np.float32)]
    )
    X = rng.standard_normal((10, 8)).astype(np.float32)
    loss, opt = SoftmaxCrossEntropy(), Adam(lr=1e-3)
    params, grads = model.parameters(), model.gradients()
    for _ in range(2):
        loss.forward(model.forward(X), rng.integers(0, 3, 10))
        model.backward(loss.backward())
        opt.step(params, grads)
    held = {
        "x of layer 0": model.layers[0]._x,
        "x of layer 2": model.layers[2]._x,
        "softmax P": loss._P,
        "dZ": loss.backward(),
        **{f"param {k}": v for k, v in params.items()},
        **{f"grad {k}": v for k, v in grads.items()},
        **{f"{k} {name}": v for k, slots in opt.state.items() for name, v in slots.items()},
    }
    for name, value in held.items():
        assert value.dtype == np.float32, name


def test_astype_returns_a_converted_copy(rng):
    model = small_net(rng)
    model32 = model.astype(np.float32)
    assert model32.dtype == np.float32 and model.dtype == np.float64
    assert model32.layers[1].running_mean.dtype == np.float32
    np.testing.assert_array_equal(
        model32.parameters()["0.W"], model.parameters()["0.W"].astype(np.float32)
    )
    assert model32.parameters()["0.W"] is not model.parameters()["0.W"]
    X = rng.standard_normal((5, 3))
    np.testing.assert_allclose(model32.predict(X), model.predict(X), rtol=1e-5)


def test_summary_len_getitem_and_repr(rng):
    model = Sequential([Dense(2, 8, rng=rng), ReLU(), Dense(8, 1, rng=rng)])
    assert model.n_params == 2 * 8 + 8 + 8 + 1
    assert len(model) == 3 and isinstance(model[1], ReLU) and list(model) == model.layers
    text = model.summary()
    assert "Dense(n_in=2, n_out=8, init='he')" in text and "total: 33 parameters" in text
    assert repr(model).startswith("Sequential([\n  0: Dense(")


@pytest.mark.parametrize(
    ("layers", "error", "match"),
    [
        ([], ValueError, "empty"),
        (Dense(2, 2, rng=0), TypeError, "list of layers"),
        ("Dense", TypeError, "list of layers"),
        ([Dense(2, 3, rng=0), "relu"], TypeError, r"layers\[1\]"),
        ([Dense(2, 3, rng=0), ReLU(), Dense(4, 1, rng=0)], ValueError, "expects 4 input"),
        ([Dense(2, 3, rng=0), BatchNorm(2)], ValueError, "expects 2 input"),
        ([Dense(2, 3, rng=0), Dense(3, 1, rng=0, dtype=np.float32)], ValueError, "one dtype"),
    ],
)
def test_bad_layer_lists(layers, error, match):
    with pytest.raises(error, match=match):
        Sequential(layers)


def test_the_same_layer_twice_is_refused():
    relu = ReLU()
    with pytest.raises(ValueError, match="same object"):
        Sequential([Dense(2, 2, rng=0), relu, Dense(2, 2, rng=0), relu])


def test_bad_inputs_name_the_argument(rng):
    model = Sequential([Dense(3, 2, rng=rng), Sigmoid()])
    with pytest.raises(RuntimeError, match="forward before backward"):
        model.backward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(m, 3\).*got shape \(4, 2\)"):
        model.forward(np.ones((4, 2)))
    with pytest.raises(ValueError, match=r"X must have shape \(m, 2\) for Dense\(n_in=2"):
        Sequential([Dropout(1.0), Dense(2, 1, rng=rng)]).forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match="X must be 2-D"):
        model.forward(np.ones(3))
    with pytest.raises(ValueError, match="X contains 1 NaN"):
        model.forward(np.array([[1.0, np.inf, 0.0]]))
    with pytest.raises(ValueError, match="X is empty"):
        model.forward(np.ones((0, 3)))
    with pytest.raises(TypeError, match="training"):
        model.forward(np.ones((1, 3)), training=None)
    model.forward(np.ones((4, 3)))
    with pytest.raises(ValueError, match=r"dout must have the shape of the last output \(4, 2\)"):
        model.backward(np.ones((4, 1)))
    with pytest.raises(ValueError, match="dout contains"):
        model.backward(np.full((4, 2), np.nan))

"""Property tests: random shapes, dtypes, values and hyperparameters thrown at layers, model,
losses and gradcheck. Allowed outcomes: the documented ValueError/TypeError, or a finite result
(no silent NaN/inf). Set DEEPNOTES_FUZZ_EXAMPLES to run more cases (e.g. 2000 in CI)."""

from __future__ import annotations

import os

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deepnotes.gradcheck import gradient_check
from deepnotes.layers import BatchNorm, Dense, Dropout, LeakyReLU, ReLU, Sigmoid, Tanh
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

FUZZ = settings(
    max_examples=int(os.environ.get("DEEPNOTES_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
DOCUMENTED = (ValueError, TypeError)
LIMIT = 1e6  # finite values stay below this, so no product can overflow float32

# --- strategies -------------------------------------------------------------------------


def elements(dtype: np.dtype, special: bool) -> st.SearchStrategy:
    if dtype.kind == "f":
        bounded = hnp.from_dtype(dtype, min_value=-LIMIT, max_value=LIMIT)
        if special:
            return st.one_of(bounded, st.sampled_from([np.nan, np.inf, -np.inf]))
        return bounded
    if dtype.kind == "c":
        return st.complex_numbers(max_magnitude=10, allow_nan=False)
    return (
        hnp.from_dtype(dtype, min_value=-10, max_value=10) if dtype.kind == "i" else st.booleans()
    )


@st.composite
def arrays(
    draw,
    *,
    dtypes=("float64", "float32", "int64", "bool", "complex128"),
    special=True,
    min_dims=0,
    max_dims=3,
    min_side=0,
    max_side=6,
    shape=None,
):
    dtype = np.dtype(draw(st.sampled_from(dtypes)))
    if shape is None:
        shape = draw(
            hnp.array_shapes(
                min_dims=min_dims, max_dims=max_dims, min_side=min_side, max_side=max_side
            )
        )
    return draw(hnp.arrays(dtype, shape, elements=elements(dtype, special)))


junk = st.sampled_from([None, "abc", [[1.0, 2.0], [3.0]], {"x": 1}, object(), [["a", "b"]]])
anything = st.one_of(arrays(), junk)
hyper = st.one_of(
    st.integers(-3, 50),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.text(max_size=5),
)


@st.composite
def layers(draw, n_in: int, dtype=None):
    """A valid layer taking ``n_in`` features, with hyperparameters in sane ranges."""
    kind = draw(st.sampled_from(["dense", "relu", "leaky", "sigmoid", "tanh", "dropout", "bn"]))
    seed = draw(st.integers(0, 2**16))
    if dtype is None:
        dtype = draw(st.sampled_from([np.float64, np.float32]))
    if kind == "dense":
        n_out = draw(st.integers(1, 6))
        init = draw(st.sampled_from(["zeros", "random", "xavier", "glorot", "he"]))
        scale = draw(st.floats(1e-3, 10))
        return Dense(n_in, n_out, init=init, rng=seed, scale=scale, dtype=dtype)
    if kind == "bn":
        momentum = draw(st.floats(0, 0.999))
        return BatchNorm(n_in, momentum=momentum, eps=draw(st.floats(1e-8, 1)), dtype=dtype)
    if kind == "leaky":
        return LeakyReLU(draw(st.floats(0, 0.99)))
    if kind == "dropout":
        return Dropout(draw(st.floats(0.05, 1.0)), rng=seed)
    return {"relu": ReLU, "sigmoid": Sigmoid, "tanh": Tanh}[kind]()


def assert_finite(value) -> None:
    assert np.all(np.isfinite(value)), "silent NaN/inf"


# --- constructors -----------------------------------------------------------------------


@FUZZ
@given(
    n_in=hyper,
    n_out=hyper,
    init=st.one_of(hyper, st.sampled_from(["he", "glorot", "xavier"])),
    scale=hyper,
    keep_prob=hyper,
    alpha=hyper,
    momentum=hyper,
    eps=hyper,
)
def test_constructors_accept_or_refuse_clearly(
    n_in, n_out, init, scale, keep_prob, alpha, momentum, eps
):
    for build in (
        lambda: Dense(n_in, n_out, init=init, rng=0, scale=scale),
        lambda: Dropout(keep_prob, rng=0),
        lambda: LeakyReLU(alpha),
        lambda: BatchNorm(n_in, momentum=momentum, eps=eps),
        lambda: BinaryCrossEntropy(eps),
    ):
        try:
            built = build()
        except DOCUMENTED as error:
            assert str(error)  # a message, naming the argument
            continue
        if isinstance(built, Dense):
            assert_finite(built.params["W"])
            assert built.params["W"].shape == (n_in, n_out)[::-1]


# --- layers -----------------------------------------------------------------------------


@FUZZ
@given(data=st.data(), x=anything, training=st.one_of(st.booleans(), hyper))
def test_layer_forward_backward_on_random_input(data, x, training):
    layer = data.draw(layers(n_in=data.draw(st.integers(1, 6))))
    try:
        out = layer.forward(x, training=training)
    except DOCUMENTED:
        return
    assert_finite(out)
    dx = layer.backward(np.ones_like(out))
    assert_finite(dx)
    assert np.shape(dx) == np.shape(x)
    if layer.params:
        assert out.dtype == layer.dtype
        for value in layer.grads.values():
            assert_finite(value)


@FUZZ
@given(data=st.data())
def test_layers_keep_float_dtypes(data):
    n = data.draw(st.integers(1, 5))
    layer = data.draw(layers(n_in=n))
    dtype = layer.dtype or data.draw(st.sampled_from([np.float32, np.float64]))
    x = data.draw(arrays(dtypes=(dtype,), special=False, shape=(data.draw(st.integers(2, 6)), n)))
    out = layer.forward(x)
    assert out.dtype == dtype
    assert layer.backward(np.ones_like(out)).dtype == dtype


@FUZZ
@given(mask=anything, x=arrays(dtypes=("float64",), special=False, min_dims=1))
def test_dropout_mask_argument(mask, x):
    assume(x.size > 0)
    try:
        out = Dropout(0.5, rng=0).forward(x, mask=mask)
    except DOCUMENTED:
        return
    assert_finite(out)
    assert out.shape == x.shape


# --- model ------------------------------------------------------------------------------


@st.composite
def models(draw):
    n_features = draw(st.integers(1, 5))
    dtype = draw(st.sampled_from([np.float64, np.float32]))
    stack, width = [], n_features
    for _ in range(draw(st.integers(1, 5))):
        layer = draw(layers(n_in=width, dtype=dtype))
        stack.append(layer)
        width = layer.n_out or width
    return Sequential(stack), n_features


@FUZZ
@given(built=models(), data=st.data())
def test_sequential_on_random_input(built, data):
    model, n_features = built
    good = data.draw(st.booleans())
    if good:
        X = data.draw(
            arrays(
                dtypes=("float64", "float32"),
                special=False,
                shape=(data.draw(st.integers(2, 8)), n_features),
            )
        )
    else:
        X = data.draw(anything)
    try:
        out = model.forward(X, training=data.draw(st.booleans()))
    except DOCUMENTED:
        assert not good
        return
    assert_finite(out)
    assert model.backward(np.ones_like(out)) is None
    for value in model.gradients().values():
        assert_finite(value)
    assert_finite(model.predict(X))


# --- losses -----------------------------------------------------------------------------


@FUZZ
@given(
    loss=st.sampled_from(
        [BinaryCrossEntropy, BinaryCrossEntropyWithLogits, SoftmaxCrossEntropy, MeanSquaredError]
    ),
    y_hat=st.one_of(
        arrays(), arrays(dtypes=("float64",), special=False, min_dims=2, max_dims=2, min_side=1)
    ),
    y=st.one_of(
        anything,
        arrays(dtypes=("int64", "float64"), special=False, min_dims=1, max_dims=2, min_side=1),
    ),
)
def test_losses_on_random_input(loss, y_hat, y):
    instance = loss()
    try:
        cost = instance.forward(y_hat, y)
    except DOCUMENTED:
        return
    assert isinstance(cost, float) and np.isfinite(cost)
    grad = instance.backward()
    assert_finite(grad)
    assert grad.shape == np.shape(y_hat)


@FUZZ
@given(data=st.data())
def test_losses_on_well_formed_random_input(data):
    """Valid labels and logits anywhere in [-1e6, 1e6]: always a finite cost and gradient."""
    m, C = data.draw(st.integers(1, 6)), data.draw(st.integers(2, 5))
    dtype = data.draw(st.sampled_from(["float64", "float32"]))
    Z = data.draw(arrays(dtypes=(dtype,), special=False, shape=(m, C)))
    labels = data.draw(hnp.arrays(np.int64, (m,), elements=st.integers(0, C - 1)))
    binary = data.draw(hnp.arrays(np.int64, (m, 1), elements=st.integers(0, 1)))
    P = data.draw(hnp.arrays(np.float64, (m, 1), elements=st.floats(0, 1)))
    cases = [
        (SoftmaxCrossEntropy(), Z, labels),
        (SoftmaxCrossEntropy(), Z, np.eye(C)[labels]),
        (BinaryCrossEntropyWithLogits(), Z[:, :1], binary),
        (BinaryCrossEntropy(), P.astype(dtype), binary),
        (MeanSquaredError(), Z, Z[::-1]),
    ]
    for loss, y_hat, y in cases:
        assert np.isfinite(loss.forward(y_hat, y))
        grad = loss.backward()
        assert_finite(grad)
        assert grad.dtype == y_hat.dtype


@FUZZ
@given(z=anything)
def test_softmax_on_random_input(z):
    try:
        P = softmax(z)
    except DOCUMENTED:
        return
    assert_finite(P)
    np.testing.assert_allclose(P.sum(axis=-1), 1.0, rtol=1e-5)


@FUZZ
@given(lambd=hyper, m=hyper)
def test_l2_on_random_arguments(lambd, m):
    model = Sequential([Dense(3, 2, rng=0), BatchNorm(2)])
    try:
        penalty = l2_penalty(model, lambd, m)
        grads = l2_gradients(model, lambd, m)
    except DOCUMENTED:
        return
    assert np.isfinite(penalty) and penalty >= 0
    for value in grads.values():
        assert_finite(value)


# --- gradient check on random networks --------------------------------------------------


@settings(max_examples=10, deadline=None)
@given(
    widths=st.lists(st.integers(1, 4), min_size=1, max_size=3),
    activation=st.sampled_from([Tanh, Sigmoid]),
    batch_norm=st.booleans(),
    m=st.integers(3, 6),
    seed=st.integers(0, 2**16),
    lambd=st.sampled_from([0.0, 0.3]),
)
def test_backprop_agrees_with_central_differences_on_random_networks(
    widths, activation, batch_norm, m, seed, lambd
):
    rng = np.random.default_rng(seed)
    stack, width = [], 2
    for n_out in widths:
        stack.append(Dense(width, n_out, init="xavier", rng=rng))
        if batch_norm:
            stack.append(BatchNorm(n_out))
        stack.append(activation())
        width = n_out
    stack.append(Dense(width, 3, rng=rng))
    model = Sequential(stack)
    X = rng.standard_normal((m, 2))
    Y = rng.integers(0, 3, m)
    assert gradient_check(model, SoftmaxCrossEntropy(), X, Y, lambd=lambd) < 1e-7

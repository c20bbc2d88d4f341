"""Property-based tests: random input to the public API of the training side of the engine.

Each call either succeeds with finite results or raises one of the documented errors
(ValueError, TypeError, TrainingDiverged) — never another exception, never a silent NaN.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deepnotes import data, schedules, tuning
from deepnotes.averages import ewma
from deepnotes.diagnosis import diagnose
from deepnotes.layers import Dense, Dropout, ReLU, Sigmoid
from deepnotes.losses import BinaryCrossEntropy, MeanSquaredError
from deepnotes.model import Sequential
from deepnotes.optim import (
    SGD,
    Adam,
    AdamW,
    GradientOverflow,
    Momentum,
    Nesterov,
    RMSprop,
    clip_gradients,
)
from deepnotes.train import TrainingDiverged, fit

FUZZ = settings(
    max_examples=int(os.environ.get("DEEPNOTES_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
DOCUMENTED = (ValueError, TypeError)

anything = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-10, 10),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=3),
)
moderate = st.floats(-1e3, 1e3, allow_nan=False)
shapes = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=5)


def _finite(x) -> bool:
    return bool(np.all(np.isfinite(np.asarray(x, dtype=np.float64))))


OPTIMIZERS = [
    lambda lr, b: SGD(lr),
    lambda lr, b: Momentum(lr, beta=b),
    lambda lr, b: Nesterov(lr, beta=b),
    lambda lr, b: RMSprop(lr, beta=b),
    lambda lr, b: Adam(lr, beta1=b, beta2=b),
    lambda lr, b: AdamW(lr, beta1=b, beta2=b, weight_decay=0.1),
]


@FUZZ
@given(
    make=st.sampled_from(OPTIMIZERS),
    lr=st.one_of(st.floats(1e-6, 10.0), anything),
    beta=st.one_of(st.floats(0.0, 0.9999), anything),
    shape=shapes,
    data_=st.data(),
)
def test_optimizers_only_documented_errors_and_finite_steps(make, lr, beta, shape, data_):
    try:
        opt = make(lr, beta)
    except DOCUMENTED:
        return
    W = data_.draw(hnp.arrays(np.float64, shape, elements=moderate))
    for _ in range(3):
        dW = data_.draw(hnp.arrays(np.float64, shape, elements=moderate))
        try:
            opt.step({"W": W}, {"W": dW})
        except GradientOverflow:
            return  # documented: a huge lr makes the step overflow, and that is said, not hidden
        assert _finite(W)
    assert opt.t == 3


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from("abc"), hnp.arrays(np.float64, shapes, elements=moderate), max_size=3
    ),
    grads=st.dictionaries(st.sampled_from("abc"), hnp.arrays(np.float64, shapes), max_size=3),
)
def test_optimizer_step_with_random_dicts(params, grads):
    """Finite parameters, any gradients (NaN, inf, 1e308 included): an error or finite params."""
    try:
        Adam(0.01).step(params, grads)
    except DOCUMENTED:
        return
    assert all(_finite(W) for W in params.values())


@FUZZ
@given(grads=st.dictionaries(st.sampled_from("abc"), hnp.arrays(np.float64, shapes)), norm=anything)
def test_clip_gradients_random(grads, norm):
    try:
        total = clip_gradients(grads, norm)
    except DOCUMENTED:
        return
    assert np.isfinite(total)
    assert all(_finite(g) for g in grads.values())


SCHEDULES = [
    lambda a, b, n: schedules.constant(a),
    lambda a, b, n: schedules.inverse_time(a, b, n),
    lambda a, b, n: schedules.exponential(a, b),
    lambda a, b, n: schedules.inverse_sqrt(a, b),
    lambda a, b, n: schedules.step(a, b, n),
]


@FUZZ
@given(
    make=st.sampled_from(SCHEDULES),
    a=st.one_of(st.floats(1e-6, 10), anything),
    b=st.one_of(st.floats(0, 2), anything),
    n=st.one_of(st.none(), st.integers(-2, 20), anything),
    epoch=st.one_of(st.integers(0, 10**6), anything),
)
def test_schedules_random(make, a, b, n, epoch):
    try:
        sched = make(a, b, n)
        lr = sched(epoch)
    except DOCUMENTED:
        return
    assert np.isfinite(lr) and lr >= 0
    assert isinstance(repr(sched), str)


@FUZZ
@given(
    values=st.one_of(hnp.arrays(np.float64, shapes, elements=moderate), anything),
    beta=st.one_of(st.floats(0, 0.999), anything),
    bias_correction=st.one_of(st.booleans(), anything),
)
def test_ewma_random(values, beta, bias_correction):
    try:
        out = ewma(values, beta, bias_correction)
    except DOCUMENTED:
        return
    assert _finite(out)
    if bias_correction:  # a weighted average stays within the range of the values
        assert out.min() >= np.min(values) - 1e-9 * (1 + abs(np.min(values)))
        assert out.max() <= np.max(values) + 1e-9 * (1 + abs(np.max(values)))


@FUZZ
@given(
    name=st.sampled_from(["circles", "moons", "spirals", "flower", "blobs", "regression_1d"]),
    m=st.one_of(st.integers(-2, 200), anything),
    noise=st.one_of(st.floats(0, 3), anything),
    seed=st.integers(0, 2**32 - 1),
)
def test_data_sets_random(name, m, noise, seed):
    make = getattr(data, name)
    try:
        spread = {"std": noise} if name == "blobs" else {"noise": noise}
        X, Y = make(m=m, rng=seed, **spread)
    except DOCUMENTED:
        return
    assert X.shape[0] == Y.shape[0] == m
    assert _finite(X) and _finite(Y)


@FUZZ
@given(
    m=st.integers(1, 30),
    n=st.integers(1, 4),
    batch_size=st.one_of(st.integers(-1, 40), anything),
    fractions=st.lists(st.floats(-0.5, 1.5), min_size=0, max_size=4),
    seed=st.integers(0, 100),
)
def test_minibatches_and_split_random(m, n, batch_size, fractions, seed):
    X = np.arange(m * n, dtype=np.float64).reshape(m, n)
    Y = np.arange(m)
    try:
        batches = list(data.minibatches(X, Y, batch_size, rng=seed))
    except DOCUMENTED:
        pass
    else:
        assert sorted(np.concatenate([b[1] for b in batches]).tolist()) == list(range(m))
    try:
        parts = data.split(X, Y, fractions, rng=seed)
    except DOCUMENTED:
        return
    assert sum(len(p[1]) for p in parts) == m


@FUZZ
@given(X=hnp.arrays(np.float64, hnp.array_shapes(min_dims=2, max_dims=2), elements=moderate))
def test_standardizer_random(X):
    scaler = data.Standardizer()
    Z = scaler.fit_transform(X)
    assert _finite(Z)
    np.testing.assert_allclose(scaler.inverse_transform(Z), X, atol=1e-6 * (1 + np.abs(X).max()))


@FUZZ
@given(
    low=st.one_of(st.floats(-1, 2), anything),
    high=st.one_of(st.floats(-1, 2), anything),
    size=st.one_of(st.integers(-1, 50), anything),
    seed=st.integers(0, 100),
)
def test_tuning_samplers_random(low, high, size, seed):
    for sampler in (tuning.log_uniform, tuning.sample_beta):
        try:
            values = sampler(low, high, size, rng=seed)
        except DOCUMENTED:
            continue
        assert values.shape == (size,)
        assert np.all((values >= low) & (values <= high))


@FUZZ
@given(
    low=st.floats(-5, 5),
    width=st.floats(0, 5),
    scale=st.sampled_from([*tuning.SCALES, "cubic"]),
    budget=st.integers(-1, 12),
)
def test_searches_random(low, width, scale, budget):
    space = {"x": (low, low + width, scale)}
    for search in (
        lambda: tuning.grid_search(lambda x: x**2, space, budget),
        lambda: tuning.random_search(lambda x: x**2, space, budget, rng=0),
        lambda: tuning.coarse_to_fine(lambda x: x**2, space, budget, 2, rng=0),
    ):
        try:
            result = search()
        except DOCUMENTED:
            continue
        assert 1 <= len(result) and np.all(np.isfinite(result.scores))


@FUZZ
@given(
    train=st.one_of(st.floats(-1, 150), anything),
    dev=st.one_of(st.floats(-1, 150), anything),
    bayes=st.one_of(st.floats(-0.5, 1.5), anything),
)
def test_diagnose_random(train, dev, bayes):
    try:
        d = diagnose(train, dev, bayes)
    except DOCUMENTED:
        return
    assert d.verdict in {"high bias", "high variance", "high bias and high variance", "fine"}
    assert str(d)


@settings(max_examples=20, deadline=None, database=None)
@given(
    m=st.integers(1, 12),
    n=st.integers(1, 3),
    epochs=st.one_of(st.integers(1, 4), anything),
    batch_size=st.one_of(st.none(), st.integers(0, 15), anything),
    lambd=st.one_of(st.floats(0, 10), anything),
    lr=st.floats(1e-4, 100.0),
    keep_prob=st.one_of(st.none(), st.floats(0.1, 1.0)),
    regression=st.booleans(),
    seed=st.integers(0, 1000),
)
def test_fit_random(m, n, epochs, batch_size, lambd, lr, keep_prob, regression, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n)) * 10
    layers = [Dense(n, 4, rng=rng), ReLU()]
    if keep_prob is not None:
        layers.append(Dropout(keep_prob, rng=rng))
    if regression:
        model, loss, Y = Sequential([*layers, Dense(4, 1, rng=rng)]), MeanSquaredError(), X[:, :1]
    else:
        model = Sequential([*layers, Dense(4, 1, rng=rng), Sigmoid()])
        loss, Y = BinaryCrossEntropy(), (X[:, :1] > 0).astype(float)
    try:
        h = fit(model, loss, SGD(lr), X, Y, epochs, batch_size=batch_size, lambd=lambd, rng=rng)
    except TrainingDiverged as err:
        assert "smaller" in str(err)
        return
    except DOCUMENTED:
        return
    assert _finite(h.train_cost) and _finite(h.batch_costs)
    assert all(_finite(W) for W in model.parameters().values())


def test_fuzz_module_sees_documented_errors_as_such():
    with pytest.raises(ValueError):
        SGD(-1)

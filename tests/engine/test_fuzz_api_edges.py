"""Property-based tests for the parts of the public API the other fuzz files leave out:
gradient checking and coarse-to-fine search, with random (often wrong) arguments.

Each call succeeds with a finite number or raises a documented error (ValueError, TypeError):
never another exception, never a silent NaN. DEEPNOTES_FUZZ_EXAMPLES raises the budget.
"""

from __future__ import annotations

import math
import os

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from deepnotes import tuning
from deepnotes.gradcheck import gradient_check
from deepnotes.layers import Dense, Dropout, Sigmoid, Tanh
from deepnotes.losses import BinaryCrossEntropy, MeanSquaredError
from deepnotes.model import Sequential

FUZZ = settings(
    max_examples=int(os.environ.get("DEEPNOTES_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    database=None,
)
DOCUMENTED = (ValueError, TypeError)
odd = st.one_of(
    st.none(), st.booleans(), st.text(max_size=2), st.floats(allow_nan=True, allow_infinity=True)
)


@FUZZ
@given(
    m=st.integers(0, 4),
    n=st.integers(1, 3),
    eps=st.one_of(st.floats(1e-9, 1e-2), odd),
    lambd=st.one_of(st.floats(0, 10), odd),
    keep_prob=st.sampled_from([1.0, 0.5]),
    special=st.sampled_from([None, np.nan, np.inf]),
    mse=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_gradient_check_random(m, n, eps, lambd, keep_prob, special, mse, seed):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(m, n))
    if special is not None and m:
        X[0, 0] = special
    Y = (rng.random((m, 1)) < 0.5).astype(float)
    layers = [Dense(n, 3, rng=rng), Tanh(), Dense(3, 1, rng=rng), Sigmoid()]
    if keep_prob < 1:
        layers.insert(2, Dropout(keep_prob, rng=rng))
    loss = MeanSquaredError() if mse else BinaryCrossEntropy()
    try:
        error = gradient_check(Sequential(layers), loss, X, Y, eps=eps, lambd=lambd)
    except DOCUMENTED:
        return
    assert keep_prob == 1.0, "dropout must be refused"
    assert special is None, "non-finite input must be refused, not checked"
    assert math.isfinite(error) and 0.0 <= error <= 1.0


@FUZZ
@given(
    low=st.one_of(st.floats(1e-6, 1.0), odd),
    high=st.one_of(st.floats(1e-6, 10.0), odd),
    budget=st.one_of(st.integers(-1, 6), odd),
    rounds=st.one_of(st.integers(-1, 3), odd),
    shrink=st.one_of(st.floats(-1, 2), odd),
    scale=st.sampled_from(["log", "linear", "1-beta log", "cubic"]),
)
def test_coarse_to_fine_random(low, high, budget, rounds, shrink, scale):
    def objective(lr):
        return (math.log10(lr) + 2) ** 2 if lr > 0 else float(lr)

    try:
        space = {"lr": tuning.Param(low, high, scale=scale)}
        result = tuning.coarse_to_fine(
            objective, space, budget, rounds, rng=np.random.default_rng(0), shrink=shrink
        )
    except DOCUMENTED:
        return
    scores = [trial.score for trial in result.trials]
    assert len(scores) == budget * rounds
    assert all(math.isfinite(s) for s in scores)
    best = result.best.settings["lr"]
    assert min(low, high) <= best <= max(low, high)


@FUZZ
@given(x=hnp.arrays(np.float64, (2, 3), elements=st.floats(allow_nan=True, allow_infinity=True)))
def test_model_forward_does_not_hide_non_finite_input(x):
    model = Sequential([Dense(3, 2, rng=np.random.default_rng(0)), Sigmoid()])
    try:
        out = model.forward(x)
    except DOCUMENTED:
        return
    if np.all(np.isfinite(x)):  # finite input (of any size): finite output, no silent NaN
        assert np.all(np.isfinite(out))

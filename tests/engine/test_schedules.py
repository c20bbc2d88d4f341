"""Learning-rate schedules: the formulas, purity, epoch validation, arrays for plotting."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deepnotes import schedules
from deepnotes.schedules import constant, exponential, inverse_sqrt, inverse_time, step

CASES = [
    (constant(0.1), lambda e: 0.1),
    (inverse_time(0.1, decay_rate=0.5), lambda e: 0.1 / (1 + 0.5 * e)),
    (inverse_time(0.1, decay_rate=0.5, interval=3), lambda e: 0.1 / (1 + 0.5 * (e // 3))),
    (exponential(0.1, base=0.9), lambda e: 0.1 * 0.9**e),
    (inverse_sqrt(0.1, k=2.0), lambda e: 2.0 * 0.1 / math.sqrt(e + 1)),
    (step(0.1, factor=0.5, every=4), lambda e: 0.1 * 0.5 ** (e // 4)),
]
# Test ids from the schedules' reprs only: a lambda's repr holds its address, which differs
# between processes (pytest-xdist workers must collect the same ids).
IDS = [repr(sched) for sched, _ in CASES]


@pytest.mark.parametrize(("sched", "formula"), CASES, ids=IDS)
def test_formula_at_each_epoch_and_pure(sched, formula):
    values = [sched(e) for e in range(30)]
    for e, value in enumerate(values):
        assert isinstance(value, float)
        assert value == pytest.approx(formula(e), rel=1e-12)
    assert [sched(e) for e in range(30)] == values  # same epoch, same rate: no hidden state
    assert values[0] == pytest.approx(formula(0))


@pytest.mark.parametrize(("sched", "formula"), CASES, ids=IDS)
def test_arrays_of_epochs_for_plotting(sched, formula):
    epochs = np.arange(20)
    lr = sched(epochs)
    assert isinstance(lr, np.ndarray) and lr.shape == (20,)
    np.testing.assert_allclose(lr, [formula(e) for e in range(20)], rtol=1e-12)


@pytest.mark.parametrize(("sched", "formula"), CASES[1:], ids=IDS[1:])
def test_decaying_schedules_never_increase(sched, formula):
    lr = sched(np.arange(200))
    assert np.all(np.diff(lr) <= 0)
    assert np.all(lr > 0)


def test_every_schedule_starts_at_lr0():
    assert inverse_time(0.3, 2.0)(0) == 0.3
    assert exponential(0.3)(0) == 0.3
    assert inverse_sqrt(0.3)(0) == 0.3
    assert step(0.3, 0.1, 5)(0) == 0.3


def test_numpy_integer_epochs_are_accepted():
    assert exponential(1.0, 0.5)(np.int64(2)) == 0.25


def test_repr_is_readable():
    assert repr(inverse_time(0.1, 0.5)) == "inverse_time(lr0=0.1, decay_rate=0.5)"
    assert repr(inverse_time(0.1, 0.5, interval=3)) == (
        "inverse_time(lr0=0.1, decay_rate=0.5, interval=3)"
    )
    assert repr(step(0.1, 0.5, 4)) == "step(lr0=0.1, factor=0.5, every=4)"
    assert repr(constant(0.01)) == "constant(lr0=0.01)"


@pytest.mark.parametrize("bad", [-1, np.array([0, -2]), float("nan")])
def test_negative_epoch_raises(bad):
    with pytest.raises(ValueError, match="epoch must be >= 0"):
        exponential(0.1)(bad)


@pytest.mark.parametrize("bad", ["3", True, None, np.array(["a"])])
def test_non_numeric_epoch_raises_type_error(bad):
    with pytest.raises(TypeError, match="epoch"):
        constant(0.1)(bad)


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda: constant(0), "lr0"),
        (lambda: inverse_time(0.1, -1), "decay_rate"),
        (lambda: inverse_time(0.1, 1, interval=0), "interval"),
        (lambda: exponential(0.1, base=1.5), "base"),
        (lambda: exponential(0.1, base=0), "base"),
        (lambda: inverse_sqrt(0.1, k=0), "k"),
        (lambda: step(0.1, factor=2, every=1), "factor"),
        (lambda: step(0.1, factor=0.5, every=0), "every"),
    ],
)
def test_bad_hyperparameters(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_schedules_are_exported():
    assert set(schedules.__all__) >= {"constant", "inverse_time", "exponential", "inverse_sqrt"}

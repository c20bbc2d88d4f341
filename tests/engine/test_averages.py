"""ewma against the recurrence written out, bias correction, validation."""

from __future__ import annotations

import numpy as np
import pytest

from deepnotes.averages import ewma


def _reference(values, beta, bias_correction):
    v, out = 0.0, []
    for t, theta in enumerate(values, start=1):
        v = beta * v + (1 - beta) * theta
        out.append(v / (1 - beta**t) if bias_correction else v)
    return out


@pytest.mark.parametrize("beta", [0.0, 0.5, 0.9, 0.98])
@pytest.mark.parametrize("bias_correction", [True, False])
def test_matches_recurrence(beta, bias_correction):
    values = np.random.default_rng(0).normal(10, 3, size=200)
    got = ewma(values, beta=beta, bias_correction=bias_correction)
    np.testing.assert_allclose(got, _reference(values, beta, bias_correction), rtol=1e-12)


def test_bias_correction_removes_the_slow_start():
    temperatures = np.full(10, 20.0)
    assert ewma(temperatures, beta=0.98, bias_correction=False)[0] == pytest.approx(0.4)
    np.testing.assert_allclose(ewma(temperatures, beta=0.98), 20.0)


def test_smooths_noise():
    rng = np.random.default_rng(1)
    noisy = 5 + rng.normal(size=1000)
    smooth = ewma(noisy, beta=0.9)
    assert np.std(smooth[100:]) < 0.4 * np.std(noisy[100:])


def test_several_series_along_axis_0_and_float32():
    values = np.random.default_rng(2).normal(size=(50, 3)).astype(np.float32)
    got = ewma(values, beta=0.9)
    assert got.shape == (50, 3) and got.dtype == np.float32
    for j in range(3):
        np.testing.assert_allclose(got[:, j], _reference(values[:, j], 0.9, True), rtol=1e-5)


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"values": [], "beta": 0.9}, ValueError, "empty"),
        ({"values": 3.0, "beta": 0.9}, ValueError, "sequence"),
        ({"values": [1.0, np.nan], "beta": 0.9}, ValueError, "NaN"),
        ({"values": [1.0], "beta": 1.0}, ValueError, "beta"),
        ({"values": [1.0], "beta": -0.1}, ValueError, "beta"),
        ({"values": ["a"], "beta": 0.5}, TypeError, "values"),
        ({"values": [1.0], "beta": 0.5, "bias_correction": "yes"}, TypeError, "bias_correction"),
    ],
)
def test_bad_input(kwargs, exc, match):
    with pytest.raises(exc, match=match):
        ewma(**kwargs)

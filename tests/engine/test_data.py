"""Teaching data sets, mini-batches, splits and the Standardizer."""

from __future__ import annotations

import numpy as np
import pytest

from deepnotes.data import (
    Standardizer,
    blobs,
    circles,
    flower,
    minibatches,
    moons,
    regression_1d,
    shift,
    spirals,
    split,
)

BINARY = [circles, moons, flower, blobs]


@pytest.mark.parametrize("make", BINARY)
def test_binary_sets_shapes_labels_and_seeding(make):
    X, Y = make(m=101, rng=0)
    assert X.shape == (101, 2) and X.dtype == np.float64
    assert Y.shape == (101, 1)
    assert set(np.unique(Y)) == {0.0, 1.0}
    assert abs(Y.mean() - 0.5) < 0.01  # balanced
    X2, Y2 = make(m=101, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = make(m=101, rng=1)
    assert not np.array_equal(X, X3)


@pytest.mark.parametrize("make", [spirals, blobs])
def test_multiclass_sets_give_int_labels(make):
    X, Y = make(m=90, k=3, rng=0)
    assert X.shape == (90, 2)
    assert Y.shape == (90,) and Y.dtype == np.intp  # int32 in Pyodide (wasm32)
    assert np.bincount(Y).tolist() == [30, 30, 30]


def test_spirals_with_two_classes_are_binary():
    _, Y = spirals(m=50, k=2, rng=0)
    assert Y.shape == (50, 1)


def test_circles_geometry_without_noise():
    X, Y = circles(m=200, noise=0.0, factor=0.3, rng=0)
    radius = np.hypot(X[:, 0], X[:, 1])
    np.testing.assert_allclose(radius[Y[:, 0] == 1], 0.3)
    np.testing.assert_allclose(radius[Y[:, 0] == 0], 1.0)


def test_regression_1d():
    X, Y = regression_1d(m=30, noise=0.0, rng=0)
    assert X.shape == (30, 1) and Y.shape == (30, 1)
    np.testing.assert_allclose(Y, np.sin(3 * X) + 0.5 * X)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: circles(m=1), ValueError, "m must be >= 2"),
        (lambda: circles(m=10.5), TypeError, "m must be an integer"),
        (lambda: moons(noise=-1), ValueError, "noise"),
        (lambda: circles(factor=1.0), ValueError, "factor"),
        (lambda: spirals(k=1), ValueError, "k must be >= 2"),
        (lambda: blobs(m=2, k=3), ValueError, "m must be >= 3"),
        (lambda: flower(rng="seed"), TypeError, "rng"),
        (lambda: blobs(std=-1), ValueError, "std"),
    ],
)
def test_generator_errors(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_shift_moves_scales_and_rotates():
    X = np.array([[1.0, 0.0], [0.0, 2.0]])
    np.testing.assert_allclose(shift(X, offset=1.0), X + 1)
    np.testing.assert_allclose(shift(X, scale=2.0), 2 * X)
    np.testing.assert_allclose(shift(X, rotate=90), [[0.0, 1.0], [-2.0, 0.0]], atol=1e-12)
    np.testing.assert_array_equal(X, [[1.0, 0.0], [0.0, 2.0]])  # input untouched
    with pytest.raises(ValueError, match="offset"):
        shift(X, offset=[1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="rotate needs X with 2 features"):
        shift(np.ones((2, 3)), rotate=10)
    with pytest.raises(ValueError, match="scale"):
        shift(X, scale=0)


def test_shifted_dev_set_changes_distribution():
    rng = np.random.default_rng(0)
    X_train, _ = moons(m=4000, rng=rng)
    X_dev, _ = moons(m=4000, rng=rng)
    X_shifted = shift(X_dev, offset=[0.5, -0.5], rotate=20)
    gap_same = np.abs(X_train.mean(0) - X_dev.mean(0)).max()
    gap_shifted = np.abs(X_train.mean(0) - X_shifted.mean(0)).max()
    assert gap_shifted > 5 * gap_same


def test_minibatches_cover_every_example_once_and_keep_last_partial():
    X = np.arange(23.0).reshape(23, 1)
    Y = np.arange(23)
    batches = list(minibatches(X, Y, batch_size=5, rng=0))
    assert [len(yb) for _, yb in batches] == [5, 5, 5, 5, 3]
    seen = np.concatenate([yb for _, yb in batches])
    assert sorted(seen.tolist()) == list(range(23))
    assert seen.tolist() != list(range(23))  # shuffled
    for xb, yb in batches:  # rows stay paired
        np.testing.assert_array_equal(xb[:, 0], yb)


def test_minibatches_edge_sizes():
    X, Y = np.ones((4, 2)), np.ones((4, 1))
    assert len(list(minibatches(X, Y, batch_size=100, rng=0))) == 1
    assert len(list(minibatches(X, Y, batch_size=1, rng=0))) == 4


def test_minibatches_checks_eagerly():
    with pytest.raises(ValueError, match="batch_size"):
        minibatches(np.ones((4, 2)), np.ones((4, 1)), batch_size=0)
    with pytest.raises(ValueError, match="same number of examples"):
        minibatches(np.ones((4, 2)), np.ones((3, 1)), batch_size=2)
    with pytest.raises(ValueError, match="X must be 2-D"):
        minibatches(np.ones(4), np.ones(4), batch_size=2)
    with pytest.raises(ValueError, match="Y contains NaN"):
        minibatches(np.ones((2, 2)), np.array([1.0, np.nan]), batch_size=2)


def test_split_sizes_and_disjoint_parts():
    X = np.arange(200.0).reshape(100, 2)
    Y = np.arange(100)
    parts = split(X, Y, (0.6, 0.2, 0.2), rng=0)
    assert [len(p[1]) for p in parts] == [60, 20, 20]
    all_ids = np.concatenate([p[1] for p in parts])
    assert sorted(all_ids.tolist()) == list(range(100))
    for Xp, Yp in parts:
        np.testing.assert_array_equal(Xp[:, 0], 2 * Yp)


def test_split_big_data_proportions():
    X, Y = np.zeros((10_000, 1)), np.zeros(10_000)
    sizes = [len(p[1]) for p in split(X, Y, (0.98, 0.01, 0.01), rng=0)]
    assert sizes == [9800, 100, 100]


@pytest.mark.parametrize(
    ("fractions", "match"),
    [
        ((0.5, 0.4), "sum to 1"),
        ((1.2, -0.2), "fractions must be in"),
        ((), "at least one"),
        ((0.999, 0.001), "empty"),
    ],
)
def test_split_errors(fractions, match):
    with pytest.raises(ValueError, match=match):
        split(np.ones((10, 2)), np.ones(10), fractions, rng=0)


def test_split_tolerates_rounding_in_fractions():
    parts = split(np.ones((10, 2)), np.ones(10), (0.1, 0.2, 0.7 + 1e-12), rng=0)
    assert [len(p[0]) for p in parts] == [1, 2, 7]


def test_standardizer_uses_training_statistics_only():
    rng = np.random.default_rng(0)
    X_train = rng.normal([5.0, -3.0], [2.0, 0.1], size=(500, 2))
    X_dev = rng.normal([5.0, -3.0], [2.0, 0.1], size=(100, 2))
    scaler = Standardizer()
    Z = scaler.fit_transform(X_train)
    np.testing.assert_allclose(Z.mean(0), 0, atol=1e-12)
    np.testing.assert_allclose(Z.std(0), 1, atol=1e-12)
    np.testing.assert_allclose(scaler.transform(X_dev), (X_dev - X_train.mean(0)) / X_train.std(0))
    np.testing.assert_allclose(scaler.inverse_transform(scaler.transform(X_dev)), X_dev)
    assert "mean=" in repr(scaler)


def test_standardizer_zero_variance_feature_is_only_centred():
    X = np.array([[1.0, 7.0], [3.0, 7.0]])
    scaler = Standardizer().fit(X)
    assert scaler.std[1] == 1.0
    np.testing.assert_array_equal(scaler.transform(X)[:, 1], [0.0, 0.0])
    assert np.all(np.isfinite(scaler.transform([[2.0, 9.0]])))


def test_standardizer_errors():
    scaler = Standardizer()
    assert repr(scaler) == "Standardizer(not fitted)"
    with pytest.raises(ValueError, match="not fitted"):
        scaler.transform(np.ones((2, 2)))
    with pytest.raises(ValueError, match="not fitted"):
        scaler.inverse_transform(np.ones((2, 2)))
    scaler.fit(np.ones((3, 2)))
    with pytest.raises(ValueError, match="2 features"):
        scaler.transform(np.ones((3, 3)))
    with pytest.raises(ValueError, match="too large"):
        Standardizer().fit(np.array([[1e308], [-1e308], [1e308]]))


def test_label_and_fraction_types_are_checked():
    with pytest.raises(TypeError, match="Y must hold numbers"):
        minibatches(np.ones((2, 2)), np.array(["a", "b"]), batch_size=1)
    with pytest.raises(ValueError, match="Y must be 1-D"):
        split(np.ones((2, 2)), np.ones((2, 1, 1)), (1.0,))
    with pytest.raises(TypeError, match="fractions must be a sequence of numbers"):
        split(np.ones((2, 2)), np.ones(2), 0.5)

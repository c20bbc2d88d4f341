"""Seeded 2-D teaching data sets, mini-batches, train/dev/test splits and input standardization.

Nothing is downloaded: every set is drawn from the ``rng`` you pass, so the same
seed always gives the same data. Rows are examples.

Label conventions
-----------------
- Two classes: ``Y`` has shape ``(m, 1)`` with values 0/1 (ready for
  ``BinaryCrossEntropy`` and a sigmoid output).
- More than two classes (``spirals``/``blobs`` with ``k > 2``): ``Y`` is an int
  array of shape ``(m,)`` with values ``0..k-1`` (ready for ``SoftmaxCrossEntropy``).
- Regression (``regression_1d``): ``X`` has shape ``(m, 1)`` and ``Y`` shape ``(m, 1)``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import numpy as np

from deepnotes._checks import (
    as_float_array,
    check_in_range,
    check_int,
    check_rng,
    check_same_rows,
)

__all__ = [
    "Standardizer",
    "blobs",
    "circles",
    "flower",
    "minibatches",
    "moons",
    "regression_1d",
    "shift",
    "spirals",
    "split",
]


def _check_noise(noise: float) -> float:
    return check_in_range(noise, "noise", 0.0, np.inf)


def _labels(y: np.ndarray, k: int) -> np.ndarray:
    """Binary labels as an (m, 1) float column, more classes as (m,) ints."""
    return y.reshape(-1, 1).astype(np.float64) if k == 2 else y.astype(np.intp)


def _shuffled(X: np.ndarray, Y: np.ndarray, rng: np.random.Generator):
    order = rng.permutation(X.shape[0])
    return X[order], Y[order]


def circles(
    m: int = 200, noise: float = 0.1, factor: float = 0.5, rng: object = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: inner circle is class 1, outer circle class 0.

    Points sit at angle $\\phi \\sim U(0, 2\\pi)$ on radius 1 (outer) or ``factor``
    (inner), plus Gaussian noise of standard deviation ``noise`` on each coordinate.
    No straight line separates them, so a linear model stays near 50% accuracy.

    Parameters
    ----------
    m : int, default 200
        Number of examples (>= 2), split as evenly as possible between the classes.
    noise : float, default 0.1
        Standard deviation of the Gaussian noise, >= 0.
    factor : float, default 0.5
        Inner radius relative to the outer one, in $(0, 1)$.
    rng : numpy.random.Generator or int, optional
        Source of randomness (an int is a seed).

    Returns
    -------
    X : ndarray of shape (m, 2)
    Y : ndarray of shape (m, 1)
        0/1 labels.

    Examples
    --------
    >>> X, Y = circles(m=100, rng=0)
    >>> X.shape, Y.shape, float(Y.mean())
    ((100, 2), (100, 1), 0.5)
    """
    m = check_int(m, "m", minimum=2)
    noise = _check_noise(noise)
    factor = check_in_range(factor, "factor", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    rng = check_rng(rng)
    y = np.arange(m) % 2  # (m,) alternating 0/1
    radius = np.where(y == 1, factor, 1.0)
    phi = rng.uniform(0.0, 2 * np.pi, m)
    X = np.column_stack([radius * np.cos(phi), radius * np.sin(phi)])  # (m, 2)
    X += noise * rng.standard_normal((m, 2))
    return _shuffled(X, _labels(y, 2), rng)


def moons(m: int = 200, noise: float = 0.2, rng: object = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles (class 0 on top, class 1 below and shifted).

    Class 0: $(\\cos\\phi, \\sin\\phi)$; class 1: $(1 - \\cos\\phi, 0.5 - \\sin\\phi)$,
    $\\phi \\sim U(0, \\pi)$, plus Gaussian noise of standard deviation ``noise``.

    Parameters
    ----------
    m : int, default 200
        Number of examples (>= 2).
    noise : float, default 0.2
        Standard deviation of the Gaussian noise, >= 0.
    rng : numpy.random.Generator or int, optional
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (m, 2)
    Y : ndarray of shape (m, 1)
        0/1 labels.

    Examples
    --------
    >>> X, Y = moons(m=10, noise=0.0, rng=1)
    >>> X.shape, sorted(set(Y.ravel().tolist()))
    ((10, 2), [0.0, 1.0])
    """
    m = check_int(m, "m", minimum=2)
    noise = _check_noise(noise)
    rng = check_rng(rng)
    y = np.arange(m) % 2
    phi = rng.uniform(0.0, np.pi, m)
    upper = np.column_stack([np.cos(phi), np.sin(phi)])
    lower = np.column_stack([1 - np.cos(phi), 0.5 - np.sin(phi)])
    X = np.where(y[:, None] == 0, upper, lower)  # (m, 2)
    X += noise * rng.standard_normal((m, 2))
    return _shuffled(X, _labels(y, 2), rng)


def spirals(
    m: int = 300, k: int = 3, noise: float = 0.2, rng: object = None
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` interleaved spiral arms, one class each (the CS231n spiral set).

    Arm $j$ has points at radius $r \\in [0, 1]$ and angle
    $\\phi = 4r + \\frac{2\\pi j}{k} + \\text{noise}\\cdot\\varepsilon$, at
    $(r \\sin\\phi, r \\cos\\phi)$.

    Parameters
    ----------
    m : int, default 300
        Number of examples (>= k).
    k : int, default 3
        Number of classes (>= 2).
    noise : float, default 0.2
        Standard deviation of the angular noise, >= 0.
    rng : numpy.random.Generator or int, optional
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (m, 2)
    Y : ndarray
        ``(m, 1)`` 0/1 labels when ``k == 2``, else ``(m,)`` ints in ``0..k-1``
        (``np.intp``: int64 in CPython, int32 in Pyodide, so ``np.bincount`` works in both).

    Examples
    --------
    >>> X, Y = spirals(m=90, k=3, rng=0)
    >>> X.shape, Y.shape, Y.dtype == np.intp, sorted(set(Y.tolist()))
    ((90, 2), (90,), True, [0, 1, 2])
    """
    k = check_int(k, "k", minimum=2)
    m = check_int(m, "m", minimum=k)
    noise = _check_noise(noise)
    rng = check_rng(rng)
    y = np.arange(m) % k
    r = rng.uniform(0.0, 1.0, m)
    phi = 4 * r + 2 * np.pi * y / k + noise * rng.standard_normal(m)
    X = np.column_stack([r * np.sin(phi), r * np.cos(phi)])  # (m, 2)
    return _shuffled(X, _labels(y, k), rng)


def flower(m: int = 400, noise: float = 0.2, rng: object = None) -> tuple[np.ndarray, np.ndarray]:
    """The course's planar "flower": two colours of petals, $r = 4\\sin(4\\phi)$.

    Class $j \\in \\{0, 1\\}$ takes angles $\\phi$ evenly spread over
    $[3.12j, 3.12(j+1)]$ plus noise, radius $r = 4\\sin(4\\phi)$ plus noise, and the
    point $(r\\sin\\phi, r\\cos\\phi)$ — the ``load_planar_dataset`` of the
    course's first assignment, reseeded through ``rng``.

    Parameters
    ----------
    m : int, default 400
        Number of examples (>= 2).
    noise : float, default 0.2
        Standard deviation of the noise on both angle and radius, >= 0.
    rng : numpy.random.Generator or int, optional
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (m, 2)
    Y : ndarray of shape (m, 1)
        0/1 labels.

    Examples
    --------
    >>> X, Y = flower(m=400, rng=0)
    >>> X.shape, float(np.abs(X).max()) < 5
    ((400, 2), True)
    """
    m = check_int(m, "m", minimum=2)
    noise = _check_noise(noise)
    rng = check_rng(rng)
    counts = [m - m // 2, m // 2]
    parts, labels = [], []
    for j, count in enumerate(counts):
        phi = np.linspace(j * 3.12, (j + 1) * 3.12, count) + noise * rng.standard_normal(count)
        r = 4 * np.sin(4 * phi) + noise * rng.standard_normal(count)
        parts.append(np.column_stack([r * np.sin(phi), r * np.cos(phi)]))
        labels.append(np.full(count, j))
    return _shuffled(np.concatenate(parts), _labels(np.concatenate(labels), 2), rng)


def blobs(
    m: int = 200, k: int = 2, std: float = 1.0, spread: float = 4.0, rng: object = None
) -> tuple[np.ndarray, np.ndarray]:
    """``k`` Gaussian clusters with centres evenly spaced on a circle.

    Centre $j$ is $\\text{spread}\\cdot(\\cos\\frac{2\\pi j}{k}, \\sin\\frac{2\\pi j}{k})$;
    each point is its centre plus $\\mathcal N(0, \\text{std}^2 I)$ noise.

    Parameters
    ----------
    m : int, default 200
        Number of examples (>= k).
    k : int, default 2
        Number of clusters/classes (>= 2).
    std : float, default 1.0
        Standard deviation of each cluster, >= 0.
    spread : float, default 4.0
        Distance of the centres from the origin, >= 0.
    rng : numpy.random.Generator or int, optional
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (m, 2)
    Y : ndarray
        ``(m, 1)`` 0/1 labels when ``k == 2``, else ``(m,)`` ints in ``0..k-1``
        (``np.intp``: int64 in CPython, int32 in Pyodide, so ``np.bincount`` works in both).

    Examples
    --------
    >>> X, Y = blobs(m=60, k=2, rng=0)
    >>> X.shape, Y.shape
    ((60, 2), (60, 1))
    """
    k = check_int(k, "k", minimum=2)
    m = check_int(m, "m", minimum=k)
    std = check_in_range(std, "std", 0.0, np.inf)
    spread = check_in_range(spread, "spread", 0.0, np.inf)
    rng = check_rng(rng)
    y = np.arange(m) % k
    angle = 2 * np.pi * y / k
    X = spread * np.column_stack([np.cos(angle), np.sin(angle)])  # (m, 2)
    X += std * rng.standard_normal((m, 2))
    return _shuffled(X, _labels(y, k), rng)


def regression_1d(
    m: int = 100, noise: float = 0.1, rng: object = None
) -> tuple[np.ndarray, np.ndarray]:
    """A noisy 1-D curve for regression: $y = \\sin(3x) + 0.5x + \\varepsilon$.

    $x \\sim U(-1.5, 1.5)$, $\\varepsilon \\sim \\mathcal N(0, \\text{noise}^2)$.
    A small ``m`` with a big network overfits visibly.

    Parameters
    ----------
    m : int, default 100
        Number of examples (>= 1).
    noise : float, default 0.1
        Standard deviation of the noise, >= 0.
    rng : numpy.random.Generator or int, optional
        Source of randomness.

    Returns
    -------
    X : ndarray of shape (m, 1)
    Y : ndarray of shape (m, 1)

    Examples
    --------
    >>> X, Y = regression_1d(m=5, noise=0.0, rng=0)
    >>> bool(np.allclose(Y, np.sin(3 * X) + 0.5 * X))
    True
    """
    m = check_int(m, "m", minimum=1)
    noise = _check_noise(noise)
    rng = check_rng(rng)
    X = rng.uniform(-1.5, 1.5, (m, 1))
    Y = np.sin(3 * X) + 0.5 * X + noise * rng.standard_normal((m, 1))
    return X, Y


def shift(
    X: object, offset: float | Sequence[float] = 0.0, scale: float = 1.0, rotate: float = 0.0
) -> np.ndarray:
    """A shifted copy of ``X``, to build dev/test data from another distribution.

    $$X' = \\text{scale} \\cdot X R(\\text{rotate})^\\top + \\text{offset}$$

    with $R$ the 2-D rotation by ``rotate`` degrees (only for 2 features). Draw a
    fresh sample with the same generator and shift it to play "trained on web
    images, tested on phone pictures": same task, moved inputs.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Inputs; not changed.
    offset : float or sequence of n floats, default 0.0
        Added to every example.
    scale : float, default 1.0
        Multiplies every feature, > 0.
    rotate : float, default 0.0
        Rotation in degrees about the origin; needs ``n == 2`` unless 0.

    Returns
    -------
    ndarray of shape (m, n)

    Examples
    --------
    >>> shift([[1.0, 0.0]], offset=[0.0, 1.0], rotate=90)
    array([[0., 2.]])
    """
    X = as_float_array(X, "X", ndim=2)
    offset_arr = as_float_array(offset, "offset", ndim=(0, 1))
    if offset_arr.ndim == 1 and offset_arr.shape[0] != X.shape[1]:
        raise ValueError(
            f"offset must be a number or have one value per feature ({X.shape[1]}); "
            f"got shape {offset_arr.shape}"
        )
    scale = check_in_range(scale, "scale", 0.0, np.inf, low_inclusive=False)
    rotate = check_in_range(rotate, "rotate", -np.inf, np.inf)
    out = scale * X
    if rotate != 0.0:
        if X.shape[1] != 2:
            raise ValueError(f"rotate needs X with 2 features; got X.shape={X.shape}")
        a = np.deg2rad(rotate)
        R = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        out = out @ R.T
        out[np.abs(out) < 1e-12] = 0.0  # exact zeros where the rotation should give them
    return out + offset_arr


def _check_XY(X: object, Y: object) -> tuple[np.ndarray, np.ndarray]:
    X = as_float_array(X, "X", ndim=2)
    Y_arr = np.asarray(Y)
    if Y_arr.dtype.kind not in "biuf":
        raise TypeError(f"Y must hold numbers; got dtype {Y_arr.dtype}")
    if Y_arr.ndim not in (1, 2):
        raise ValueError(f"Y must be 1-D (m,) or 2-D (m, k); got shape {Y_arr.shape}")
    if Y_arr.dtype.kind == "f" and not np.all(np.isfinite(Y_arr)):
        raise ValueError("Y contains NaN or infinite values; clean the labels first")
    check_same_rows(X, Y_arr, "X", "Y")
    return X, Y_arr


def minibatches(
    X: object, Y: object, batch_size: int, rng: object = None
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """Shuffle the examples once and yield them in mini-batches of ``batch_size``.

    Each example appears in exactly one batch per pass; the last batch keeps the
    $m \\bmod \\text{batch\\_size}$ leftover examples (it is smaller, not dropped).
    ``batch_size = m`` is batch gradient descent, ``batch_size = 1`` is stochastic
    gradient descent. The arguments are checked at the call, before iterating.

    Parameters
    ----------
    X : array-like of shape (m, n)
        Inputs.
    Y : array-like of shape (m,) or (m, k)
        Labels or targets.
    batch_size : int
        Examples per batch, >= 1 (larger than ``m`` gives one batch).
    rng : numpy.random.Generator or int, optional
        Source of the shuffle.

    Yields
    ------
    (X_batch, Y_batch) : tuple of ndarrays
        Copies, ``batch_size`` rows each (the last one possibly fewer).

    Examples
    --------
    >>> X = np.arange(10.0).reshape(5, 2); Y = np.arange(5.0).reshape(5, 1)
    >>> [len(Yb) for Xb, Yb in minibatches(X, Y, batch_size=2, rng=0)]
    [2, 2, 1]
    """
    X, Y = _check_XY(X, Y)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    rng = check_rng(rng)
    order = rng.permutation(X.shape[0])
    starts = range(0, X.shape[0], batch_size)
    return ((X[order[i : i + batch_size]], Y[order[i : i + batch_size]]) for i in starts)


def split(
    X: object, Y: object, fractions: Sequence[float], rng: object = None
) -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """Shuffle and split ``(X, Y)`` into parts, e.g. train/dev/test.

    Part $i$ gets about $\\text{fractions}_i \\cdot m$ examples (boundaries are the
    rounded cumulative sums, so the sizes add up to $m$). With a million examples,
    ``(0.98, 0.01, 0.01)`` still gives 10,000 dev and test examples.

    Parameters
    ----------
    X : array-like of shape (m, n)
    Y : array-like of shape (m,) or (m, k)
    fractions : sequence of float
        Each > 0, summing to 1 (within 1e-9).
    rng : numpy.random.Generator or int, optional
        Source of the shuffle.

    Returns
    -------
    tuple of (X_i, Y_i)
        One pair per fraction, in order.

    Raises
    ------
    ValueError
        If the fractions do not sum to 1, one is <= 0, or a part would be empty.

    Examples
    --------
    >>> X = np.arange(20.0).reshape(10, 2); Y = np.arange(10) % 2
    >>> (X_train, Y_train), (X_dev, Y_dev) = split(X, Y, (0.8, 0.2), rng=0)
    >>> X_train.shape, X_dev.shape
    ((8, 2), (2, 2))
    """
    X, Y = _check_XY(X, Y)
    try:
        parts = [check_in_range(f, "fractions", 0.0, 1.0, low_inclusive=False) for f in fractions]
    except TypeError as exc:
        raise TypeError(f"fractions must be a sequence of numbers; got {fractions!r}") from exc
    if not parts:
        raise ValueError("fractions must name at least one part, e.g. (0.8, 0.1, 0.1)")
    if abs(sum(parts) - 1.0) > 1e-9:
        raise ValueError(f"fractions must sum to 1; got {tuple(parts)} (sum {sum(parts):.12g})")
    m = X.shape[0]
    bounds = np.rint(np.cumsum(parts) * m).astype(int)
    bounds[-1] = m
    sizes = np.diff(np.concatenate([[0], bounds]))
    if np.any(sizes == 0):
        raise ValueError(
            f"fractions {tuple(parts)} of m={m} examples leave a part empty "
            f"(sizes {sizes.tolist()}); use more data or larger fractions"
        )
    order = check_rng(rng).permutation(m)
    return tuple((X[idx], Y[idx]) for idx in np.split(order, bounds[:-1]))


class Standardizer:
    """Zero mean and unit variance per feature, with statistics from the training set only.

    $$\\mu = \\frac{1}{m}\\sum_i x^{(i)}, \\qquad
    \\sigma^2 = \\frac{1}{m}\\sum_i (x^{(i)} - \\mu)^2, \\qquad
    x_{\\text{norm}} = \\frac{x - \\mu}{\\sigma}$$

    Fit on the training set, then transform train, dev and test with the *same*
    $\\mu$ and $\\sigma$ (never refit on dev/test: they must go through the same
    function as the training data). A feature with zero variance in the training
    set has $\\sigma$ set to 1, so it is only centred (it becomes 0) instead of
    dividing by zero.

    Attributes
    ----------
    mean : ndarray of shape (n,) or None
        $\\mu$, after :meth:`fit`.
    std : ndarray of shape (n,) or None
        $\\sigma$ (1 where the training variance was 0), after :meth:`fit`.

    Examples
    --------
    >>> X_train = np.array([[1.0, 10.0], [3.0, 10.0]])
    >>> scaler = Standardizer().fit(X_train)
    >>> scaler.transform(X_train)
    array([[-1.,  0.],
           [ 1.,  0.]])
    >>> scaler.transform([[5.0, 12.0]])  # dev/test use the training statistics
    array([[3., 2.]])
    """

    def __init__(self) -> None:
        self.mean: np.ndarray | None = None
        self.std: np.ndarray | None = None

    def fit(self, X: object) -> Standardizer:
        """Learn $\\mu$ and $\\sigma$ from the training inputs ``X`` (m, n); return ``self``."""
        X = as_float_array(X, "X", ndim=2)
        with np.errstate(over="ignore", invalid="ignore"):
            self.mean = X.mean(axis=0)
            std = X.std(axis=0)
        if not (np.all(np.isfinite(self.mean)) and np.all(np.isfinite(std))):
            self.mean = self.std = None
            raise ValueError("X is too large to standardize (its mean or variance overflows)")
        self.std = np.where(std > 0, std, 1.0).astype(X.dtype)
        return self

    def _check_fitted(self, X: object) -> np.ndarray:
        if self.mean is None or self.std is None:
            raise ValueError("Standardizer is not fitted yet; call fit(X_train) first")
        X = as_float_array(X, "X", ndim=2)
        if X.shape[1] != self.mean.shape[0]:
            raise ValueError(
                f"X must have {self.mean.shape[0]} features like the training set; "
                f"got X.shape={X.shape}"
            )
        return X

    def transform(self, X: object) -> np.ndarray:
        """Return $(X - \\mu) / \\sigma$ with the fitted statistics."""
        X = self._check_fitted(X)
        return (X - self.mean) / self.std

    def inverse_transform(self, X_norm: object) -> np.ndarray:
        """Undo :meth:`transform`: return $X_{norm}\\,\\sigma + \\mu$."""
        X_norm = self._check_fitted(X_norm)
        return X_norm * self.std + self.mean

    def fit_transform(self, X: object) -> np.ndarray:
        """Fit on ``X`` and return it standardized."""
        return self.fit(X).transform(X)

    def __repr__(self) -> str:
        if self.mean is None:
            return "Standardizer(not fitted)"
        return f"Standardizer(mean={np.round(self.mean, 4)}, std={np.round(self.std, 4)})"

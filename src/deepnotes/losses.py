r"""Cost functions $J(\hat{Y}, Y)$, averaged over the $m$ examples, and the L2 penalty.

Each loss has ``forward(y_hat, y) -> float`` (the cost) and ``backward() -> dy_hat``
($\partial J / \partial \hat{Y}$ for the last ``forward``, in the dtype of ``y_hat``),
which is what [`Sequential.backward`][deepnotes.model.Sequential.backward] takes.

- [`BinaryCrossEntropy`][deepnotes.losses.BinaryCrossEntropy]: ``y_hat`` are
  probabilities (after a ``Sigmoid``), shape ``(m, 1)``; labels 0/1 of the same shape.
- [`BinaryCrossEntropyWithLogits`][deepnotes.losses.BinaryCrossEntropyWithLogits]: the
  same cost from logits (no ``Sigmoid`` layer), computed stably.
- [`SoftmaxCrossEntropy`][deepnotes.losses.SoftmaxCrossEntropy]: ``y_hat`` are logits
  ``(m, C)`` (no softmax layer); labels ints ``(m,)`` or one-hot ``(m, C)``.
- [`MeanSquaredError`][deepnotes.losses.MeanSquaredError]: any real ``y_hat``; labels of
  the same shape.

L2 regularisation is a separate term, added by the training loop:
[`l2_penalty`][deepnotes.losses.l2_penalty] to the cost and
[`l2_gradients`][deepnotes.losses.l2_gradients] to the gradients.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deepnotes._checks import as_float_array, check_in_range, check_int
from deepnotes.layers import sigmoid

__all__ = [
    "BinaryCrossEntropy",
    "BinaryCrossEntropyWithLogits",
    "Loss",
    "MeanSquaredError",
    "SoftmaxCrossEntropy",
    "l2_gradients",
    "l2_penalty",
    "softmax",
]


_MACHINE_EPS = {np.dtype(t): float(np.finfo(t).eps) for t in (np.float32, np.float64)}


def _check_y_hat(y_hat: Any, ndim: int | tuple[int, ...] = 2) -> np.ndarray:
    """Validate the network's output; NaN/inf there usually means training diverged."""
    if isinstance(y_hat, np.ndarray) and y_hat.dtype.kind == "f" and y_hat.size:
        finite = np.isfinite(y_hat)
        if not finite.all():
            bad = int(finite.size - np.count_nonzero(finite))
            raise ValueError(
                f"y_hat contains {bad} NaN or infinite value(s): the network's output "
                "overflowed. During training this usually means the learning rate is too large."
            )
        return as_float_array(y_hat, "y_hat", ndim=ndim, finite=False)  # checked just above
    return as_float_array(y_hat, "y_hat", ndim=ndim)


def _check_same_shape(Y: np.ndarray, y_hat: np.ndarray) -> None:
    if Y.shape != y_hat.shape:
        hint = ""
        if Y.ndim == 1 and y_hat.shape == (Y.shape[0], 1):
            hint = "; reshape the labels with Y.reshape(-1, 1)"
        raise ValueError(f"Y must have the shape of y_hat {y_hat.shape}; got {Y.shape}{hint}")


def _binary_labels(y: Any, y_hat: np.ndarray) -> np.ndarray:
    """Return 0/1 labels of ``y_hat``'s shape and dtype, refusing anything else."""
    Y = as_float_array(y, "Y")
    _check_same_shape(Y, y_hat)
    bad = (Y != 0) & (Y != 1)
    if bad.any():
        examples = ", ".join(f"{v:g}" for v in np.unique(Y[bad])[:5])
        raise ValueError(f"Y must hold binary labels in {{0, 1}}; got {examples}")
    return Y.astype(y_hat.dtype, copy=False)


class Loss:
    """Base class: ``forward(y_hat, y) -> float`` and ``backward() -> dy_hat``."""

    def __init__(self) -> None:
        self._dy_hat_ready = False

    def forward(self, y_hat: Any, y: Any) -> float:  # pragma: no cover - abstract
        raise NotImplementedError

    def backward(self) -> np.ndarray:
        r"""Return $\partial J / \partial \hat{Y}$ for the last ``forward``.

        Raises
        ------
        RuntimeError
            If ``forward`` has not been called yet.
        """
        if not self._dy_hat_ready:
            raise RuntimeError(f"{self!r}: call forward before backward")
        return self._backward()

    def _backward(self) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class BinaryCrossEntropy(Loss):
    r"""Cross-entropy of probabilities $\hat{y} = \sigma(z)$ against 0/1 labels.

    $$J = -\frac{1}{m} \sum_{i=1}^{m} \Big( y_i \log \hat{y}_i + (1 - y_i) \log(1 - \hat{y}_i)
    \Big), \qquad \frac{\partial J}{\partial \hat{y}_i} = \frac{1}{m}\,
    \frac{\hat{y}_i - y_i}{\hat{y}_i (1 - \hat{y}_i)}$$

    $\hat{y}$ is clipped to $[\epsilon, 1 - \epsilon]$ first, so a saturated sigmoid
    (exactly 0 or 1) gives a large finite cost and gradient rather than inf/NaN; the
    gradient uses the clipped values, so a confident wrong prediction still gets
    pushed back. $\epsilon$ is at least the dtype's machine epsilon (1.2e-7 in float32).

    Parameters
    ----------
    eps : float
        Clipping margin $\epsilon > 0$ (default 1e-12).

    Raises
    ------
    ValueError
        From ``forward``: ``y_hat`` outside $[0, 1]$ (logits? use
        [`BinaryCrossEntropyWithLogits`][deepnotes.losses.BinaryCrossEntropyWithLogits]),
        ``y`` not of ``y_hat``'s shape, labels other than 0/1, NaN/inf.

    Examples
    --------
    >>> bce = BinaryCrossEntropy()
    >>> bce.forward(np.array([[0.9], [0.2]]), np.array([[1], [0]]))
    0.164252033486018
    >>> bce.backward()
    array([[-0.55555556],
           [ 0.625     ]])
    """

    def __init__(self, eps: float = 1e-12) -> None:
        super().__init__()
        self.eps = check_in_range(eps, "eps", 0.0, 0.5, low_inclusive=False, high_inclusive=False)

    def forward(self, y_hat: Any, y: Any) -> float:
        """Return the cost $J$ (a float) and save what ``backward`` needs."""
        y_hat = _check_y_hat(y_hat, ndim=(1, 2))
        if y_hat.min() < 0 or y_hat.max() > 1:
            raise ValueError(
                "y_hat must be probabilities in [0, 1] (the output of a Sigmoid); got values "
                f"in [{y_hat.min():g}, {y_hat.max():g}]. For raw scores (logits) use "
                "BinaryCrossEntropyWithLogits"
            )
        Y = _binary_labels(y, y_hat)
        eps = max(self.eps, _MACHINE_EPS[y_hat.dtype])
        P = np.minimum(np.maximum(y_hat, eps), 1 - eps)  # (m, 1), clipped (np.clip is slower)
        m = y_hat.shape[0]
        cost = -np.sum(Y * np.log(P) + (1 - Y) * np.log1p(-P)) / m
        self._P, self._Y, self._m = P, Y, m
        self._dy_hat_ready = True
        return float(cost)

    def _backward(self) -> np.ndarray:
        P, Y = self._P, self._Y
        return (P - Y) / (P * (1 - P) * self._m)

    def __repr__(self) -> str:
        return (
            "BinaryCrossEntropy()" if self.eps == 1e-12 else f"BinaryCrossEntropy(eps={self.eps:g})"
        )


class BinaryCrossEntropyWithLogits(Loss):
    r"""Binary cross-entropy computed from logits $z$ (the sigmoid is folded in, stably).

    With $\hat{y} = \sigma(z)$ the cost equals that of
    [`BinaryCrossEntropy`][deepnotes.losses.BinaryCrossEntropy], written as

    $$J = \frac{1}{m} \sum_i \Big( \max(z_i, 0) - z_i y_i + \log(1 + e^{-|z_i|}) \Big),
    \qquad \frac{\partial J}{\partial z_i} = \frac{\sigma(z_i) - y_i}{m},$$

    which never overflows and needs no clipping. Use it with a last ``Dense`` layer
    and no ``Sigmoid``; apply [`sigmoid`][deepnotes.layers.sigmoid] to get probabilities.

    Raises
    ------
    ValueError
        From ``forward``: ``y`` not of ``y_hat``'s shape, labels other than 0/1,
        NaN/inf.

    Examples
    --------
    >>> loss = BinaryCrossEntropyWithLogits()
    >>> loss.forward(np.array([[1000.0], [-2.0]]), np.array([[1], [0]]))
    0.0634640055214863
    >>> loss.backward()
    array([[0.        ],
           [0.05960146]])
    """

    def forward(self, y_hat: Any, y: Any) -> float:
        """Return the cost $J$ for logits ``y_hat`` and save what ``backward`` needs."""
        Z = _check_y_hat(y_hat, ndim=(1, 2))
        Y = _binary_labels(y, Z)
        m = Z.shape[0]
        cost = np.sum(np.maximum(Z, 0) - Z * Y + np.log1p(np.exp(-np.abs(Z)))) / m
        self._Z, self._Y, self._m = Z, Y, m
        self._dy_hat_ready = True
        return float(cost)

    def _backward(self) -> np.ndarray:
        return (sigmoid(self._Z) - self._Y) / self._m


def softmax(z: Any) -> np.ndarray:
    r"""Softmax of each row: probabilities that sum to 1, stable for any logits.

    $$\mathrm{softmax}(z)_k = \frac{e^{z_k - \max_j z_j}}{\sum_c e^{z_c - \max_j z_j}}$$

    Subtracting the row maximum leaves the result unchanged and keeps ``exp`` from
    overflowing (logits of 1e4 are fine).

    Parameters
    ----------
    z : array_like
        Logits, shape ``(m, C)`` (or ``(C,)`` for one example).

    Returns
    -------
    ndarray
        Probabilities, same shape and dtype (float32/float64) as ``z``.

    Raises
    ------
    ValueError
        If ``z`` is not 1-D or 2-D, is empty or holds NaN/inf.

    Examples
    --------
    >>> softmax(np.array([[1.0, 2.0, 3.0], [1e4, 0.0, -1e4]]))
    array([[0.09003057, 0.24472847, 0.66524096],
           [1.        , 0.        , 0.        ]])
    """
    z = as_float_array(z, "z", ndim=(1, 2))
    e = np.exp(z - z.max(axis=-1, keepdims=True))  # largest entry of each row is e^0 = 1
    e /= e.sum(axis=-1, keepdims=True)
    return e


def _class_labels(y: Any, Z: np.ndarray) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Return ``(indices, None)`` for integer labels or ``(None, targets)`` for one-hot rows."""
    m, C = Z.shape
    if isinstance(y, np.ndarray) and y.dtype.kind in "iu" and y.shape == (m,):
        # the usual case, integer class indices: two reductions validate them
        if y.min() >= 0 and y.max() < C:
            return y.astype(np.intp), None  # a copy: later changes to y do not reach backward
    Y = as_float_array(y, "Y", ndim=(1, 2))
    if Y.ndim == 2 and Y.shape == (m, C):
        if Y.min() < 0 or np.any(np.abs(Y.sum(axis=1) - 1) > 1e-6):
            raise ValueError(
                f"Y of shape (m, C) = {Y.shape} must be one-hot: rows of non-negative values "
                "summing to 1"
            )
        return None, Y.astype(Z.dtype, copy=False)
    if Y.ndim == 2 and Y.shape[1] == 1:
        Y = Y[:, 0]
    if Y.ndim != 1 or Y.shape[0] != m:
        raise ValueError(
            f"Y must be class indices of shape ({m},) or one-hot of shape ({m}, {C}) for "
            f"y_hat of shape {Z.shape}; got shape {Y.shape}"
        )
    bad = (Y != np.round(Y)) | (Y < 0) | (Y >= C)
    if bad.any():
        examples = ", ".join(f"{v:g}" for v in np.unique(Y[bad])[:5])
        raise ValueError(f"Y must hold class indices in {{0, ..., {C - 1}}}; got {examples}")
    return Y.astype(np.intp), None


class SoftmaxCrossEntropy(Loss):
    r"""Softmax followed by cross-entropy, computed together from the logits $Z$.

    With $P = \mathrm{softmax}(Z)$ row by row and one-hot targets $T$:

    $$J = -\frac{1}{m} \sum_{i=1}^{m} \sum_{c=1}^{C} T_{ic} \log P_{ic}, \qquad
    \frac{\partial J}{\partial Z} = \frac{P - T}{m}$$

    $\log P$ is computed as $z - \max z - \log \sum e^{z - \max z}$, so logits of
    1e4 give finite costs and gradients. The network's last layer is a ``Dense`` with
    ``C`` outputs and no activation; [`softmax`][deepnotes.losses.softmax] turns its output into
    probabilities.

    Labels ``y`` are class indices, shape ``(m,)`` (or ``(m, 1)``), ints in
    ``{0, ..., C-1}``, or one-hot rows of shape ``(m, C)``.

    Raises
    ------
    ValueError
        From ``forward``: fewer than 2 classes, labels of the wrong shape or out of
        range, NaN/inf.

    Examples
    --------
    >>> loss = SoftmaxCrossEntropy()
    >>> Z = np.array([[2.0, 1.0, 0.1], [1e4, 0.0, -1e4]])
    >>> loss.forward(Z, np.array([0, 0]))
    0.2085
    >>> loss.forward(Z, np.array([[1, 0, 0], [1, 0, 0]]))  # one-hot: same cost
    0.2085
    >>> loss.backward()
    array([[-0.1705,  0.1212,  0.0493],
           [ 0.        ,  0.        ,  0.        ]])
    """

    def forward(self, y_hat: Any, y: Any) -> float:
        """Return the cost $J$ for logits ``y_hat`` and save what ``backward`` needs."""
        Z = _check_y_hat(y_hat)  # (m, C)
        m, C = Z.shape
        if C < 2:
            raise ValueError(
                f"y_hat must have one column of logits per class, at least 2; got shape "
                f"{Z.shape}. For two classes with one output use Sigmoid + BinaryCrossEntropy"
            )
        indices, T = _class_labels(y, Z)
        shifted = Z - Z.max(axis=1, keepdims=True)  # (m, C), each row's largest logit is 0
        P = np.exp(shifted)  # (m, C)
        sum_exp = P.sum(axis=1, keepdims=True)  # (m, 1), >= 1
        P /= sum_exp  # softmax probabilities
        log_sum = np.log(sum_exp)  # (m, 1)
        if indices is not None:
            rows = np.arange(m)
            log_p = shifted[rows, indices] - log_sum[:, 0]  # (m,) log P of the correct classes
            cost = -log_p.sum() / m
            indices = (rows, indices)  # the (row, class) entries of the correct classes
        else:
            cost = -np.sum(T * (shifted - log_sum)) / m
        self._P, self._indices, self._T, self._m = P, indices, T, m
        self._dy_hat_ready = True
        return float(cost)

    def _backward(self) -> np.ndarray:
        dZ = self._P.copy()  # (m, C)
        if self._indices is not None:
            dZ[self._indices] -= 1
        else:
            dZ -= self._T
        dZ /= self._m
        return dZ


class MeanSquaredError(Loss):
    r"""Squared error summed over outputs, averaged over examples.

    $$J = \frac{1}{m} \sum_{i=1}^{m} \lVert \hat{y}_i - y_i \rVert^2, \qquad
    \frac{\partial J}{\partial \hat{y}} = \frac{2}{m} (\hat{y} - y)$$

    For one output column this is ``np.mean((y_hat - y) ** 2)``.

    Raises
    ------
    ValueError
        From ``forward``: ``y`` not of ``y_hat``'s shape, NaN/inf.

    Examples
    --------
    >>> mse = MeanSquaredError()
    >>> mse.forward(np.array([[1.0], [2.0]]), np.array([[0.0], [4.0]]))
    2.5
    >>> mse.backward()
    array([[ 1.],
           [-2.]])
    """

    def forward(self, y_hat: Any, y: Any) -> float:
        """Return the cost $J$ and save what ``backward`` needs."""
        y_hat = _check_y_hat(y_hat, ndim=(1, 2))
        Y = as_float_array(y, "Y")
        _check_same_shape(Y, y_hat)
        m = y_hat.shape[0]
        self._diff = y_hat - Y.astype(y_hat.dtype, copy=False)  # (m, k)
        self._m = m
        self._dy_hat_ready = True
        return float(np.sum(self._diff * self._diff) / m)

    def _backward(self) -> np.ndarray:
        return (2 / self._m) * self._diff


def _weights(model: Any) -> dict[str, np.ndarray]:
    """The weight matrices ``W`` of a model (biases and batch-norm parameters excluded)."""
    if not callable(getattr(model, "parameters", None)):
        raise TypeError(
            f"model must be a deepnotes Sequential (with .parameters()); got {type(model).__name__}"
        )
    return {name: W for name, W in model.parameters().items() if name.rsplit(".", 1)[-1] == "W"}


def _check_lambd_m(lambd: object, m: object) -> tuple[float, int]:
    lambd = check_in_range(lambd, "lambd", 0.0, np.inf)
    return lambd, check_int(m, "m")


def l2_penalty(model: Any, lambd: float, m: int) -> float:
    r"""The L2 regularisation term added to the cost.

    $$\frac{\lambda}{2m} \sum_{l} \lVert W^{[l]} \rVert_F^2$$

    summed over the weight matrices ``W`` of every ``Dense`` layer; biases and
    batch-norm's $\gamma, \beta$ are not penalised.

    Parameters
    ----------
    model : Sequential
        The network.
    lambd : float
        Regularisation strength $\lambda \ge 0$ (``lambda`` is a Python keyword).
    m : int
        Number of training examples the cost averages over (the mini-batch size).

    Returns
    -------
    float
        The penalty.

    Raises
    ------
    ValueError
        If ``lambd`` < 0 or ``m`` < 1.
    TypeError
        If ``model`` has no ``parameters()`` or ``m`` is not an integer.

    Examples
    --------
    >>> from deepnotes.layers import Dense
    >>> from deepnotes.model import Sequential
    >>> model = Sequential([Dense(2, 1, rng=0)])
    >>> model.layers[0].params["W"][...] = [[3.0, 4.0]]
    >>> l2_penalty(model, lambd=0.1, m=5)
    0.25
    """
    lambd, m = _check_lambd_m(lambd, m)
    total = sum(float(np.vdot(W, W)) for W in _weights(model).values())
    return lambd / (2 * m) * total


def l2_gradients(model: Any, lambd: float, m: int) -> dict[str, np.ndarray]:
    r"""Gradient of the L2 penalty for each weight matrix, to add to ``model.gradients()``.

    The derivative of [`l2_penalty`][deepnotes.losses.l2_penalty]:

    $$\frac{\partial}{\partial W^{[l]}} \frac{\lambda}{2m} \sum_k \lVert W^{[k]} \rVert_F^2
    = \frac{\lambda}{m} W^{[l]}$$

    This extra term shrinks every weight by a factor $1 - \alpha\lambda/m$ per
    gradient-descent step, hence "weight decay".

    Parameters
    ----------
    model : Sequential
        The network.
    lambd : float
        Regularisation strength $\lambda \ge 0$.
    m : int
        Number of examples the cost averages over.

    Returns
    -------
    dict of str to ndarray
        ``name -> lambd / m * W`` for every weight matrix (new arrays, keys as in
        ``model.parameters()``, e.g. ``"0.W"``).

    Raises
    ------
    ValueError
        If ``lambd`` < 0 or ``m`` < 1.
    TypeError
        If ``model`` has no ``parameters()`` or ``m`` is not an integer.

    Examples
    --------
    >>> from deepnotes.layers import Dense
    >>> from deepnotes.model import Sequential
    >>> model = Sequential([Dense(2, 1, rng=0)])
    >>> model.layers[0].params["W"][...] = [[3.0, 4.0]]
    >>> l2_gradients(model, lambd=0.1, m=5)
    {'0.W': array([[0.06, 0.08]])}
    """
    lambd, m = _check_lambd_m(lambd, m)
    return {name: (lambd / m) * W for name, W in _weights(model).items()}

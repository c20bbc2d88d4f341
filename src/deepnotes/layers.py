r"""Layers of a feed-forward network, each a small class with its forward and backward pass.

Rows are examples: a layer maps ``x`` of shape ``(m, n_in)`` to an output of shape
``(m, n_out)``. ``forward(x, training=True)`` saves what the backward pass needs;
``backward(dout)`` takes $\partial J / \partial \mathrm{out}$ and returns
$\partial J / \partial x$.

Layers with parameters (``Dense``, ``BatchNorm``) keep them in ``params`` and their
gradients in ``grads``, two dicts with the same keys. Optimizers update the arrays of
``params`` in place and ``backward`` overwrites the arrays of ``grads`` in place, so
the dicts returned by
[`Sequential.parameters`][deepnotes.model.Sequential.parameters] stay valid for the
whole of training.

dtype: parameters are float64 unless a layer is built with ``dtype=np.float32``. A
layer with parameters computes in the dtype of its parameters (float64 data fed to a
float32 layer is converted once, on the way in); the elementwise layers keep the dtype
they are given. A float32 network therefore stays float32 from end to end.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from deepnotes._checks import (
    as_float_array,
    check_in_range,
    check_int,
    check_positive,
    check_rng,
)

__all__ = [
    "INITS",
    "BatchNorm",
    "Dense",
    "Dropout",
    "Layer",
    "LeakyReLU",
    "ReLU",
    "Sigmoid",
    "Tanh",
    "init_std",
    "sigmoid",
]

INITS = ("zeros", "random", "xavier", "glorot", "he")
"""The weight initialisations ``Dense`` knows, see [`init_std`][deepnotes.layers.init_std]."""


def _check_dtype(dtype: object) -> np.dtype:
    """Return ``dtype`` as a NumPy dtype, refusing anything but float32 and float64."""
    try:
        resolved = np.dtype(dtype)  # type: ignore[call-overload]
    except TypeError as exc:
        raise TypeError(f"dtype must be float32 or float64; got {dtype!r}") from exc
    if resolved not in (np.float32, np.float64):
        raise TypeError(f"dtype must be float32 or float64; got {resolved}")
    return resolved


def _check_training(training: object) -> bool:
    if not isinstance(training, bool | np.bool_):
        raise TypeError(
            f"training must be True or False; got {training!r} ({type(training).__name__})"
        )
    return bool(training)


def sigmoid(z: np.ndarray) -> np.ndarray:
    r"""The logistic function, computed without overflow for any ``z``.

    $$\sigma(z) = \frac{1}{1 + e^{-z}} = e^{-\log(1 + e^{-z})}$$

    ``np.logaddexp(0, -z)`` evaluates $\log(1 + e^{-z})$ stably, so ``z = -1000``
    gives 0 and ``z = 1000`` gives 1 with no overflow warning. The dtype of ``z`` is
    kept.

    Parameters
    ----------
    z : ndarray
        Pre-activations, any shape.

    Returns
    -------
    ndarray
        $\sigma(z)$, same shape and dtype as ``z``, in $[0, 1]$.

    Examples
    --------
    >>> sigmoid(np.array([-1000.0, 0.0, 2.0]))
    array([0.        , 0.5       , 0.88079708])
    """
    return np.exp(-np.logaddexp(0.0, -z))


def init_std(init: str, n_in: int, n_out: int, scale: float = 0.01) -> float:
    r"""Standard deviation of the Gaussian a ``Dense`` layer draws its weights from.

    | ``init``   | std                             | use with           |
    |------------|---------------------------------|--------------------|
    | ``zeros``  | $0$ (every unit the same: no symmetry breaking) | nothing |
    | ``random`` | ``scale`` (default 0.01)        | tiny nets          |
    | ``xavier`` | $\sqrt{1 / n_{in}}$ (the notes') | tanh              |
    | ``glorot`` | $\sqrt{2 / (n_{in} + n_{out})}$ | tanh, sigmoid      |
    | ``he``     | $\sqrt{2 / n_{in}}$             | ReLU               |

    The notes call $\sqrt{1/n_{in}}$ "Xavier"; Glorot and Bengio's paper averages fan-in
    and fan-out, which is ``"glorot"`` here.

    Parameters
    ----------
    init : str
        One of ``INITS``.
    n_in, n_out : int
        Fan-in and fan-out of the layer.
    scale : float
        Standard deviation for ``init="random"``; ignored by the others.

    Returns
    -------
    float
        The standard deviation.

    Raises
    ------
    ValueError
        If ``init`` is not one of ``INITS`` (the message lists them).

    Examples
    --------
    >>> init_std("he", n_in=8, n_out=4)
    0.5
    >>> init_std("glorot", n_in=8, n_out=8)
    0.3535533905932738
    """
    if not isinstance(init, str) or init not in INITS:
        allowed = ", ".join(repr(name) for name in INITS)
        raise ValueError(f"init must be one of {allowed}; got {init!r}")
    if init == "zeros":
        return 0.0
    if init == "random":
        return float(scale)
    if init == "xavier":
        return float(np.sqrt(1.0 / n_in))
    if init == "glorot":
        return float(np.sqrt(2.0 / (n_in + n_out)))
    return float(np.sqrt(2.0 / n_in))  # he


class Layer:
    """Base class: checks the arguments, then runs the layer's ``_forward``/``_backward``.

    Subclasses write the math in ``_forward(x, training)`` and ``_backward(dout)``
    (a layer with parameters also accepts ``input_grad``, see
    [`Dense`][deepnotes.layers.Dense]). The public ``forward``/``backward`` validate
    what they are given first; [`Sequential`][deepnotes.model.Sequential] validates
    once at its entry and then calls the underscored methods directly, so checks are
    not repeated for every layer.

    Attributes
    ----------
    params, grads : dict of str to ndarray
        Parameters and their gradients (empty for layers without parameters).
    n_in : int or None
        Number of input features the layer expects (``None``: any).
    n_out : int or None
        Number of output features (``None``: as many as came in).
    """

    n_in: int | None = None
    n_out: int | None = None
    _input_ndim: int | None = 2  # None: any shape (elementwise layers)
    _buffers: tuple[str, ...] = ()  # arrays besides params/grads that follow the dtype

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self._out_shape: tuple[int, ...] | None = None

    def forward(self, x: Any, training: bool = True) -> np.ndarray:
        """Run the layer on ``x`` and save what ``backward`` needs.

        Parameters
        ----------
        x : array_like
            Input, shape ``(m, n_in)`` (elementwise layers take any shape).
        training : bool
            Training mode (dropout active, batch statistics) or inference mode.

        Returns
        -------
        ndarray
            The layer's output.

        Raises
        ------
        ValueError
            If ``x`` has the wrong shape, is empty or holds NaN/inf.
        TypeError
            If ``x`` is not numeric or ``training`` is not a bool.
        """
        x = self._check_input(x)
        out = self._forward(x, _check_training(training))
        self._out_shape = out.shape
        return out

    def backward(self, dout: Any) -> np.ndarray:
        """Return the gradient with respect to the input of the last ``forward``.

        Parameters
        ----------
        dout : array_like
            $\\partial J / \\partial \\mathrm{out}$, same shape as the last output.

        Returns
        -------
        ndarray
            $\\partial J / \\partial x$, same shape as the last input.

        Raises
        ------
        RuntimeError
            If ``forward`` has not been called yet.
        ValueError
            If ``dout`` does not have the shape of the last output, or holds NaN/inf.
        """
        return self._backward(self._check_dout(dout))

    @property
    def dtype(self) -> np.dtype | None:
        """dtype of the parameters (``None`` for a layer without parameters)."""
        for value in self.params.values():
            return value.dtype
        return None

    def _check_input(self, x: Any) -> np.ndarray:
        x = as_float_array(x, "x", ndim=self._input_ndim)
        if self.n_in is not None and x.shape[1] != self.n_in:
            raise ValueError(
                f"x must have shape (m, {self.n_in}) for {self!r}; got shape {x.shape}"
            )
        return x

    def _check_dout(self, dout: Any) -> np.ndarray:
        if self._out_shape is None:
            raise RuntimeError(f"{self!r}: call forward before backward")
        dout = as_float_array(dout, "dout")
        if dout.shape != self._out_shape:
            raise ValueError(
                f"dout must have the shape of the last output {self._out_shape}; "
                f"got shape {dout.shape}"
            )
        return dout

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _backward(self, dout: np.ndarray) -> np.ndarray:  # pragma: no cover
        raise NotImplementedError

    def _cast(self, dtype: np.dtype) -> None:
        """Convert parameters, gradients and buffers to ``dtype`` (used by ``astype``)."""
        for store in (self.params, self.grads):
            for key, value in store.items():
                store[key] = value.astype(dtype)
        for name in self._buffers:
            setattr(self, name, getattr(self, name).astype(dtype))

    def _repr_args(self) -> str:
        return ""

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._repr_args()})"


class Dense(Layer):
    r"""Fully connected layer $Z = X W^\top + b$.

    Forward and backward, with ``dZ`` $= \partial J / \partial Z$:

    $$Z = X W^\top + b, \qquad dW = dZ^\top X, \qquad db = \textstyle\sum_i dZ_i,
    \qquad dX = dZ\, W$$

    Parameters
    ----------
    n_in, n_out : int
        Number of input and output features (>= 1).
    init : str
        Weight initialisation, one of ``"zeros"``, ``"random"``, ``"xavier"``,
        ``"glorot"``, ``"he"`` (see [`init_std`][deepnotes.layers.init_std]). Biases start at 0.
    rng : numpy.random.Generator, int or None
        Source of the random weights (an int seeds a new generator).
    scale : float
        Standard deviation for ``init="random"`` (ignored by the other schemes).
    dtype : float32 or float64
        dtype of ``W`` and ``b`` (default float64). The layer computes in this dtype.

    Attributes
    ----------
    params : dict
        ``"W"`` of shape ``(n_out, n_in)`` and ``"b"`` of shape ``(n_out,)``.
    grads : dict
        ``"W"`` and ``"b"``: $dW$ and $db$ from the last ``backward``.

    Raises
    ------
    ValueError
        If ``n_in``/``n_out`` are < 1, ``scale`` <= 0 or ``init`` is unknown.
    TypeError
        If ``n_in``/``n_out`` are not integers or ``dtype`` is not a float dtype.

    Examples
    --------
    >>> layer = Dense(3, 2, init="xavier", rng=np.random.default_rng(0))
    >>> layer
    Dense(n_in=3, n_out=2, init='xavier')
    >>> Z = layer.forward(np.ones((4, 3)))
    >>> Z.shape, layer.params["W"].shape
    ((4, 2), (2, 3))
    >>> dX = layer.backward(np.ones_like(Z))
    >>> dX.shape, layer.grads["W"].shape
    ((4, 3), (2, 3))
    """

    def __init__(
        self,
        n_in: int,
        n_out: int,
        init: str = "he",
        rng: np.random.Generator | int | None = None,
        scale: float = 0.01,
        dtype: Any = np.float64,
    ) -> None:
        super().__init__()
        self.n_in = check_int(n_in, "n_in")
        self.n_out = check_int(n_out, "n_out")
        self.scale = check_positive(scale, "scale")
        std = init_std(init, self.n_in, self.n_out, self.scale)
        self.init = init
        dtype = _check_dtype(dtype)
        rng = check_rng(rng)
        if std == 0.0:
            W = np.zeros((self.n_out, self.n_in))
        else:  # drawn in float64, so a float32 layer holds the same weights, rounded
            W = std * rng.standard_normal((self.n_out, self.n_in))  # (n_out, n_in)
        self.params = {"W": W.astype(dtype), "b": np.zeros(self.n_out, dtype=dtype)}
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self._x: np.ndarray | None = None

    def backward(self, dout: Any, *, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` with $dW, db$ and return $dX$ (``None`` if ``input_grad=False``).

        Skipping $dX = dZ\\,W$ saves a matrix product as large as the forward one;
        [`Sequential`][deepnotes.model.Sequential] does it for its first layer.
        """
        return self._backward(self._check_dout(dout), input_grad=input_grad)

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        W, b = self.params["W"], self.params["b"]
        x = x.astype(W.dtype, copy=False)
        self._x = x  # (m, n_in), kept for dW
        Z = x @ W.T  # (m, n_out)
        Z += b
        return Z

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        W = self.params["W"]
        dZ = dout.astype(W.dtype, copy=False)  # (m, n_out)
        np.matmul(dZ.T, self._x, out=self.grads["W"])  # (n_out, n_in)
        dZ.sum(axis=0, out=self.grads["b"])  # (n_out,)
        return dZ @ W if input_grad else None  # (m, n_in)

    def _repr_args(self) -> str:
        args = f"n_in={self.n_in}, n_out={self.n_out}, init={self.init!r}"
        if self.init == "random":
            args += f", scale={self.scale:g}"
        if self.dtype != np.float64:
            args += f", dtype={self.dtype}"
        return args


class ReLU(Layer):
    r"""Rectified linear unit $a = \max(z, 0)$, with $\partial a / \partial z = [z > 0]$.

    Examples
    --------
    >>> relu = ReLU()
    >>> relu.forward(np.array([[-2.0, 0.0, 3.0]]))
    array([[0., 0., 3.]])
    >>> relu.backward(np.ones((1, 3)))
    array([[0., 0., 1.]])
    """

    _input_ndim = None

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self._positive = x > 0  # (m, n) bool
        return np.maximum(x, 0)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        # a product with the bool mask, not np.where: where branches per element and is ~40x
        # slower on a random mask (1 ms for 256x256); dout is finite (checked at the entry)
        return dout * self._positive  # (m, n)


class LeakyReLU(Layer):
    r"""Leaky ReLU $a = z$ for $z > 0$ and $a = \alpha z$ otherwise.

    Parameters
    ----------
    alpha : float
        Slope for negative inputs, in $[0, 1)$ (default 0.01).

    Raises
    ------
    ValueError
        If ``alpha`` is outside $[0, 1)$.

    Examples
    --------
    >>> leaky = LeakyReLU(alpha=0.1)
    >>> leaky
    LeakyReLU(alpha=0.1)
    >>> leaky.forward(np.array([[-2.0, 3.0]]))
    array([[-0.2,  3. ]])
    >>> leaky.backward(np.ones((1, 2)))
    array([[0.1, 1. ]])
    """

    _input_ndim = None

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        self.alpha = check_in_range(alpha, "alpha", 0.0, 1.0, high_inclusive=False)

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self._positive = x > 0  # (m, n) bool
        return np.where(self._positive, x, self.alpha * x)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        return np.where(self._positive, dout, self.alpha * dout)

    def _repr_args(self) -> str:
        return f"alpha={self.alpha:g}"


class Sigmoid(Layer):
    r"""Logistic activation $a = \sigma(z) = 1 / (1 + e^{-z})$, with $\sigma' = a(1 - a)$.

    Computed stably by [`sigmoid`][deepnotes.layers.sigmoid].

    Examples
    --------
    >>> act = Sigmoid()
    >>> act.forward(np.array([[0.0, 2.0]]))
    array([[0.5       , 0.88079708]])
    >>> act.backward(np.ones((1, 2)))
    array([[0.25      , 0.10499359]])
    """

    _input_ndim = None

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self._a = sigmoid(x)  # (m, n)
        return self._a

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        a = self._a
        return dout * a * (1 - a)


class Tanh(Layer):
    r"""Hyperbolic tangent $a = \tanh(z)$, with $\partial a / \partial z = 1 - a^2$.

    Examples
    --------
    >>> act = Tanh()
    >>> act.forward(np.array([[0.0, 1.0]]))
    array([[0.        , 0.76159416]])
    >>> act.backward(np.ones((1, 2)))
    array([[1.        , 0.41997434]])
    """

    _input_ndim = None

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self._a = np.tanh(x)  # (m, n)
        return self._a

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        a = self._a
        return dout * (1 - a * a)


class Dropout(Layer):
    r"""Inverted dropout: keep each unit with probability ``keep_prob``, scale kept ones up.

    At training time a fresh mask $d$ with $P(d = 1) = p$ (``keep_prob``) is drawn on
    every forward pass and

    $$a = \frac{d \odot x}{p}, \qquad \frac{\partial J}{\partial x} = \frac{d \odot dout}{p},$$

    so $\mathbb{E}[a] = x$. At test time the layer is the identity: the scaling already
    happened during training, so nothing is scaled at test time (the notes say the
    opposite; see the errata page, ``#dropout-scaling``).

    Parameters
    ----------
    keep_prob : float
        Probability $p$ of keeping a unit, in $(0, 1]$; 1 turns dropout off.
    rng : numpy.random.Generator, int or None
        Source of the masks (an int seeds a new generator).

    Attributes
    ----------
    mask : ndarray of bool or None
        Units kept by the last training-mode forward pass (``None`` after an
        inference-mode pass, which drops nothing).
    keep_prob : float
        Settable, checked on assignment; gradient checking needs it set to 1.

    Raises
    ------
    ValueError
        If ``keep_prob`` is outside $(0, 1]$.

    Examples
    --------
    >>> drop = Dropout(keep_prob=0.5, rng=np.random.default_rng(0))
    >>> drop
    Dropout(keep_prob=0.5)
    >>> x = np.ones((2, 4))
    >>> drop.forward(x, mask=np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=bool))
    array([[2., 0., 2., 2.],
           [0., 2., 2., 0.]])
    >>> drop.forward(x, training=False) is x
    True
    """

    _input_ndim = None

    def __init__(self, keep_prob: float, rng: np.random.Generator | int | None = None) -> None:
        super().__init__()
        self.keep_prob = keep_prob
        self.rng = check_rng(rng)
        self.mask: np.ndarray | None = None

    @property
    def keep_prob(self) -> float:
        """Probability of keeping a unit, in $(0, 1]$."""
        return self._keep_prob

    @keep_prob.setter
    def keep_prob(self, value: float) -> None:
        self._keep_prob = check_in_range(value, "keep_prob", 0.0, 1.0, low_inclusive=False)

    def forward(self, x: Any, training: bool = True, *, mask: Any | None = None) -> np.ndarray:
        """Drop units of ``x`` (training) or pass it through (inference).

        Parameters
        ----------
        x : array_like
            Activations, any shape.
        training : bool
            Draw a mask and scale by ``1/keep_prob`` (True) or return ``x`` (False).
        mask : array_like of bool, optional
            Use this mask (shape of ``x``, 1 = keep) instead of drawing one, e.g. to
            check gradients with a fixed mask.

        Returns
        -------
        ndarray
            ``mask * x / keep_prob`` in training, ``x`` itself at test time.

        Raises
        ------
        ValueError
            If ``x`` is empty or holds NaN/inf, or ``mask`` is not a 0/1 array of
            ``x``'s shape.
        TypeError
            If ``x`` is not numeric or ``training`` is not a bool.
        """
        x = self._check_input(x)
        if mask is not None:
            mask = self._check_mask(mask, x.shape)
        out = self._forward(x, _check_training(training), mask)
        self._out_shape = out.shape
        return out

    @staticmethod
    def _check_mask(mask: Any, shape: tuple[int, ...]) -> np.ndarray:
        mask = np.asarray(mask)
        if mask.shape != shape:
            raise ValueError(f"mask must have the shape of x {shape}; got shape {mask.shape}")
        if mask.dtype != bool:
            if mask.dtype.kind not in "biuf" or not np.all((mask == 0) | (mask == 1)):
                raise ValueError("mask must hold only 0/1 (or True/False): 1 keeps a unit")
            mask = mask.astype(bool)
        return mask

    def _forward(self, x: np.ndarray, training: bool, mask: np.ndarray | None = None) -> np.ndarray:
        self._training = training
        if not training:
            self.mask = None
            return x
        if mask is None:
            mask = self.rng.random(x.shape) < self.keep_prob  # (m, n) bool, True = keep
        self.mask = mask
        return np.where(mask, x / self.keep_prob, 0)

    def _backward(self, dout: np.ndarray) -> np.ndarray:
        if not self._training:
            return dout
        return np.where(self.mask, dout / self.keep_prob, 0)

    def _repr_args(self) -> str:
        return f"keep_prob={self.keep_prob:g}"


class BatchNorm(Layer):
    r"""Batch normalisation of each feature over the mini-batch, then a learned scale and shift.

    Training mode, for a batch of $m$ rows ($\mu, \sigma^2$ per feature, biased variance):

    $$\mu = \frac{1}{m}\sum_i x_i, \quad \sigma^2 = \frac{1}{m}\sum_i (x_i - \mu)^2, \quad
    \hat{x} = \frac{x - \mu}{\sqrt{\sigma^2 + \epsilon}}, \quad y = \gamma \hat{x} + \beta$$

    and the running averages used at test time are updated in place:
    ``running_mean = momentum * running_mean + (1 - momentum) * mu`` (same for the
    variance). In inference mode (``training=False``) $\mu, \sigma^2$ are the running
    averages, so any batch size works, including one example.

    Backward (full gradient, $\mu$ and $\sigma^2$ depend on every row):

    $$d\hat{x} = dy\,\gamma, \quad dx = \frac{1}{m\sqrt{\sigma^2 + \epsilon}}
    \Big(m\, d\hat{x} - \sum_i d\hat{x}_i - \hat{x} \sum_i d\hat{x}_i \hat{x}_i\Big),$$

    $$d\gamma = \sum_i dy_i\, \hat{x}_i, \quad d\beta = \sum_i dy_i.$$

    Parameters
    ----------
    n_features : int
        Number of features (columns) normalised.
    momentum : float
        Weight of the old running average, in $[0, 1)$ (default 0.9).
    eps : float
        $\epsilon > 0$ added to the variance (default 1e-5).
    dtype : float32 or float64
        dtype of the parameters and running averages (default float64).

    Attributes
    ----------
    params : dict
        ``"gamma"`` (starts at 1) and ``"beta"`` (starts at 0), shape ``(n_features,)``.
    running_mean, running_var : ndarray
        Running averages (start at 0 and 1), shape ``(n_features,)``.

    Raises
    ------
    ValueError
        If ``momentum`` is outside $[0, 1)$, ``eps`` <= 0, or a training-mode batch has
        a single example (its variance is 0, so it cannot be normalised).

    Examples
    --------
    >>> bn = BatchNorm(2)
    >>> bn
    BatchNorm(n_features=2, momentum=0.9, eps=1e-05)
    >>> out = bn.forward(np.array([[1.0, 10.0], [3.0, 30.0]]))
    >>> out.round(3)
    array([[-1., -1.],
           [ 1.,  1.]])
    >>> bn.running_mean
    array([0.2, 2. ])
    >>> bn.forward(np.array([[2.0, 20.0]]), training=False).shape
    (1, 2)
    """

    _buffers = ("running_mean", "running_var")

    def __init__(
        self, n_features: int, momentum: float = 0.9, eps: float = 1e-5, dtype: Any = np.float64
    ) -> None:
        super().__init__()
        self.n_features = check_int(n_features, "n_features")
        self.n_in = self.n_out = self.n_features
        self.momentum = check_in_range(momentum, "momentum", 0.0, 1.0, high_inclusive=False)
        self.eps = check_positive(eps, "eps")
        dtype = _check_dtype(dtype)
        self.params = {
            "gamma": np.ones(self.n_features, dtype=dtype),
            "beta": np.zeros(self.n_features, dtype=dtype),
        }
        self.grads = {key: np.zeros_like(value) for key, value in self.params.items()}
        self.running_mean = np.zeros(self.n_features, dtype=dtype)
        self.running_var = np.ones(self.n_features, dtype=dtype)

    def backward(self, dout: Any, *, input_grad: bool = True) -> np.ndarray | None:
        """Fill ``grads`` with $d\\gamma, d\\beta$; return $dx$ (``None`` if not ``input_grad``).

        After an inference-mode forward pass, $\\mu$ and $\\sigma^2$ are constants and
        $dx = dy\\,\\gamma / \\sqrt{\\sigma^2 + \\epsilon}$.
        """
        return self._backward(self._check_dout(dout), input_grad=input_grad)

    def _forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        gamma, beta = self.params["gamma"], self.params["beta"]
        x = x.astype(gamma.dtype, copy=False)
        if training:
            m = x.shape[0]
            if m < 2:
                raise ValueError(
                    "BatchNorm in training mode needs a batch of at least 2 examples: the "
                    "variance of a single example is 0, so it cannot be normalised. Use a "
                    "larger batch, or training=False to apply the running averages."
                )
            mu = x.mean(axis=0)  # (n,)
            xc = x - mu  # (m, n)
            var = np.mean(xc * xc, axis=0)  # (n,) biased: divides by m
            self.running_mean *= self.momentum
            self.running_mean += (1 - self.momentum) * mu
            self.running_var *= self.momentum
            self.running_var += (1 - self.momentum) * var
        else:
            xc = x - self.running_mean  # (m, n)
            var = self.running_var
        self._inv_std = 1 / np.sqrt(var + self.eps)  # (n,)
        self._x_hat = xc * self._inv_std  # (m, n)
        self._batch_stats = training
        return gamma * self._x_hat + beta

    def _backward(self, dout: np.ndarray, input_grad: bool = True) -> np.ndarray | None:
        gamma = self.params["gamma"]
        dy = dout.astype(gamma.dtype, copy=False)  # (m, n)
        x_hat = self._x_hat
        dgamma = np.sum(dy * x_hat, axis=0, out=self.grads["gamma"])  # (n,)
        dbeta = np.sum(dy, axis=0, out=self.grads["beta"])  # (n,)
        if not input_grad:
            return None
        dx_hat = dy * gamma  # (m, n)
        if not self._batch_stats:  # running averages are constants
            return dx_hat * self._inv_std
        m = dy.shape[0]
        # sum_i dx_hat_i = gamma * dbeta and sum_i dx_hat_i x_hat_i = gamma * dgamma
        return (self._inv_std / m) * (m * dx_hat - gamma * dbeta - x_hat * (gamma * dgamma))

    def _repr_args(self) -> str:
        args = f"n_features={self.n_features}, momentum={self.momentum:g}, eps={self.eps:g}"
        if self.dtype != np.float64:
            args += f", dtype={self.dtype}"
        return args

"""Optimizers, sorted in order of increasing complexity, plus gradient clipping.

Every optimizer updates the arrays of ``params`` **in place** from the matching
entries of ``grads`` (two dicts with the same keys, e.g. ``model.parameters()``
and ``model.gradients()``), keeping its running averages per key. The learning
rate ``lr`` is a number or a schedule (a callable ``epoch -> lr`` from
:mod:`deepnotes.schedules`); :meth:`Optimizer.set_epoch` tells the schedule
which epoch it is, and ``t`` counts the steps taken.

Each ``_update`` reads like the formula in its class docstring.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Mapping

import numpy as np

from deepnotes._checks import check_in_range, check_int, check_positive

__all__ = [
    "SGD",
    "Adam",
    "AdamW",
    "GradientOverflow",
    "Momentum",
    "Nesterov",
    "Optimizer",
    "RMSprop",
    "clip_gradients",
]

LearningRate = float | Callable[[int], float]

# Largest gradient whose square (RMSprop, Adam) still fits in the parameter's dtype.
_SQRT_MAX = {
    np.dtype(t): float(np.sqrt(np.finfo(t).max)) for t in (np.float16, np.float32, np.float64)
}


class GradientOverflow(ValueError):
    """A gradient (or the step it causes) is NaN, infinite or too large to square.

    Raised by :meth:`Optimizer.step`; :func:`deepnotes.train.fit` turns it into
    ``TrainingDiverged``. The usual cure is a smaller learning rate, normalized
    inputs or :func:`clip_gradients`.
    """


def _check_lr(lr: object) -> LearningRate:
    """Return ``lr`` if it is a positive number or a callable schedule."""
    if callable(lr):
        return lr
    return check_positive(lr, "lr")


def _check_beta(value: object, name: str) -> float:
    return check_in_range(value, name, 0.0, 1.0, high_inclusive=False)


class Optimizer:
    """Base class: validates ``params``/``grads``, counts steps, resolves the learning rate.

    Subclasses implement ``_update(key, W, dW, lr)``, which changes ``W`` in place.

    Parameters
    ----------
    lr : float or callable
        Learning rate $\\alpha > 0$, or a schedule ``epoch -> lr``.

    Attributes
    ----------
    t : int
        Number of calls to :meth:`step` so far.
    epoch : int
        The epoch a schedule reads (set by :meth:`set_epoch`, 0 at the start).
    state : dict
        Running averages per parameter key (empty for plain SGD).
    """

    def __init__(self, lr: LearningRate) -> None:
        self.lr = _check_lr(lr)
        self.t = 0
        self.epoch = 0
        self.state: dict[str, dict[str, np.ndarray]] = {}
        self._scratch: dict[str, np.ndarray] = {}  # per-key work arrays (Adam)

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch (counting from 0) that a learning-rate schedule reads."""
        self.epoch = check_int(epoch, "epoch", minimum=0)

    @property
    def current_lr(self) -> float:
        """The learning rate used by the next step: ``lr`` or ``lr(epoch)`` for a schedule."""
        if not callable(self.lr):
            return float(self.lr)
        value = self.lr(self.epoch)
        if (
            isinstance(value, bool)
            or not isinstance(value, numbers.Real)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ValueError(
                f"lr schedule {self.lr!r} returned {value!r} at epoch {self.epoch}; "
                "a schedule must return a finite number >= 0"
            )
        return float(value)

    def step(self, params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        """Take one optimization step, updating every array of ``params`` in place.

        Raises
        ------
        ValueError
            If the keys of ``params`` and ``grads`` differ or a shape differs.
        GradientOverflow
            (a ``ValueError``) If a gradient holds NaN/inf or is so large that its
            square overflows ($|dW| > \\sqrt{\\text{largest float}}$), or the step
            overflows; nothing is updated in the first case.
        TypeError
            If a parameter is not a floating-point ``numpy.ndarray``.
        """
        self._check(params, grads)
        self.t += 1
        lr = self.current_lr
        # An explicit check, not np.errstate(over="raise"): WebAssembly (Pyodide) has no
        # floating-point traps, so errstate never raises in the browser.
        with np.errstate(over="ignore", invalid="ignore"):
            for key, W in params.items():
                self._update(key, W, np.asarray(grads[key]), lr)
                # A finite sum means no NaN/inf (both propagate); only when the sum is not
                # finite (or finite values overflow it) the exact, slower check decides.
                if not math.isfinite(W.sum()) and not np.isfinite(W).all():
                    raise GradientOverflow(
                        f"the step for params[{key!r}] overflowed to inf or NaN; "
                        f"try a smaller learning rate than {lr:g} or clip_gradients"
                    )

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        raise NotImplementedError  # pragma: no cover

    def _slot(self, key: str, name: str, W: np.ndarray) -> np.ndarray:
        """The running-average array ``name`` for parameter ``key`` (zeros at first)."""
        slots = self.state.setdefault(key, {})
        if name not in slots or slots[name].shape != W.shape:
            slots[name] = np.zeros_like(W)
        return slots[name]

    @staticmethod
    def _check(params: Mapping[str, np.ndarray], grads: Mapping[str, np.ndarray]) -> None:
        if not isinstance(params, Mapping) or not isinstance(grads, Mapping):
            raise TypeError(
                "params and grads must be dicts name -> array (model.parameters(), "
                f"model.gradients()); got {type(params).__name__} and {type(grads).__name__}"
            )
        if params.keys() != grads.keys():
            missing = sorted(set(params) - set(grads))
            extra = sorted(set(grads) - set(params))
            raise ValueError(
                "params and grads must have the same keys; "
                f"missing in grads: {missing}, not in params: {extra}"
            )
        for key, W in params.items():
            if not isinstance(W, np.ndarray) or W.dtype.kind != "f":
                raise TypeError(
                    f"params[{key!r}] must be a floating-point numpy array (updated in place); "
                    f"got {type(W).__name__}"
                )
            dW = np.asarray(grads[key])
            if dW.shape != W.shape:
                raise ValueError(
                    f"grads[{key!r}] must have the shape of params[{key!r}] {W.shape}; "
                    f"got {dW.shape}"
                )
            if not dW.size:
                continue
            # NaN, inf and values whose square would overflow: a NaN fails both comparisons.
            # Two reductions and no temporary (np.abs(dW) would write a copy of dW first).
            largest, smallest = dW.max(), dW.min()
            limit = _SQRT_MAX.get(W.dtype, np.inf)
            if not (largest <= limit and smallest >= -limit):
                size = max(abs(largest), abs(smallest))
                problem = "NaN or inf" if not np.isfinite(size) else f"|dW| = {size:.3g}"
                raise GradientOverflow(
                    f"grads[{key!r}] contains {problem}: the run has diverged "
                    "(try a smaller learning rate, normalized inputs or clip_gradients)"
                )

    def _hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._hyperparameters().items())
        return f"{type(self).__name__}({args})"


class SGD(Optimizer):
    """Plain (mini-batch) gradient descent.

    $$W \\leftarrow W - \\alpha\\, dW$$

    Parameters
    ----------
    lr : float or callable
        Learning rate $\\alpha > 0$ or a schedule ``epoch -> lr``.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([1.0, 2.0])
    >>> SGD(lr=0.1).step({"W": W}, {"W": np.array([1.0, -1.0])})
    >>> W
    array([0.9, 2.1])
    """

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        W -= lr * dW


class Momentum(Optimizer):
    """Gradient descent with momentum, in the notes' averaging form.

    $$v \\leftarrow \\beta v + (1 - \\beta)\\, dW, \\qquad W \\leftarrow W - \\alpha v$$

    $v$ is an exponentially weighted average of the gradients (no bias correction,
    as in the course); it starts at 0.

    Parameters
    ----------
    lr : float or callable
        Learning rate $\\alpha > 0$ or a schedule.
    beta : float, default 0.9
        Momentum $\\beta \\in [0, 1)$; ``beta=0`` is plain SGD.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([1.0])
    >>> opt = Momentum(lr=1.0, beta=0.9)
    >>> opt.step({"W": W}, {"W": np.array([1.0])})  # v = 0.1
    >>> W
    array([0.9])
    """

    def __init__(self, lr: LearningRate, beta: float = 0.9) -> None:
        super().__init__(lr)
        self.beta = _check_beta(beta, "beta")

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        v = self._slot(key, "v", W)
        v *= self.beta
        v += (1 - self.beta) * dW  # v = beta*v + (1-beta)*dW
        W -= lr * v

    def _hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "beta": self.beta}


class Nesterov(Momentum):
    """Nesterov accelerated gradient: momentum that steps from the look-ahead point.

    $$v \\leftarrow \\beta v + (1 - \\beta)\\, dW, \\qquad
    W \\leftarrow W - \\alpha\\,\\big(\\beta v + (1 - \\beta)\\, dW\\big)$$

    This is the usual rewrite of "evaluate the gradient at $W - \\alpha\\beta v$"
    in terms of the gradient at the current $W$, in the notes' averaging form.

    Parameters
    ----------
    lr : float or callable
        Learning rate $\\alpha > 0$ or a schedule.
    beta : float, default 0.9
        Momentum $\\beta \\in [0, 1)$.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([1.0])
    >>> Nesterov(lr=1.0, beta=0.9).step({"W": W}, {"W": np.array([1.0])})
    >>> W  # v = 0.1; step = 0.9*0.1 + 0.1*1 = 0.19
    array([0.81])
    """

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        v = self._slot(key, "v", W)
        v *= self.beta
        v += (1 - self.beta) * dW  # v = beta*v + (1-beta)*dW
        W -= lr * (self.beta * v + (1 - self.beta) * dW)


class RMSprop(Optimizer):
    """RMSprop: divide each gradient by a running root mean square of its recent values.

    $$s \\leftarrow \\beta s + (1 - \\beta)\\, dW^2, \\qquad
    W \\leftarrow W - \\alpha\\, \\frac{dW}{\\sqrt{s} + \\varepsilon}$$

    Parameters
    ----------
    lr : float or callable
        Learning rate $\\alpha > 0$ or a schedule.
    beta : float, default 0.999
        Decay of the squared-gradient average, in $[0, 1)$.
    eps : float, default 1e-8
        $\\varepsilon > 0$, keeps the division safe.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([1.0, 1.0])
    >>> RMSprop(lr=0.01, beta=0.0).step({"W": W}, {"W": np.array([100.0, 0.01])})
    >>> W.round(6)  # both coordinates move by lr, whatever the gradient's scale
    array([0.99, 0.99])
    """

    def __init__(self, lr: LearningRate, beta: float = 0.999, eps: float = 1e-8) -> None:
        super().__init__(lr)
        self.beta = _check_beta(beta, "beta")
        self.eps = check_positive(eps, "eps")

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        s = self._slot(key, "s", W)
        s *= self.beta
        s += (1 - self.beta) * dW**2  # s = beta*s + (1-beta)*dW^2
        W -= lr * dW / (np.sqrt(s) + self.eps)

    def _hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "beta": self.beta, "eps": self.eps}


class Adam(Optimizer):
    """Adam: momentum and RMSprop together, with bias correction.

    $$v \\leftarrow \\beta_1 v + (1 - \\beta_1)\\, dW, \\qquad
    s \\leftarrow \\beta_2 s + (1 - \\beta_2)\\, dW^2$$

    $$\\hat v = \\frac{v}{1 - \\beta_1^t}, \\qquad \\hat s = \\frac{s}{1 - \\beta_2^t}, \\qquad
    W \\leftarrow W - \\alpha\\, \\frac{\\hat v}{\\sqrt{\\hat s} + \\varepsilon}$$

    $t$ is the step count (starting at 1), so the first steps are not biased
    towards the zero start of $v$ and $s$.

    Parameters
    ----------
    lr : float or callable, default 0.001
        Learning rate $\\alpha > 0$ or a schedule.
    beta1 : float, default 0.9
        Decay of the gradient average (momentum), in $[0, 1)$.
    beta2 : float, default 0.999
        Decay of the squared-gradient average (RMSprop), in $[0, 1)$.
    eps : float, default 1e-8
        $\\varepsilon > 0$.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.array([1.0, 1.0])
    >>> opt = Adam(lr=0.1)
    >>> opt.step({"W": W}, {"W": np.array([3.0, -0.5])})
    >>> W.round(6)  # the first step has size lr in each coordinate
    array([0.9, 1.1])
    >>> opt
    Adam(lr=0.1, beta1=0.9, beta2=0.999, eps=1e-08)
    """

    def __init__(
        self,
        lr: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
    ) -> None:
        super().__init__(lr)
        self.beta1 = _check_beta(beta1, "beta1")
        self.beta2 = _check_beta(beta2, "beta2")
        self.eps = check_positive(eps, "eps")

    def _adam_direction(
        self, key: str, W: np.ndarray, dW: np.ndarray, scale: float = 1.0
    ) -> np.ndarray:
        """Return ``scale`` $\\cdot \\hat v / (\\sqrt{\\hat s} + \\varepsilon)$ after updating
        $v$ and $s$.

        The bias corrections are folded into two scalars, which saves two passes over
        the array: with $c_1 = 1 - \\beta_1^t$ and $c_2 = 1 - \\beta_2^t$,
        $\\hat v / (\\sqrt{\\hat s} + \\varepsilon)
        = \\frac{\\sqrt{c_2}}{c_1} \\cdot v / (\\sqrt{s} + \\varepsilon \\sqrt{c_2})$.
        Every operation works in place, in a scratch array kept per parameter (the step
        is the costliest part of training after the matrix products, and fresh arrays
        of a large layer's size cost more than the arithmetic). The result is that
        scratch array: the callers may change it in place, until the next step.
        """
        v = self._slot(key, "v", W)
        s = self._slot(key, "s", W)
        scratch = self._scratch.get(key)
        if scratch is None or scratch.shape != W.shape or scratch.dtype != W.dtype:
            scratch = self._scratch[key] = np.empty_like(W)
        v *= self.beta1
        v += np.multiply(dW, 1 - self.beta1, out=scratch)  # v = beta1*v + (1-beta1)*dW
        s *= self.beta2
        np.square(dW, out=scratch)
        s += np.multiply(scratch, 1 - self.beta2, out=scratch)  # s = beta2*s + (1-beta2)*dW^2
        root_c2 = math.sqrt(1 - self.beta2**self.t)
        direction = np.sqrt(s, out=scratch)
        direction += self.eps * root_c2  # (sqrt(s_hat) + eps) * sqrt(c2)
        np.divide(v, direction, out=direction)
        direction *= scale * root_c2 / (1 - self.beta1**self.t)  # scale * v_hat / (...)
        return direction

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        W -= self._adam_direction(key, W, dW, scale=lr)  # W - lr * v_hat / (sqrt(s_hat) + eps)

    def _hyperparameters(self) -> dict[str, object]:
        return {"lr": self.lr, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}


class AdamW(Adam):
    """Adam with decoupled weight decay (Loshchilov & Hutter).

    $$W \\leftarrow W - \\alpha\\left(\\frac{\\hat v}{\\sqrt{\\hat s} + \\varepsilon}
    + \\lambda_{wd}\\, W\\right)$$

    With L2 regularization the decay term $\\frac{\\lambda}{m} W$ goes *into* $dW$ and is
    then divided by $\\sqrt{\\hat s}$, so under Adam weights with large gradients are
    barely decayed: L2 is not weight decay there. AdamW shrinks every weight at the
    same rate. Only arrays with two or more dimensions (weight matrices ``W``) are
    decayed; biases and batch-norm ``gamma``/``beta`` are left alone, like L2.

    Parameters
    ----------
    lr : float or callable, default 0.001
        Learning rate $\\alpha > 0$ or a schedule.
    beta1, beta2, eps : float
        As in :class:`Adam`.
    weight_decay : float, default 0.01
        $\\lambda_{wd} \\ge 0$.

    Examples
    --------
    >>> import numpy as np
    >>> W = np.ones((1, 2))
    >>> AdamW(lr=0.1, weight_decay=0.5).step({"W": W}, {"W": np.zeros((1, 2))})
    >>> W  # zero gradient: only the decay acts, W -= 0.1 * 0.5 * W
    array([[0.95, 0.95]])
    """

    def __init__(
        self,
        lr: LearningRate = 0.001,
        beta1: float = 0.9,
        beta2: float = 0.999,
        eps: float = 1e-8,
        weight_decay: float = 0.01,
    ) -> None:
        super().__init__(lr, beta1, beta2, eps)
        self.weight_decay = check_in_range(weight_decay, "weight_decay", 0.0, math.inf)

    def _update(self, key: str, W: np.ndarray, dW: np.ndarray, lr: float) -> None:
        direction = self._adam_direction(key, W, dW)
        if W.ndim >= 2:
            direction += self.weight_decay * W  # decoupled: not divided by sqrt(s_hat)
        direction *= lr
        W -= direction

    def _hyperparameters(self) -> dict[str, object]:
        return {**super()._hyperparameters(), "weight_decay": self.weight_decay}


def clip_gradients(grads: Mapping[str, np.ndarray], max_norm: float) -> float:
    """Rescale all gradients together (in place) so their global norm is at most ``max_norm``.

    $$\\lVert g \\rVert = \\sqrt{\\textstyle\\sum_k \\lVert dW_k \\rVert^2}, \\qquad
    dW_k \\leftarrow dW_k \\cdot \\frac{\\text{max\\_norm}}{\\lVert g \\rVert}
    \\ \\text{ if } \\lVert g \\rVert > \\text{max\\_norm}$$

    The direction of the step is kept; only its length is capped, which stops one
    exploding gradient from throwing the weights far away.

    Parameters
    ----------
    grads : dict of str to ndarray
        Gradients (e.g. ``model.gradients()``); floating-point arrays, changed in place.
    max_norm : float
        Largest allowed global norm, > 0.

    Returns
    -------
    float
        The global norm *before* clipping (useful to plot).

    Raises
    ------
    ValueError
        If ``max_norm <= 0``.
    GradientOverflow
        (a ``ValueError``) If a gradient holds NaN/inf or its norm overflows.

    Examples
    --------
    >>> import numpy as np
    >>> grads = {"W": np.array([3.0, 0.0]), "b": np.array([4.0])}
    >>> clip_gradients(grads, max_norm=1.0)
    5.0
    >>> grads["W"], grads["b"]
    (array([0.6, 0. ]), array([0.8]))
    """
    max_norm = check_positive(max_norm, "max_norm")
    if not isinstance(grads, Mapping):
        raise TypeError(f"grads must be a dict name -> array; got {type(grads).__name__}")
    total = 0.0
    for key, dW in grads.items():
        if not isinstance(dW, np.ndarray) or dW.dtype.kind != "f":
            raise TypeError(
                f"grads[{key!r}] must be a floating-point numpy array; got {type(dW).__name__}"
            )
        with np.errstate(over="ignore", invalid="ignore"):
            square = float(np.sum(np.square(dW, dtype=np.float64)))
        if not math.isfinite(square):
            raise GradientOverflow(
                f"grads[{key!r}] contains NaN or inf (or its norm overflows); cannot clip"
            )
        total += square
    norm = math.sqrt(total)
    if norm > max_norm:
        scale = max_norm / norm
        for dW in grads.values():
            dW *= scale
    return norm

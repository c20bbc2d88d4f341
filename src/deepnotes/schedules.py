"""Learning-rate schedules: pure functions of the epoch.

Each function here takes the hyperparameters and returns a :class:`Schedule`, a
callable ``epoch -> lr`` that never changes itself (like nanoGPT's ``get_lr``):
the same epoch always gives the same rate. Epochs count from 0, so every
schedule starts at ``lr(0) == lr0``. A schedule also accepts a NumPy array of
epochs, which is handy for plotting.

Pass a schedule as an optimizer's ``lr`` (``Adam(lr=exponential(0.01))``) or as
``fit(..., schedule=...)``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from deepnotes._checks import check_in_range, check_int, check_positive

__all__ = ["Schedule", "constant", "exponential", "inverse_sqrt", "inverse_time", "step"]


@dataclass(frozen=True)
class Schedule:
    """A learning rate as a pure function of the epoch (counting from 0).

    Parameters
    ----------
    formula : callable
        ``epoch -> lr`` on non-negative floats or arrays of them.
    description : str
        What ``repr`` shows, e.g. ``"exponential(lr0=0.1, base=0.95)"``.

    Examples
    --------
    >>> sched = exponential(0.1, base=0.5)
    >>> sched(2)
    0.025
    >>> sched
    exponential(lr0=0.1, base=0.5)
    """

    formula: Callable[[np.ndarray], np.ndarray]
    description: str

    def __call__(self, epoch: int | np.ndarray) -> float | np.ndarray:
        """Return the learning rate at ``epoch`` (an int >= 0, or an array of them)."""
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Real | np.ndarray):
            raise TypeError(
                f"epoch must be an int >= 0 or an array of them; got {epoch!r} "
                f"({type(epoch).__name__})"
            )
        epochs = np.asarray(epoch)
        if epochs.dtype.kind not in "iuf":
            raise TypeError(f"epoch must hold numbers; got dtype {epochs.dtype}")
        if epochs.size and not (np.all(np.isfinite(epochs)) and np.all(epochs >= 0)):
            raise ValueError(f"epoch must be >= 0 (epochs count from 0); got {epoch!r}")
        lr = self.formula(epochs.astype(np.float64))
        return float(lr) if epochs.ndim == 0 else lr

    def __repr__(self) -> str:
        return self.description


def _describe(name: str, **params: object) -> str:
    return f"{name}(" + ", ".join(f"{k}={v!r}" for k, v in params.items()) + ")"


def constant(lr0: float) -> Schedule:
    """The same learning rate at every epoch: $\\alpha = \\alpha_0$.

    Parameters
    ----------
    lr0 : float
        Learning rate $\\alpha_0 > 0$.

    Examples
    --------
    >>> constant(0.01)(100)
    0.01
    """
    lr0 = check_positive(lr0, "lr0")
    return Schedule(lambda e: np.full_like(e, lr0), _describe("constant", lr0=lr0))


def inverse_time(lr0: float, decay_rate: float, interval: int | None = None) -> Schedule:
    """The course's learning-rate decay $\\alpha = \\frac{\\alpha_0}{1 + \\text{decay\\_rate}
    \\cdot \\text{epoch}}$.

    With ``interval`` the decay is a staircase: ``epoch`` is replaced by
    $\\lfloor \\text{epoch} / \\text{interval} \\rfloor$, so the rate drops every
    ``interval`` epochs and stays flat in between.

    Parameters
    ----------
    lr0 : float
        Initial learning rate $\\alpha_0 > 0$.
    decay_rate : float
        How fast the rate falls, >= 0 (0 is a constant rate).
    interval : int, optional
        Staircase width in epochs (>= 1).

    Examples
    --------
    >>> lr = inverse_time(0.2, decay_rate=1.0)
    >>> [lr(e) for e in range(4)]
    [0.2, 0.1, 0.0666..., 0.05]
    >>> [inverse_time(0.2, 1.0, interval=2)(e) for e in range(4)]
    [0.2, 0.2, 0.1, 0.1]
    """
    lr0 = check_positive(lr0, "lr0")
    decay_rate = check_in_range(decay_rate, "decay_rate", 0.0, math.inf)
    if interval is None:
        return Schedule(
            lambda e: lr0 / (1 + decay_rate * e),
            _describe("inverse_time", lr0=lr0, decay_rate=decay_rate),
        )
    interval = check_int(interval, "interval", minimum=1)
    return Schedule(
        lambda e: lr0 / (1 + decay_rate * np.floor(e / interval)),
        _describe("inverse_time", lr0=lr0, decay_rate=decay_rate, interval=interval),
    )


def exponential(lr0: float, base: float = 0.95) -> Schedule:
    """Exponential decay $\\alpha = \\alpha_0 \\cdot \\text{base}^{\\,\\text{epoch}}$.

    Parameters
    ----------
    lr0 : float
        Initial learning rate $\\alpha_0 > 0$.
    base : float, default 0.95
        Factor per epoch, in $(0, 1]$.

    Examples
    --------
    >>> import numpy as np
    >>> exponential(1.0, base=0.5)(np.arange(4))
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    lr0 = check_positive(lr0, "lr0")
    base = check_in_range(base, "base", 0.0, 1.0, low_inclusive=False)
    return Schedule(lambda e: lr0 * base**e, _describe("exponential", lr0=lr0, base=base))


def inverse_sqrt(lr0: float, k: float = 1.0) -> Schedule:
    """Decay with the square root of the epoch: $\\alpha = \\frac{k}{\\sqrt{\\text{epoch} + 1}}
    \\,\\alpha_0$.

    The notes write $\\frac{k}{\\sqrt{\\text{epoch\\_num}}}\\alpha_0$ with ``epoch_num``
    counting from 1; our epochs count from 0, hence the $+1$: ``lr(0) == k * lr0``.

    Parameters
    ----------
    lr0 : float
        Base learning rate $\\alpha_0 > 0$.
    k : float, default 1.0
        Constant $k > 0$.

    Examples
    --------
    >>> lr = inverse_sqrt(0.1)
    >>> lr(0), lr(3)
    (0.1, 0.05)
    """
    lr0 = check_positive(lr0, "lr0")
    k = check_positive(k, "k")
    return Schedule(lambda e: k * lr0 / np.sqrt(e + 1), _describe("inverse_sqrt", lr0=lr0, k=k))


def step(lr0: float, factor: float, every: int) -> Schedule:
    """Step decay: multiply by ``factor`` every ``every`` epochs,
    $\\alpha = \\alpha_0 \\cdot \\text{factor}^{\\lfloor \\text{epoch} / \\text{every} \\rfloor}$.

    Parameters
    ----------
    lr0 : float
        Initial learning rate $\\alpha_0 > 0$.
    factor : float
        Multiplier per step, in $(0, 1]$.
    every : int
        Epochs between drops, >= 1.

    Examples
    --------
    >>> lr = step(0.1, factor=0.5, every=10)
    >>> lr(9), lr(10), lr(25)
    (0.1, 0.05, 0.025)
    """
    lr0 = check_positive(lr0, "lr0")
    factor = check_in_range(factor, "factor", 0.0, 1.0, low_inclusive=False)
    every = check_int(every, "every", minimum=1)
    return Schedule(
        lambda e: lr0 * factor ** np.floor(e / every),
        _describe("step", lr0=lr0, factor=factor, every=every),
    )

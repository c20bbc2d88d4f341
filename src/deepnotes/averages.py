"""Exponentially weighted moving averages (the building block of momentum, RMSprop, Adam)."""

from __future__ import annotations

import numpy as np

from deepnotes._checks import as_float_array, check_in_range

__all__ = ["ewma"]


def ewma(values: object, beta: float = 0.9, bias_correction: bool = True) -> np.ndarray:
    """Exponentially weighted moving average of a sequence, with optional bias correction.

    $$v_0 = 0, \\qquad v_t = \\beta\\, v_{t-1} + (1 - \\beta)\\, \\theta_t, \\qquad
    \\hat v_t = \\frac{v_t}{1 - \\beta^t}$$

    $v_t$ averages roughly the last $\\frac{1}{1 - \\beta}$ values. Because $v_0 = 0$,
    the first averages are too small; dividing by $1 - \\beta^t$ (bias correction)
    fixes that and matters less and less as $t$ grows.

    Parameters
    ----------
    values : array-like
        The sequence $\\theta_1, \\dots, \\theta_T$ along axis 0 (1-D, or n-D to
        average several series at once). Finite numbers.
    beta : float, default 0.9
        Weight of the past, in $[0, 1)$; ``beta=0`` returns ``values`` unchanged.
    bias_correction : bool, default True
        Return $\\hat v_t$ instead of $v_t$.

    Returns
    -------
    ndarray
        The averages, same shape as ``values`` (float64, or float32 for float32 input).

    Raises
    ------
    ValueError
        If ``values`` is empty or holds NaN/inf, or ``beta`` is outside $[0, 1)$.
    TypeError
        If ``values`` is not numeric or ``bias_correction`` is not a bool.

    Examples
    --------
    >>> ewma([10.0, 10.0, 10.0], beta=0.5, bias_correction=False)
    array([5.  , 7.5 , 8.75])
    >>> ewma([10.0, 10.0, 10.0], beta=0.5)
    array([10., 10., 10.])
    """
    theta = as_float_array(values, "values")
    if theta.ndim == 0:
        raise ValueError(f"values must be a sequence (at least 1-D); got a scalar {values!r}")
    beta = check_in_range(beta, "beta", 0.0, 1.0, high_inclusive=False)
    if not isinstance(bias_correction, bool | np.bool_):
        raise TypeError(f"bias_correction must be True or False; got {bias_correction!r}")
    averages = np.empty_like(theta)
    v = np.zeros_like(theta[0])
    for t in range(theta.shape[0]):
        v = beta * v + (1 - beta) * theta[t]
        averages[t] = v
    if bias_correction:
        t = np.arange(1, theta.shape[0] + 1).reshape((-1,) + (1,) * (theta.ndim - 1))
        averages /= 1 - beta**t
    return averages

r"""Gradient checking: compare backpropagation with a two-sided numerical difference.

For every entry $\theta_i$ of every parameter,

$$d\theta_{\mathrm{approx}, i} = \frac{J(\theta + \varepsilon e_i) - J(\theta - \varepsilon e_i)}
{2\varepsilon},$$

whose error shrinks like $\varepsilon^2$ (a one-sided difference only like
$\varepsilon$). The vectors are compared by their relative error

$$\frac{\lVert d\theta - d\theta_{\mathrm{approx}} \rVert_2}
{\lVert d\theta \rVert_2 + \lVert d\theta_{\mathrm{approx}} \rVert_2}.$$

The notes' rule of thumb with $\varepsilon = 10^{-7}$: below $10^{-7}$ the gradient
is right ("ok"), up to $10^{-5}$ look closer ("check"), above that there is almost
certainly a bug ("wrong").
[`gradient_check_report`][deepnotes.gradcheck.gradient_check_report] gives the error
per parameter (``"0.W"``, ``"2.gamma"``, ...), which points at the layer with the bug.

This is a debugging tool: it costs two forward passes per parameter entry, so run it
on a small network and a few examples, never inside training.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import numpy as np

from deepnotes._checks import as_float_array, check_in_range
from deepnotes.layers import Dropout
from deepnotes.losses import Loss, l2_gradients, l2_penalty
from deepnotes.model import Sequential

__all__ = [
    "CHECK_BELOW",
    "OK_BELOW",
    "GradientCheckReport",
    "ParameterCheck",
    "gradient_check",
    "gradient_check_report",
    "relative_error",
    "verdict",
]

OK_BELOW = 1e-7
"""Relative errors below this are "ok" (the notes' rule of thumb for eps = 1e-7)."""
CHECK_BELOW = 1e-5
"""Relative errors in ``[OK_BELOW, CHECK_BELOW)`` deserve a closer look ("check")."""


def relative_error(g: Any, g_approx: Any, floor: float = 0.0) -> float:
    r"""Relative error of two gradient vectors, guarded against 0/0.

    $$\frac{\lVert g - g' \rVert_2}{\max(\lVert g \rVert_2 + \lVert g' \rVert_2,
    \ \mathrm{floor})}$$

    Two all-zero vectors agree perfectly: the result is 0 rather than 0/0. ``floor``
    (default 0) keeps gradients that are zero up to rounding noise from dividing
    noise by noise;
    [`gradient_check_report`][deepnotes.gradcheck.gradient_check_report] sets it to
    the resolution of the difference quotient.

    Examples
    --------
    >>> relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.0]))
    0.0
    >>> relative_error(np.array([2.0, 0.0]), np.array([1.0, 0.0]))
    0.3333
    >>> relative_error(np.zeros(3), np.zeros(3))
    0.0
    """
    g = np.asarray(g, dtype=np.float64).ravel()
    g_approx = np.asarray(g_approx, dtype=np.float64).ravel()
    denominator = max(float(np.linalg.norm(g) + np.linalg.norm(g_approx)), floor)
    if denominator == 0:
        return 0.0
    return float(np.linalg.norm(g - g_approx) / denominator)


def verdict(error: float) -> str:
    """``"ok"`` below 1e-7, ``"check"`` below 1e-5, ``"wrong"`` otherwise (NaN is wrong).

    Examples
    --------
    >>> verdict(3e-9), verdict(2e-6), verdict(0.02)
    ('ok', 'check', 'wrong')
    """
    if error < OK_BELOW:
        return "ok"
    if error < CHECK_BELOW:
        return "check"
    return "wrong"


@dataclass(frozen=True)
class ParameterCheck:
    """Result of the check for one parameter array.

    Attributes
    ----------
    name : str
        Parameter key, e.g. ``"0.W"`` (layer index, parameter name).
    relative_error : float
        Relative error between backprop and the numerical gradient of this array.
    max_abs_diff : float
        Largest absolute difference of one entry.
    worst_index : tuple of int
        Index (into the array) of that entry.
    verdict : str
        ``"ok"``, ``"check"`` or ``"wrong"``.
    """

    name: str
    relative_error: float
    max_abs_diff: float
    worst_index: tuple[int, ...]
    verdict: str


@dataclass(frozen=True)
class GradientCheckReport:
    """Result of a gradient check: overall and per-parameter errors.

    Returned by [`gradient_check_report`][deepnotes.gradcheck.gradient_check_report].

    Attributes
    ----------
    relative_error : float
        Over all parameters stacked into one vector (what
        [`gradient_check`][deepnotes.gradcheck.gradient_check] returns).
    parameters : dict of str to ParameterCheck
        One entry per parameter array, in the model's order.
    eps, lambd : float
        The settings used.
    """

    relative_error: float
    parameters: dict[str, ParameterCheck]
    eps: float
    lambd: float

    @property
    def verdict(self) -> str:
        """Verdict of the overall relative error."""
        return verdict(self.relative_error)

    @property
    def worst(self) -> ParameterCheck:
        """The parameter with the largest relative error: where to look for a bug."""
        return max(self.parameters.values(), key=lambda check: check.relative_error)

    def __str__(self) -> str:
        width = max(len("parameter"), *(len(name) for name in self.parameters))
        lines = [f"{'parameter':<{width}}  {'rel. error':>10}  {'max |diff|':>10}  verdict"]
        for check in self.parameters.values():
            lines.append(
                f"{check.name:<{width}}  {check.relative_error:>10.2e}  "
                f"{check.max_abs_diff:>10.2e}  {check.verdict}"
            )
        lines.append(
            f"{'overall':<{width}}  {self.relative_error:>10.2e}  {'':>10}  {self.verdict}"
        )
        return "\n".join(lines)


def _refuse_dropout(model: Sequential) -> None:
    for i, layer in enumerate(model.layers):
        if isinstance(layer, Dropout) and layer.keep_prob < 1:
            raise ValueError(
                f"layer {i} is {layer!r}: dropout draws a new random mask on every forward "
                "pass, so J(theta + eps) and J(theta - eps) would be costs of different "
                "networks and the check would fail even for a correct backprop. Check "
                f"gradients with dropout off (model.layers[{i}].keep_prob = 1.0), then turn "
                "dropout back on for training."
            )


def gradient_check_report(
    model: Sequential,
    loss: Loss,
    X: Any,
    Y: Any,
    eps: float = 1e-7,
    lambd: float = 0.0,
) -> GradientCheckReport:
    r"""Compare backprop's gradient of every parameter with the two-sided difference.

    The cost $J(\theta)$ is the one training minimises:
    ``loss.forward(model.forward(X, training=True), Y)`` plus, when
    ``lambd > 0``, [`l2_penalty`][deepnotes.losses.l2_penalty] (so the backprop side adds
    [`l2_gradients`][deepnotes.losses.l2_gradients]). For each entry $\theta_i$:

    $$d\theta_{\mathrm{approx}, i} = \frac{J(\theta + \varepsilon e_i) -
    J(\theta - \varepsilon e_i)}{2\varepsilon}$$

    (dividing by the steps actually taken after rounding $\theta_i \pm \varepsilon$,
    which differ from $\varepsilon$ in the last bits).

    A parameter whose true gradient is 0, such as the bias of a ``Dense`` layer
    followed by ``BatchNorm`` (which subtracts the mean again), has both gradients at
    rounding-noise level. So that noise divided by noise does not read as "wrong", the
    denominator of the relative error is at least the resolution of the difference
    quotient, $\epsilon_{\mathrm{mach}} \max(1, |J|) / \varepsilon$ (about 2e-9 for
    $J \approx 1$).

    The check runs in float64 on a copy of the model (see
    [`Sequential.astype`][deepnotes.model.Sequential.astype]) and of the loss: a float32 model is
    checked through its float64 copy, because float32's ~7 significant digits cannot
    resolve a relative error below about 1e-3. The model, its gradients, running
    averages and the loss object are left untouched. Batch norm is checked in training
    mode (batch statistics), the mode whose gradient training uses.

    Parameters
    ----------
    model : Sequential
        The network. Dropout layers must have ``keep_prob == 1``.
    loss : Loss
        E.g. [`BinaryCrossEntropy`][deepnotes.losses.BinaryCrossEntropy].
    X : array_like
        Inputs ``(m, n_features)``; a few examples suffice.
    Y : array_like
        Labels, as ``loss`` expects them.
    eps : float
        Step $0 < \varepsilon \le 1$ (default 1e-7, as in the notes).
    lambd : float
        L2 strength $\lambda \ge 0$ included in the cost.

    Returns
    -------
    GradientCheckReport
        Overall and per-parameter relative error, largest absolute difference and
        verdict (``"ok"`` < 1e-7 <= ``"check"`` < 1e-5 <= ``"wrong"``).

    Raises
    ------
    ValueError
        If the model contains dropout with ``keep_prob < 1`` (check with
        ``keep_prob = 1``, then turn dropout on), ``eps`` outside ``(0, 1]``,
        ``lambd`` < 0, ``X``/``Y`` are invalid for the model and loss, or the cost or a
        gradient overflows (e.g. ``lambd = 1e300``).
    TypeError
        If ``model`` is not a ``Sequential`` or ``loss`` not a ``Loss``.

    Examples
    --------
    >>> from deepnotes.layers import Dense, Tanh
    >>> from deepnotes.losses import MeanSquaredError
    >>> rng = np.random.default_rng(0)
    >>> model = Sequential([Dense(3, 4, rng=rng), Tanh(), Dense(4, 1, rng=rng)])
    >>> X, Y = rng.standard_normal((5, 3)), rng.standard_normal((5, 1))
    >>> report = gradient_check_report(model, MeanSquaredError(), X, Y, lambd=0.1)
    >>> report.verdict, list(report.parameters)
    ('ok', ['0.W', '0.b', '2.W', '2.b'])
    >>> print(report)  # doctest: +SKIP
    parameter  rel. error  max |diff|  verdict
    0.W          1.02e-09    4.36e-10  ok
    ...
    """
    if not isinstance(model, Sequential):
        raise TypeError(f"model must be a deepnotes Sequential; got {type(model).__name__}")
    if not isinstance(loss, Loss):
        raise TypeError(
            f"loss must be a deepnotes loss (e.g. BinaryCrossEntropy()); got {type(loss).__name__}"
        )
    _refuse_dropout(model)
    eps = check_in_range(eps, "eps", 0.0, 1.0, low_inclusive=False)
    lambd = check_in_range(lambd, "lambd", 0.0, np.inf)

    net = model.astype(np.float64)
    loss = copy.deepcopy(loss)
    X = as_float_array(X, "X", ndim=2).astype(np.float64, copy=False)
    Y = np.asarray(Y)
    if Y.dtype == np.float32:
        Y = Y.astype(np.float64)
    # Warnings off, then an explicit finiteness check: WebAssembly has no floating-point
    # exception flags, so np.errstate(over="raise") would not fire in Pyodide.
    with np.errstate(over="ignore", invalid="ignore"):
        report = _compare_gradients(net, loss, X, Y, eps, lambd)
    errors = [report.relative_error, *(c.relative_error for c in report.parameters.values())]
    if not np.all(np.isfinite(errors)):
        raise ValueError(
            f"the gradient check overflowed with eps={eps:g}, lambd={lambd:g}: the cost or "
            "its gradients are not finite at these parameters; use a small eps (1e-7 in "
            "float64) and a moderate lambd"
        )
    return report


def _compare_gradients(
    net: Sequential, loss: Loss, X: np.ndarray, Y: np.ndarray, eps: float, lambd: float
) -> GradientCheckReport:
    """Backprop's gradients against central differences, parameter by parameter."""
    m = X.shape[0]

    def cost() -> float:
        J = loss.forward(net.forward(X, training=True), Y)
        return J + l2_penalty(net, lambd, m) if lambd else J

    J0 = cost()
    net.backward(loss.backward())
    grads = {name: g.copy() for name, g in net.gradients().items()}
    if lambd:
        for name, dW in l2_gradients(net, lambd, m).items():
            grads[name] += dW

    approx = {}
    for name, theta in net.parameters().items():
        numeric = np.empty_like(theta)
        flat = theta.reshape(-1)  # a view: writing flat[i] perturbs the model's parameter
        for i in range(flat.size):
            original = flat[i]
            flat[i] = original + eps
            step_up = flat[i] - original  # eps after rounding
            J_plus = cost()
            flat[i] = original - eps
            step_down = original - flat[i]
            J_minus = cost()
            flat[i] = original
            numeric.flat[i] = (J_plus - J_minus) / (step_up + step_down)
        approx[name] = numeric

    floor = float(np.finfo(np.float64).eps) * max(1.0, abs(J0)) / eps
    checks = {}
    for name, g in grads.items():
        diff = np.abs(g - approx[name])
        error = relative_error(g, approx[name], floor)
        worst = tuple(int(k) for k in np.unravel_index(np.argmax(diff), diff.shape))
        checks[name] = ParameterCheck(name, error, float(diff.max()), worst, verdict(error))
    overall = relative_error(
        np.concatenate([g.ravel() for g in grads.values()]),
        np.concatenate([a.ravel() for a in approx.values()]),
        floor,
    )
    return GradientCheckReport(overall, checks, eps, lambd)


def gradient_check(
    model: Sequential,
    loss: Loss,
    X: Any,
    Y: Any,
    eps: float = 1e-7,
    lambd: float = 0.0,
) -> float:
    r"""Relative error between backprop and the two-sided numerical gradient, all parameters.

    $$\frac{\lVert d\theta - d\theta_{\mathrm{approx}} \rVert_2}
    {\lVert d\theta \rVert_2 + \lVert d\theta_{\mathrm{approx}} \rVert_2}$$

    over all parameters stacked into one vector; below 1e-7 is right, above 1e-5 is
    a bug (see [`verdict`][deepnotes.gradcheck.verdict]). Same arguments and errors as
    [`gradient_check_report`][deepnotes.gradcheck.gradient_check_report], which also
    says which parameter is wrong.

    Returns
    -------
    float
        The relative error.

    Examples
    --------
    >>> from deepnotes.layers import Dense, Sigmoid
    >>> from deepnotes.losses import BinaryCrossEntropy
    >>> rng = np.random.default_rng(1)
    >>> model = Sequential([Dense(2, 3, rng=rng), Sigmoid(), Dense(3, 1, rng=rng), Sigmoid()])
    >>> X, Y = rng.standard_normal((4, 2)), np.array([[0], [1], [1], [0]])
    >>> gradient_check(model, BinaryCrossEntropy(), X, Y) < 1e-7
    True
    """
    return gradient_check_report(model, loss, X, Y, eps=eps, lambd=lambd).relative_error

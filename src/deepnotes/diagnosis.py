"""Bias/variance diagnosis from train and dev errors, with the notes' basic recipe."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

from deepnotes._checks import check_in_range

__all__ = ["RECIPE", "Diagnosis", "diagnose"]

RECIPE: dict[str, tuple[str, ...]] = {
    "high bias": (
        "try a bigger network (more hidden units or layers)",
        "train longer (or use a better optimizer such as Adam)",
        "(try a different neural-network architecture)",
    ),
    "high variance": (
        "get more training data (or augment the data you have)",
        "add regularization (L2, dropout, early stopping)",
        "(try a different neural-network architecture)",
    ),
    "fine": ("low bias and low variance: check the test set once, then ship it",),
}
"""The basic recipe: what to try next for each problem, most promising first."""


@dataclass(frozen=True)
class Diagnosis:
    """What the train and dev errors say about a model.

    Attributes
    ----------
    train_error, dev_error, bayes_error : float
        The inputs, as fractions in [0, 1].
    avoidable_bias : float
        ``train_error - bayes_error``: how far training is from the best possible.
    variance : float
        ``dev_error - train_error``: how much worse the model does on unseen data.
    verdict : str
        ``"high bias"``, ``"high variance"``, ``"high bias and high variance"`` or ``"fine"``.
    recipe : tuple of str
        Next steps from the basic recipe (bias first: fix the fit on the training
        set before worrying about the dev set).
    notes : tuple of str
        Caveats, e.g. a training error below the estimated Bayes error.
    """

    train_error: float
    dev_error: float
    bayes_error: float
    avoidable_bias: float
    variance: float
    verdict: str
    recipe: tuple[str, ...]
    notes: tuple[str, ...] = ()

    @property
    def high_bias(self) -> bool:
        """Whether the verdict includes high bias."""
        return "bias" in self.verdict

    @property
    def high_variance(self) -> bool:
        """Whether the verdict includes high variance."""
        return "variance" in self.verdict

    def __str__(self) -> str:
        lines = [
            f"train error {self.train_error:.1%}, dev error {self.dev_error:.1%}, "
            f"Bayes error {self.bayes_error:.1%}",
            f"avoidable bias {self.avoidable_bias:+.1%}, variance {self.variance:+.1%} "
            f"-> {self.verdict}",
            *(f"  next: {step}" for step in self.recipe),
            *(f"  note: {note}" for note in self.notes),
        ]
        return "\n".join(lines)


def _check_error(value: object, name: str) -> float:
    if (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and math.isfinite(value)
        and 1 < value <= 100
    ):
        raise ValueError(
            f"{name} must be a fraction in [0, 1]; got {value:g}, which looks like a "
            f"percentage: pass {value / 100:g} for {value:g}%"
        )
    return check_in_range(value, name, 0.0, 1.0)


def diagnose(
    train_error: float, dev_error: float, bayes_error: float = 0.0, tolerance: float = 0.02
) -> Diagnosis:
    """Diagnose high bias and/or high variance from the errors, and say what to try next.

    $$\\text{avoidable bias} = E_{train} - E_{Bayes}, \\qquad
    \\text{variance} = E_{dev} - E_{train}$$

    Each counts as *high* when it exceeds ``tolerance``. High bias: the model
    underfits even the training set. High variance: it fits the training set but
    does not generalise to the dev set. Both can happen at once.

    Parameters
    ----------
    train_error : float
        Error rate on the training set, a fraction in [0, 1] (0.15 for 15%).
    dev_error : float
        Error rate on the dev set, in [0, 1].
    bayes_error : float, default 0.0
        Best achievable error (estimate it by human-level error), in [0, 1].
    tolerance : float, default 0.02
        Gap above which bias or variance counts as high, in [0, 1].

    Returns
    -------
    Diagnosis
        The gaps, the verdict and the recipe's next steps.

    Raises
    ------
    ValueError
        If an error is outside [0, 1] (with a hint when it looks like a percentage).

    Examples
    --------
    >>> d = diagnose(train_error=0.01, dev_error=0.11)
    >>> d.verdict, round(d.variance, 2)
    ('high variance', 0.1)
    >>> diagnose(0.15, 0.30).verdict
    'high bias and high variance'
    >>> print(diagnose(0.15, 0.16, bayes_error=0.14))
    train error 15.0%, dev error 16.0%, Bayes error 14.0%
    avoidable bias +1.0%, variance +1.0% -> fine
      next: low bias and low variance: check the test set once, then ship it
    """
    train_error = _check_error(train_error, "train_error")
    dev_error = _check_error(dev_error, "dev_error")
    bayes_error = _check_error(bayes_error, "bayes_error")
    tolerance = check_in_range(tolerance, "tolerance", 0.0, 1.0)
    # Rounded: 0.10 - 0.08 is 0.020000000000000004 in floating point, and a gap equal to the
    # tolerance must not count as "high".
    avoidable_bias = round(train_error - bayes_error, 12)
    variance = round(dev_error - train_error, 12)
    high_bias = avoidable_bias > tolerance
    high_variance = variance > tolerance
    if high_bias and high_variance:
        verdict = "high bias and high variance"
        recipe = RECIPE["high bias"] + RECIPE["high variance"]
    elif high_bias:
        verdict, recipe = "high bias", RECIPE["high bias"]
    elif high_variance:
        verdict, recipe = "high variance", RECIPE["high variance"]
    else:
        verdict, recipe = "fine", RECIPE["fine"]
    notes = []
    if avoidable_bias < -tolerance:
        notes.append(
            "training error is below the Bayes error estimate: the estimate is too high "
            "(or the model memorises the training set)"
        )
    if variance < -tolerance:
        notes.append(
            "dev error is below training error: is the dev set easier, or from another "
            "distribution? (dropout makes training error look higher only in training mode)"
        )
    return Diagnosis(
        train_error=train_error,
        dev_error=dev_error,
        bayes_error=bayes_error,
        avoidable_bias=avoidable_bias,
        variance=variance,
        verdict=verdict,
        recipe=recipe,
        notes=tuple(notes),
    )

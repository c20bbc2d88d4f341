"""Hyperparameter search: sampling on the right scale, grid vs random search, coarse to fine.

A search *space* maps each hyperparameter name to a :class:`Param` (or a tuple
``(low, high)`` / ``(low, high, scale)``), where ``scale`` is

- ``"linear"``: uniform between ``low`` and ``high`` (e.g. number of layers),
- ``"log"``: uniform in $\\log_{10}$ (learning rate, $\\lambda$),
- ``"1-beta log"``: uniform in $\\log_{10}(1 - \\beta)$ (averaging constants such
  as momentum's $\\beta$, where 0.9 -> 0.99 matters as much as 0.99 -> 0.999).

The *objective* is a function called with the settings as keyword arguments,
``objective(lr=..., beta=...)``, returning a score to **minimise** (dev error or
dev cost). A score of NaN counts as worse than any number.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import product

import numpy as np

from deepnotes._checks import check_in_range, check_int, check_positive, check_rng

__all__ = [
    "SCALES",
    "Param",
    "SearchResult",
    "Trial",
    "coarse_to_fine",
    "grid_search",
    "log_uniform",
    "random_search",
    "sample_beta",
]

SCALES = ("linear", "log", "1-beta log")
r"""How a search range can be sampled: uniformly, uniformly in $\log_{10}$ (learning rates,
$\lambda$), or uniformly in $\log_{10}(1 - \beta)$ (averaging constants near 1)."""


def _check_size(size: object) -> int:
    return check_int(size, "size", minimum=1)


def log_uniform(low: float, high: float, size: int, rng: object = None) -> np.ndarray:
    """Sample uniformly on a log scale: $10^{u}$, $u \\sim U(\\log_{10}\\text{low},
    \\log_{10}\\text{high})$.

    Between 0.0001 and 1 each decade (0.0001-0.001, ..., 0.1-1) gets the same
    share of samples; sampling uniformly instead would put 90% of them in 0.1-1.

    Parameters
    ----------
    low, high : float
        Bounds, ``0 < low < high``.
    size : int
        Number of samples, >= 1.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    ndarray of shape (size,)

    Examples
    --------
    >>> lr = log_uniform(1e-4, 1.0, size=10_000, rng=0)
    >>> bool(lr.min() >= 1e-4 and lr.max() <= 1.0)
    True
    >>> round(float(np.mean(lr < 1e-2)), 1)  # half the samples below the middle decade
    0.5
    """
    low, high = _check_bounds(low, high, "log")
    size = _check_size(size)
    rng = check_rng(rng)
    return 10.0 ** rng.uniform(math.log10(low), math.log10(high), size)


def sample_beta(low: float, high: float, size: int, rng: object = None) -> np.ndarray:
    """Sample an averaging constant $\\beta$ on the $1 - \\beta$ log scale.

    $$\\beta = 1 - 10^{u}, \\qquad u \\sim U\\big(\\log_{10}(1 - \\text{high}),\\
    \\log_{10}(1 - \\text{low})\\big)$$

    $\\beta$ averages about $\\frac{1}{1-\\beta}$ values, so 0.9 -> 0.99 and
    0.99 -> 0.999 are equally big changes and should be sampled equally often.

    Parameters
    ----------
    low, high : float
        Bounds, ``0 <= low < high < 1``.
    size : int
        Number of samples, >= 1.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    ndarray of shape (size,)

    Examples
    --------
    >>> beta = sample_beta(0.9, 0.999, size=10_000, rng=0)
    >>> round(float(np.mean(beta > 0.99)), 1)  # half the samples above 0.99
    0.5
    """
    low, high = _check_bounds(low, high, "1-beta log")
    size = _check_size(size)
    rng = check_rng(rng)
    return 1.0 - 10.0 ** rng.uniform(math.log10(1 - high), math.log10(1 - low), size)


def _check_bounds(low: object, high: object, scale: str) -> tuple[float, float]:
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}; got {scale!r}")
    if scale == "log":
        low, high = check_positive(low, "low"), check_positive(high, "high")
    elif scale == "1-beta log":
        low = check_in_range(low, "low", 0.0, 1.0, high_inclusive=False)
        high = check_in_range(high, "high", 0.0, 1.0, high_inclusive=False)
    else:
        low = check_in_range(low, "low", -math.inf, math.inf)
        high = check_in_range(high, "high", -math.inf, math.inf)
    if not low < high:
        raise ValueError(f"low must be < high; got low={low:g}, high={high:g}")
    return low, high


@dataclass(frozen=True)
class Param:
    """One hyperparameter's range and the scale to search it on.

    Parameters
    ----------
    low, high : float
        Bounds (``low < high``; > 0 for ``"log"``; in [0, 1) for ``"1-beta log"``).
    scale : {"linear", "log", "1-beta log"}, default "linear"

    Examples
    --------
    >>> Param(1e-4, 1.0, "log").to_unit(np.array([1e-4, 1e-2, 1.0]))
    array([0. , 0.5, 1. ])
    """

    low: float
    high: float
    scale: str = "linear"

    def __post_init__(self) -> None:
        low, high = _check_bounds(self.low, self.high, self.scale)
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        a, b = self._transform(np.array([low, high]))
        if not (np.isfinite(a) and np.isfinite(b) and a != b):
            raise ValueError(
                f"low={low:g} and high={high:g} are too close to tell apart on the "
                f"{self.scale!r} scale; widen the range"
            )

    def _transform(self, x: np.ndarray) -> np.ndarray:
        if self.scale == "log":
            return np.log10(x)
        if self.scale == "1-beta log":
            return np.log10(1 - x)
        return np.asarray(x, dtype=np.float64)

    def _inverse(self, u: np.ndarray) -> np.ndarray:
        if self.scale == "log":
            return 10.0**u
        if self.scale == "1-beta log":
            return 1 - 10.0**u
        return u

    def to_unit(self, values: np.ndarray) -> np.ndarray:
        """Map values to [0, 1] along the param's scale (0 = ``low``, 1 = ``high``)."""
        a, b = self._transform(np.array([self.low, self.high]))
        return (self._transform(np.asarray(values, dtype=np.float64)) - a) / (b - a)

    def from_unit(self, u: np.ndarray) -> np.ndarray:
        """Map positions in [0, 1] along the scale back to values."""
        a, b = self._transform(np.array([self.low, self.high]))
        values = self._inverse(a + np.asarray(u, dtype=np.float64) * (b - a))
        return np.clip(values, self.low, self.high)

    def sample(self, size: int, rng: np.random.Generator) -> np.ndarray:
        """Draw ``size`` values uniformly along the scale."""
        return self.from_unit(rng.uniform(0.0, 1.0, size))

    def grid(self, n: int) -> np.ndarray:
        """``n`` values evenly spaced along the scale, both ends included (middle for n=1)."""
        return self.from_unit(np.linspace(0.0, 1.0, n) if n > 1 else np.array([0.5]))


Space = Mapping[str, "Param | tuple"]


def _check_space(space: object) -> dict[str, Param]:
    if not isinstance(space, Mapping) or not space:
        raise TypeError(
            "space must be a non-empty dict name -> Param(low, high, scale) or "
            f"(low, high[, scale]); got {space!r}"
        )
    checked = {}
    for name, spec in space.items():
        if not isinstance(name, str) or not name.isidentifier():
            raise ValueError(f"space keys must be argument names; got {name!r}")
        if isinstance(spec, Param):
            checked[name] = spec
        elif isinstance(spec, tuple) and len(spec) in (2, 3):
            checked[name] = Param(*spec)
        else:
            raise TypeError(
                f"space[{name!r}] must be Param(low, high, scale) or (low, high[, scale]); "
                f"got {spec!r}"
            )
    return checked


@dataclass(frozen=True)
class Trial:
    """One evaluated setting: ``settings`` (name -> value), its ``score`` and search ``round``."""

    settings: dict[str, float]
    score: float
    round: int = 0


@dataclass
class SearchResult:
    """All trials of a search, in the order they ran.

    Attributes
    ----------
    trials : list of Trial
    spaces : list of dict
        The space searched in each round (one for grid and random search; the
        shrinking boxes for coarse-to-fine).
    """

    trials: list[Trial] = field(default_factory=list)
    spaces: list[dict[str, Param]] = field(default_factory=list)

    @property
    def best(self) -> Trial:
        """The trial with the lowest score (NaN counts as worst)."""
        return min(self.trials, key=lambda t: math.inf if math.isnan(t.score) else t.score)

    @property
    def scores(self) -> np.ndarray:
        """Scores of all trials, in order."""
        return np.array([t.score for t in self.trials], dtype=np.float64)

    def values(self, name: str) -> np.ndarray:
        """The values hyperparameter ``name`` took, one per trial."""
        if self.trials and name not in self.trials[0].settings:
            raise KeyError(f"no hyperparameter {name!r}; have {sorted(self.trials[0].settings)}")
        return np.array([t.settings[name] for t in self.trials], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.trials)

    def __repr__(self) -> str:
        best = self.best if self.trials else None
        return f"SearchResult({len(self.trials)} trials, best={best})"


def _evaluate(
    objective: Callable[..., float], settings: dict[str, float], round_: int = 0
) -> Trial:
    score = objective(**settings)
    try:
        score = float(score)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"objective must return a number (the score to minimise); got {score!r}"
        ) from exc
    return Trial(settings=settings, score=score, round=round_)


def _check_objective(objective: object) -> None:
    if not callable(objective):
        raise TypeError(f"objective must be callable; got {type(objective).__name__}")


def grid_search(objective: Callable[..., float], space: Space, budget: int) -> SearchResult:
    """Try the points of a regular grid, at most ``budget`` of them.

    Each of the $d$ hyperparameters gets $n = \\lfloor \\text{budget}^{1/d} \\rfloor$
    values evenly spaced along its scale, $n^d \\le$ ``budget`` trials in all. With
    9 trials and 2 hyperparameters you only ever try 3 values of each: if one of
    them does not matter, 6 of the 9 runs are wasted.

    Parameters
    ----------
    objective : callable
        ``objective(**settings) -> score`` to minimise.
    space : dict
        Name -> ``Param`` or ``(low, high[, scale])``.
    budget : int
        Maximum number of trials, >= 1.

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> result = grid_search(lambda lr, beta: (np.log10(lr) + 2) ** 2,
    ...                      {"lr": (1e-4, 1.0, "log"), "beta": (0.9, 0.999, "1-beta log")},
    ...                      budget=9)
    >>> len(result), sorted(set(np.round(result.values("lr"), 6).tolist()))
    (9, [0.0001, 0.01, 1.0])
    """
    _check_objective(objective)
    params = _check_space(space)
    budget = check_int(budget, "budget", minimum=1)
    n = math.floor(budget ** (1 / len(params)) + 1e-9)
    axes = [p.grid(n) for p in params.values()]
    result = SearchResult(spaces=[params])
    for point in product(*axes):
        settings = {name: float(v) for name, v in zip(params, point, strict=True)}
        result.trials.append(_evaluate(objective, settings))
    return result


def random_search(
    objective: Callable[..., float], space: Space, budget: int, rng: object = None
) -> SearchResult:
    """Try ``budget`` settings drawn at random, each hyperparameter on its own scale.

    With the same budget as a grid, random search tries ``budget`` *different*
    values of every hyperparameter, so the important ones get explored well even
    when you do not know in advance which they are.

    Parameters
    ----------
    objective : callable
        ``objective(**settings) -> score`` to minimise.
    space : dict
        Name -> ``Param`` or ``(low, high[, scale])``.
    budget : int
        Number of trials, >= 1.
    rng : numpy.random.Generator or int, optional

    Returns
    -------
    SearchResult

    Examples
    --------
    >>> result = random_search(lambda lr, beta: (np.log10(lr) + 2) ** 2,
    ...                        {"lr": (1e-4, 1.0, "log"), "beta": (0.9, 0.999, "1-beta log")},
    ...                        budget=9, rng=0)
    >>> len(set(result.values("lr")))  # 9 distinct learning rates, not 3
    9
    """
    _check_objective(objective)
    params = _check_space(space)
    budget = check_int(budget, "budget", minimum=1)
    rng = check_rng(rng)
    return _random_round(objective, params, budget, rng, round_=0, result=SearchResult())


def _random_round(
    objective: Callable[..., float],
    params: dict[str, Param],
    budget: int,
    rng: np.random.Generator,
    round_: int,
    result: SearchResult,
) -> SearchResult:
    samples = {name: p.sample(budget, rng) for name, p in params.items()}
    result.spaces.append(params)
    for i in range(budget):
        settings = {name: float(samples[name][i]) for name in params}
        result.trials.append(_evaluate(objective, settings, round_))
    return result


def coarse_to_fine(
    objective: Callable[..., float],
    space: Space,
    budget_per_round: int,
    rounds: int,
    rng: object = None,
    shrink: float = 0.3,
) -> SearchResult:
    """Random search, then zoom in around the best setting and search again.

    Round $r + 1$ searches a box centred (on each param's scale) on the best
    setting so far, ``shrink`` times as wide as round $r$'s box, kept inside the
    original space.

    Parameters
    ----------
    objective : callable
        ``objective(**settings) -> score`` to minimise.
    space : dict
        Name -> ``Param`` or ``(low, high[, scale])``.
    budget_per_round : int
        Trials per round, >= 1.
    rounds : int
        Number of rounds, >= 1 (1 is plain random search).
    rng : numpy.random.Generator or int, optional
    shrink : float, default 0.3
        Width of each new box relative to the previous one, in (0, 1).

    Returns
    -------
    SearchResult
        Every trial, tagged with its ``round``; ``spaces`` holds each round's box.

    Examples
    --------
    >>> result = coarse_to_fine(lambda lr: (np.log10(lr) + 2.5) ** 2,
    ...                         {"lr": (1e-5, 1.0, "log")}, budget_per_round=6, rounds=3, rng=0)
    >>> len(result), [round(s["lr"].high / s["lr"].low) for s in result.spaces][0]
    (18, 100000)
    >>> bool(abs(np.log10(result.best.settings["lr"]) + 2.5) < 0.2)
    True
    """
    _check_objective(objective)
    original = _check_space(space)
    budget_per_round = check_int(budget_per_round, "budget_per_round", minimum=1)
    rounds = check_int(rounds, "rounds", minimum=1)
    shrink = check_in_range(shrink, "shrink", 0.0, 1.0, low_inclusive=False, high_inclusive=False)
    rng = check_rng(rng)
    result = SearchResult()
    box = {name: (0.0, 1.0) for name in original}  # positions on each param's unit scale
    for round_ in range(rounds):
        params = {
            name: _sub_param(p, *box[name]) for name, p in original.items()
        }  # this round's box
        _random_round(objective, params, budget_per_round, rng, round_, result)
        best = result.best.settings
        for name, p in original.items():
            centre = float(p.to_unit(np.array(best[name])))
            half = max(shrink * (box[name][1] - box[name][0]) / 2, 1e-6)  # stop at 1e-6 wide
            low = min(max(centre - half, 0.0), 1.0 - 2 * half)
            box[name] = (low, low + 2 * half)
    return result


def _sub_param(p: Param, u_low: float, u_high: float) -> Param:
    """The part of ``p`` between unit positions ``u_low`` and ``u_high``."""
    if u_low <= 0.0 and u_high >= 1.0:
        return p
    low, high = p.from_unit(np.array([u_low, u_high]))
    try:
        return Param(float(low), float(high), p.scale)
    except ValueError:  # zoomed below float resolution: search the whole range again
        return p

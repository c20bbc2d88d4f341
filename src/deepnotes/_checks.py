"""Argument checks shared by the whole engine.

Every public function validates what it is given with these helpers, so a
learner who passes a wrong shape or a bad hyperparameter gets one clear,
specific message that names the argument, what was expected and what came.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

__all__ = [
    "as_float_array",
    "check_finite",
    "check_in_range",
    "check_int",
    "check_ndim",
    "check_positive",
    "check_rng",
    "check_same_rows",
]

_FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_float_array(
    x: object, name: str, *, ndim: int | Sequence[int] | None = None, finite: bool = True
) -> np.ndarray:
    """Return ``x`` as a floating-point array, refusing non-numeric input.

    float32 and float64 arrays keep their dtype; integers and booleans become
    float64. ``ndim`` (one int or several allowed) is checked when given, and
    NaN or infinite entries raise (unless ``finite=False``: the caller has checked).

    Raises
    ------
    TypeError
        If ``x`` is not numeric (strings, objects, complex numbers).
    ValueError
        If ``x`` has the wrong number of dimensions, is empty, or holds NaN/inf.
    """
    try:
        arr = np.asarray(x)
    except Exception as exc:  # pragma: no cover - numpy refuses ragged input itself
        raise TypeError(f"{name} must be array-like of numbers; got {type(x).__name__}") from exc
    if arr.dtype.kind in "biu":
        arr = arr.astype(np.float64)
    elif arr.dtype.kind != "f":
        raise TypeError(
            f"{name} must hold real numbers (float32/float64 or integers); got dtype {arr.dtype}"
        )
    elif arr.dtype not in _FLOAT_DTYPES:
        arr = arr.astype(np.float64)
    if ndim is not None:
        check_ndim(arr, name, ndim)
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); it needs at least one example")
    if finite:
        check_finite(arr, name)
    return arr


def check_ndim(arr: np.ndarray, name: str, ndim: int | Sequence[int]) -> None:
    """Raise ``ValueError`` unless ``arr.ndim`` is ``ndim`` (or one of several)."""
    allowed = (ndim,) if isinstance(ndim, int) else tuple(ndim)
    if arr.ndim not in allowed:
        want = " or ".join(f"{d}-D" for d in allowed)
        raise ValueError(f"{name} must be {want}; got shape {arr.shape} ({arr.ndim}-D)")


def check_finite(arr: np.ndarray, name: str) -> None:
    """Raise ``ValueError`` if ``arr`` holds NaN or infinite values, saying how many."""
    if not np.isfinite(arr).all():
        bad = int(np.size(arr) - np.count_nonzero(np.isfinite(arr)))
        raise ValueError(f"{name} contains {bad} NaN or infinite value(s); clean the data first")


def check_same_rows(a: np.ndarray, b: np.ndarray, name_a: str, name_b: str) -> None:
    """Raise ``ValueError`` unless ``a`` and ``b`` have the same number of rows (examples)."""
    if a.shape[0] != b.shape[0]:
        raise ValueError(
            f"{name_a} and {name_b} must have the same number of examples (rows); "
            f"got {name_a}.shape={a.shape} and {name_b}.shape={b.shape}"
        )


def _check_real(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number; got {value!r} ({type(value).__name__})")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"{name} must be finite; got {value}")
    return value


def check_positive(value: object, name: str) -> float:
    """Return ``value`` as a float, raising unless it is a finite number > 0."""
    value = _check_real(value, name)
    if value <= 0:
        raise ValueError(f"{name} must be > 0; got {value}")
    return value


def check_in_range(
    value: object,
    name: str,
    low: float,
    high: float,
    *,
    low_inclusive: bool = True,
    high_inclusive: bool = True,
) -> float:
    """Return ``value`` as a float, raising unless it lies in the given interval.

    The message spells the interval the way the notes do, e.g. ``[0, 1)``.
    """
    value = _check_real(value, name)
    above = value >= low if low_inclusive else value > low
    below = value <= high if high_inclusive else value < high
    if not (above and below):
        opening, closing = "[" if low_inclusive else "(", "]" if high_inclusive else ")"
        interval = f"{opening}{low:g}, {high:g}{closing}"
        raise ValueError(f"{name} must be in {interval}; got {value:g}")
    return value


def check_int(value: object, name: str, *, minimum: int = 1) -> int:
    """Return ``value`` as an int, raising unless it is an integer >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"{name} must be >= {minimum}; got {value}")
    return int(value)


def check_rng(rng: object, name: str = "rng") -> np.random.Generator:
    """Return a ``np.random.Generator``: ``None`` gives a fresh unseeded one, an int seeds one."""
    if rng is None:
        return np.random.default_rng()
    if isinstance(rng, np.random.Generator):
        return rng
    if isinstance(rng, numbers.Integral) and not isinstance(rng, bool):
        return np.random.default_rng(int(rng))
    raise TypeError(
        f"{name} must be a numpy.random.Generator, an int seed or None; got {type(rng).__name__}"
    )

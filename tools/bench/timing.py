"""Interleaved timing: run the sides in turn (A B A B ...) and keep medians."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Timing:
    """Median seconds per call of one side, with the spread of its repeats."""

    median: float
    low: float
    high: float
    repeats: int

    def ms(self) -> str:
        return f"{self.median * 1e3:.3g} ms"


def calls_for(
    fn: Callable[[], object],
    target_seconds: float = 0.02,
    clock: Callable[[], float] = time.perf_counter,
) -> int:
    """How many calls of ``fn`` fill about ``target_seconds`` (at least 1)."""
    fn()
    start = clock()
    fn()
    once = max(clock() - start, 1e-7)
    return max(1, int(target_seconds / once))


def interleaved(
    sides: Mapping[str, Callable[[], object]],
    *,
    repeats: int = 21,
    target_seconds: float = 0.02,
    clock: Callable[[], float] = time.perf_counter,
) -> dict[str, Timing]:
    """Time each side ``repeats`` times, in turn, rotating which side goes first.

    Each repeat calls a side ``n`` times back to back (``n`` chosen so a repeat
    lasts about ``target_seconds``) and records seconds per call. ``clock`` may be
    ``time.process_time`` (CPU seconds of this process): on a machine shared with other
    work that is far steadier than wall time, and equal to it for one thread.
    """
    inner = {name: calls_for(fn, target_seconds, clock) for name, fn in sides.items()}
    samples: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            fn, n = sides[name], inner[name]
            start = clock()
            for _ in range(n):
                fn()
            samples[name].append((clock() - start) / n)
    return {
        name: Timing(statistics.median(s), min(s), max(s), len(s)) for name, s in samples.items()
    }

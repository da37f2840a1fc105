"""Timing shared by the benchmark scripts: wall-clock times of repeated calls, their median.

Imported by the scripts as ``from _timing import median_time`` (each script runs with
``benchmarks/`` first on ``sys.path``).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timings(fn: Callable[[], object], repeats: int) -> tuple[list[float], object]:
    """Wall-clock seconds of ``repeats`` calls of ``fn`` and the last call's result."""
    times, out = [], None
    for _ in range(repeats):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return times, out


def median_time(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    """Median wall-clock seconds of ``repeats`` calls of ``fn`` and the last call's result."""
    times, out = timings(fn, repeats)
    return statistics.median(times), out

"""Timing loops shared by the benchmarks.

Map: :func:`loops_for` picks a loop count the way ``timeit.autorange``
does; :func:`time_block` runs one best-of block, in
CPU time (:data:`cpu_clock`); :func:`alternate` runs
the rounds, every peer once per round, in a rotating order, so drift on
a shared machine hits all peers alike; :class:`Stats` reduces a list of
per-round figures to the median and the spread that the tables print;
:func:`paired` gives the ratio of two peers round by round.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Wall time, for anything that waits on another process (end to end).
clock = time.perf_counter
#: CPU time of this thread, for pure computation (signing): time the
#: scheduler hands to other processes on a shared machine is not counted.
cpu_clock = time.thread_time


@dataclass(frozen=True)
class Stats:
    """Per-round figures of one peer (seconds per call, or per second)."""

    values: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def best(self) -> float:
        return min(self.values)

    @property
    def spread(self) -> float:
        """Half the range, as a fraction of the median."""
        if len(self.values) < 2 or not self.median:
            return 0.0
        return (max(self.values) - min(self.values)) / 2 / self.median


def _run(call: Callable[[], Any], loops: int) -> float:
    # As timeit does: no cyclic GC inside the timed loop, for every peer.
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = cpu_clock()
        for _ in range(loops):
            call()
        return cpu_clock() - start
    finally:
        if enabled:
            gc.enable()


def loops_for(call: Callable[[], Any], target: float) -> int:
    """The smallest 1-2-5 loop count whose run takes ``target`` seconds."""
    loops = 1
    while True:
        for step in (1, 2, 5):
            count = loops * step
            if _run(call, count) >= target:
                return count
        loops *= 10


def time_block(call: Callable[[], Any], loops: int, best_of: int) -> float:
    """Seconds per call: the best of ``best_of`` runs of ``loops`` calls."""
    return min(_run(call, loops) for _ in range(best_of)) / loops


def alternate(
    calls: Mapping[str, Callable[[], float]], rounds: int
) -> dict[str, Stats]:
    """Run every measurement once per round, rotating who goes first.

    Each ``calls`` value takes one measurement and returns its figure.
    """
    names = list(calls)
    figures: dict[str, list[float]] = {name: [] for name in names}
    for index in range(rounds):
        shift = index % len(names)
        for name in names[shift:] + names[:shift]:
            figures[name].append(calls[name]())
    return {name: Stats(tuple(values)) for name, values in figures.items()}


def paired(top: Stats, bottom: Stats) -> float:
    """Median over rounds of ``top / bottom`` taken within each round.

    Both figures of a round were measured minutes apart at most, so a
    slow spell on a shared machine cancels out of their ratio.
    """
    pairs = zip(top.values, bottom.values, strict=True)
    return statistics.median(a / b for a, b in pairs)

"""Faults the sandbox can be told to show, all off by default.

``clock_offset``
    seconds added to real time to make the sandbox clock: the ``Date``
    header and the timestamp check use it, so a client's clock-skew
    handling can be tried.
``latency``
    seconds to wait before answering each request.
``error_rate``
    the fraction of requests answered ``503`` with ``Retry-After: 1``.
``drop_rate``
    the fraction of requests whose connection is closed with no answer.

The dice are a :class:`random.Random` seeded from ``seed``, so a run
can be repeated.  :class:`Knobs` is safe to use from many threads.
"""

from __future__ import annotations

import math
import random
import threading
import time

_NAMES = ("clock_offset", "latency", "error_rate", "drop_rate")


class Knobs:
    """The current fault settings and the sandbox clock."""

    def __init__(
        self,
        *,
        clock_offset: float = 0.0,
        latency: float = 0.0,
        error_rate: float = 0.0,
        drop_rate: float = 0.0,
        seed: int | None = None,
    ) -> None:
        self.clock_offset = 0.0
        self.latency = 0.0
        self.error_rate = 0.0
        self.drop_rate = 0.0
        self._lock = threading.Lock()
        self._random = random.Random(seed)
        self.set(
            clock_offset=clock_offset,
            latency=latency,
            error_rate=error_rate,
            drop_rate=drop_rate,
        )

    def set(
        self,
        *,
        clock_offset: float | None = None,
        latency: float | None = None,
        error_rate: float | None = None,
        drop_rate: float | None = None,
    ) -> None:
        """Change some knobs; ``None`` leaves one as it is."""
        wanted = {
            "clock_offset": clock_offset,
            "latency": latency,
            "error_rate": error_rate,
            "drop_rate": drop_rate,
        }
        checked = {
            name: _check(name, value)
            for name, value in wanted.items()
            if value is not None
        }
        with self._lock:
            for name, value in checked.items():
                setattr(self, name, value)

    def now(self) -> float:
        """The sandbox clock: real time plus ``clock_offset``."""
        return time.time() + self.clock_offset

    def roll(self, rate: float) -> bool:
        """True with probability ``rate``, from the seeded dice."""
        if rate <= 0.0:
            return False
        with self._lock:
            return self._random.random() < rate

    def as_dict(self) -> dict[str, float]:
        return {name: getattr(self, name) for name in _NAMES}


def _check(name: str, value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite, not {value!r}")
    if name == "latency" and value < 0:
        raise ValueError(f"latency must be >= 0, not {value!r}")
    if name.endswith("_rate") and not 0.0 <= value <= 1.0:
        raise ValueError(f"{name} must be between 0 and 1, not {value!r}")
    return value

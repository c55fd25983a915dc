"""Rolling speed and ETA: what the progress bar shows besides the bytes."""

from __future__ import annotations

import time
from collections import deque


class SpeedMeter:
    """Bytes per second over the last ``window`` seconds of samples.

    The manager samples each running item (and the total) when it emits an event,
    about ten times a second, so the deque never holds more than ~50 samples.
    """

    __slots__ = ("_samples", "window")

    def __init__(self, window: float = 5.0) -> None:
        self.window = window
        self._samples: deque[tuple[float, int]] = deque()

    def sample(self, total: int, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        if self._samples and total < self._samples[-1][1]:
            self._samples.clear()  # a restart from an earlier byte: start measuring afresh
        self._samples.append((now, total))
        while len(self._samples) > 2 and now - self._samples[0][0] > self.window:
            self._samples.popleft()

    def reset(self) -> None:
        self._samples.clear()

    @property
    def speed(self) -> float:
        if len(self._samples) < 2:
            return 0.0
        (t0, b0), (t1, b1) = self._samples[0], self._samples[-1]
        return max(0.0, (b1 - b0) / (t1 - t0)) if t1 > t0 else 0.0


def eta(remaining: int | None, speed: float) -> float | None:
    """Seconds left at the current speed, or None when it cannot be told."""
    if remaining is None or remaining < 0 or speed <= 0:
        return None
    return remaining / speed

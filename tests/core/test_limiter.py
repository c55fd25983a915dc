"""The token bucket lets a burst through and then holds the average rate."""

from __future__ import annotations

import asyncio
import time

import pytest

from s3browser.core.limiter import TokenBucket


async def test_burst_then_rate() -> None:
    bucket = TokenBucket(rate=200, burst=10)
    started = time.monotonic()
    for _ in range(10):
        await bucket.acquire()
    assert bucket.waits == 0
    await asyncio.gather(*(bucket.acquire() for _ in range(40)))
    elapsed = time.monotonic() - started
    # 40 tokens beyond the burst at 200/s need at least 0.2 s, whatever the machine.
    assert elapsed >= 0.18
    assert bucket.waits >= 1


def test_rejects_nonsense() -> None:
    with pytest.raises(ValueError):
        TokenBucket(rate=0, burst=1)

"""Issue 6: listing, details, search and reads through a proxy injecting 10% and 30% faults.

Every result must equal the direct (fault-free) result: nothing skipped, nothing
repeated. The faults are the ones a client must survive by retrying (503 SlowDown,
500 InternalError, connection reset mid-body, truncated body, delayed answer).
The figures (faults by kind, extra requests = retries) are printed at the end of
the module and written to ``fault-figures.json`` in the pytest temp folder.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.demo import demo_credentials
from tests.faults.operations import OPERATIONS
from tests.faults.proxy import RETRYABLE_KINDS, FaultProxy

FIGURES: list[dict[str, Any]] = []


def _run(creds: dict[str, Any], name: str) -> Any:
    async def go() -> Any:
        async with S3Session(creds) as session:
            return await OPERATIONS[name](session)

    return asyncio.run(go())


@pytest.fixture(scope="module")
def baseline(demo_url: str) -> dict[str, tuple[Any, int]]:
    """Each operation's direct result, and how many requests it takes without faults.

    The fault-free run through the proxy must equal the direct run: the proxy itself
    changes nothing.
    """
    out = {}
    with FaultProxy(demo_url, rate=0.0) as proxy:
        for name in OPERATIONS:
            direct = _run(demo_credentials(demo_url), name)
            proxy.reset_stats()
            assert _run(demo_credentials(proxy.url), name) == direct, name
            out[name] = (direct, proxy.requests)
    return out


@pytest.fixture(scope="module", autouse=True)
def figures(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    yield
    if not FIGURES:
        return
    path = Path(tmp_path_factory.getbasetemp()) / "fault-figures.json"
    path.write_text(json.dumps(FIGURES, indent=2))
    print(f"\nfault figures ({path}):")
    print(f"{'rate':>5} {'operation':<18} {'requests':>8} {'retries':>7}  faults injected  result")
    for row in FIGURES:
        faults = ", ".join(f"{k} {v}" for k, v in sorted(row["faults"].items())) or "-"
        print(
            f"{row['rate']:>5.0%} {row['operation']:<18} {row['requests']:>8} "
            f"{row['retries']:>7}  {faults:<15}  {row['result']}"
        )


@pytest.mark.parametrize("rate", [0.1, 0.3])
@pytest.mark.parametrize("name", list(OPERATIONS))
def test_results_complete_under_faults(
    demo_url: str, baseline: dict[str, tuple[Any, int]], name: str, rate: float
) -> None:
    expected, clean_requests = baseline[name]
    index = list(OPERATIONS).index(name)
    with FaultProxy(demo_url, rate=rate, seed=int(rate * 100) + index, delay_seconds=0.2) as proxy:
        # A few requests may draw no fault at 10%: the first one always gets one.
        proxy.plan(RETRYABLE_KINDS[index % len(RETRYABLE_KINDS)])
        row: dict[str, Any] = {"rate": rate, "operation": name}
        try:
            result = _run(demo_credentials(proxy.url), name)
            row["result"] = "complete" if result == expected else "DIFFERENT"
        except Exception as exc:
            row["result"] = f"failed: {type(exc).__name__}: {exc}"
            raise
        finally:
            row["requests"] = proxy.requests
            row["retries"] = max(0, proxy.requests - clean_requests)
            row["faults"] = proxy.faults
            FIGURES.append(row)
    assert result == expected

"""Time the download engine alone, start-up excluded: ``python -m tests.bench.engine_probe``.

Prints the seconds between "the session is open" and "every file is verified and
renamed", for one ``s3://bucket/key`` or a ``s3://bucket/prefix/`` (recursive) into
DEST. The benchmark runs it beside the whole-process timings to show how much of
``s3browser get`` is Python's start-up (imports of botocore and aiohttp) rather
than the transfer itself.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path


async def _main(endpoint: str, url: str, dest: Path, verify: bool) -> float:
    from s3browser.core.s3url import parse_s3_url
    from s3browser.core.session import S3Session
    from s3browser.core.transfers import Source, TransferManager, TransferOptions

    loc = parse_s3_url(url)
    key = loc.key or ""
    source = Source(loc.bucket, key, base=key) if key.endswith("/") else Source(loc.bucket, key)
    async with S3Session({"endpoint_url": endpoint}) as session:
        await session.pool.client()  # what any first request pays, outside the timing
        manager = TransferManager(session, TransferOptions(verify=verify))
        started = time.perf_counter()
        result = await manager.download([source], dest).wait()
        elapsed = time.perf_counter() - started
        await manager.close()
    if not result.ok:
        raise SystemExit(f"download failed: {result.errors or result.items[:3]}")
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("url")
    parser.add_argument("dest", type=Path)
    parser.add_argument("--no-verify", action="store_true")
    args = parser.parse_args()
    print(f"{asyncio.run(_main(args.endpoint, args.url, args.dest, not args.no_verify)):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

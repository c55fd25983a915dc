"""Benchmark: seeding the demo's large bucket, and listing it page by page.

Run: ``python -m tests.bench.bench_demo_listing [--keys 200000] [--compare]``.
Prints a table: seed time, then the time to list the large bucket through
``S3Session.iter_pages`` (1,000 keys a page) recursively and folder by folder.
``--compare`` also runs moto's own (unindexed) ListObjectsV2 for a few pages and
extrapolates, so the table shows what the demo server's sorted index buys.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time
from typing import Any

from s3browser.core.session import S3Session
from s3browser.demo import catalog as cat


def _child(keys: int, fast: bool) -> None:
    """Runs in a child process: a seeded moto server, optionally without the index."""
    from moto.moto_server.threaded_moto_server import ThreadedMotoServer

    from s3browser.demo import moto_patches, sample_data

    if not fast:
        moto_patches.install_fast_listing = lambda: None  # type: ignore[assignment]
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    url = f"http://{host}:{port}"
    sample_data.seed_demo_data(url, large_keys=keys)
    print("READY", url, json.dumps(sample_data.SEED_REPORT), flush=True)
    sys.stdin.read()
    server.stop()


def _start(keys: int, fast: bool) -> tuple[subprocess.Popen[str], str, dict[str, Any]]:
    cmd = [sys.executable, "-m", "tests.bench.bench_demo_listing", "--child", "--keys", str(keys)]
    if not fast:
        cmd.append("--slow")
    proc = subprocess.Popen(
        cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True
    )
    assert proc.stdout is not None
    while True:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError("the benchmark server exited")
        if line.startswith("READY "):
            _, url, report = line.split(" ", 2)
            return proc, url, json.loads(report)


async def _list(
    url: str, prefix: str, recursive: bool, max_pages: int | None
) -> tuple[int, int, float]:
    started = time.perf_counter()
    pages = rows = 0
    async with S3Session(cat.demo_credentials(url)) as session:
        async for page in session.iter_pages(cat.LARGE_BUCKET, prefix, recursive=recursive):
            pages += 1
            rows += len(page.objects) + len(page.prefixes)
            if max_pages and pages >= max_pages:
                break
    return pages, rows, time.perf_counter() - started


def _run(keys: int, fast: bool, max_pages: int | None) -> list[tuple[str, str]]:
    proc, url, report = _start(keys, fast)
    label = "indexed" if fast else "moto original"
    out = [
        (f"{label}: seed {keys:,} large keys (direct insert)", f"{report['large_seconds']:.2f} s")
    ]
    try:
        cases = [
            ("recursive, whole bucket", "", True),
            ("folder view, flat/ folder", cat.LARGE_FLAT_PREFIX, False),
            ("folder view, one day folder", "logs/year=2024/month=06/day=15/", False),
            ("folder view, bucket root", "", False),
        ]
        for name, prefix, recursive in cases:
            pages, rows, seconds = asyncio.run(_list(url, prefix, recursive, max_pages))
            note = f"{seconds:.2f} s ({pages} pages, {rows:,} rows)"
            if max_pages and pages >= max_pages:
                note += f", stopped after {max_pages} pages: {seconds / pages:.3f} s/page"
            out.append((f"{label}: {name}", note))
    finally:
        assert proc.stdin is not None
        proc.stdin.close()
        proc.wait(timeout=30)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--keys", type=int, default=200_000)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--child", action="store_true")
    parser.add_argument("--slow", action="store_true")
    args = parser.parse_args(argv)
    if args.child:
        _child(args.keys, fast=not args.slow)
        return
    os.environ.setdefault("AWS_EC2_METADATA_DISABLED", "true")
    rows = _run(args.keys, True, None)
    if args.compare:
        rows += _run(args.keys, False, 10)
    width = max(len(name) for name, _ in rows)
    print(f"{'demo listing benchmark'.ljust(width)}  result")
    for name, value in rows:
        print(f"{name.ljust(width)}  {value}")


if __name__ == "__main__":
    main()

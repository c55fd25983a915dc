"""Benchmark: recursive listing of a large bucket, s3browser vs ``aws s3 ls`` vs ``s5cmd ls``.

Every tool lists the same bucket (100,000 keys in 100 folders by default) from the same
local server (``tests/bench/list_server.py``, which answers a page in well under a
millisecond, so the clients are what is measured) in the same run, with the runs of
the tools interleaved so a noisy machine slows them alike. Each command's output is
read to the end and its lines counted: a tool that lists fewer keys fails the run.

Two server settings: ``local`` answers at once; ``rtt`` waits ``--latency-ms`` (20 ms)
before each listing answer, like a remote S3 region. Besides the three command-line
tools, rows for the library: s3browser's core (sharded, and one sequential chain)
and aioboto3's paginator with botocore's parser, to show where the time goes.

    python -m tests.bench.bench_listing [--keys 100000] [--prefixes 100] [--runs 3]

``make bench`` runs it through ``tests/bench/run_all.py`` (``run(ctx)``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.bench.list_server import ListServer

BUCKET = "bench-list"
SECTION = "listing"
ROOT = Path(__file__).resolve().parents[2]


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="bench-access-key",
        AWS_SECRET_ACCESS_KEY="bench-secret-key",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
    )
    return env


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def count_lines(cmd: list[str]) -> tuple[float, float, int]:
    """Run a command to completion: wall seconds, CPU seconds, lines printed."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    assert proc.stdout is not None
    lines = 0
    for chunk in iter(lambda: proc.stdout.read(1 << 16), b""):  # type: ignore[union-attr]
        lines += chunk.count(b"\n")
    err = proc.stderr.read() if proc.stderr else b""
    code = proc.wait()
    elapsed = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{cmd[0]} exited {code}: {err.decode(errors='replace')[-600:]}")
    return elapsed, _children_cpu() - cpu, lines


def cli_commands(url: str, tools: Any) -> dict[str, list[str]]:
    s3url = f"s3://{BUCKET}/"
    ours = [sys.executable, "-m", "s3browser", "ls", "-r", "--endpoint-url", url, s3url]
    commands = {"s3browser": ours}
    if tools is not None:
        aws = [str(tools.aws), "--endpoint-url", url, "s3", "ls", "--recursive", s3url]
        commands["aws s3 ls"] = aws
        commands["s5cmd ls"] = [str(tools.s5cmd), "--endpoint-url", url, "ls", f"{s3url}*"]
    return commands


def _credentials(url: str) -> dict[str, Any]:
    return {
        "aws_access_key_id": "bench-access-key",
        "aws_secret_access_key": "bench-secret-key",
        "region_name": "us-east-1",
        "endpoint_url": url,
    }


async def _core(url: str, mode: str) -> int:
    from s3browser.core import listing, sharding
    from s3browser.core.session import S3Session

    async with S3Session(_credentials(url)) as session:
        if mode == "sharded":
            pages = sharding.iter_recursive(session.pool, BUCKET)
        else:
            pages = listing.iter_pages(session.pool, BUCKET, delimiter=None)
        return sum([len(page.objects) async for page in pages])


async def _aioboto3(url: str) -> int:
    import aioboto3

    creds = _credentials(url)
    async with aioboto3.Session().client("s3", **creds) as client:
        count = 0
        async for page in client.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            count += len(page.get("Contents", []))
        return count


def library_cases(url: str) -> dict[str, Callable[[], int]]:
    return {
        "s3browser core, sharded": lambda: asyncio.run(_core(url, "sharded")),
        "s3browser core, one chain": lambda: asyncio.run(_core(url, "sequential")),
        "aioboto3 paginator": lambda: asyncio.run(_aioboto3(url)),
    }


def measure(
    url: str, keys: int, runs: int, tools: Any, library: bool
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """Interleaved runs of every tool: wall seconds and CPU seconds per run, by tool.

    CPU seconds (user + system of the tool's process; the server's are not counted)
    are the steadier figure on a shared machine: they do not grow when other
    processes take the cores, while wall time does.
    """
    commands = cli_commands(url, tools)
    cases = library_cases(url) if library else {}
    if cases:
        import aioboto3  # noqa: F401  (imported once, outside the timed library runs)

        import s3browser.core.session  # noqa: F401
    names = [*commands, *cases]
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(runs):
        for name, cmd in commands.items():
            elapsed, used, lines = count_lines(cmd)
            if lines < keys:
                raise RuntimeError(f"{name} printed {lines} lines for {keys} keys")
            wall[name].append(elapsed)
            cpu[name].append(used)
        for name, case in cases.items():
            before = _own_cpu()
            started = time.perf_counter()
            found = case()
            wall[name].append(time.perf_counter() - started)
            cpu[name].append(_own_cpu() - before)
            if found != keys:
                raise RuntimeError(f"{name} listed {found} of {keys} keys")
    return wall, cpu


def settings(latency_ms: float) -> list[tuple[str, float]]:
    return [("local", 0.0), (f"rtt {latency_ms:g} ms", latency_ms)]


def run(ctx: Any) -> None:
    """Entry point for ``tests/bench/run_all.py``: adds rows to ``ctx.table``."""
    keys, prefixes, latency = 100_000, 100, 20.0
    for label, delay in settings(latency):
        with ListServer(bucket=BUCKET, keys=keys, prefixes=prefixes, latency_ms=delay) as url:
            wall, cpu = measure(url, keys, ctx.runs, ctx.tools, library=(delay == 0))
        case = f"ls -r {keys:,} keys / {prefixes} folders, {label}"
        note = "in-memory listing server"
        for tool, runs in wall.items():
            ctx.table.add(SECTION, case, tool, runs, items=keys, note=note)
        for tool, runs in cpu.items():
            ctx.table.add(SECTION, case + ", CPU s", tool, runs, items=keys, note=note)


def _median(values: list[float]) -> float:
    return sorted(values)[len(values) // 2]


def table(wall: dict[str, list[float]], cpu: dict[str, list[float]]) -> str:
    """Markdown: median wall and CPU seconds, and each tool's time ÷ s3browser's."""
    base_wall, base_cpu = _median(wall["s3browser"]), _median(cpu["s3browser"])
    lines = [
        "| tool | wall s (median) | wall runs | ÷ s3browser | CPU s (median) | ÷ s3browser |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for name in wall:
        w, c = _median(wall[name]), _median(cpu[name])
        runs = ", ".join(f"{r:.2f}" for r in wall[name])
        lines.append(
            f"| {name} | {w:.2f} | {runs} | {w / base_wall:.2f} | {c:.2f} | {c / base_cpu:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--prefixes", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--no-tools", action="store_true", help="s3browser only")
    parser.add_argument("--no-library", action="store_true", help="command-line tools only")
    args = parser.parse_args(argv)
    tools = None
    if not args.no_tools:
        from tests.bench.tools import ensure_tools

        tools = ensure_tools()
    print(f"load average before: {os.getloadavg()}")
    for label, delay in settings(args.latency_ms):
        with ListServer(
            bucket=BUCKET, keys=args.keys, prefixes=args.prefixes, latency_ms=delay
        ) as url:
            wall, cpu = measure(url, args.keys, args.runs, tools, library=not args.no_library)
        print(f"\n{args.keys:,} keys in {args.prefixes} folders, server {label}:")
        print(table(wall, cpu))
    print(f"\nload average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

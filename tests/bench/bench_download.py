"""Download speed: `s3browser get` against `s5cmd cp` and `aws s3 cp`.

Two cases, each tool run ``ctx.runs`` times in turn (interleaved, so a burst of
load from other processes hits all three alike), every run into an empty folder:
(a) one 1 GiB object, (b) 2,000 objects of 64 KiB under one prefix. Whole
processes are timed, start-up included, since that is what a user waits for.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from tests.bench.tools import run_timed

BUCKET = "bench"
BIG_KEY = "big/one-gib.bin"
BIG_SIZE = 1024 * 1024 * 1024
SMALL_PREFIX = "small/"
SMALL_COUNT = 2000
SMALL_SIZE = 64 * 1024
ENGINE_ROW = "s3browser engine only (in-process, no start-up)"


def _commands(ctx: object, src: str, out: Path, recursive: bool) -> dict[str, list[str]]:
    tools = ctx.tools  # type: ignore[attr-defined]
    url = ctx.server.endpoint_url  # type: ignore[attr-defined]
    s3b = [str(tools.python), "-m", "s3browser", "get", "--endpoint-url", url, "--quiet"]
    s3b += [src, str(out) + "/"] + (["--recursive"] if recursive else [])
    s5 = [
        str(tools.s5cmd),
        "--endpoint-url",
        url,
        "cp",
        src + ("*" if recursive else ""),
        str(out) + "/",
    ]
    aws = [
        str(tools.aws),
        "--endpoint-url",
        url,
        "s3",
        "cp",
        src,
        str(out) + "/",
        "--only-show-errors",
    ]
    if recursive:
        aws.append("--recursive")
    # s5cmd and aws s3 cp check no MD5 on download; s3browser does by default (the
    # objects here are single-part, so their ETag is the MD5): both rows are shown.
    return {
        "s3browser": s3b,
        "s3browser --no-verify": [*s3b, "--no-verify"],
        "s5cmd": s5,
        "aws s3 cp": aws,
    }


def _children_cpu() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _engine_only(ctx: object, src: str, out: Path) -> float:
    """The engine's own time for the same download, start-up excluded (engine_probe.py)."""
    import subprocess

    from tests.bench.tools import bench_env

    tools = ctx.tools  # type: ignore[attr-defined]
    cmd = [
        str(tools.python),
        "-m",
        "tests.bench.engine_probe",
        ctx.server.endpoint_url,
        src,
        str(out),
    ]  # type: ignore[attr-defined]
    proc = subprocess.run(cmd, env=bench_env(), capture_output=True, text=True, check=True)
    return float(proc.stdout.strip().splitlines()[-1])


def _measure(
    ctx: object, case: str, src: str, recursive: bool, nbytes: int, check: Callable[[Path], None]
) -> None:
    scratch: Path = ctx.scratch  # type: ignore[attr-defined]
    runs: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    for i in range(ctx.runs):  # type: ignore[attr-defined]
        for tool, cmd in _commands(ctx, src, scratch / "out", recursive).items():
            out = scratch / "out"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            before = _children_cpu()
            seconds = run_timed(cmd)
            cpu.setdefault(tool, []).append(_children_cpu() - before)
            check(out)
            runs.setdefault(tool, []).append(seconds)
            print(f"    run {i + 1} {tool}: {seconds:.2f}s", file=sys.stderr, flush=True)
        out = scratch / "out"
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        seconds = _engine_only(ctx, src, out)
        check(out)
        runs.setdefault(ENGINE_ROW, []).append(seconds)
        shutil.rmtree(scratch / "out", ignore_errors=True)
    for tool, times in runs.items():
        ctx.table.add("download", case, tool, times, nbytes=nbytes)  # type: ignore[attr-defined]
    # CPU seconds (user + system) of each tool's process: steadier than wall time on a
    # shared machine, and it shows whether a tool is slow or merely single-threaded.
    for tool, times in cpu.items():
        ctx.table.add("download", case + ", CPU s", tool, times)  # type: ignore[attr-defined]


def run(ctx: object) -> None:
    server = ctx.server  # type: ignore[attr-defined]
    print("  writing 1 GiB and 2,000 x 64 KiB of random data ...", file=sys.stderr, flush=True)
    big = server.make_object(BUCKET, BIG_KEY, BIG_SIZE)
    for i in range(SMALL_COUNT):
        server.make_object(BUCKET, f"{SMALL_PREFIX}{i:05d}.bin", SMALL_SIZE)
    server.warm(BUCKET, BIG_KEY)
    first = (server.root / BUCKET / SMALL_PREFIX / "00000.bin").read_bytes()

    def check_big(out: Path) -> None:
        got = out / "one-gib.bin"
        if got.stat().st_size != BIG_SIZE:
            raise RuntimeError(f"{got} has the wrong size")

    def check_small(out: Path) -> None:
        files = list(out.rglob("*.bin"))
        if len(files) != SMALL_COUNT or (out / "00000.bin").read_bytes() != first:
            raise RuntimeError(f"{len(files)} small files instead of {SMALL_COUNT}")

    _measure(ctx, "1 GiB object", f"s3://{BUCKET}/{BIG_KEY}", False, BIG_SIZE, check_big)
    _measure(
        ctx,
        "2,000 x 64 KiB",
        f"s3://{BUCKET}/{SMALL_PREFIX}",
        True,
        SMALL_COUNT * SMALL_SIZE,
        check_small,
    )
    big.unlink()

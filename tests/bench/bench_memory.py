"""Memory stays bounded: `s3browser get` of a 5 GiB object, peak RSS of the process.

The object is a sparse file on the benchmark server (zeros cost no disk there);
the download writes a real 5 GiB file. The peak resident set size of the
`s3browser` process comes from ``getrusage(RUSAGE_CHILDREN)``; the issue's bound is
250 MB. Page cache is not RSS: streaming in chunks keeps the process small.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time

from tests.bench.tools import bench_env

_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    "sys.exit(code)\n"
)
BUCKET = "bench"
KEY = "huge/five-gib.bin"
SIZE = 5 * 1024**3


def run(ctx: object) -> None:
    server = ctx.server  # type: ignore[attr-defined]
    scratch = ctx.scratch  # type: ignore[attr-defined]
    server.make_object(BUCKET, KEY, SIZE, sparse=True)
    print("  computing the server's ETag of 5 GiB ...", file=sys.stderr, flush=True)
    server.warm(BUCKET, KEY)
    out = scratch / "huge"
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    cmd = [
        str(ctx.tools.python),  # type: ignore[attr-defined]
        "-m",
        "s3browser",
        "get",
        "--endpoint-url",
        server.endpoint_url,
        "--quiet",
        f"s3://{BUCKET}/{KEY}",
        str(out) + "/",
    ]
    # A wrapper process whose only child is s3browser: its RUSAGE_CHILDREN peak is ours.
    wrapper = [sys.executable, "-c", _WRAPPER, *cmd]
    started = time.perf_counter()
    proc = subprocess.run(wrapper, env=bench_env(), capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-800:])
    peak_mb = int(proc.stdout.strip().splitlines()[-1]) / 1024  # ru_maxrss is KiB on Linux
    size = (out / "five-gib.bin").stat().st_size
    shutil.rmtree(out, ignore_errors=True)
    (server.root / BUCKET / KEY).unlink()
    if size != SIZE:
        raise RuntimeError("the 5 GiB download has the wrong size")
    ctx.table.add(  # type: ignore[attr-defined]
        "memory",
        "5 GiB object (sparse on the server)",
        "s3browser",
        [seconds],
        nbytes=SIZE,
        note=f"peak RSS {peak_mb:.0f} MB",
    )

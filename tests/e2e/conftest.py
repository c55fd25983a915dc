"""End-to-end set-up: a real X server (Xvfb) on a free display, and its tools."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.xserver import private_xvfb

ROOT = Path(__file__).resolve().parents[2]


def artifacts_dir() -> Path:
    """Where screenshots go (printed by the tests): ``test-artifacts/`` unless overridden."""
    path = Path(os.environ.get("S3BROWSER_ARTIFACTS", ROOT / "test-artifacts"))
    path.mkdir(parents=True, exist_ok=True)
    return path


@pytest.fixture
def xvfb() -> Iterator[str]:
    """A fresh Xvfb; yields its DISPLAY (``:N``, chosen by Xvfb itself via -displayfd)."""
    if shutil.which("Xvfb") is None or shutil.which("xdotool") is None:
        pytest.skip("Xvfb and xdotool are needed (make system-deps installs them)")
    with private_xvfb("1400x900x24") as display:
        yield display


def x_tool(display: str, *args: str, check: bool = False) -> str:
    """Run xdotool (or another X client) on ``display``; returns its stdout."""
    result = subprocess.run(
        list(args),
        env=dict(os.environ, DISPLAY=display),
        capture_output=True,
        text=True,
        timeout=30,
        check=check,
    )
    return result.stdout.strip()


def wait_for(predicate, timeout: float, what: str):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.2)

"""The real app as a subprocess: `s3browser --demo` on Xvfb, driven with xdotool.

The window title always shows the current location, so xdotool can see navigation
happen without any test hook in the app.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import ROOT, artifacts_dir, wait_for, x_tool

pytestmark = pytest.mark.e2e


def _app_env(tmp_path: Path, display: str | None) -> dict[str, str]:
    env = dict(os.environ)
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env.pop(var, None)
    if display:
        env["DISPLAY"] = display
    env.update(
        PYTHONPATH=str(ROOT),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_CACHE_HOME=str(tmp_path / "cache"),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        S3BROWSER_DEMO_LARGE_KEYS="2000",  # the demo's big bucket, small: seeds in a second
        PYTHONWARNINGS="default",
    )
    return env


def _press_until(display: str, window: str, keys: list[str], done: Any, what: str) -> Any:
    """Send ``keys`` until ``done()`` is true (the rows may still be loading the first times)."""
    for _ in range(15):
        x_tool(display, "xdotool", "key", "--window", window, "--delay", "100", *keys)
        try:
            return wait_for(done, 3, what)
        except AssertionError:
            continue
    raise AssertionError(f"keys {keys} never led to {what}")


def _title(display: str, window: str) -> str:
    return x_tool(display, "xdotool", "getwindowname", window)


def test_demo_window_navigates_by_keyboard(xvfb: str, tmp_path: Path) -> None:
    env = _app_env(tmp_path, xvfb)
    log_path = tmp_path / "app.log"
    with log_path.open("w") as log:
        app = subprocess.Popen(
            [sys.executable, "-m", "s3browser", "--demo"],
            env=env,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        window = wait_for(
            lambda: x_tool(xvfb, "xdotool", "search", "--name", "s3browser").split("\n")[0],
            60,
            "the s3browser window",
        )
        # Connected to the demo: the title shows the bucket list's location.
        wait_for(lambda: _title(xvfb, window).startswith("s3:// "), 120, "the bucket list")
        shots = artifacts_dir()
        x_tool(xvfb, "import", "-window", "root", str(shots / "e2e-1-buckets.png"))
        x_tool(xvfb, "xdotool", "windowfocus", "--sync", window)
        # Keyboard only: focus the table, first bucket, open it; first folder, open it.
        # The keys are sent again while nothing happened: the rows may not have arrived yet.
        _press_until(
            xvfb,
            window,
            ["ctrl+2", "Home", "Return"],
            lambda: _title(xvfb, window).startswith("s3://demo-analytics/ "),
            "the bucket",
        )
        folder_title = _press_until(
            xvfb,
            window,
            ["Home", "Return"],
            lambda: (
                (t := _title(xvfb, window)).startswith("s3://demo-analytics/")
                and t.count("/") > 3
                and t
            ),
            "a folder of the bucket",
        )
        time.sleep(1.0)  # let the listing paint
        shot = shots / "e2e-2-folder.png"
        x_tool(xvfb, "import", "-window", "root", str(shot))
        print(
            f"\nscreenshots in {shots}/ (e2e-1-buckets.png, e2e-2-folder.png); title: {folder_title}"
        )
        assert shot.stat().st_size > 10_000
        # Backspace goes back up.
        x_tool(xvfb, "xdotool", "key", "--window", window, "BackSpace")
        wait_for(lambda: _title(xvfb, window).startswith("s3://demo-analytics/ "), 30, "going up")
        # Ctrl+Q quits cleanly: every task and the session closed, the demo server stopped.
        x_tool(xvfb, "xdotool", "key", "--window", window, "ctrl+q")
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.terminate()
            app.wait(timeout=15)
    output = log_path.read_text()
    assert "Traceback" not in output, output
    assert "Unclosed" not in output, output


def test_without_a_display_says_so_in_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "s3browser"],
        env=_app_env(tmp_path, None),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "display" in lines[0] and "s3browser ls" in lines[0]

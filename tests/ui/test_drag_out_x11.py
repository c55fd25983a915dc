"""Drag-out on a real X server: objects dragged from the table land in another process.

The source (a table + the real TransfersController, on the moto server) and the drop
target (a Qt window that copies dropped file URLs like a file manager) are separate
processes on an Xvfb started here; xdotool presses, moves and releases the mouse.
The dropped files' bytes must equal the objects'. Screenshots go to a folder the test
prints.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.xserver import private_xvfb

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not (shutil.which("Xvfb") and shutil.which("xdotool")), reason="needs Xvfb and xdotool"
    ),
]

BUCKET = "drag-bucket"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def xdisplay() -> Iterator[str]:
    """A private Xvfb; its display name (":N")."""
    with private_xvfb("1280x720x24") as display:
        yield display


class App:
    """A child process printing JSON lines; read them with :meth:`expect`."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: queue.Queue[dict[str, Any]] = queue.Queue()
        self.stderr: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_err, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.startswith("{"):
                self.lines.put(json.loads(line))

    def _read_err(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            if "HTTP/1.1" not in line:
                self.stderr.append(line)

    def expect(self, key: str, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                msg = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            if key in msg:
                return msg
        raise AssertionError(
            f"no {key!r} from {self.proc.args}; stderr: {''.join(self.stderr)[-3000:]}"
        )

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


def xdotool(display: str, *args: str) -> None:
    subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": display}, check=True)


def screenshot(display: str, path: Path) -> None:
    if shutil.which("import"):
        subprocess.run(
            ["import", "-window", "root", str(path)],
            env={**os.environ, "DISPLAY": display},
            check=False,
            timeout=20,
        )


def test_drag_objects_to_another_application(
    xdisplay: str, s3_endpoint: str, s3_admin: Any, tmp_path: Path
) -> None:
    s3_admin.create_bucket(Bucket=BUCKET)
    bodies = {
        "reports/summary.csv": b"a,b\n1,2\n" * 1000,
        "reports/chart.bin": os.urandom(3 * 1024 * 1024 + 17),
    }
    for key, body in bodies.items():
        s3_admin.put_object(Bucket=BUCKET, Key=key, Body=body)
    out = tmp_path / "dropped"
    out.mkdir()
    shots = Path(tempfile.mkdtemp(prefix="s3browser-drag-shots-"))
    print(f"screenshots in {shots}")
    env = {
        **os.environ,
        "DISPLAY": xdisplay,
        "QT_QPA_PLATFORM": "xcb",
        "PYTHONPATH": str(ROOT),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
    }
    specs = [f"{key}={len(body)}" for key, body in bodies.items()]
    source = App(["tests.ui.apps.drag_source", s3_endpoint, BUCKET, *specs], env)
    target = App(["tests.ui.apps.drop_target", str(out), "900", "100"], env)
    try:
        target.expect("ready")
        rows = source.expect("rows")["rows"]
        time.sleep(1.0)  # let both windows map
        x, y = rows[0]
        xdotool(xdisplay, "mousemove", str(x), str(y))
        xdotool(xdisplay, "mousedown", "1")
        for step in range(1, 21):  # a real drag: many small moves towards the target
            xdotool(
                xdisplay,
                "mousemove",
                str(x + (1050 - x) * step // 20),
                str(y + (250 - y) * step // 20),
            )
            time.sleep(0.05)
        time.sleep(0.5)
        screenshot(xdisplay, shots / "during-drag.png")
        xdotool(xdisplay, "mouseup", "1")
        dropped = target.expect("dropped", timeout=60)
        time.sleep(0.5)
        screenshot(xdisplay, shots / "after-drop.png")
        status = source.expect("status", timeout=10)["status"]
    finally:
        source.stop()
        target.stop()
    assert sorted(Path(p).name for p in dropped["dropped"]) == ["chart.bin", "summary.csv"]
    for key, body in bodies.items():
        assert (out / key.rsplit("/", 1)[-1]).read_bytes() == body
    assert "Dropped 2 items" in status
    assert "drag-out" in status  # says where the files came from

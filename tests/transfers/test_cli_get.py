"""`s3browser get` as a user runs it: exit codes, the summary line, resuming after a kill."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.transfers.conftest import BUCKET, put, random_bytes

ROOT = Path(__file__).resolve().parents[2]
KiB = 1024


def _cmd(endpoint: str, *args: str) -> list[str]:
    return [sys.executable, "-m", "s3browser", "get", "--endpoint-url", endpoint, *args]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def get(endpoint: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        _cmd(endpoint, *args), capture_output=True, text=True, env=_env(), timeout=120
    )


def test_folder_download_prints_a_summary(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    a = put(s3_admin, "f/a.csv", random_bytes(5000))
    b = put(s3_admin, "f/sub/b.csv", random_bytes(7000))
    out = get(s3_endpoint, f"s3://{BUCKET}/f/", str(tmp_path / "out"), "--recursive")
    assert out.returncode == 0, out.stderr
    assert "2 downloaded" in out.stdout and "0 failed" in out.stdout
    assert "\r" not in out.stderr, "no progress bar when stderr is not a terminal"
    assert (tmp_path / "out" / "a.csv").read_bytes() == a
    assert (tmp_path / "out" / "sub" / "b.csv").read_bytes() == b


def test_single_object_to_a_file_name_and_json(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    data = put(s3_admin, "one.bin", random_bytes(3000))
    target = tmp_path / "renamed.bin"
    out = get(s3_endpoint, "--json", f"s3://{BUCKET}/one.bin", str(target))
    assert out.returncode == 0, out.stderr
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert lines[0]["state"] == "done" and lines[0]["path"] == str(target)
    assert lines[-1]["downloaded"] == 1
    assert target.read_bytes() == data


def test_failures_exit_non_zero(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    out = get(s3_endpoint, f"s3://{BUCKET}/missing.txt", str(tmp_path) + "/")
    assert out.returncode == 1
    assert "failed: s3://" in out.stderr and "Traceback" not in out.stderr
    assert "1 failed" in out.stdout

    usage = get(s3_endpoint, f"s3://{BUCKET}/folder/", str(tmp_path))
    assert usage.returncode == 2 and "--recursive" in usage.stderr


def test_existing_files_need_a_policy(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    put(s3_admin, "e/x.txt", b"remote")
    (tmp_path / "x.txt").write_bytes(b"local")
    url = f"s3://{BUCKET}/e/x.txt"
    refused = get(s3_endpoint, url, str(tmp_path))
    assert refused.returncode == 1 and "--overwrite" in refused.stdout
    assert (tmp_path / "x.txt").read_bytes() == b"local"
    assert get(s3_endpoint, url, str(tmp_path), "--skip-existing").returncode == 0
    assert get(s3_endpoint, url, str(tmp_path), "--keep-both").returncode == 0
    assert (tmp_path / "x (1).txt").read_bytes() == b"remote"
    assert get(s3_endpoint, url, str(tmp_path), "--overwrite").returncode == 0
    assert (tmp_path / "x.txt").read_bytes() == b"remote"


@pytest.mark.slow
def test_killed_download_resumes_byte_identical(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    data = put(s3_admin, "k/big.bin", random_bytes(6 * 1024 * KiB))
    args = [
        f"s3://{BUCKET}/k/big.bin",
        str(tmp_path) + "/",
        "--part-size",
        "64KiB",
        "--concurrency",
        "1",
    ]
    proc = subprocess.Popen(
        _cmd(s3_endpoint, *args), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    sidecar = tmp_path / "big.bin.part.json"
    deadline = time.monotonic() + 60
    done: list[list[int]] = []
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            done = json.loads(sidecar.read_text())["done"]
        except (OSError, ValueError):
            done = []
        if done and done[0][1] >= 256 * KiB:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the download finished before it could be interrupted"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()  # type: ignore[union-attr]
    proc.stderr.close()  # type: ignore[union-attr]
    assert not (tmp_path / "big.bin").exists(), "nothing under the final name after a kill"
    assert (tmp_path / "big.bin.part").exists()

    again = get(s3_endpoint, *args)
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "big.bin").read_bytes() == data
    assert not list(tmp_path.glob("*.part*"))


def test_progress_bar_on_a_terminal(
    s3_endpoint: str, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    """On a TTY the bar rewrites one line on stderr; the summary still ends the run."""
    import pty

    put(s3_admin, "t/big.bin", random_bytes(3 * 1024 * KiB))
    cmd = _cmd(s3_endpoint, f"s3://{BUCKET}/t/big.bin", str(tmp_path) + "/", "--part-size", "64KiB")
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(cmd, env=_env(), stdin=terminal, stdout=terminal, stderr=terminal)
    os.close(terminal)
    output = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        output += chunk
    os.close(controller)
    assert proc.wait(timeout=60) == 0, output[-2000:]
    text = output.decode("utf-8", "replace")
    assert "\r" in text and "%" in text and "files" in text, text[-2000:]
    assert "1 downloaded" in text


def test_help_does_not_import_the_aws_stack() -> None:
    code = (
        "import sys\n"
        "from s3browser.cli.main import main\n"
        "try:\n"
        "    main(['get', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in ('aioboto3', 'aiobotocore', 'botocore', 'aiohttp') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=_env(), timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]"

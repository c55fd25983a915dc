"""``s3browser --self-test``: passes on a working install, names the broken part otherwise."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from s3browser import selftest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_self_test_passes_on_this_installation(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["PYTHONPATH"] = str(ROOT)
    env["S3BROWSER_SELFTEST_TIMEOUT"] = "150"
    res = subprocess.run(
        [sys.executable, "-m", "s3browser", "--self-test"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
        env=env,
        timeout=240,
    )
    print(res.stdout)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "self-test passed" in res.stdout
    for step in ("keyring", "demo server", "list buckets", "open a folder", "download"):
        assert f"ok    {step}" in res.stdout
    assert "bytes verified" in res.stdout


def test_missing_keyring_metadata_fails_with_a_sentence(monkeypatch: pytest.MonkeyPatch) -> None:
    """What a frozen app without keyring's dist-info looks like (pyinstaller#5245)."""
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "entry_points", lambda **_kw: [])
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run_self_test(out=out, err=err) == 1
    assert "FAILED at keyring" in err.getvalue()
    assert "package metadata missing" in err.getvalue()
    assert "Traceback" not in err.getvalue()


def test_a_demo_server_that_cannot_start_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from s3browser.demo import server

    def refuse(self: Any, timeout: float = 0) -> str:
        raise RuntimeError("the local S3 server exited early with code 1")

    monkeypatch.setattr(server.LocalS3Server, "start", refuse)
    out, err = io.StringIO(), io.StringIO()
    assert selftest.run_self_test(out=out, err=err) == 1
    assert "ok    keyring" in out.getvalue()
    assert "FAILED at demo server: the embedded S3 server did not start" in err.getvalue()


def test_required_keyring_without_a_secret_service_fails(monkeypatch: pytest.MonkeyPatch) -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("Secret Service is the Linux backend")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    report = selftest.Report(io.StringIO())
    with pytest.raises(selftest.SelfTestFailure) as failure:
        selftest.check_keyring(report, required=True)
    assert failure.value.step == "keyring"

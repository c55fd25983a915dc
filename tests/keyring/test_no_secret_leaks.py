"""After a whole session the secret is in the keyring and nowhere else: no file, no log line.

The session is the real one: the profile is typed into the connect dialog and saved
to a real Secret Service, the main window connects through the switcher's machinery,
browses, shows details and a preview, the transfer engine downloads, and the command
line (a new process, at -vv DEBUG logging) lists, reads and downloads by profile name.
Then every file under the config, cache, data and state dirs (and the log dir, the
download folder) is searched for the secret and the session token, raw and base64.
"""

from __future__ import annotations

import base64
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import keyring
import platformdirs
import pytest

from s3browser.core.s3url import S3Location
from s3browser.credentials.secrets import SecretStore
from s3browser.credentials.store import ProfileStore
from s3browser.ui.connections import Connections
from tests.credentials.dialog_helpers import click, dispose, fill_access_keys, until

from .conftest import child_env

pytestmark = [
    pytest.mark.keyring,
    pytest.mark.qt_log_ignore(r"This plugin does not support"),
]

SECRET = "leak-Secret+8d1f0c2b9a7e6d5c4b3a29180f7e6d5c"
TOKEN = "leak-Token//FwoGZXIvYXdzEJr3a9c1e7b5d3f1a0c8e6b4d2f0a9c7e5b3d1f"


def _needles() -> dict[str, bytes]:
    needles: dict[str, bytes] = {}
    for label, value in (("secret", SECRET), ("token", TOKEN)):
        raw = value.encode()
        needles[label] = raw
        needles[f"{label} (base64)"] = base64.b64encode(raw)
        needles[f"{label} (utf-16)"] = value.encode("utf-16-le")
    return needles


def _scan(roots: list[Path]) -> tuple[int, list[str]]:
    """Regular files searched, and ``what in which file`` for every hit."""
    hits: list[str] = []
    count = 0
    for root in roots:
        if not root.exists():
            continue
        for path in root.rglob("*"):
            if not path.is_file() or path.is_symlink():
                continue  # sockets (gnome-keyring's control socket), links
            count += 1
            data = path.read_bytes()
            hits += [f"{label} in {path}" for label, n in _needles().items() if n in data]
    return count, hits


async def test_no_secret_in_any_file_or_log_line_after_a_whole_session(
    qtbot: Any,
    secret_service: dict[str, str],
    store: ProfileStore,
    s3_endpoint: str,
    s3_admin: Any,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    from s3browser.core.transfers import Source, TransferManager, TransferOptions
    from s3browser.ui.main_window import MainWindow

    caplog.set_level(logging.DEBUG)  # every logger, botocore's request dumps included
    s3_admin.create_bucket(Bucket="leak-check")
    s3_admin.put_object(Bucket="leak-check", Key="data/report.csv", Body=b"region,total\neu,3\n")
    s3_admin.put_object(Bucket="leak-check", Key="data/notes.txt", Body=b"hello\n")
    downloads = tmp_path / "Downloads"
    downloads.mkdir()

    # -- save the profile and connect, as a user does ---------------------------------
    window = MainWindow()  # default QSettings: a file under the (temporary) config dir
    connections = Connections(window, store, SecretStore())
    connections.attach(window)
    window.show()
    try:
        connections.open_dialog()
        fill_access_keys(
            qtbot,
            connections.dialog,
            name="Leak check",
            endpoint=s3_endpoint,
            secret=SECRET,
            token=TOKEN,
        )
        click(qtbot, connections.dialog.connect_button)
        await until(lambda: window.session is not None and window.tree_model.root_loaded)
        stored = keyring.get_password("s3browser", connections.current.id) or ""
        assert SECRET in stored and TOKEN in stored  # the keyring has them: the scan is not vacuous

        # -- browse, details, preview, download -------------------------------------------
        window.go(S3Location("leak-check", "data/"))
        await until(
            lambda: (
                window.object_model.is_complete
                and window.location == S3Location("leak-check", "data/")
            )
        )
        details = window.details
        details.tabs.setCurrentWidget(details.preview)
        names = [window.proxy.index(r, 0).data() for r in range(window.proxy.rowCount())]
        window.table.select_row(names.index("report.csv"))  # details follow the selection
        await until(lambda: details.preview.kind == "table")
        assert "report.csv" in details.details_text
        manager = TransferManager(window.session, TransferOptions())
        try:
            result = await manager.download([Source("leak-check", "data/")], downloads).wait()
        finally:
            await manager.close()
        assert sorted(p.name for p in downloads.rglob("*") if p.is_file()) == [
            "notes.txt",
            "report.csv",
        ], result
        url = await window.session.presigned_url("leak-check", "data/report.csv")
        assert "X-Amz-Security-Token" in url  # the token exists in this session's URLs...
        logging.getLogger("s3browser.test").debug(
            "presigned link made: %s", url
        )  # ...and is logged

        # -- quit -------------------------------------------------------------------
        await until(lambda: "checking" not in window.status.identity.text())
        window.save_settings()
    finally:
        await connections.aclose()
        await window.shutdown()
        await dispose(window)

    # -- a new process at DEBUG: the command line by profile name -------------------
    env = child_env(secret_service)
    outputs = []
    for args in (
        ["ls", "s3://leak-check/data/"],
        ["stat", "s3://leak-check/data/report.csv"],
        ["cat", "s3://leak-check/data/notes.txt"],
        ["get", "s3://leak-check/data/report.csv", str(downloads / "cli-copy.csv")],
    ):
        run = subprocess.run(
            [
                sys.executable,
                "-m",
                "s3browser",
                "-vv",
                *args[:1],
                "--profile",
                "Leak check",
                *args[1:],
            ],
            env=env,
            capture_output=True,
            timeout=120,
        )
        assert run.returncode == 0, run.stderr.decode()[-2000:]
        outputs.append(run.stdout + run.stderr)
    assert b"hello" in outputs[2]
    assert b"Sending http request" in outputs[0]  # DEBUG really was on in the child

    # -- the search -------------------------------------------------------------------
    roots = [
        Path(os.environ[var])
        for var in ("XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
    ]
    roots += [Path(platformdirs.user_log_dir("s3browser")), downloads]
    searched, hits = _scan(roots)
    assert searched >= 4, roots  # settings file, QSettings, the keyring's file, downloads
    assert (Path(os.environ["XDG_CONFIG_HOME"]) / "s3browser" / "connections.json").is_file()
    assert hits == []

    records = [
        r.getMessage() + (logging.Formatter().formatException(r.exc_info) if r.exc_info else "")
        for r in caplog.records
    ]
    assert any("Sending http request" in m for m in records)  # botocore DEBUG was captured
    assert any("presigned link made" in m for m in records)
    for label, needle in _needles().items():
        assert not any(needle.decode("latin-1") in m for m in records), f"{label} in a log record"
        assert needle not in caplog.text.encode(), f"{label} in the captured log"
        for out in outputs:
            assert needle not in out, f"{label} in the command line's output"

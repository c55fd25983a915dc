"""A real Secret Service for the tests in this folder: gnome-keyring inside dbus-run-session.

The fixture starts its own private D-Bus session bus with ``dbus-run-session``,
unlocks a fresh gnome-keyring in it (its files go to the tests' temporary
XDG_DATA_HOME), and points this process (and the child processes the tests start)
at that bus. Closing the shell's stdin ends the bus, and gnome-keyring with it, so
nothing outlives the tests even if they crash.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.core
import pytest

from tests.credentials.conftest import (  # noqa: F401  (fixtures and the loop hook)
    _collect_garbage_on_the_gui_thread,
    config_dir,
    pytest_asyncio_loop_factories,
    store,
)

_START = (
    "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null; "
    'echo "$DBUS_SESSION_BUS_ADDRESS"; exec cat'
)


@pytest.fixture(scope="module")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Environment variables that reach the running Secret Service."""
    missing = [b for b in ("dbus-run-session", "gnome-keyring-daemon") if not shutil.which(b)]
    if missing:
        pytest.skip(
            f"a real Secret Service needs {' and '.join(missing)} "
            "(Debian: apt install dbus gnome-keyring; `make test` installs them as root)"
        )
    log = tmp_path_factory.mktemp("secret-service") / "dbus.log"
    with open(log, "w") as err:
        proc = subprocess.Popen(
            ["dbus-run-session", "--", "sh", "-c", _START],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )
    assert proc.stdout is not None and proc.stdin is not None
    address = proc.stdout.readline().strip()
    if not address:
        proc.kill()
        proc.wait()
        pytest.fail(f"dbus-run-session did not start: {Path(log).read_text()[-2000:]}")
    previous_address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    previous_backend = keyring.get_keyring()
    os.environ["DBUS_SESSION_BUS_ADDRESS"] = address
    # Choose again, now that a Secret Service answers, among keyring's own backends (the
    # in-memory test backend defined in tests/credentials is a candidate otherwise).
    # keyring remembers which backends were viable at its first use (before the bus
    # existed, if earlier tests used it): forget that first.
    reset = getattr(keyring.backend.get_all_keyring, "reset", None)
    if reset is not None:
        reset()
    keyring.core.init_backend(limit=lambda k: not type(k).__module__.startswith("tests."))
    try:
        yield {"DBUS_SESSION_BUS_ADDRESS": address}
    finally:
        keyring.set_keyring(previous_backend)
        if previous_address is None:
            os.environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
        else:
            os.environ["DBUS_SESSION_BUS_ADDRESS"] = previous_address
        proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment of a fresh app process: same dirs and code, no AWS keys to fall back on."""
    import s3browser

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ACCESS")}
    env.pop("AWS_SECRET_ACCESS_KEY", None)
    env.pop("AWS_SESSION_TOKEN", None)
    env["PYTHONPATH"] = str(Path(s3browser.__file__).resolve().parents[1])
    env.update(extra)
    return env

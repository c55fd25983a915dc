"""Starting the GUI: display check, QApplication + qasync loop, connection, shutdown.

The order matters for how fast the app feels: the window is shown first (Qt only),
then boto is imported in a worker thread while the window paints, then the demo
server starts (also off the GUI thread) and the session opens. A busy indicator in the
status bar and the table says which step is running. On quit every task is cancelled
and awaited and the session is closed before the loop ends, so no "Unclosed client
session" warning can print.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import importlib
import importlib.util
import logging
import os
import signal
import sys
from typing import Any

log = logging.getLogger(__name__)

EXIT_NO_DISPLAY = 2
_HEADLESS_PLATFORMS = ("offscreen", "minimal", "vnc")


def has_display() -> bool:
    """Whether Qt can open a window here (instead of aborting in its platform plugin)."""
    if sys.platform in ("win32", "darwin"):
        return True
    platform = os.environ.get("QT_QPA_PLATFORM", "")
    if platform.split(":")[0] in _HEADLESS_PLATFORMS:
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def _parse_argv(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="s3browser", description="Open the s3browser window.")
    parser.add_argument("location", nargs="?", help="open at s3://bucket/prefix/")
    parser.add_argument("--demo", action="store_true", help="use the embedded demo S3 server")
    parser.add_argument("--profile")
    parser.add_argument("--endpoint-url")
    parser.add_argument("--region")
    parser.add_argument("--no-sign-request", action="store_true")
    return parser.parse_args(argv)


def run_gui(args: argparse.Namespace | list[str] | None = None) -> int:
    """Run the window until it is closed; the CLI's entry point for "no subcommand"."""
    if args is None or isinstance(args, list):
        args = _parse_argv(sys.argv[1:] if args is None else args)
    if not has_display():
        print(
            "s3browser: no display found (DISPLAY/WAYLAND_DISPLAY unset), so the window cannot "
            "open; use the command line instead, e.g. `s3browser ls s3://bucket/`.",
            file=sys.stderr,
        )
        return EXIT_NO_DISPLAY
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("s3browser")
    app.setOrganizationName("s3browser")
    app.setApplicationDisplayName("s3browser")
    app.setDesktopFileName("s3browser")
    # The loop ends when main() returns, not when the last window closes.
    app.setQuitOnLastWindowClosed(False)
    try:
        code: int = qasync.run(_main(args))
    except KeyboardInterrupt:
        return 130
    except RuntimeError as exc:
        # Qt ended its loop on its own: the display went away (X server gone, session ended).
        if "Event loop stopped" not in str(exc):
            raise
        print("s3browser: the connection to the display was lost; exiting.", file=sys.stderr)
        return 1
    return code


def _import_heavy_modules() -> None:
    """Import boto & co. (about a second) off the GUI thread, after the first paint."""
    for name in ("aioboto3", "aiobotocore.session", "botocore.client"):
        importlib.import_module(name)


def _explicit_connection(args: argparse.Namespace) -> dict[str, Any] | None:
    """Connection options given on the command line, as a seed credentials dict."""
    given = any(
        getattr(args, name, None)
        for name in ("profile", "endpoint_url", "region", "no_sign_request")
    )
    if not given:
        return None
    try:
        from s3browser.cli.common import credentials_from_args
    except ImportError:
        creds: dict[str, Any] = {}
        for option, key in (
            ("profile", "profile_name"),
            ("endpoint_url", "endpoint_url"),
            ("region", "region_name"),
        ):
            if getattr(args, option, None):
                creds[key] = getattr(args, option)
        if getattr(args, "no_sign_request", False):
            creds["anonymous"] = True
        return creds
    result: dict[str, Any] = credentials_from_args(args)
    return result


class _DemoServer:
    """The embedded moto server, started and stopped off the GUI thread."""

    def __init__(self) -> None:
        from s3browser.demo.server import LocalS3Server

        seeded = importlib.util.find_spec("s3browser.demo.sample_data") is not None
        large = int(os.environ.get("S3BROWSER_DEMO_LARGE_KEYS", "200000"))
        self.seeded = seeded
        self.server = LocalS3Server(seed=seeded, large_keys=large)

    async def start(self) -> str:
        loop = asyncio.get_running_loop()
        url: str = await loop.run_in_executor(None, self.server.start)
        return url

    async def stop(self) -> None:
        await asyncio.get_running_loop().run_in_executor(None, self.server.stop)

    @staticmethod
    def credentials(url: str) -> dict[str, Any]:
        demo_credentials = getattr(
            importlib.import_module("s3browser.demo"), "demo_credentials", None
        )
        if demo_credentials is None:
            from s3browser.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

            return {
                "aws_access_key_id": DEMO_ACCESS_KEY,
                "aws_secret_access_key": DEMO_SECRET_KEY,
                "region_name": "us-east-1",
                "endpoint_url": url,
            }
        creds: dict[str, Any] = demo_credentials(url)
        return creds


async def _main(args: argparse.Namespace) -> int:
    from s3browser.ui.main_window import MainWindow

    window = MainWindow(defer_transfers=True)
    closed = asyncio.Event()
    window.closed.connect(closed.set)
    _quit_on_sigint(window)
    window.set_activity("Loading the S3 libraries…", busy=True)
    window.show()
    await asyncio.sleep(0.05)  # let the first paint happen before the heavy imports
    # The connection machinery (dialog, credentials, AWS config) after the first paint:
    # ~0.13 s of imports that the window does not need to appear (issue 7).
    from s3browser.ui.connections import Connections

    connections = Connections(window)
    connections.attach(window)
    window.install_transfers()  # also after the first paint: ~0.15 s of imports
    demo: _DemoServer | None = None
    try:
        await asyncio.get_running_loop().run_in_executor(None, _import_heavy_modules)
        location = getattr(args, "location", None)
        loop = asyncio.get_running_loop()
        # --profile reads the keyring: off the GUI thread (a locked keyring may prompt).
        demo_wanted = getattr(args, "demo", False)
        target = (
            None if demo_wanted else await loop.run_in_executor(None, _explicit_connection, args)
        )
        if target is not None and getattr(args, "profile", None):
            connections.show_current(args.profile)  # a saved connection: the switcher says so
        if target is None and not demo_wanted:
            target = await connections.startup_credentials()
        if target is None:
            demo = _DemoServer()
            what = "seeding the sample data" if demo.seeded else "without sample data"
            window.set_activity(f"Starting the demo S3 server ({what})…", busy=True)
            start = asyncio.ensure_future(demo.start())
            waiter = asyncio.ensure_future(closed.wait())
            done, _ = await asyncio.wait({start, waiter}, return_when=asyncio.FIRST_COMPLETED)
            waiter.cancel()
            if start not in done:  # closed while the server was starting: stop it now
                await demo.stop()
                await asyncio.gather(start, return_exceptions=True)
                return 0
            url = start.result()
            target = demo.credentials(url)
            # Not a saved connection: say what it is instead of "Not connected".
            connections.set_session_connection("Demo server", target)
        else:
            location = location or window.last_location() or None
            if connections.current is None:
                connections.set_session_connection("Command-line connection", target)
        await window.open_connection(target, location)
        freeze_startup_objects()
        await closed.wait()
        return 0
    except Exception as exc:
        log.error("s3browser could not start", exc_info=exc)
        from s3browser.core.errors import S3BrowserError

        message = (
            str(exc) if isinstance(exc, S3BrowserError) else f"s3browser could not start: {exc}"
        )
        window.set_activity("", busy=False)
        window.show_error(message)
        if window.isVisible():
            await closed.wait()
        return 1
    finally:
        await connections.aclose()
        await window.shutdown()
        if demo is not None:
            await demo.stop()
        window.deleteLater()


def freeze_startup_objects() -> None:
    """Hide everything alive after start-up from the cyclic garbage collector.

    boto's service models, Qt's wrappers and the imported modules are about 100,000
    tracked objects that live as long as the app. A full collection walks all of them
    and took 100-200 ms on the test machine, several times during a 200,000-key
    listing: the longest freezes of the window. Frozen, they are never walked again.
    """
    gc.freeze()


def _quit_on_sigint(window: Any) -> None:
    """Ctrl+C (or SIGTERM) closes the window and shuts down cleanly (Qt would ignore them)."""
    from PySide6.QtCore import QTimer

    try:
        signal.signal(signal.SIGINT, lambda *_: window.close())
        signal.signal(signal.SIGTERM, lambda *_: window.close())
    except ValueError:  # not the main thread (tests)
        return
    timer = QTimer(window)
    timer.timeout.connect(lambda: None)  # wakes the interpreter so the handler runs
    timer.start(250)

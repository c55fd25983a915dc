"""``s3browser --self-test``: check an installation end to end, then exit.

What a user (or CI) learns from it is whether *this* installation works: the
packaged app finds its keyring backends, can start the embedded demo S3 server
(moto in a child process), opens the real main window, lists the demo buckets in
it, opens a folder, downloads one object with the real transfer engine and gets
the same bytes the server holds. Each step prints one ``ok`` line; the first
failure prints one sentence on stderr and the exit code is 1.

The steps use the parts that are in the build: if the main window is not part of
it, the listing is checked through the core session instead (and the line says
so), so the self-test stays useful while parts of the app are being written.

Environment knobs (for CI, not users):

- ``S3BROWSER_SELFTEST_KEYRING=required``: a Secret Service must be running and a
  secret is stored, read back and deleted through it (CI runs the frozen app under
  ``dbus-run-session`` with gnome-keyring to prove the backends load when frozen).
- ``S3BROWSER_SELFTEST_SCREENSHOT=path.png``: save a picture of the window.
- ``S3BROWSER_SELFTEST_TIMEOUT=seconds``: the limit for the whole run (default 180).
"""

from __future__ import annotations

import asyncio
import hashlib
import importlib.util
import os
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from s3browser._version import __version__

# The demo's large bucket is not what is checked here: keep its seeding short.
DEMO_LARGE_KEYS = 300
# Objects above this are not worth downloading for a check.
MAX_CHECK_SIZE = 8 * 1024 * 1024
PLATFORM_BACKEND = {"linux": "SecretService", "win32": "Windows", "darwin": "macOS"}


class SelfTestFailure(Exception):
    """A step failed; ``str()`` is the sentence the user sees."""

    def __init__(self, step: str, reason: str) -> None:
        super().__init__(f"{step}: {reason}")
        self.step = step
        self.reason = reason


@dataclass
class Report:
    out: TextIO
    checks: int = 0

    def ok(self, step: str, detail: str = "") -> None:
        self.checks += 1
        print(f"ok    {step}" + (f": {detail}" if detail else ""), file=self.out, flush=True)

    def note(self, step: str, detail: str) -> None:
        print(f"note  {step}: {detail}", file=self.out, flush=True)


# -- keyring ----------------------------------------------------------------------------
def check_keyring(report: Report, *, required: bool = False) -> None:
    """The platform's keyring backend is registered and importable (and, if ``required``, works).

    keyring finds backends through the ``keyring.backends`` entry points, i.e. the
    package metadata: a frozen app without it silently falls back to the "fail"
    backend (pyinstaller#5245). That is exactly what this catches.
    """
    from importlib.metadata import entry_points

    import keyring
    import keyring.backend

    step = "keyring"
    platform_key = "linux" if sys.platform.startswith("linux") else sys.platform
    wanted = PLATFORM_BACKEND.get(platform_key)
    found = {ep.name: ep for ep in entry_points(group="keyring.backends")}
    if not found:
        raise SelfTestFailure(
            step, "keyring's backends are not registered (package metadata missing)"
        )
    if wanted and wanted not in found:
        raise SelfTestFailure(
            step, f"the {wanted} backend is not registered (found: {', '.join(sorted(found))})"
        )
    if wanted:
        try:
            found[wanted].load()
        except Exception as exc:
            raise SelfTestFailure(step, f"the {wanted} backend does not load: {exc}") from exc
    viable = sorted(
        type(k).__module__.rsplit(".", 1)[-1] for k in keyring.backend.get_all_keyring()
    )
    detail = f"backends registered: {', '.join(sorted(found))}; usable now: {', '.join(viable)}"
    if wanted == "SecretService":
        from keyring.backends import SecretService

        try:
            SecretService.Keyring.priority  # noqa: B018 - raises when unusable, and says why
            service = "a Secret Service is running"
        except Exception as exc:
            if "required" in str(exc):  # "SecretStorage required": a module is missing
                raise SelfTestFailure(
                    step, f"the Secret Service backend cannot work: {exc}"
                ) from exc
            service = "no Secret Service running here"
            if required:
                raise SelfTestFailure(step, f"no Secret Service is available: {exc}") from exc
        detail += f"; {service}"
    if required:
        _keyring_round_trip(step)
        detail += "; a secret was stored, read back and deleted"
    report.ok(step, detail)


def _keyring_round_trip(step: str) -> None:
    import keyring

    service, user, secret = "s3browser-self-test", "self-test", f"check-{os.getpid()}-{time.time()}"
    try:
        keyring.set_password(service, user, secret)
        back = keyring.get_password(service, user)
        keyring.delete_password(service, user)
    except Exception as exc:
        raise SelfTestFailure(step, f"the system keyring refused a test secret: {exc}") from exc
    if back != secret:
        raise SelfTestFailure(step, "the system keyring gave back a different secret")


# -- checksums --------------------------------------------------------------------------
def check_checksums(report: Report) -> None:
    """The native CRC library loads (S3's CRC32C/CRC64NVME checksums verify downloads).

    Without it the transfer engine falls back to pure Python CRCs, which are correct but
    far too slow for big downloads; a bundle that lost it would not fail, only crawl.
    """
    try:
        from awscrt import checksums
    except ImportError as exc:
        raise SelfTestFailure(
            "checksums", f"the native checksum library (awscrt) does not load: {exc}"
        ) from exc
    # The standard check values of the CRC catalogue for b"123456789".
    if checksums.crc32c(b"123456789") != 0xE3069283:
        raise SelfTestFailure("checksums", "CRC32C gives a wrong result")
    if checksums.crc64nvme(b"123456789") != 0xAE8B14860A799888:
        raise SelfTestFailure("checksums", "CRC64NVME gives a wrong result")
    report.ok("checksums", "CRC32C and CRC64NVME (awscrt) load and compute correctly")


# -- the demo server --------------------------------------------------------------------
def start_demo_server(report: Report) -> tuple[Any, dict[str, Any]]:
    """Start the embedded demo server and return it with the credentials to use."""
    from s3browser.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY, LocalS3Server

    seeded = importlib.util.find_spec("s3browser.demo.sample_data") is not None
    server = LocalS3Server(seed=seeded, large_keys=DEMO_LARGE_KEYS)
    started = time.perf_counter()
    try:
        url = server.start()
    except Exception as exc:
        raise SelfTestFailure(
            "demo server", f"the embedded S3 server did not start: {exc}"
        ) from exc
    try:
        import s3browser.demo as demo

        make_creds: Callable[[str], dict[str, Any]] | None = getattr(demo, "demo_credentials", None)
        if make_creds is not None:
            creds = make_creds(url)
        else:
            creds = {
                "aws_access_key_id": DEMO_ACCESS_KEY,
                "aws_secret_access_key": DEMO_SECRET_KEY,
                "region_name": "us-east-1",
                "endpoint_url": url,
            }
        if not seeded:
            _seed_minimal(creds)
    except BaseException:
        server.stop()
        raise
    what = (
        "with the demo data" if seeded else "with a minimal data set (no demo data in this build)"
    )
    report.ok("demo server", f"{url} {what} in {time.perf_counter() - started:.1f} s")
    return server, creds


def _seed_minimal(creds: dict[str, Any]) -> None:
    """A bucket, a folder and an object, for builds without the demo's sample data."""
    import boto3

    s3 = boto3.client("s3", **creds)
    s3.create_bucket(Bucket="selftest-data")
    s3.put_object(Bucket="selftest-data", Key="README.txt", Body=b"s3browser self-test\n")
    body = b"".join(b"%d,item-%d,%d.%02d\n" % (i, i, i * 3, i % 100) for i in range(2000))
    s3.put_object(
        Bucket="selftest-data", Key="reports/2024/summary.csv", Body=b"id,name,value\n" + body
    )


# -- finding something to download ------------------------------------------------------
@dataclass(frozen=True)
class Target:
    bucket: str
    folder: str
    key: str
    size: int
    etag: str


def _preferred(buckets: list[str]) -> list[str]:
    """Buckets in the order to try: the demo's analytics bucket first, if there."""
    try:
        from s3browser.demo.catalog import ANALYTICS_BUCKET
    except ImportError:
        return buckets
    return sorted(buckets, key=lambda name: name != ANALYTICS_BUCKET)


# -- the main window --------------------------------------------------------------------
def _has_main_window() -> bool:
    return importlib.util.find_spec("s3browser.ui.main_window") is not None


async def _wait_for(what: str, condition: Callable[[], bool], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise SelfTestFailure("main window", f"timed out waiting until {what}")
        await asyncio.sleep(0.05)


class WindowDriver:
    """Drives the real main window as a user would: connect, list, open a folder."""

    def __init__(self, settings_path: Path) -> None:
        from PySide6.QtCore import QSettings

        from s3browser.ui.main_window import MainWindow

        self.window = MainWindow(QSettings(str(settings_path), QSettings.Format.IniFormat))
        self.window.resize(1100, 700)
        self.window.show()

    @property
    def session(self) -> Any:
        return self.window.session

    def _rows(self) -> list[Any]:
        model = self.window.object_model
        return [model.row_ref(row) for row in range(model.rowCount())]

    def _listing_done(self) -> bool:
        model = self.window.object_model
        return bool(model.is_complete or model.error is not None)

    async def connect(self, creds: dict[str, Any]) -> list[str]:
        # set_connection is the window's public hook (the connect dialog uses it too).
        await self.window.set_connection(creds)

        def buckets_shown() -> bool:
            rows = self._rows()
            return bool(rows) and all(r is not None and r.kind == "bucket" for r in rows)

        await _wait_for("the buckets are listed", buckets_shown)
        return [r.bucket for r in self._rows()]

    async def open(self, bucket: str, prefix: str) -> tuple[list[str], list[Any]]:
        from s3browser.core.s3url import S3Location

        self.window.go(S3Location(bucket, prefix))
        await _wait_for(f"s3://{bucket}/{prefix} is listed", self._listing_done)
        error = self.window.object_model.error
        if error is not None:
            raise RuntimeError(str(error))
        rows = [r for r in self._rows() if r is not None]
        return [r.key for r in rows if r.kind == "folder"], [r for r in rows if r.kind == "object"]

    async def download(self, target: Target, dest: Path) -> Any:
        """Through the window's Transfers (the dock shows it), as the Download action does."""
        from s3browser.core.transfers import ConflictAction

        transfers = getattr(self.window, "transfers", None)
        if transfers is None:
            return await _engine_download(self.session, target, dest)
        batch = transfers.download(
            [_source(target)], dest, notify=False, conflict=ConflictAction.OVERWRITE
        )
        if batch is None:
            raise SelfTestFailure(
                "download", "the window has no transfer engine for this connection"
            )
        return await batch.wait()

    async def close(self) -> None:
        await self.window.shutdown()
        self.window.close()


class SessionDriver:
    """The same steps through the core session, for builds without the main window."""

    def __init__(self) -> None:
        self.session: Any = None

    async def connect(self, creds: dict[str, Any]) -> list[str]:
        from s3browser.core.session import S3Session

        self.session = S3Session(creds)
        await self.session.open()
        return [b.name for b in await self.session.list_buckets()]

    async def open(self, bucket: str, prefix: str) -> tuple[list[str], list[Any]]:
        folders: list[str] = []
        objects: list[Any] = []
        async for page in self.session.iter_pages(bucket, prefix):
            folders += [p.prefix for p in page.prefixes]
            objects += page.objects
        return folders, objects

    async def download(self, target: Target, dest: Path) -> Any:
        return await _engine_download(self.session, target, dest)

    async def close(self) -> None:
        if self.session is not None:
            await self.session.close()


async def _engine_download(session: Any, target: Target, dest: Path) -> Any:
    from s3browser.core.transfers import ConflictAction, TransferManager

    manager = TransferManager(session)
    try:
        batch = manager.download([_source(target)], dest, conflict=ConflictAction.OVERWRITE)
        return await batch.wait()
    finally:
        await manager.close()


async def _find_target(driver: Any, buckets: list[str]) -> Target:
    """Open folders the way a user would (depth first, a few) until one holds a small object."""
    for bucket in _preferred(buckets):
        try:
            folders, _objects = await driver.open(bucket, "")
        except Exception:
            continue  # e.g. the demo's access-denied bucket: try the next one
        queue = folders[:5]
        for _ in range(8):
            if not queue:
                break
            folder = queue.pop(0)
            sub_folders, objects = await driver.open(bucket, folder)
            small = [o for o in objects if 0 < o.size <= MAX_CHECK_SIZE]
            if small:
                obj = min(small, key=lambda o: o.size)
                return Target(bucket, folder, obj.key, obj.size, getattr(obj, "etag", ""))
            queue = sub_folders[:3] + queue
    raise SelfTestFailure(
        "open a folder", "no folder with a small object was found in the demo buckets"
    )


async def _download_and_verify(driver: Any, target: Target, dest: Path) -> Path:
    """Download with the real transfer engine; compare with the server's bytes and ETag."""
    step = "download"
    result = await driver.download(target, dest)
    if not result.ok:
        reasons = [*result.errors, *(i.message for i in result.items if i.message)]
        raise SelfTestFailure(step, "; ".join(reasons) or "the download did not finish")
    path: Path = result.items[0].path
    session = driver.session
    data = path.read_bytes()
    if len(data) != target.size:
        raise SelfTestFailure(step, f"got {len(data)} bytes, the listing said {target.size}")
    served = await session.read(target.bucket, target.key)
    if data != served:
        raise SelfTestFailure(step, "the downloaded file differs from the object on the server")
    etag = target.etag.strip('"')
    if etag and "-" not in etag and hashlib.md5(data).hexdigest() != etag:
        raise SelfTestFailure(step, "the downloaded file does not match the object's ETag (MD5)")
    return path


def _source(target: Target) -> Any:
    from s3browser.core.transfers import Source

    return Source(bucket=target.bucket, key=target.key, size=target.size)


async def _browse_and_download(report: Report, creds: dict[str, Any], use_window: bool) -> None:
    with tempfile.TemporaryDirectory(prefix="s3browser-selftest-") as tmp:
        driver: Any = WindowDriver(Path(tmp) / "settings.ini") if use_window else SessionDriver()
        where = (
            "in the main window"
            if use_window
            else "through the core session (no main window in this build)"
        )
        try:
            if use_window:
                report.ok("main window", "opened")
            buckets = await driver.connect(creds)
            if not buckets:
                raise SelfTestFailure("list buckets", "the demo server has no buckets")
            report.ok("list buckets", f"{len(buckets)} listed {where}")
            target = await _find_target(driver, buckets)
            report.ok("open a folder", f"s3://{target.bucket}/{target.folder}")
            dest = Path(tmp) / "downloads"
            dest.mkdir()
            path = await _download_and_verify(driver, target, dest)
            report.ok(
                "download",
                f"s3://{target.bucket}/{target.key} ({target.size} bytes) -> {path.name}, bytes verified",
            )
            shot = os.environ.get("S3BROWSER_SELFTEST_SCREENSHOT")
            if use_window and shot:
                await asyncio.sleep(0.6)  # progress and details refresh on ~0.1-0.5 s timers
                driver.window.grab().save(shot)
                report.note("screenshot", shot)
        finally:
            await driver.close()


def _run_gui_steps(report: Report, creds: dict[str, Any], timeout: float) -> None:
    """Open the window on a qasync loop (or run the core steps on plain asyncio)."""
    use_window = _has_main_window()
    if not use_window:
        asyncio.run(asyncio.wait_for(_browse_and_download(report, creds, False), timeout))
        return
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from s3browser.resources import resource_path

    existing = QApplication.instance()
    app = (
        existing
        if isinstance(existing, QApplication)
        else QApplication([sys.argv[0] or "s3browser"])
    )
    app.setApplicationName("s3browser")
    app.setDesktopFileName("s3browser")
    icon_path = resource_path("icons", "s3browser.svg")
    if not icon_path.is_file():
        raise SelfTestFailure("resources", f"the app icon is missing ({icon_path})")
    icon = QIcon(str(icon_path))
    if icon.isNull() or icon.pixmap(64, 64).isNull():
        raise SelfTestFailure(
            "resources", "the app icon cannot be drawn (the Qt SVG plugins are missing)"
        )
    app.setWindowIcon(icon)
    report.ok("qt", f"platform {app.platformName()}, app icon drawn")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(
            asyncio.wait_for(_browse_and_download(report, creds, True), timeout)
        )
    finally:
        asyncio.set_event_loop(None)
        loop.close()


def run_self_test(args: Any = None, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Run every step; 0 when all pass, 1 (with the reason on stderr) when one fails."""
    out = out or sys.stdout
    err = err or sys.stderr
    verbose = bool(getattr(args, "verbose", 0))
    timeout = float(os.environ.get("S3BROWSER_SELFTEST_TIMEOUT", "180"))
    report = Report(out)
    started = time.perf_counter()
    frozen = (
        "frozen bundle" if getattr(sys, "frozen", False) else "Python " + sys.version.split()[0]
    )
    print(f"s3browser {__version__} self-test ({frozen}, {sys.platform})", file=out, flush=True)
    server = None
    try:
        required = os.environ.get("S3BROWSER_SELFTEST_KEYRING", "") == "required"
        check_keyring(report, required=required)
        check_checksums(report)
        server, creds = start_demo_server(report)
        _run_gui_steps(report, creds, timeout)
    except SelfTestFailure as exc:
        print(f"s3browser self-test FAILED at {exc.step}: {exc.reason}", file=err, flush=True)
        return 1
    except TimeoutError:
        print(
            f"s3browser self-test FAILED: it took longer than {timeout:.0f} s", file=err, flush=True
        )
        return 1
    except Exception as exc:
        if verbose:
            traceback.print_exc(file=err)
        print(f"s3browser self-test FAILED: {type(exc).__name__}: {exc}", file=err, flush=True)
        return 1
    finally:
        if server is not None:
            server.stop()
    print(
        f"self-test passed: {report.checks} checks in {time.perf_counter() - started:.1f} s",
        file=out,
        flush=True,
    )
    return 0


if __name__ == "__main__":
    sys.exit(run_self_test())

"""The GUI through the fault proxy (issue 6): listings complete, retries and errors shown.

The real main window and transfers controller talk to moto through
``tests/faults/proxy.FaultProxy``. Figures (faults injected, retries, longest loop
gap) are printed; ``pytest tests/ui/test_gui_faults.py -q -s`` shows them.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMainWindow

from s3browser.core.s3url import S3Location
from s3browser.core.session import S3Session
from s3browser.core.transfers import Source, TransferOptions, TransferState
from s3browser.ui.main_window import MainWindow
from s3browser.ui.models.rows import COL_NAME
from s3browser.ui.models.transfers_model import COL_STATUS
from s3browser.ui.transfers_controller import TransfersController
from tests.faults.proxy import RETRYABLE_KINDS, FaultProxy
from tests.ui.conftest import wait_until

BUCKET = "faulty"
KEYS = [f"data/part-{i:04d}.json" for i in range(450)] + [f"data/sub{i}/x.txt" for i in range(30)]


@pytest.fixture
def arranged(s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket=BUCKET)
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: s3_admin.put_object(Bucket=BUCKET, Key=k, Body=k.encode()), KEYS))


@pytest.fixture
def window(qtbot: Any, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    win.transfers.resume_file = tmp_path / "interrupted.json"
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.fixture
def proxy(s3_endpoint: str) -> Iterator[FaultProxy]:
    with FaultProxy(s3_endpoint, rate=0.0, seed=6, delay_seconds=0.05) as p:
        yield p


def _via(credentials: dict[str, Any], proxy: FaultProxy) -> dict[str, Any]:
    return dict(credentials, endpoint_url=proxy.url)


def _names(win: MainWindow) -> list[str]:
    return sorted(win.proxy.index(r, COL_NAME).data() for r in range(win.proxy.rowCount()))


class GapMeter:
    """A 10 ms QTimer: the longest time between two ticks is the longest loop freeze."""

    def __init__(self) -> None:
        self.longest = 0.0
        self._last = time.monotonic()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)
        self.timer.start()

    def _tick(self) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self._last)
        self._last = now

    def stop(self) -> float:
        self.timer.stop()
        return self.longest


async def _close(win: MainWindow) -> None:
    await win.shutdown()


@pytest.mark.parametrize("rate", [0.1, 0.3])
async def test_folder_listing_completes_and_shows_retries(
    window: MainWindow, credentials: dict[str, Any], arranged: None, proxy: FaultProxy, rate: float
) -> None:
    async with S3Session(credentials) as direct:
        pages = [p async for p in direct.iter_pages(BUCKET, "data/")]
    expected = sorted(
        [o.key.rsplit("/", 1)[-1] for p in pages for o in p.objects]
        + [f.prefix.rstrip("/").rsplit("/", 1)[-1] + "/" for p in pages for f in p.prefixes]
    )
    win = window
    win.object_model.page_size = 50  # ten pages: a fault lands between pages too
    await win.open_connection(_via(credentials, proxy))
    await wait_until(lambda: win.tree_model.root_loaded, what="the bucket list")
    # First a fault for sure (then the rate): the retry count must show whatever the seed.
    proxy.rate = rate
    proxy.plan("slowdown", "reset")
    meter = GapMeter()
    win.go(S3Location(BUCKET, "data/"))
    await wait_until(
        lambda: win.object_model.is_complete and win.location.key == "data/",
        timeout=60,
        what="the faulty listing",
    )
    gap = meter.stop()
    try:
        assert _names(win) == expected == sorted({n for n in _names(win)})  # no page twice
        assert win.object_model.error is None
        assert not win.banner.isVisible()
        retries = win.session.pool.retries
        await wait_until(lambda: win.status.retries.text() != "", what="the retry count")
        print(
            f"\nGUI listing at {rate:.0%}: {len(expected)} rows complete, "
            f"{proxy.requests} requests, faults {dict(proxy.faults)}, {retries} retried "
            f"(status bar: {win.status.retries.text()!r}), longest loop gap {gap * 1000:.0f} ms"
        )
        assert retries >= 2
        # The status bar follows the pool's count (throttled: at the next refresh).
        await wait_until(
            lambda: win.status.retries.text() == f"{win.session.pool.retries} requests retried",
            what="the status bar's retry count",
        )
        assert gap < 2.0  # generous: the listing must not freeze the window
    finally:
        await _close(win)


@pytest.mark.parametrize(
    ("kind", "sentence"),
    [("expired", "expired"), ("internal", "server")],
)
async def test_persistent_fault_shows_banner_and_retry_works(
    window: MainWindow,
    credentials: dict[str, Any],
    arranged: None,
    proxy: FaultProxy,
    kind: str,
    sentence: str,
) -> None:
    win = window
    await win.open_connection(_via(credentials, proxy))
    await wait_until(lambda: win.tree_model.root_loaded, what="the bucket list")
    proxy.kinds = (kind,)
    proxy.rate = 1.0
    win.go(S3Location(BUCKET, "data/"))
    try:
        await wait_until(lambda: win.banner.isVisible(), timeout=60, what="the error banner")
        message = win.banner.message
        print(f"\npersistent {kind}: banner {message!r} after {proxy.requests} requests")
        assert sentence in message.lower()
        assert "Traceback" not in message and "\n" not in message
        assert win.banner.retry_button.isVisible()
        assert win.object_model.rowCount() == 0
        proxy.rate = 0.0
        win.banner.retry_button.click()
        await wait_until(
            lambda: win.object_model.is_complete and win.object_model.error is None,
            timeout=30,
            what="the listing after Retry",
        )
        assert len(_names(win)) == 480
        assert not win.banner.isVisible()
    finally:
        await _close(win)


@pytest.mark.parametrize(
    ("rate", "kinds"),
    [(0.1, RETRYABLE_KINDS), (0.3, RETRYABLE_KINDS), (1.0, ("expired",))],
    ids=["10%", "30%", "persistent-expired"],
)
async def test_transfers_panel_under_faults(
    qtbot: Any,
    credentials: dict[str, Any],
    s3_admin: Any,
    proxy: FaultProxy,
    tmp_path: Path,
    rate: float,
    kinds: tuple[str, ...],
) -> None:
    """Every row ends Done (bytes equal) or Failed with its reason; no partial final file."""
    s3_admin.create_bucket(Bucket="dl-bucket")
    bodies = {f"small/{i:03d}.bin": bytes([i % 251]) * (1000 + i) for i in range(40)}
    bodies["big.bin"] = bytes(range(256)) * 12 * 1024  # 3 MiB: ranged parts
    with ThreadPoolExecutor(8) as pool:
        list(
            pool.map(
                lambda kv: s3_admin.put_object(Bucket="dl-bucket", Key=kv[0], Body=kv[1]),
                bodies.items(),
            )
        )
    win = QMainWindow()
    qtbot.addWidget(win)
    win.show()
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    options = TransferOptions(part_size=256 * 1024, multipart_threshold=512 * 1024)
    ctl = TransfersController(win, lambda: [], settings, options=options)
    ctl.resume_file = tmp_path / "interrupted.json"
    dest = tmp_path / "dest"
    dest.mkdir()
    proxy.rate, proxy.kinds = rate, kinds
    async with S3Session(_via(credentials, proxy)) as session:
        ctl.set_session(session)
        try:
            sources = [Source("dl-bucket", k, size=len(b)) for k, b in bodies.items()]
            batch = ctl.download(sources, dest, notify=False)
            assert batch is not None
            meter = GapMeter()
            await asyncio.wait_for(batch.wait(), 120)
            gap = meter.stop()
            await wait_until(
                lambda: (
                    ctl.model.rowCount() == len(bodies)
                    and all(
                        p.state in (TransferState.DONE, TransferState.FAILED)
                        for p in ctl.model.items()
                    )
                ),
                what="every row settled",
            )
        finally:
            await ctl.aclose()
    done = failed = verified = 0
    finals: set[Path] = set()
    for row, p in enumerate(ctl.model.items()):
        status = ctl.model.index(row, COL_STATUS).data()
        final = Path(p.path)
        if p.state is TransferState.DONE:
            assert final.read_bytes() == bodies[p.key]
            done += 1
            finals.add(final)
            verified += len(bodies[p.key])
        else:
            failed += 1
            assert status and "Traceback" not in status, status
            assert not final.exists()
    print(
        f"\ntransfers panel at {rate:.0%}: {done} done, {failed} failed, {verified:,} bytes "
        f"verified; {proxy.requests} requests, faults {dict(proxy.faults)}; longest loop gap "
        f"{gap * 1000:.0f} ms"
    )
    assert done + failed == len(bodies)
    if rate == 1.0:
        assert failed == len(bodies)
        assert "expired" in ctl.model.index(0, COL_STATUS).data().lower()
    # Whatever is on disk is a finished download or a partial file under its .part name.
    for f in dest.rglob("*"):
        if f.is_file():
            assert f in finals or ".part" in f.name, f
    assert gap < 2.0

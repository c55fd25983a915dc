"""Pause, resume, cancel, a changed object, damaged data, progress events."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from pathlib import Path
from typing import Any

from s3browser.core.session import S3Session
from s3browser.core.transfers import (
    ProgressEvent,
    Source,
    TransferManager,
    TransferOptions,
    TransferState,
)
from tests.transfers.conftest import BUCKET, put, random_bytes

KiB = 1024
# Many small parts, one at a time: slow enough on moto to act between parts.
SLOW = TransferOptions(part_size=64 * KiB, multipart_threshold=0, part_concurrency=1)


async def _until(manager: TransferManager, predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "the condition never came true"
        await asyncio.sleep(0.005)


async def test_pause_and_resume_continue_the_part_file(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    data = put(s3_admin, "p/big.bin", random_bytes(4096 * KiB))
    manager = TransferManager(session, SLOW)
    try:
        batch = manager.download([Source(BUCKET, "p/big.bin")], dest)
        await _until(manager, lambda: batch.items and batch.items[0].bytes_done > 512 * KiB)
        item = batch.items[0]
        manager.pause(item.id)
        await _until(manager, lambda: item.state is TransferState.PAUSED)
        sidecar = json.loads((dest / "big.bin.part.json").read_text())
        done_before = sum(e - s for s, e in sidecar["done"])
        assert done_before >= 512 * KiB
        assert (dest / "big.bin.part").stat().st_size == len(data), "preallocated in place"
        assert not (dest / "big.bin").exists()
        manager.resume(item.id)
        result = await batch.wait()
    finally:
        await manager.close()
    assert result.ok, result
    assert (dest / "big.bin").read_bytes() == data
    assert not list(dest.glob("*.part*"))


async def test_resume_after_a_new_manager(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    """Closing the manager (quitting the app) keeps the .part file; a new one continues it."""
    data = put(s3_admin, "r/big.bin", random_bytes(2048 * KiB))
    first = TransferManager(session, SLOW)
    batch = first.download([Source(BUCKET, "r/big.bin")], dest)
    await _until(first, lambda: batch.items and batch.items[0].bytes_done > 256 * KiB)
    await first.close()
    assert batch.items[0].state is TransferState.PAUSED
    saved = json.loads((dest / "big.bin.part.json").read_text())
    assert saved["done"], "finished parts are recorded"

    second = TransferManager(session, SLOW)
    events: list[ProgressEvent] = []
    second.subscribe(events.append)
    try:
        result = await second.download([Source(BUCKET, "r/big.bin")], dest).wait()
    finally:
        await second.close()
    assert result.ok, result
    assert (dest / "big.bin").read_bytes() == data
    first_seen = next(p for e in events for p in e.changed if p.bytes_done)
    assert first_seen.bytes_done >= saved["done"][0][1], "resumed from the finished parts"


async def test_cancel_removes_the_part_file_and_keeps_an_existing_file(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    put(s3_admin, "x/big.bin", random_bytes(2048 * KiB))
    (dest / "big.bin").write_bytes(b"precious local data")
    from s3browser.core.transfers import ConflictAction

    manager = TransferManager(
        session,
        TransferOptions(
            part_size=64 * KiB,
            multipart_threshold=0,
            part_concurrency=1,
            conflict=ConflictAction.OVERWRITE,
        ),
    )
    try:
        batch = manager.download([Source(BUCKET, "x/big.bin")], dest)
        await _until(manager, lambda: batch.items and batch.items[0].bytes_done > 128 * KiB)
        manager.cancel(batch.items[0].id)
        result = await batch.wait()
    finally:
        await manager.close()
    assert result.items[0].state is TransferState.CANCELLED
    assert not result.ok
    assert (dest / "big.bin").read_bytes() == b"precious local data"
    assert sorted(p.name for p in dest.iterdir()) == ["big.bin"]


async def test_object_changed_mid_download_fails_cleanly(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    put(s3_admin, "ch/data.bin", random_bytes(2048 * KiB))
    # Two streams: every part is its own GET, pinned with If-Match. (One stream reads
    # one consistent version to the end, which is just as safe.)
    options = TransferOptions(part_size=64 * KiB, multipart_threshold=0, part_concurrency=2)
    manager = TransferManager(session, options)
    try:
        batch = manager.download([Source(BUCKET, "ch/data.bin")], dest)
        await _until(manager, lambda: batch.items and batch.items[0].bytes_done > 128 * KiB)
        await asyncio.to_thread(put, s3_admin, "ch/data.bin", random_bytes(2048 * KiB))
        result = await batch.wait()
    finally:
        await manager.close()
    item = result.items[0]
    assert item.state is TransferState.FAILED
    assert "changed on the server" in item.message
    assert not list(dest.iterdir()), "no partial file under any name"


async def test_damaged_part_file_is_caught_by_the_checksum(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    put(s3_admin, "d/data.bin", random_bytes(1024 * KiB), ChecksumAlgorithm="CRC32C")
    manager = TransferManager(session, SLOW)
    try:
        batch = manager.download([Source(BUCKET, "d/data.bin")], dest)
        item = None
        await _until(manager, lambda: batch.items and batch.items[0].bytes_done > 256 * KiB)
        item = batch.items[0]
        manager.pause(item.id)
        await _until(manager, lambda: item.state is TransferState.PAUSED)
        with open(dest / "data.bin.part", "r+b") as fh:  # flip bytes inside a finished part
            fh.seek(1000)
            fh.write(b"\x00garbage\x00")
        manager.resume(item.id)
        result = await batch.wait()
    finally:
        await manager.close()
    failed = result.items[0]
    assert failed.state is TransferState.FAILED
    assert "does not match" in failed.message and "CRC32C" in failed.message
    assert not list(dest.iterdir()), "a damaged download is removed, never renamed into place"


async def test_progress_events_are_throttled_and_end_idle(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    for i in range(30):
        put(s3_admin, f"e/{i:02d}.bin", random_bytes(20 * KiB))
    put(s3_admin, "e/big.bin", random_bytes(1024 * KiB))
    manager = TransferManager(session, TransferOptions(part_size=64 * KiB, multipart_threshold=0))
    stamps: list[float] = []
    events: list[ProgressEvent] = []

    def on_event(event: ProgressEvent) -> None:
        stamps.append(time.monotonic())
        events.append(event)

    manager.subscribe(on_event)
    try:
        result = await manager.download([Source(BUCKET, "e/")], dest).wait()
        await _until(manager, lambda: events and events[-1].idle)
    finally:
        await manager.close()
    assert result.ok
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    print(f"{len(events)} events, shortest gap {min(gaps, default=0):.3f} s")
    assert all(g >= 0.08 for g in gaps[:-1]), "at most ~10 events a second"
    final = next(e for e in events if e.idle)
    assert final.count(TransferState.DONE) == 31
    assert final.bytes_done == final.bytes_total == 30 * 20 * KiB + 1024 * KiB
    seen = {p.key for e in events for p in e.changed}
    assert len(seen) == 31, "every item appears in some event"


async def test_retry_after_a_failure(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    manager = TransferManager(session)
    try:
        batch = manager.download([Source(BUCKET, "later.txt")], dest)
        first = await batch.wait()
        assert first.items[0].state is TransferState.FAILED
        put(s3_admin, "later.txt", b"arrived")
        manager.retry(batch.items[0].id)
        assert not batch.settled, "a retried item is running again"
        second = await batch.wait()
    finally:
        await manager.close()
    assert second.ok and (dest / "later.txt").read_bytes() == b"arrived"


async def test_a_pause_during_the_final_rename_finishes_the_item(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path, monkeypatch: Any
) -> None:
    """A pause that lands while a small file is written and renamed on an I/O thread
    must not report "paused" for a file already under its final name (the resume then
    asked about a conflict with the app's own file)."""
    import threading

    from s3browser.core.transfers.download import ObjectDownload

    data = put(s3_admin, "small/one.csv", b"a,b\n1,2\n")
    started, release = threading.Event(), threading.Event()
    original = ObjectDownload._verify_and_write

    def held(self: Any, *args: Any) -> None:
        started.set()
        release.wait(10)
        original(self, *args)

    monkeypatch.setattr(ObjectDownload, "_verify_and_write", held)
    asked: list[Any] = []

    async def ask(question: Any) -> Any:
        asked.append(question)
        raise AssertionError("no conflict expected")

    manager = TransferManager(session, TransferOptions(), resolve_conflict=ask)
    try:
        # The listing's size sends it down the small-object path, as from the GUI.
        batch = manager.download([Source(BUCKET, "small/one.csv", size=len(data))], dest)
        await _until(manager, started.is_set, timeout=20)
        item = batch.items[0]
        manager.pause(item.id)
        await asyncio.sleep(0.05)
        release.set()
        await _until(manager, lambda: item.state is not TransferState.RUNNING)
        assert item.state is TransferState.DONE
        manager.resume(item.id)  # nothing to resume
        await asyncio.sleep(0.1)
    finally:
        release.set()
        await manager.close()
    assert not asked
    assert (dest / "one.csv").read_bytes() == data
    assert not list(dest.glob("*.part*"))

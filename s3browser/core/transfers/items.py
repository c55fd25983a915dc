"""The manager's mutable records: one :class:`TransferItem` per object, one :class:`Batch` per request.

The GUI reads their attributes (never sets them) and drives them through the
:class:`~s3browser.core.transfers.manager.TransferManager`'s methods.
"""

from __future__ import annotations

import asyncio
import itertools
from pathlib import Path
from typing import Any

from s3browser.core.transfers.download import ProgressSink
from s3browser.core.transfers.models import (
    BatchResult,
    ConflictAction,
    ItemProgress,
    ItemResult,
    TransferState,
)
from s3browser.core.transfers.plan import NamePlan
from s3browser.core.transfers.progress import SpeedMeter, eta

_ids = itertools.count(1)
S = TransferState


class TransferItem:
    """One object on its way to one local file. Read its attributes; change it via the manager."""

    def __init__(
        self, batch: Batch, bucket: str, key: str, path: Path, size: int | None, lm: str
    ) -> None:
        self.id = next(_ids)
        self.batch = batch
        self.bucket = bucket
        self.key = key
        self.path = path  # the final local file (may change once: "keep both")
        self.size = size
        self.last_modified = lm
        self.state = S.QUEUED
        self.message = ""  # the error sentence or the reason for skipping
        self.verified_by = ""  # "size, MD5, CRC64NVME" once done
        self.waiting_for_answer = False
        self.sink = ProgressSink()
        self.meter = SpeedMeter()
        self.replace = False  # the user chose "overwrite"
        self.decided = False  # the conflict question was answered already
        self._task: asyncio.Task[None] | None = None
        self._stop: str = ""  # why the task is being cancelled: "pause" or "cancel"
        self._emitted: tuple[Any, ...] = ()

    @property
    def bytes_done(self) -> int:
        return self.sink.done

    @property
    def bytes_total(self) -> int | None:
        return self.sink.total if self.sink.total is not None else self.size

    def _signature(self) -> tuple[Any, ...]:
        return (self.state, self.sink.done, self.sink.total, self.waiting_for_answer, self.path)

    def progress(self) -> ItemProgress:
        total = self.bytes_total
        speed = self.meter.speed if self.state is S.RUNNING else 0.0
        return ItemProgress(
            item_id=self.id,
            batch_id=self.batch.id,
            bucket=self.bucket,
            key=self.key,
            path=self.path,
            state=self.state,
            bytes_done=self.sink.done,
            bytes_total=total,
            speed=speed,
            eta=eta(None if total is None else total - self.sink.done, speed),
            message=self.message,
            waiting_for_answer=self.waiting_for_answer,
        )

    def result(self) -> ItemResult:
        message = self.message or (f"verified: {self.verified_by}" if self.verified_by else "")
        return ItemResult(
            self.bucket, self.key, self.path, self.state, self.bytes_total, message=message
        )

    def __repr__(self) -> str:
        return f"<TransferItem {self.id} s3://{self.bucket}/{self.key} {self.state.value}>"


class Batch:
    """What one ``download()`` call asked for: its items, as the listing finds them."""

    def __init__(self, dest: Path, conflict: ConflictAction) -> None:
        self.id = next(_ids)
        self.dest = dest
        self.conflict = conflict
        self.items: list[TransferItem] = []
        self.errors: list[str] = []  # sentences for problems outside any item
        self.listing = True
        self._event = asyncio.Event()
        self.names: NamePlan | None = None
        self.unsettled = 0  # items not done, failed, skipped or cancelled (kept by the manager)

    @property
    def settled(self) -> bool:
        # A count, not a scan: waiters re-check after every finished item, and a scan
        # would make a 10,000-object batch quadratic.
        return not self.listing and self.unsettled == 0

    def _notify(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()

    async def wait(self) -> BatchResult:
        """Wait until the listing ended and every item is done, failed, skipped or cancelled."""
        while not self.settled:
            await self._event.wait()
        return self.result()

    def result(self) -> BatchResult:
        return BatchResult(items=[i.result() for i in self.items], errors=list(self.errors))

"""The transfer engine's plain data: states, items' progress, conflicts, options, results.

Everything here is a dataclass or an enum with no behaviour that needs a loop, so the
GUI's table model and the CLI's progress bar can read it directly. The mutable
:class:`~s3browser.core.transfers.manager.TransferItem` lives in ``manager.py``; what
leaves the manager (events, results) is frozen here.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

MiB = 1024 * 1024


class TransferState(enum.Enum):
    """Where one item is in its life. ``is_final`` states never change again except by retry."""

    QUEUED = "queued"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    SKIPPED = "skipped"

    @property
    def is_final(self) -> bool:
        return self in _FINAL

    @property
    def is_active(self) -> bool:
        """Queued or running: the item still needs the engine's attention."""
        return self in (TransferState.QUEUED, TransferState.RUNNING)


_FINAL = frozenset(
    {TransferState.DONE, TransferState.FAILED, TransferState.CANCELLED, TransferState.SKIPPED}
)


class ConflictAction(enum.Enum):
    """What to do when the local file already exists."""

    ASK = "ask"  # call the resolver (the GUI's dialog, the CLI's prompt)
    SKIP = "skip"  # keep the local file, mark the item skipped
    OVERWRITE = "overwrite"  # replace it atomically once the new file is verified
    KEEP_BOTH = "keep-both"  # write "name (1).ext" beside it


@dataclass(frozen=True, slots=True)
class Conflict:
    """A question for the user: the local file exists; what now?"""

    item_id: int
    bucket: str
    key: str
    path: Path  # the existing local file
    local_size: int
    local_mtime: float  # seconds since the epoch
    remote_size: int | None
    remote_last_modified: str  # ISO 8601 from the listing, "" when unknown


@dataclass(frozen=True, slots=True)
class ConflictDecision:
    """The user's answer. ``apply_to_all`` answers every later conflict of the same batch."""

    action: ConflictAction
    apply_to_all: bool = False

    def __post_init__(self) -> None:
        if self.action is ConflictAction.ASK:
            raise ValueError("a decision must be skip, overwrite or keep-both")


# An async callable: the GUI can open a dialog and await a future its signals resolve.
ConflictResolver = Callable[[Conflict], Awaitable[ConflictDecision]]


@dataclass(frozen=True, slots=True)
class ItemProgress:
    """One item as the progress view sees it at the moment of an event."""

    item_id: int
    batch_id: int
    bucket: str
    key: str
    path: Path
    state: TransferState
    bytes_done: int
    bytes_total: int | None  # None until the size is known
    speed: float  # bytes per second, rolling over the last few seconds
    eta: float | None  # seconds, None when unknown
    message: str = ""  # the error sentence (failed) or the reason (skipped)
    waiting_for_answer: bool = False  # a conflict question is open for it

    @property
    def fraction(self) -> float | None:
        if not self.bytes_total:
            return 1.0 if self.state is TransferState.DONE else None
        return min(1.0, self.bytes_done / self.bytes_total)


@dataclass(frozen=True, slots=True)
class ProgressEvent:
    """Sent at most ~10 times a second while anything is active, and once when all settle.

    ``changed`` holds only the items whose numbers or state changed since the previous
    event, so a table model can update just those rows. The overall figures cover
    every item the manager knows, finished ones included (until they are cleared).
    """

    changed: tuple[ItemProgress, ...]
    bytes_done: int
    bytes_total: int
    speed: float
    eta: float | None
    counts: dict[TransferState, int]
    listing: bool  # a folder is still being listed: totals will grow
    idle: bool  # nothing queued, running or being listed

    @property
    def total_items(self) -> int:
        return sum(self.counts.values())

    def count(self, state: TransferState) -> int:
        return self.counts.get(state, 0)


ProgressCallback = Callable[[ProgressEvent], None]


@dataclass(frozen=True, slots=True)
class TransferOptions:
    """Tuning knobs; every ``None`` means "choose from the object's size" (see ``parts.py``)."""

    part_size: int | None = None  # bytes per ranged GET of a large object
    part_concurrency: int | None = None  # ranged GETs at once for one large object
    max_items: int = 16  # objects downloading at once
    multipart_threshold: int | None = None  # objects above this are split into parts
    conflict: ConflictAction = ConflictAction.ASK
    verify: bool = True  # MD5 / full-object checksum (the size is always checked)
    part_retries: int = 4  # attempts per part after a broken connection, resuming in place
    progress_interval: float = 0.1  # seconds between progress events (~10 per second)
    chunk_size: int = MiB  # bytes asked of the socket per read
    lean_get: bool = True  # S3-compatible endpoints: GETs without aiobotocore (leanget.py)


@dataclass(frozen=True, slots=True)
class ItemResult:
    """How one item ended, for summaries and scripts."""

    bucket: str
    key: str
    path: Path
    state: TransferState
    size: int | None
    message: str = ""


@dataclass(slots=True)
class BatchResult:
    """Every item of one batch once it has settled."""

    items: list[ItemResult] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # batch-level (listing failed, ...)

    def count(self, state: TransferState) -> int:
        return sum(1 for i in self.items if i.state is state)

    @property
    def ok(self) -> bool:
        """True when nothing failed (skipped items are not failures)."""
        return not self.errors and all(
            i.state in (TransferState.DONE, TransferState.SKIPPED) for i in self.items
        )

    @property
    def bytes_done(self) -> int:
        return sum(i.size or 0 for i in self.items if i.state is TransferState.DONE)

"""The download engine (Qt-free): plans, ranged parts, checksums, resume, safe names, queue.

Start at :class:`TransferManager` (``manager.py``); the data it hands out is in
``models.py``; how keys become local names is documented in ``paths.py``.
"""

from s3browser.core.transfers.items import Batch, TransferItem
from s3browser.core.transfers.manager import TransferManager
from s3browser.core.transfers.models import (
    BatchResult,
    Conflict,
    ConflictAction,
    ConflictDecision,
    ConflictResolver,
    ItemProgress,
    ItemResult,
    ProgressCallback,
    ProgressEvent,
    TransferOptions,
    TransferState,
)
from s3browser.core.transfers.plan import Source

__all__ = [
    "Batch",
    "BatchResult",
    "Conflict",
    "ConflictAction",
    "ConflictDecision",
    "ConflictResolver",
    "ItemProgress",
    "ItemResult",
    "ProgressCallback",
    "ProgressEvent",
    "Source",
    "TransferItem",
    "TransferManager",
    "TransferOptions",
    "TransferState",
]

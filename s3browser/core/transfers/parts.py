"""Splitting an object into ranged parts, and the sidecar that makes resuming possible.

Part size and concurrency come from measurements on the project's 2-core machines
(see the README's benchmark section): one aioboto3 stream already reaches ~700 MB/s
there, and 8 concurrent ranged GETs were *slower* than one stream because Python is
CPU-bound. So parts exist mainly for resuming and for retrying a broken part, and
concurrency grows with the CPU count rather than with the object size alone.

The sidecar ``<name>.part.json`` beside ``<name>.part`` records the object (bucket,
key, ETag, size), the part size and the byte ranges already written. It is rewritten
atomically (temporary file + rename) after each finished part, so a killed process
resumes from its last finished part; a part half-written when the process died is
fetched again from its start.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from s3browser.core.transfers.models import MiB, TransferOptions

SIDECAR_VERSION = 1
MIN_PART_SIZE = 64 * 1024  # small enough for tests; S3 itself has no minimum for ranges


def choose_multipart_threshold(options: TransferOptions) -> int:
    """Objects up to this size are fetched with one GET (no HEAD, no ranges)."""
    if options.multipart_threshold is not None:
        return max(0, options.multipart_threshold)
    if options.part_size:
        return max(MIN_PART_SIZE, options.part_size)  # bigger than one part: split it
    return 16 * MiB


def choose_part_size(size: int, options: TransferOptions) -> int:
    """Bytes per ranged GET: large enough to amortise a request, small enough to resume."""
    if options.part_size:
        return max(MIN_PART_SIZE, options.part_size)
    # ~32 parts per object, between 8 MiB and 256 MiB (a 1 GiB object: 32 MiB parts).
    # With one stream a part is only a checkpoint for resuming, not a request.
    return min(256 * MiB, max(8 * MiB, _round_up(size // 32, MiB)))


def choose_part_concurrency(size: int, part_size: int, options: TransferOptions) -> int:
    """Ranged GETs in flight for one object."""
    parts = max(1, -(-size // part_size))
    if options.part_concurrency:
        return max(1, min(options.part_concurrency, parts))
    cpus = os.cpu_count() or 2
    # Measured on 2 cores (1 GiB from a local server): one stream 759 MB/s, two ranged
    # streams 545 MB/s, 8 slower still: Python is CPU-bound, so one stream per two
    # cores (the server or the network stack needs the other), at most 4.
    return max(1, min(parts, cpus // 2, 4))


def _round_up(value: int, unit: int) -> int:
    return -(-value // unit) * unit


def part_ranges(size: int, part_size: int) -> list[tuple[int, int]]:
    """Half-open byte ranges [start, end) covering ``size`` bytes."""
    return [(start, min(size, start + part_size)) for start in range(0, size, part_size)]


@dataclass(slots=True)
class PartState:
    """What the sidecar holds: which object this .part file belongs to and what is done."""

    bucket: str
    key: str
    etag: str
    size: int
    part_size: int
    done: list[tuple[int, int]] = field(default_factory=list)  # merged half-open ranges

    def matches(self, bucket: str, key: str, etag: str, size: int) -> bool:
        return (self.bucket, self.key, self.etag, self.size) == (bucket, key, etag, size)

    def add(self, start: int, end: int) -> None:
        """Record [start, end) as written, merging neighbours to keep the file small."""
        ranges = sorted([*self.done, (start, end)])
        merged: list[tuple[int, int]] = []
        for s, e in ranges:
            if merged and s <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], e))
            else:
                merged.append((s, e))
        self.done = merged

    def is_done(self, start: int, end: int) -> bool:
        return any(s <= start and end <= e for s, e in self.done)

    @property
    def bytes_done(self) -> int:
        return sum(e - s for s, e in self.done)

    def contiguous_end(self) -> int:
        """How far from byte 0 everything is written (for hashing in order)."""
        return self.done[0][1] if self.done and self.done[0][0] == 0 else 0

    def to_json(self) -> dict[str, Any]:
        return {
            "version": SIDECAR_VERSION,
            "bucket": self.bucket,
            "key": self.key,
            "etag": self.etag,
            "size": self.size,
            "part_size": self.part_size,
            "done": [list(r) for r in self.done],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PartState:
        if data.get("version") != SIDECAR_VERSION:
            raise ValueError("unknown sidecar version")
        return cls(
            bucket=str(data["bucket"]),
            key=str(data["key"]),
            etag=str(data["etag"]),
            size=int(data["size"]),
            part_size=int(data["part_size"]),
            done=[(int(s), int(e)) for s, e in data.get("done", [])],
        )


def part_path(final: Path) -> Path:
    return final.with_name(final.name + ".part")


def sidecar_path(final: Path) -> Path:
    return final.with_name(final.name + ".part.json")


def load_sidecar(final: Path) -> PartState | None:
    """The saved state, or None when there is none or it cannot be read."""
    try:
        with open(sidecar_path(final), encoding="utf-8") as fh:
            return PartState.from_json(json.load(fh))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_sidecar(final: Path, state: PartState) -> None:
    """Write the sidecar atomically: a reader sees the old state or the new one."""
    path = sidecar_path(final)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(state.to_json(), fh, separators=(",", ":"))
    os.replace(tmp, path)


def remove_partial(final: Path) -> None:
    """Delete this download's own .part file and sidecar (never the final file).

    A .part file without our sidecar is someone else's: it is left alone.
    """
    if not os.path.exists(sidecar_path(final)):
        return
    for path in (part_path(final), sidecar_path(final)):
        with contextlib.suppress(OSError):
            path.unlink()

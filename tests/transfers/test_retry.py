"""A connection that breaks inside a part resumes from the last byte, not from zero."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import aiohttp

from s3browser.core.transfers import TransferOptions
from s3browser.core.transfers.download import ObjectDownload

KiB = 1024


class _Body:
    def __init__(self, data: bytes, break_after: int | None) -> None:
        self.data = data
        self.pos = 0
        self.break_after = break_after

    async def read(self, n: int) -> bytes:
        if self.break_after is not None and self.pos >= self.break_after:
            raise aiohttp.ClientPayloadError("connection reset by peer")
        end = self.pos + min(n, 4096)
        if self.break_after is not None:
            end = min(end, self.break_after)
        chunk = self.data[self.pos : end]
        self.pos = end
        return chunk

    def close(self) -> None:
        pass


class _FlakyClient:
    """Serves ranges of ``data``; the first GET that covers byte BREAK_AT breaks there."""

    BREAK_AT = 64 * KiB + 10_000

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.etag = '"' + hashlib.md5(data).hexdigest() + '"'
        self.ranges: list[str] = []
        self.if_match: set[str] = set()
        self.broken = False

    async def head_object(self, **kw: Any) -> dict[str, Any]:
        return {"ContentLength": len(self.data), "ETag": self.etag}

    async def get_object(self, **kw: Any) -> dict[str, Any]:
        spec = kw["Range"].removeprefix("bytes=")
        start_s, end_s = spec.split("-")
        start, end = int(start_s), int(end_s) + 1
        self.ranges.append(kw["Range"])
        self.if_match.add(kw.get("IfMatch", ""))
        break_after = None
        if start <= self.BREAK_AT < end and not self.broken:
            self.broken = True
            break_after = self.BREAK_AT - start
        return {"Body": _Body(self.data[start:end], break_after), "ContentLength": end - start}


async def _download(tmp_path: Path, concurrency: int) -> _FlakyClient:
    data = os.urandom(256 * KiB)
    client = _FlakyClient(data)
    options = TransferOptions(
        part_size=64 * KiB, multipart_threshold=0, part_concurrency=concurrency
    )
    final = tmp_path / "obj.bin"
    job = ObjectDownload(client, "bucket1", "obj.bin", final, options)
    outcome = await job.run()
    job.commit(replace=False)
    assert final.read_bytes() == data
    assert outcome.verified_by == "size, MD5"
    assert client.if_match == {client.etag}, "every request is pinned to the first ETag"
    return client


async def test_broken_part_resumes_from_the_last_byte(tmp_path: Path) -> None:
    client = await _download(tmp_path, concurrency=2)
    assert sorted(client.ranges) == sorted(
        [
            "bytes=0-65535",
            "bytes=65536-131071",
            f"bytes={_FlakyClient.BREAK_AT}-131071",  # continues inside the broken part
            "bytes=131072-196607",
            "bytes=196608-262143",
        ]
    )


async def test_broken_stream_resumes_from_the_last_byte(tmp_path: Path) -> None:
    client = await _download(tmp_path, concurrency=1)
    # One stream for the whole object; the retry asks only for what is missing.
    assert client.ranges == ["bytes=0-262143", f"bytes={_FlakyClient.BREAK_AT}-262143"]

"""Fixtures for the transfer engine: a bucket on moto, an open session, a download helper."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.core.transfers import (
    BatchResult,
    Source,
    TransferManager,
    TransferOptions,
)

BUCKET = "transfers-test"


@pytest.fixture
def bucket(s3_admin: Any) -> str:
    s3_admin.create_bucket(Bucket=BUCKET)
    return BUCKET


@pytest.fixture
async def session(credentials: dict[str, Any]) -> AsyncIterator[S3Session]:
    async with S3Session(credentials) as s:
        yield s


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    out = tmp_path / "downloads"
    out.mkdir()
    return out


def put(s3_admin: Any, key: str, data: bytes, **extra: Any) -> bytes:
    s3_admin.put_object(Bucket=BUCKET, Key=key, Body=data, **extra)
    return data


def random_bytes(n: int) -> bytes:
    return os.urandom(n)


async def fetch(
    session: S3Session,
    sources: list[Source | Any],
    dest: Path,
    options: TransferOptions | None = None,
    **kwargs: Any,
) -> BatchResult:
    """Download with a fresh manager and return the batch result."""
    manager = TransferManager(session, options or TransferOptions(), **kwargs)
    try:
        return await manager.download(sources, dest).wait()
    finally:
        await manager.close()


def files_under(folder: Path) -> dict[str, bytes]:
    """Every regular file below ``folder`` by relative POSIX path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }

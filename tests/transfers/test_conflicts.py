"""An existing local file: skip, overwrite, keep both, or ask (with "apply to all")."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.core.transfers import (
    Conflict,
    ConflictAction,
    ConflictDecision,
    Source,
    TransferOptions,
    TransferState,
)
from tests.transfers.conftest import BUCKET, fetch, put


@pytest.fixture
def existing(s3_admin: Any, bucket: str, dest: Path) -> Path:
    for name in ("one.txt", "two.txt", "three.txt"):
        put(s3_admin, f"c/{name}", b"remote " + name.encode())
        (dest / name).write_bytes(b"local")
    return dest


def _sources() -> list[Source]:
    return [Source(BUCKET, "c/", base="c/")]


async def test_skip_keeps_local_files(session: S3Session, existing: Path) -> None:
    result = await fetch(
        session, _sources(), existing, TransferOptions(conflict=ConflictAction.SKIP)
    )
    assert result.count(TransferState.SKIPPED) == 3 and result.ok
    assert all((existing / n).read_bytes() == b"local" for n in ("one.txt", "two.txt"))


async def test_overwrite_replaces_them(session: S3Session, existing: Path) -> None:
    result = await fetch(
        session, _sources(), existing, TransferOptions(conflict=ConflictAction.OVERWRITE)
    )
    assert result.ok and result.count(TransferState.DONE) == 3
    assert (existing / "one.txt").read_bytes() == b"remote one.txt"


async def test_keep_both_writes_a_numbered_copy(session: S3Session, existing: Path) -> None:
    (existing / "one (1).txt").write_bytes(b"older copy")
    result = await fetch(
        session, _sources(), existing, TransferOptions(conflict=ConflictAction.KEEP_BOTH)
    )
    assert result.ok
    assert (existing / "one.txt").read_bytes() == b"local"
    assert (existing / "one (1).txt").read_bytes() == b"older copy"
    assert (existing / "one (2).txt").read_bytes() == b"remote one.txt"
    assert (existing / "two (1).txt").read_bytes() == b"remote two.txt"


async def test_ask_with_apply_to_all_asks_once(session: S3Session, existing: Path) -> None:
    questions: list[Conflict] = []

    async def resolver(conflict: Conflict) -> ConflictDecision:
        questions.append(conflict)
        await asyncio.sleep(0.05)  # a GUI answers later, from a dialog
        return ConflictDecision(ConflictAction.OVERWRITE, apply_to_all=True)

    result = await fetch(session, _sources(), existing, resolve_conflict=resolver)
    assert len(questions) == 1
    assert questions[0].local_size == len(b"local")
    assert result.ok and result.count(TransferState.DONE) == 3
    assert (existing / "three.txt").read_bytes() == b"remote three.txt"


async def test_ask_each_time_without_apply_to_all(session: S3Session, existing: Path) -> None:
    answers = iter([ConflictAction.SKIP, ConflictAction.OVERWRITE, ConflictAction.KEEP_BOTH])
    asked: list[str] = []

    async def resolver(conflict: Conflict) -> ConflictDecision:
        asked.append(conflict.key)
        return ConflictDecision(next(answers))

    result = await fetch(
        session, _sources(), existing, TransferOptions(max_items=1), resolve_conflict=resolver
    )
    assert len(asked) == 3
    assert sorted(i.state.value for i in result.items) == ["done", "done", "skipped"]


async def test_ask_without_a_resolver_keeps_the_file(session: S3Session, existing: Path) -> None:
    result = await fetch(session, _sources(), existing)
    assert result.count(TransferState.SKIPPED) == 3
    assert (existing / "one.txt").read_bytes() == b"local"

"""Hostile keys never write outside the destination; they are mapped reversibly or skipped."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.core.transfers import Source, TransferState
from s3browser.core.transfers.paths import (
    UnsafeKeyError,
    decode_name,
    encode_name,
    key_for,
    local_path,
)
from tests.transfers.conftest import BUCKET, fetch, put

MAPPED = {
    "..": "%2E%2E",
    ".": "%2E",
    "a:b": "a%3Ab",
    "C:": "C%3A",
    "back\\slash": "back%5Cslash",
    'q"<>|?*': "q%22%3C%3E%7C%3F%2A",
    "100%": "100%25",
    "tab\there": "tab%09here",
    "bell\x07\x7f": "bell%07%7F",
    "CON": "%43ON",
    "nul.txt": "%6Eul.txt",
    "com1.tar.gz": "%63om1.tar.gz",
    "LPT9": "%4CPT9",
    "CONSOLE": "CONSOLE",
    "trailing.": "trailing%2E",
    "space ": "space%20",
    "dots..  ": "dots%2E%2E%20%20",
    "café": "café",
    "日本語.csv": "日本語.csv",
}


@pytest.mark.parametrize(("segment", "name"), sorted(MAPPED.items()))
def test_names_are_encoded_and_decode_back(segment: str, name: str) -> None:
    assert encode_name(segment) == name
    assert decode_name(name) == segment


@pytest.mark.parametrize(
    "key",
    ["a//b", "/etc/passwd", "x/" + "n" * 256, "trailing//", ""],
)
def test_unwritable_keys_are_refused_with_a_reason(tmp_path: Path, key: str) -> None:
    with pytest.raises(UnsafeKeyError) as info:
        local_path(tmp_path, key)
    assert str(info.value)


def test_total_path_length_is_limited(tmp_path: Path) -> None:
    key = "/".join(["d" * 250] * 17)
    with pytest.raises(UnsafeKeyError, match="longer than"):
        local_path(tmp_path, key)


def test_mapping_round_trips(tmp_path: Path) -> None:
    key = "../a:b/CON/x%y/..."
    path = local_path(tmp_path, key)
    assert tmp_path in path.parents
    assert key_for(tmp_path, path) == key


HOSTILE = [
    "../../escape.txt",
    "a/../../escape2.txt",
    "./dot.txt",
    "//double/slash.txt",
    "/absolute.txt",
    "C:\\Windows\\win.ini",
    "c:/drive.txt",
    'bad<>:"|?*.txt',
    "ctrl\x01\x1f.txt",
    "CON",
    "aux.log",
    "trailing. ",
    "x" * 300,
    "ok/normal.txt",
]


async def test_hostile_keys_stay_inside_destination(
    session: S3Session, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    dest = tmp_path / "inner" / "dest"
    dest.mkdir(parents=True)
    for key in HOSTILE:
        # Keys as S3 stores them; the prefix keeps ".." from being normalised by the client.
        put(s3_admin, "h/" + key, key.encode("utf-8", "surrogateescape"))
    result = await fetch(session, [Source(BUCKET, "h/", base="h/")], dest)
    assert not result.errors
    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    for path in written:
        assert dest in path.parents, f"{path} escaped the destination"
    by_key = {i.key.removeprefix("h/"): i for i in result.items}
    skipped = {k for k, i in by_key.items() if i.state is TransferState.SKIPPED}
    assert skipped == {"//double/slash.txt", "/absolute.txt", "x" * 300}
    for key in skipped:
        assert by_key[key].message, "a skipped key says why"
    for key, item in by_key.items():
        if key in skipped:
            continue
        assert item.state is TransferState.DONE, item
        assert item.path.read_bytes() == key.encode()
        assert key_for(dest, item.path) == key, "the local name maps back to the key"
    assert (dest / "%2E%2E" / "%2E%2E" / "escape.txt").is_file()
    assert (dest / "C%3A%5CWindows%5Cwin.ini").is_file()
    assert (dest / "%43ON").is_file()


async def test_symlink_in_destination_cannot_lead_outside(
    session: S3Session, bucket: str, s3_admin: Any, tmp_path: Path
) -> None:
    dest = tmp_path / "dest"
    outside = tmp_path / "outside"
    dest.mkdir()
    outside.mkdir()
    (dest / "link").symlink_to(outside, target_is_directory=True)
    put(s3_admin, "s/link/evil.txt", b"evil")
    put(s3_admin, "s/fine.txt", b"fine")
    result = await fetch(session, [Source(BUCKET, "s/", base="s/")], dest)
    assert not list(outside.iterdir()), "nothing may be written through the link"
    states = {i.key: i.state for i in result.items}
    assert states == {"s/link/evil.txt": TransferState.SKIPPED, "s/fine.txt": TransferState.DONE}


async def test_object_and_folder_of_the_same_name(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    put(s3_admin, "t/a", b"file a")
    put(s3_admin, "t/a/b", b"file a/b")
    result = await fetch(session, [Source(BUCKET, "t/", base="t/")], dest)
    states = {i.key: (i.state, i.message) for i in result.items}
    assert states["t/a"][0] is TransferState.DONE
    assert (dest / "a").read_bytes() == b"file a"
    assert states["t/a/b"][0] is TransferState.SKIPPED
    assert "same local name" in states["t/a/b"][1]


async def test_unicode_normalisation_twins(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    nfc = unicodedata.normalize("NFC", "u/café.txt")
    nfd = unicodedata.normalize("NFD", "u/café.txt")
    assert nfc != nfd
    put(s3_admin, nfc, b"nfc")
    put(s3_admin, nfd, b"nfd")
    result = await fetch(session, [Source(BUCKET, "u/", base="u/")], dest)
    states = sorted(i.state.value for i in result.items)
    assert states == ["done", "skipped"], "one twin is written, the other skipped with a reason"
    skipped = next(i for i in result.items if i.state is TransferState.SKIPPED)
    assert "normalisation" in skipped.message
    assert len(list(dest.iterdir())) == 1

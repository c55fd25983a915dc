"""Downloads land byte-identical: one GET, ranged parts, folders with their structure."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

from s3browser.core.session import S3Session
from s3browser.core.transfers import Source, TransferOptions, TransferState
from tests.transfers.conftest import BUCKET, fetch, files_under, put, random_bytes

KiB = 1024
SMALL_PARTS = TransferOptions(part_size=64 * KiB, multipart_threshold=128 * KiB)


async def test_single_get_is_byte_identical_and_verified(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    data = put(s3_admin, "reports/q1.csv", random_bytes(100 * KiB + 7))
    result = await fetch(session, [Source(BUCKET, "reports/q1.csv", size=len(data))], dest)
    assert result.ok, result
    assert (dest / "q1.csv").read_bytes() == data
    assert "CRC32" in result.items[0].message or "MD5" in result.items[0].message
    assert not list(dest.glob("*.part*")), "no partial files may remain"
    umask = os.umask(0)
    os.umask(umask)
    assert (dest / "q1.csv").stat().st_mode & 0o777 == 0o666 & ~umask, "an ordinary file mode"


async def test_multipart_ranged_download_is_byte_identical(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    data = put(s3_admin, "big/blob.bin", random_bytes(1024 * KiB + 123), ChecksumAlgorithm="SHA256")
    result = await fetch(session, [Source(BUCKET, "big/blob.bin")], dest, SMALL_PARTS)
    assert result.ok, result
    assert (
        hashlib.sha256((dest / "blob.bin").read_bytes()).digest() == hashlib.sha256(data).digest()
    )
    # 17 parts of 64 KiB, pinned to one ETag, verified against the full-object SHA256.
    assert result.items[0].message == "verified: size, SHA256"


async def test_multipart_with_several_parts_in_flight(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    data = put(s3_admin, "big.bin", random_bytes(700 * KiB + 1))
    options = TransferOptions(part_size=64 * KiB, multipart_threshold=0, part_concurrency=4)
    result = await fetch(session, [Source(BUCKET, "big.bin")], dest, options)
    assert result.ok, result
    assert (dest / "big.bin").read_bytes() == data


async def test_empty_object(session: S3Session, bucket: str, s3_admin: Any, dest: Path) -> None:
    put(s3_admin, "empty.txt", b"")
    result = await fetch(session, [Source(BUCKET, "empty.txt")], dest, SMALL_PARTS)
    assert result.ok, result
    assert (dest / "empty.txt").read_bytes() == b""


async def test_folder_download_keeps_structure(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    expected = {}
    for key in ("data/2024/a.csv", "data/2024/deep/b.csv", "data/c.txt", "data/empty-dir/"):
        expected[key] = put(s3_admin, key, b"" if key.endswith("/") else random_bytes(3000))
    put(s3_admin, "other/not-me.txt", b"x")
    put(s3_admin, "database.txt", b"not under data/")
    result = await fetch(session, [Source(BUCKET, "data/")], dest, SMALL_PARTS)
    assert result.ok, result
    assert files_under(dest) == {
        "data/2024/a.csv": expected["data/2024/a.csv"],
        "data/2024/deep/b.csv": expected["data/2024/deep/b.csv"],
        "data/c.txt": expected["data/c.txt"],
    }
    assert (dest / "data" / "empty-dir").is_dir(), "a folder marker makes an empty folder"
    assert result.count(TransferState.DONE) == 3


async def test_many_small_objects_and_a_selection(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    blobs = {
        f"many/{i:03d}.bin": put(s3_admin, f"many/{i:03d}.bin", random_bytes(2000 + i))
        for i in range(60)
    }
    put(s3_admin, "solo/one.txt", b"one")
    sources = [Source(BUCKET, "many/", base="many/"), Source(BUCKET, "solo/one.txt")]
    result = await fetch(session, sources, dest, TransferOptions(max_items=8))
    assert result.ok, result
    got = files_under(dest)
    assert got.pop("one.txt") == b"one"
    assert got == {k.removeprefix("many/"): v for k, v in blobs.items()}


async def test_missing_object_fails_with_a_sentence(
    session: S3Session, bucket: str, dest: Path
) -> None:
    result = await fetch(session, [Source(BUCKET, "nope.txt")], dest)
    assert not result.ok
    item = result.items[0]
    assert item.state is TransferState.FAILED
    assert "nope.txt" in item.message and (
        "not exist" in item.message or "Not found" in item.message
    )
    assert not (dest / "nope.txt").exists() and not list(dest.iterdir())


async def test_empty_prefix_is_reported(session: S3Session, bucket: str, dest: Path) -> None:
    result = await fetch(session, [Source(BUCKET, "nothing-here/")], dest)
    assert not result.ok
    assert "no objects" in result.errors[0]


async def test_botocore_path_gives_the_same_bytes(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    """lean_get=False sends every GET through aiobotocore (what AWS itself always uses)."""
    small = put(s3_admin, "p/small.bin", random_bytes(5000))
    big = put(s3_admin, "p/big.bin", random_bytes(300 * KiB + 5), ChecksumAlgorithm="CRC32")
    options = TransferOptions(lean_get=False, part_size=64 * KiB, multipart_threshold=128 * KiB)
    result = await fetch(session, [Source(BUCKET, "p/", base="p/")], dest, options)
    assert result.ok, result
    assert (dest / "small.bin").read_bytes() == small
    assert (dest / "big.bin").read_bytes() == big
    assert {i.message for i in result.items} == {"verified: size, CRC32"}


async def test_object_larger_than_listed_still_downloads(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    """The listing said 10 bytes, but the object grew: the streaming path takes over."""
    data = put(s3_admin, "grew.bin", random_bytes(5 * 1024 * KiB))
    result = await fetch(session, [Source(BUCKET, "grew.bin", size=10)], dest)
    assert result.ok, result
    assert (dest / "grew.bin").read_bytes() == data


async def test_multipart_upload_is_checked_by_size_and_says_why(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    part1, part2 = random_bytes(5 * 1024 * KiB), random_bytes(1000)
    upload = s3_admin.create_multipart_upload(Bucket=BUCKET, Key="mp.bin")
    etags = [
        s3_admin.upload_part(
            Bucket=BUCKET, Key="mp.bin", UploadId=upload["UploadId"], PartNumber=n, Body=body
        )["ETag"]
        for n, body in ((1, part1), (2, part2))
    ]
    s3_admin.complete_multipart_upload(
        Bucket=BUCKET,
        Key="mp.bin",
        UploadId=upload["UploadId"],
        MultipartUpload={
            "Parts": [{"PartNumber": n, "ETag": e} for n, e in zip((1, 2), etags, strict=True)]
        },
    )
    result = await fetch(session, [Source(BUCKET, "mp.bin")], dest, SMALL_PARTS)
    assert result.ok, result
    assert (dest / "mp.bin").read_bytes() == part1 + part2
    message = result.items[0].message
    # Either a full-object checksum was verified, or the result says why only the size was.
    assert "CRC" in message or "SHA" in message or "only:" in message, message


async def test_archived_object_says_restore_first(
    session: S3Session, bucket: str, s3_admin: Any, dest: Path
) -> None:
    put(s3_admin, "cold.bin", b"frozen", StorageClass="GLACIER")
    result = await fetch(session, [Source(BUCKET, "cold.bin", size=6)], dest)
    item = result.items[0]
    assert item.state is TransferState.FAILED
    assert "archived" in item.message and "restore" in item.message
    assert not list(dest.iterdir())

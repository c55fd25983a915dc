"""The demo server holds every feature the demo promises, seen through S3Session."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import AccessDeniedError, AuthenticationError
from s3browser.core.models import Unavailable
from s3browser.core.session import S3Session
from s3browser.demo import catalog as cat
from s3browser.demo.sample_data import MULTIPART_KEY, ODD_KEYS
from tests.demo.conftest import SMALL_LARGE_KEYS

# moto 5.2 answers InvalidStorageClass to these two; every other class is seeded.
REFUSED_BY_MOTO = {"OUTPOSTS", "SNOW"}


async def _all_objects(session: S3Session, bucket: str, prefix: str = "") -> list[Any]:
    out = []
    async for page in session.iter_pages(bucket, prefix, recursive=True):
        out.extend(page.objects)
    return out


async def test_buckets_in_their_regions(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        buckets = {b.name: b for b in await session.list_buckets()}
        assert set(cat.DEMO_BUCKETS) <= set(buckets)
        for name, region in cat.DEMO_BUCKETS.items():
            if name == cat.RESTRICTED_BUCKET:
                continue  # even its location is denied
            assert await session.bucket_region(name) == region
        assert len(set(cat.DEMO_BUCKETS.values())) >= 5


async def test_identity_is_the_demo_user(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        identity = await session.identify()
    assert identity.arn is not None and identity.arn.endswith(f"user/{cat.DEMO_USER_NAME}")


async def test_every_storage_class_moto_accepts(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        objects = await _all_objects(session, cat.ANALYTICS_BUCKET, "storage-classes/")
    classes = {o.storage_class for o in objects}
    assert classes == set(S3_CONFIG["storage_classes"]) - REFUSED_BY_MOTO
    for obj in objects:
        assert obj.key == f"storage-classes/{obj.storage_class}.txt"


async def test_folders_and_file_kinds(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        root = [p async for p in session.iter_pages(cat.ANALYTICS_BUCKET, "")]
        folders = {p.prefix for page in root for p in page.prefixes}
        assert {"sales/", "customers/", "web/", "images/", "exports/", "odd keys/"} <= folders
        keys = {o.key for o in await _all_objects(session, cat.ANALYTICS_BUCKET)}
        for suffix in (
            ".csv",
            ".json",
            ".ndjson",
            ".log",
            ".png",
            ".svg",
            ".zip",
            ".gz",
            ".parquet",
            ".bin",
        ):
            assert any(k.endswith(suffix) for k in keys), suffix
        details = await session.object_details(cat.ANALYTICS_BUCKET, "sales/2024/sales-2024-01.csv")
        assert details.content_type == "text/csv"
        head = await session.read_head(cat.ANALYTICS_BUCKET, "sales/2024/sales-2024-01.csv", 200)
        assert head.startswith(b"order_id,date,region")


def _check_png(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, size = 8, b"", (0, 0)
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert crc == zlib.crc32(kind + body)
        if kind == b"IHDR":
            size = struct.unpack(">II", body[:8])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height = size
    assert len(zlib.decompress(idat)) == height * (1 + 3 * width)
    return width, height


async def test_images_are_valid_pngs(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        pngs = [
            o
            for o in await _all_objects(session, cat.ANALYTICS_BUCKET, "images/")
            if o.key.endswith(".png")
        ]
        assert len(pngs) >= 3
        for obj in pngs:
            data = await session.read(cat.ANALYTICS_BUCKET, obj.key)
            assert _check_png(data) > (0, 0)
            details = await session.object_details(cat.ANALYTICS_BUCKET, obj.key)
            assert details.content_type == "image/png"


async def test_tags_metadata_and_headers(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        d = await session.object_details(cat.ANALYTICS_BUCKET, "sales/2024/sales-2024-03.csv")
        assert d.tags == {"department": "sales", "classification": "internal"}
        assert d.user_metadata == {"source-system": "pos-export", "owner": "ana.silva"}
        assert d.server_side_encryption == "AES256"
        gz = await session.object_details(cat.ANALYTICS_BUCKET, "sales/sales-2024-q1.csv.gz")
        assert gz.content_encoding == "gzip" and gz.content_disposition
        summary = await session.object_details(cat.ANALYTICS_BUCKET, "sales/2024/summary.json")
        assert summary.cache_control == "max-age=3600"


async def test_multipart_and_checksums(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        mp = await session.object_details(cat.ANALYTICS_BUCKET, MULTIPART_KEY)
        assert mp.etag.endswith("-3")
        assert mp.size > 10 * 1024 * 1024
        for algorithm, key in (
            ("CRC32", "checksums/crc32-orders.csv"),
            ("SHA1", "checksums/sha1-notes.txt"),
            ("SHA256", "checksums/sha256-customers.json"),
        ):
            details = await session.object_details(cat.ANALYTICS_BUCKET, key)
            assert algorithm in details.checksums, (key, details.checksums)


async def test_odd_keys_round_trip(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        keys = {o.key for o in await _all_objects(session, cat.ANALYTICS_BUCKET, "odd keys/")}
        assert set(ODD_KEYS) | {"odd keys/empty folder/"} == keys
        for key in ODD_KEYS:
            body = await session.read(cat.ANALYTICS_BUCKET, key)
            assert repr(key) in body.decode()


async def test_bucket_level_configuration(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        details = await session.bucket_details(cat.ANALYTICS_BUCKET)
        for section in (
            "region",
            "encryption",
            "policy",
            "tags",
            "lifecycle",
            "public_access_block",
            "cors",
        ):
            assert not isinstance(details.sections[section], Unavailable), section
        plain = await session.bucket_details(cat.EMPTY_BUCKET)
        assert isinstance(plain.sections["policy"], Unavailable)


async def test_versions_and_archive(demo_creds: dict[str, Any], demo_server: str) -> None:
    import boto3

    async with S3Session(demo_creds) as session:
        details = await session.object_details(cat.VERSIONED_BUCKET, "config/settings.json")
        assert details.version_id not in (None, "null")
        assert b'"version": 4' in await session.read(cat.VERSIONED_BUCKET, "config/settings.json")
        keys = {o.key for o in await _all_objects(session, cat.VERSIONED_BUCKET)}
        assert "data/deleted-report.txt" not in keys  # hidden by its delete marker
        glacier = await session.object_details(cat.ARCHIVE_BUCKET, "archive/2019/sales-2019.csv.gz")
        assert glacier.storage_class == "GLACIER"
        restored = await session.object_details(
            cat.ARCHIVE_BUCKET, "archive/2022/restored-sales-2022.csv"
        )
        assert restored.restore_status
    # The core has no version listing yet: count versions with a plain client.
    s3 = boto3.client(
        "s3",
        endpoint_url=demo_server,
        region_name="us-west-2",
        aws_access_key_id=demo_creds["aws_access_key_id"],
        aws_secret_access_key=demo_creds["aws_secret_access_key"],
    )
    answer = s3.list_object_versions(Bucket=cat.VERSIONED_BUCKET)
    counts: dict[str, int] = {}
    for version in answer.get("Versions", []):
        counts[version["Key"]] = counts.get(version["Key"], 0) + 1
    assert counts["config/settings.json"] == 4 and counts["data/prices.csv"] == 3
    assert any(m["Key"] == "data/deleted-report.txt" for m in answer.get("DeleteMarkers", []))


async def test_restricted_bucket_is_denied(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        with pytest.raises(AccessDeniedError) as listing:
            async for _ in session.iter_pages(cat.RESTRICTED_BUCKET, ""):
                pass
        assert str(listing.value).startswith("Access denied")
        assert "ask the bucket owner" in str(listing.value)
        with pytest.raises(AccessDeniedError):
            await session.object_details(cat.RESTRICTED_BUCKET, "secrets/README.txt")
        with pytest.raises(AccessDeniedError):
            await session.read(cat.RESTRICTED_BUCKET, "secrets/README.txt")
        # Everything else still works with the same credentials.
        assert await session.read_head(cat.REPORTS_BUCKET, "reports/2024/Q1/report.md", 10)


async def test_wrong_credentials_are_rejected(demo_server: str) -> None:
    creds = cat.demo_credentials(demo_server) | {"aws_secret_access_key": "wrong-secret"}
    async with S3Session(creds) as session:
        with pytest.raises(AuthenticationError) as err:
            await session.list_buckets()
    assert "credentials" in str(err.value)


async def test_large_bucket_keys_and_folders(demo_creds: dict[str, Any]) -> None:
    async with S3Session(demo_creds) as session:
        keys: list[str] = []
        pages = 0
        async for page in session.iter_pages(cat.LARGE_BUCKET, "", recursive=True):
            pages += 1
            keys.extend(o.key for o in page.objects)
        assert len(keys) == len(set(keys)) == SMALL_LARGE_KEYS + 1  # + README.txt
        assert keys == sorted(keys)
        assert pages == 4
        root = [p async for p in session.iter_pages(cat.LARGE_BUCKET, "")]
        assert {p.prefix for page in root for p in page.prefixes} == {"flat/", "logs/"}
        months = [p async for p in session.iter_pages(cat.LARGE_BUCKET, "logs/year=2024/")]
        assert len([p for page in months for p in page.prefixes]) == 12
        flat: list[str] = []
        async for page in session.iter_pages(cat.LARGE_BUCKET, "flat/", page_size=100):
            assert not page.prefixes
            flat.extend(o.key for o in page.objects)
        assert len(flat) == len(set(flat)) == SMALL_LARGE_KEYS // 4

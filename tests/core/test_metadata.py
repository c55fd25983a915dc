"""Object and bucket details: every field the core promises, and per-section failures."""

from __future__ import annotations

import json
from typing import Any

import pytest

from s3browser.core.models import Unavailable
from s3browser.core.session import S3Session


async def test_object_details_full(credentials: dict[str, Any], s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="details")
    s3_admin.put_bucket_versioning(Bucket="details", VersioningConfiguration={"Status": "Enabled"})
    s3_admin.put_object(
        Bucket="details",
        Key="data/file.json",
        Body=b'{"a": 1}',
        ContentType="application/json",
        CacheControl="max-age=60",
        Metadata={"source": "unit-test", "owner": "ana"},
        Tagging="team=risk&tier=gold",
        ServerSideEncryption="AES256",
        ChecksumAlgorithm="SHA256",
        StorageClass="STANDARD_IA",
    )
    async with S3Session(credentials) as session:
        d = await session.object_details("details", "data/file.json")
    assert d.size == 8
    assert d.content_type == "application/json"
    assert d.cache_control == "max-age=60"
    assert d.user_metadata == {"source": "unit-test", "owner": "ana"}
    assert d.tags == {"team": "risk", "tier": "gold"}
    assert d.server_side_encryption == "AES256"
    assert d.storage_class == "STANDARD_IA"
    assert d.version_id and d.version_id != "null"
    assert "SHA256" in d.checksums
    assert len(d.etag) == 32 and '"' not in d.etag
    assert d.last_modified.endswith("Z")
    as_dict = d.to_dict()
    assert json.dumps(as_dict)  # plain data all the way down


async def test_restore_status_of_archived_object(
    credentials: dict[str, Any], s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="cold")
    s3_admin.put_object(Bucket="cold", Key="old.bin", Body=b"x", StorageClass="GLACIER")
    async with S3Session(credentials) as session:
        before = await session.object_details("cold", "old.bin")
        assert before.restore_status is None and before.storage_class == "GLACIER"
        s3_admin.restore_object(Bucket="cold", Key="old.bin", RestoreRequest={"Days": 1})
        after = await session.object_details("cold", "old.bin")
    assert after.restore_status is not None


async def test_bucket_details_sections(credentials: dict[str, Any], s3_admin: Any) -> None:
    s3_admin.create_bucket(
        Bucket="configured", CreateBucketConfiguration={"LocationConstraint": "eu-central-1"}
    )
    s3_admin.put_bucket_tagging(
        Bucket="configured", Tagging={"TagSet": [{"Key": "env", "Value": "prod"}]}
    )
    s3_admin.put_bucket_cors(
        Bucket="configured",
        CORSConfiguration={"CORSRules": [{"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]},
    )
    s3_admin.put_bucket_lifecycle_configuration(
        Bucket="configured",
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "expire",
                    "Status": "Enabled",
                    "Filter": {"Prefix": "tmp/"},
                    "Expiration": {"Days": 7},
                }
            ]
        },
    )
    s3_admin.put_bucket_encryption(
        Bucket="configured",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3_admin.put_public_access_block(
        Bucket="configured",
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3_admin.create_bucket(Bucket="bare")
    async with S3Session(credentials) as session:
        full = await session.bucket_details("configured")
        bare = await session.bucket_details("bare")
    s = full.sections
    assert s["region"] == "eu-central-1"
    assert s["tags"] == {"env": "prod"}
    assert s["cors"][0]["AllowedMethods"] == ["GET"]
    assert s["lifecycle"][0]["ID"] == "expire"
    assert s["encryption"][0]["ApplyServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"
    assert s["public_access_block"]["BlockPublicAcls"] is True
    assert s["versioning"]["status"] == "Never enabled"
    assert isinstance(s["object_lock"], Unavailable)
    for name in ("policy", "tags", "cors", "lifecycle", "public_access_block"):
        assert isinstance(bare.sections[name], Unavailable), name
        assert str(bare.sections[name]).startswith("not available: no ")
    assert bare.to_dict()["policy"] == "not available: no bucket policy is set"


async def test_bucket_details_never_raise_for_a_section(
    credentials: dict[str, Any], s3_endpoint: str
) -> None:
    """A bucket that does not exist: every section says why, none raises."""
    async with S3Session(credentials) as session:
        details = await session.bucket_details("gone-bucket")
    for name, value in details.sections.items():
        assert isinstance(value, Unavailable), name
        assert value.reason


async def test_presigned_and_https_urls(credentials: dict[str, Any], s3_admin: Any) -> None:
    import urllib.request

    s3_admin.create_bucket(Bucket="links")
    s3_admin.put_object(Bucket="links", Key="dir/a b.txt", Body=b"shared")
    async with S3Session(credentials) as session:
        url = await session.presigned_url("links", "dir/a b.txt", expires_in=600)
        assert "X-Amz-Expires=600" in url
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.read() == b"shared"
        assert session.https_url("links", "dir/a b.txt").endswith("/links/dir/a%20b.txt")
        from s3browser.core.errors import InvalidInputError

        with pytest.raises(InvalidInputError, match="7 days"):
            await session.presigned_url("links", "x", expires_in=8 * 24 * 3600)


async def test_listing_streams_pages_and_stops_early(
    credentials: dict[str, Any], s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="pages")
    for i in range(25):
        s3_admin.put_object(Bucket="pages", Key=f"d{i % 3}/k{i:02d}", Body=b"")
    async with S3Session(credentials) as session:
        first = None
        async for page in session.iter_pages("pages", "", recursive=True, page_size=10):
            first = page
            break
        assert first is not None and len(first.objects) == 10 and not first.is_last
        folder = [p async for p in session.iter_pages("pages", "", page_size=2)]
        assert [p.prefix for page in folder for p in page.prefixes] == ["d0/", "d1/", "d2/"]
        assert folder[-1].is_last
        inside = [o.key async for page in session.iter_pages("pages", "d1/") for o in page.objects]
        assert inside == [f"d1/k{i:02d}" for i in range(25) if i % 3 == 1]

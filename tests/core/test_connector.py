"""The seed's connector API, method by method, against a real moto server."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from s3browser import (
    S3_CONFIG,
    S3AuthenticationService,
    S3Bucket,
    S3ConnectorFactory,
    S3ConnectorService,
    S3DataService,
    S3Object,
)
from s3browser.core.errors import AccessDeniedError, InvalidInputError, ObjectTooLargeError

TRICKY_KEYS = [
    "plain.txt",
    "dir with space/file name.txt",
    "plus+sign/a+b.csv",
    "percent%20literal/100%.json",
    "colon:key/a:b:c.txt",
    "unicode/été/日本語.txt",
    "emoji/📦.bin",
]


@pytest.fixture
async def connector(credentials: dict[str, Any]) -> Any:
    conn = S3ConnectorFactory.create_connector(logging.getLogger("test"))
    assert await conn.connect(credentials)
    yield conn
    await conn.disconnect()


def test_factory_and_exports() -> None:
    conn = S3ConnectorFactory.create_connector(logging.getLogger("x"))
    assert isinstance(conn, S3ConnectorService)
    assert isinstance(conn.auth_service, S3AuthenticationService)
    assert isinstance(conn.data_service, S3DataService)
    assert S3_CONFIG["api_version"] == "2006-03-01"
    limits = S3_CONFIG["rate_limits"]
    assert limits["get_head_per_second_per_prefix"] == 5500
    assert limits["put_copy_post_delete_per_second_per_prefix"] == 3500
    for cls in ("GLACIER_IR", "EXPRESS_ONEZONE", "DEEP_ARCHIVE", "INTELLIGENT_TIERING"):
        assert cls in S3_CONFIG["storage_classes"]
    assert {f for f in S3Object.__dataclass_fields__} == {
        "key",
        "size",
        "last_modified",
        "etag",
        "storage_class",
        "bucket_name",
    }
    assert set(S3Bucket.__dataclass_fields__) == {"name", "creation_date", "region"}


async def test_connect_list_and_info(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="alpha")
    s3_admin.create_bucket(
        Bucket="beta", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    assert await connector.test_connection()
    buckets = await connector.list_buckets()
    assert [b["name"] for b in buckets] == ["alpha", "beta"]
    assert set(buckets[0]) == {"name", "creation_date", "region"}
    info = connector.get_service_info()
    assert info["aws_account_id"] == "123456789012"
    assert info["aws_region"] == "us-east-1"
    assert info["endpoint_url"].startswith("http://127.0.0.1:")
    assert "list_buckets" in info["supported_operations"]
    meta = await connector.get_bucket_metadata("beta")
    assert meta["region"] == "eu-west-1"


async def test_connect_failure_returns_false_with_sentence(s3_endpoint: str) -> None:
    conn = S3ConnectorFactory.create_connector()
    ok = await conn.connect({"endpoint_url": "http://127.0.0.1:9", "region_name": "us-east-1"})
    assert ok is False
    assert conn.last_error is not None
    assert "could not be reached" in conn.last_error.message
    assert not conn.is_connected


async def test_list_bucket_objects_follows_continuation(
    connector: S3ConnectorService, s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="many")
    for i in range(1205):
        s3_admin.put_object(Bucket="many", Key=f"k/{i:05d}", Body=b"")
    objs = await connector.list_bucket_objects("many", max_keys=1100)
    assert len(objs) == 1100
    assert objs[0]["key"] == "k/00000" and objs[-1]["key"] == "k/01099"
    all_objs = await connector.list_bucket_objects("many", prefix="k/", max_keys=5000)
    assert len(all_objs) == 1205
    assert len({o["key"] for o in all_objs}) == 1205
    assert await connector.list_bucket_objects("many", max_keys=0) == []


async def test_tricky_keys_roundtrip(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="tricky")
    for key in TRICKY_KEYS:
        s3_admin.put_object(Bucket="tricky", Key=key, Body=key.encode())
    listed = {o["key"] for o in await connector.list_bucket_objects("tricky")}
    assert listed == set(TRICKY_KEYS)
    for key in TRICKY_KEYS:
        assert await connector.get_object_content("tricky", key) == key.encode()
        assert await connector.data_service.get_item_content(f"tricky:{key}") == key.encode()
        assert await connector.data_service.get_item_content(f"s3://tricky/{key}") == key.encode()
    assert await connector.get_object_content("tricky", "missing") is None


async def test_every_storage_class(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="classes")
    accepted = []
    for cls in S3_CONFIG["storage_classes"]:
        try:
            s3_admin.put_object(Bucket="classes", Key=f"c/{cls}", Body=b"x", StorageClass=cls)
        except Exception:
            continue  # moto does not accept every class (e.g. OUTPOSTS); AWS does
        accepted.append(cls)
    assert {"STANDARD_IA", "GLACIER", "GLACIER_IR", "DEEP_ARCHIVE"} <= set(accepted)
    objs = await connector.list_bucket_objects("classes")
    assert {o["key"][2:]: o["storage_class"] for o in objs} == {c: c for c in accepted}


async def test_search_one_bucket_and_all(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="one")
    s3_admin.create_bucket(Bucket="two")
    s3_admin.put_object(Bucket="one", Key="reports/Important-2024.csv", Body=b"1")
    s3_admin.put_object(Bucket="one", Key="reports/other.csv", Body=b"1")
    s3_admin.put_object(Bucket="two", Key="x/important.txt", Body=b"1")
    found = await connector.search_objects("important", "one")
    assert [o["key"] for o in found] == ["reports/Important-2024.csv"]
    everywhere = await connector.search_objects("IMPORTANT")
    assert {(o["bucket_name"], o["key"]) for o in everywhere} == {
        ("one", "reports/Important-2024.csv"),
        ("two", "x/important.txt"),
    }


async def test_search_items_filters(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="filt")
    s3_admin.put_object(Bucket="filt", Key="a/small.csv", Body=b"1")
    s3_admin.put_object(Bucket="filt", Key="a/big.csv", Body=b"1" * 5000)
    s3_admin.put_object(Bucket="filt", Key="a/big.json", Body=b"1" * 5000)
    s3_admin.put_object(Bucket="filt", Key="b/big.csv", Body=b"1" * 5000, StorageClass="GLACIER")
    ds = connector.data_service
    res = await ds.search_items("big", {"bucket_name": "filt", "suffix": ".csv", "min_size": 100})
    assert {o["key"] for o in res} == {"a/big.csv", "b/big.csv"}
    res = await ds.search_items("", {"bucket_name": "filt", "mode": "prefix", "prefix": "a/"})
    assert {o["key"] for o in res} == {"a/small.csv", "a/big.csv", "a/big.json"}
    res = await ds.search_items(
        "*.csv", {"bucket_name": "filt", "mode": "glob", "storage_class": "GLACIER"}
    )
    assert [o["key"] for o in res] == ["b/big.csv"]
    res = await ds.search_items(r"^a/.*\.json$", {"bucket_name": "filt", "mode": "regex"})
    assert [o["key"] for o in res] == ["a/big.json"]
    res = await ds.search_items("big", {"bucket_name": "filt", "modified_after": "2999-01-01"})
    assert res == []
    with pytest.raises(InvalidInputError, match="not valid"):
        await ds.search_items("(", {"bucket_name": "filt", "mode": "regex"})
    with pytest.raises(InvalidInputError, match="Unknown search filter"):
        await ds.search_items("x", {"colour": "red"})


async def test_data_service_items_and_metadata(
    connector: S3ConnectorService, s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="data")
    s3_admin.put_object(
        Bucket="data",
        Key="x/report:v1.json",
        Body=b"{}",
        ContentType="application/json",
        Metadata={"owner": "ana"},
        Tagging="team=risk",
    )
    ds = connector.data_service
    buckets = await ds.list_items("/")
    assert [b["name"] for b in buckets] == ["data"]
    folder = await ds.list_items("s3://data/", recursive=False)
    assert folder == [{"type": "folder", "bucket_name": "data", "prefix": "x/"}]
    meta = await ds.get_item_metadata("data:x/report:v1.json")
    assert meta is not None
    assert meta["content_type"] == "application/json"
    assert meta["user_metadata"] == {"owner": "ana"}
    assert meta["tags"] == {"team": "risk"}
    assert await ds.get_item_metadata("data:nope") is None
    bucket_meta = await ds.get_item_metadata("data")
    assert bucket_meta is not None and bucket_meta["versioning"]["status"] == "Never enabled"
    assert (await ds.list_bucket_objects("data"))[0]["key"] == "x/report:v1.json"


async def test_item_permissions(connector: S3ConnectorService, s3_admin: Any) -> None:
    import json

    s3_admin.create_bucket(Bucket="perm")
    s3_admin.put_bucket_policy(
        Bucket="perm",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "PublicRead",
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::perm/*",
                    }
                ],
            }
        ),
    )
    perms = await connector.data_service.get_item_permissions("perm")
    sources = {p["source"] for p in perms}
    assert sources == {"acl", "policy", "public_access_block"}
    policy = [p for p in perms if p["source"] == "policy"]
    assert policy[0]["sid"] == "PublicRead" and policy[0]["effect"] == "Allow"
    acl = [p for p in perms if p["source"] == "acl"]
    assert any(p.get("permission") == "FULL_CONTROL" for p in acl)


async def test_content_size_limit(connector: S3ConnectorService, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="big")
    s3_admin.put_object(Bucket="big", Key="blob", Body=b"z" * 4096)
    session = connector.session
    with pytest.raises(ObjectTooLargeError, match=r"stream or download"):
        await session.read("big", "blob", max_bytes=1024)
    assert await session.read("big", "blob", max_bytes=4096) == b"z" * 4096
    head = await session.read_head("big", "blob", max_bytes=100)
    assert head == b"z" * 100
    chunks = [c async for c in session.stream("big", "blob", start=10, end=19)]
    assert b"".join(chunks) == b"z" * 10


async def test_auth_service(connector: S3ConnectorService, credentials: dict[str, Any]) -> None:
    auth = connector.auth_service
    assert auth.get_account_id() == "123456789012"
    assert auth.get_region_name() == "us-east-1"
    creds = auth.get_credentials_dict()
    assert creds["secret_access_key"] == "***"
    assert credentials["aws_secret_access_key"] not in repr(creds)
    assert credentials["aws_secret_access_key"] not in repr(auth.session.settings)
    assert await auth.validate_token()
    assert await auth.validate_token(credentials["aws_access_key_id"])
    assert not await auth.validate_token("another-key")
    refreshed = await auth.refresh_token()
    assert refreshed["refreshed"] is False and "cannot be refreshed" in refreshed["reason"]
    assert await auth.revoke_token()
    assert auth.get_account_id() is None
    assert not await connector.test_connection()


async def test_invalid_input_fails_before_any_request(connector: S3ConnectorService) -> None:
    for bad in ("", "ab", "UPPER_and spaces", "a/b", "192.168.1.1", "-leading"):
        with pytest.raises(InvalidInputError):
            await connector.list_bucket_objects(bad)
    with pytest.raises(InvalidInputError, match="not an S3 URL"):
        await connector.data_service.get_item_content("http://x/y")
    with pytest.raises(InvalidInputError, match="names a bucket"):
        await connector.data_service.get_item_content("s3://bucket-only/")
    with pytest.raises(InvalidInputError, match="Unknown credential field"):
        from s3browser.core.auth import ConnectionSettings

        ConnectionSettings.from_dict({"aws_secret": "x"})


async def test_anonymous_access(s3_endpoint: str, s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="public-data", ACL="public-read")
    s3_admin.put_object(Bucket="public-data", Key="open.txt", Body=b"open", ACL="public-read")
    s3_admin.create_bucket(Bucket="private-data")
    s3_admin.put_object(Bucket="private-data", Key="closed.txt", Body=b"closed")
    conn = S3ConnectorFactory.create_connector()
    assert await conn.connect({"endpoint_url": s3_endpoint, "anonymous": True})
    try:
        assert conn.get_service_info()["credential_source"] == "anonymous"
        assert await conn.get_object_content("public-data", "open.txt") == b"open"
        objs = await conn.list_bucket_objects("public-data")
        assert [o["key"] for o in objs] == ["open.txt"]
        with pytest.raises(AccessDeniedError, match="Access denied"):
            await conn.get_object_content("private-data", "closed.txt")
    finally:
        await conn.disconnect()

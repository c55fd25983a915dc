"""Bucket names, s3:// URLs and item ids are checked before any request."""

from __future__ import annotations

import pytest

from s3browser.core.errors import InvalidInputError
from s3browser.core.s3url import S3Location, parse_item_id, parse_s3_url, validate_bucket_name


@pytest.mark.parametrize("name", ["abc", "my-bucket", "my.bucket.2024", "a" * 63, "Legacy_Bucket"])
def test_valid_bucket_names(name: str) -> None:
    assert validate_bucket_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "ab", "-abc", "abc-", "a..b", "10.0.0.1", "has space", "a/b", "a" * 256, "bad!"]
)
def test_invalid_bucket_names(name: str) -> None:
    with pytest.raises(InvalidInputError) as info:
        validate_bucket_name(name)
    assert info.value.message.endswith(".")


@pytest.mark.parametrize(
    ("url", "bucket", "key"),
    [
        ("s3://bucket", "bucket", ""),
        ("s3://bucket/", "bucket", ""),
        ("s3://bucket/a/b/", "bucket", "a/b/"),
        ("s3://bucket/a b+c%20:d", "bucket", "a b+c%20:d"),
        ("S3://bucket/x", "bucket", "x"),
        ("s3://bucket//double", "bucket", "/double"),
    ],
)
def test_parse_s3_url(url: str, bucket: str, key: str) -> None:
    assert parse_s3_url(url) == S3Location(bucket, key)


@pytest.mark.parametrize(
    "url", ["bucket/key", "http://bucket/key", "s3:/bucket", "s3:///key", "s3://"]
)
def test_malformed_urls(url: str) -> None:
    with pytest.raises(InvalidInputError, match="s3://"):
        parse_s3_url(url)


def test_root_allowed_when_asked() -> None:
    assert parse_s3_url("s3://", require_bucket=False).is_root


def test_item_ids_keep_colons_in_keys() -> None:
    assert parse_item_id("bucket:a:b:c") == S3Location("bucket", "a:b:c")
    assert parse_item_id("s3://bucket/a:b") == S3Location("bucket", "a:b")
    assert parse_item_id("bucket") == S3Location("bucket", "")
    with pytest.raises(InvalidInputError):
        parse_item_id("")
    with pytest.raises(InvalidInputError):
        parse_item_id("https://example.com/x")


def test_location_navigation() -> None:
    loc = S3Location("b", "a/b/c.txt")
    assert loc.parent() == S3Location("b", "a/b/")
    assert loc.parent().parent() == S3Location("b", "a/")
    assert S3Location("b", "a/").parent() == S3Location("b", "")
    assert S3Location("b", "").parent().is_root
    assert loc.uri() == "s3://b/a/b/c.txt"

"""The demo server's indexed ListObjectsV2 answers exactly like moto's own.

Runs moto's backend in this process (no server) on random keys and compares every
page, for several prefixes, delimiters and page sizes, with delete markers present.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

moto_models = pytest.importorskip("moto.s3.models")

from s3browser.demo import moto_patches  # noqa: E402


def _names(entries: Any) -> list[str]:
    return [e if isinstance(e, str) else e.name for e in entries]


def _walk(listing: Any, prefix: str, delimiter: str | None, size: int) -> list[list[str]]:
    pages, token = [], None
    while True:
        entries, truncated, token = listing(prefix, delimiter, token, size)
        pages.append(_names(entries))
        if not truncated:
            return pages


@pytest.fixture(scope="module")
def backend() -> Any:
    backend = moto_models.S3Backend("us-east-1", "123456789012")
    backend.create_bucket("bench", "us-east-1")
    rng = random.Random(3)
    parts = ["a", "b", "a b", "ü", "z", "a+b", "0", "a/b", "~"]
    for _ in range(600):
        depth = rng.randint(1, 4)
        key = "/".join(rng.choice(parts) for _ in range(depth)) + rng.choice(["", "/", ".txt"])
        backend.put_object("bench", key, b"x", disable_notification=True)
    backend.put_bucket_versioning("bench", "Enabled")
    keys = sorted(dict.keys(backend.get_bucket("bench").keys))
    for key in keys[:40]:
        backend.put_object("bench", key, b"new", disable_notification=True)
    for key in keys[::9]:
        backend.delete_object("bench", key)  # leaves a delete marker: hidden from listings
    return backend


@pytest.mark.parametrize("prefix", ["", "a", "a/", "a b/", "ü/", "missing/"])
@pytest.mark.parametrize("delimiter", [None, "/", "b"])
@pytest.mark.parametrize("size", [1, 7, 1000])
def test_pages_match_moto(backend: Any, prefix: str, delimiter: str | None, size: int) -> None:
    bucket = backend.get_bucket("bench")

    def original(p: str, d: str | None, token: str | None, n: int) -> Any:
        return backend.list_objects_v2(bucket, p, d, token, None, n)

    def indexed(p: str, d: str | None, token: str | None, n: int) -> Any:
        marker = backend._pagination_tokens.get(token) if token else None
        entries, truncated = moto_patches.list_page(bucket.keys, p, d, marker, n)
        if truncated:
            last = _names(entries)[-1]
            token = moto_models.md5_hash(last.encode()).hexdigest()
            backend._pagination_tokens[token] = last
        return entries, truncated, token if truncated else None

    assert _walk(indexed, prefix, delimiter, size) == _walk(original, prefix, delimiter, size)

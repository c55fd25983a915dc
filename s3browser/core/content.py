"""Reading object data: a chunked async stream with an optional byte range.

The body is always read in chunks and always closed, whichever aiobotocore version
is installed, so that a cancelled preview cannot leak a connection.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from s3browser.core.clients import ClientPool
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import InvalidInputError, ObjectTooLargeError, map_error
from s3browser.core.s3url import validate_bucket_name


def range_header(start: int, end: int | None) -> str:
    """An HTTP Range for bytes start..end inclusive (to the end when ``end`` is None)."""
    if start < 0 or (end is not None and end < start):
        raise InvalidInputError(f"The byte range {start}-{end} is not valid.")
    return f"bytes={start}-" if end is None else f"bytes={start}-{end}"


async def stream_object(
    pool: ClientPool,
    bucket: str,
    key: str,
    *,
    start: int = 0,
    end: int | None = None,
    chunk_size: int | None = None,
    extra: dict[str, Any] | None = None,
) -> AsyncIterator[bytes]:
    """Yield the object's bytes (or the range start..end inclusive) in chunks."""
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)
    params: dict[str, Any] = {"Bucket": bucket, "Key": key, **(extra or {})}
    if start or end is not None:
        params["Range"] = range_header(start, end)
    size = chunk_size or S3_CONFIG["content"]["chunk_size"]
    try:
        response = await client.get_object(**params)
    except Exception as exc:
        raise map_error(exc, f"s3://{bucket}/{key}") from exc
    body = response["Body"]
    try:
        while True:
            try:
                chunk = await body.read(size)
            except Exception as exc:
                raise map_error(exc, f"s3://{bucket}/{key}") from exc
            if not chunk:
                return
            yield chunk
    finally:
        body.close()


async def read_head(pool: ClientPool, bucket: str, key: str, max_bytes: int) -> bytes:
    """The first ``max_bytes`` of an object with one ranged GET (for previews)."""
    parts = [c async for c in stream_object(pool, bucket, key, start=0, end=max_bytes - 1)]
    return b"".join(parts)[:max_bytes]


async def read_object(
    pool: ClientPool, bucket: str, key: str, *, max_bytes: int | None = None
) -> bytes:
    """The whole object in memory, refused above ``max_bytes`` before any data is read."""
    limit = S3_CONFIG["content"]["max_in_memory_bytes"] if max_bytes is None else max_bytes
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)
    try:
        head = await client.head_object(Bucket=bucket, Key=key)
    except Exception as exc:
        raise map_error(exc, f"s3://{bucket}/{key}") from exc
    size = int(head.get("ContentLength", 0))
    if size > limit:
        raise ObjectTooLargeError(
            f"s3://{bucket}/{key} is {size:,} bytes, more than the {limit:,}-byte limit "
            "for reading into memory: stream or download it instead."
        )
    etag = head.get("ETag")
    extra = {"IfMatch": etag} if etag else None
    chunks = [c async for c in stream_object(pool, bucket, key, extra=extra)]
    return b"".join(chunks)

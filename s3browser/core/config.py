"""S3_CONFIG: the service facts and the project's defaults in one place."""

from __future__ import annotations

from typing import Any, Final

# Every storage class S3 currently documents; S3-compatible servers use a subset.
STORAGE_CLASSES: Final[tuple[str, ...]] = (
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER",
    "GLACIER_IR",
    "DEEP_ARCHIVE",
    "OUTPOSTS",
    "SNOW",
    "EXPRESS_ONEZONE",
)

# Classes whose objects must be restored before a GET returns their data.
ARCHIVE_STORAGE_CLASSES: Final[frozenset[str]] = frozenset({"GLACIER", "DEEP_ARCHIVE"})

S3_CONFIG: Final[dict[str, Any]] = {
    "name": "s3",
    "api_version": "2006-03-01",
    "authentication": ["access_keys", "session_token", "profile", "default_chain", "anonymous"],
    # AWS documents these per partitioned prefix, per second (not per minute).
    "rate_limits": {
        "get_head_per_second_per_prefix": 5500,
        "put_copy_post_delete_per_second_per_prefix": 3500,
        # The client-side token bucket: requests per second and burst, for all calls.
        "client_requests_per_second": 2000,
        "client_burst": 500,
    },
    "retry": {
        "mode": "adaptive",
        "max_attempts": 5,
    },
    # Every request is bounded: a server that accepts the connection and then stays
    # silent fails after read_seconds, times the retry attempts.
    "timeouts": {
        "connect_seconds": 10,
        "read_seconds": 30,
    },
    "max_pool_connections": 64,
    # concurrency: folders listed at once by a recursive listing (core/sharding.py).
    "listing": {"page_size": 1000, "delimiter": "/", "concurrency": 8},
    "content": {
        # get_object_content refuses objects larger than this (bytes) instead of
        # filling memory; stream the object or download it instead.
        "max_in_memory_bytes": 64 * 1024 * 1024,
        "chunk_size": 1024 * 1024,
    },
    "search": {"default_limit": 10_000},
    "storage_classes": list(STORAGE_CLASSES),
    "webhook_support": False,
    "batch_operations": True,
    "real_time_sync": False,
}

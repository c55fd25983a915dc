"""What an analyst does, as functions of an S3Session returning comparable results.

Each returns plain data (keys, dicts, digests) so a run through the fault proxy
can be compared with a direct run: equal means nothing was skipped or repeated.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable
from typing import Any

from s3browser.core.search import SearchQuery
from s3browser.core.session import S3Session
from s3browser.demo import catalog as cat

DETAIL_KEYS = (
    "sales/2024/sales-2024-01.csv",
    "sales/2024/summary.json",
    "sales/sales-2024-q1.csv.gz",
    "customers/customers.json",
    "images/charts/monthly-revenue-2024.png",
    "exports/report-q1.zip",
    "checksums/sha256-customers.json",
    "uploads/sensor-readings-multipart.csv",
    "storage-classes/GLACIER_IR.txt",
    "odd keys/ünïcödé – Привет – 日本語.txt",
    "odd keys/plus+sign+report.csv",
)
READ_KEYS = (
    "exports/random-64k.bin",
    "images/backgrounds/gradient.png",
    "odd keys/percent%20not-a-space.txt",
    "uploads/sensor-readings-multipart.csv",
)


def _unique(keys: list[str]) -> list[str]:
    assert len(keys) == len(set(keys)), "a key was listed twice"
    return keys


async def folder_listing(session: S3Session) -> Any:
    flat: list[str] = []
    async for page in session.iter_pages(cat.LARGE_BUCKET, cat.LARGE_FLAT_PREFIX, page_size=100):
        flat.extend(o.key for o in page.objects)
    months: list[str] = []
    async for page in session.iter_pages(cat.LARGE_BUCKET, "logs/year=2024/", page_size=5):
        months.extend(p.prefix for p in page.prefixes)
    return _unique(flat), _unique(months)


async def recursive_listing(session: S3Session) -> Any:
    keys: list[str] = []
    async for page in session.iter_pages(cat.LARGE_BUCKET, "", recursive=True, page_size=250):
        keys.extend(o.key for o in page.objects)
    return sorted(_unique(keys))


async def bucket_details(session: S3Session) -> Any:
    return [
        (await session.bucket_details(name)).to_dict()
        for name in (cat.ANALYTICS_BUCKET, cat.VERSIONED_BUCKET, cat.EMPTY_BUCKET)
    ]


async def object_details(session: S3Session) -> Any:
    return [(await session.object_details(cat.ANALYTICS_BUCKET, k)).to_dict() for k in DETAIL_KEYS]


async def search(session: S3Session) -> Any:
    errors: list[tuple[str, str]] = []
    found: list[tuple[str, str]] = []
    query = SearchQuery(pattern="*.png", mode="glob")
    async for obj in session.search(
        query, on_error=lambda b, e: errors.append((b, type(e).__name__))
    ):
        found.append((obj.bucket_name, obj.key))
    query = SearchQuery(pattern="part-0000", mode="substring", bucket=cat.LARGE_BUCKET)
    async for obj in session.search(query):
        found.append((obj.bucket_name, obj.key))
    assert len(found) == len(set(found)), "a search result was reported twice"
    return sorted(found), sorted(errors)


async def reads(session: S3Session) -> Any:
    out = []
    for key in READ_KEYS:
        data = await session.read(cat.ANALYTICS_BUCKET, key)
        out.append((key, len(data), hashlib.sha256(data).hexdigest()))
    return out


OPERATIONS: dict[str, Callable[[S3Session], Awaitable[Any]]] = {
    "folder listing": folder_listing,
    "recursive listing": recursive_listing,
    "bucket details": bucket_details,
    "object details": object_details,
    "search": search,
    "read objects": reads,
}

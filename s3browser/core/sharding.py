"""Recursive listing in parallel, sharded by common prefixes.

Why: a recursive ListObjectsV2 listing is one continuation chain, each request
waiting for the previous one, so a bucket of 100,000 keys costs 100 round trips in a
row. Folders split the key space into independent ranges that can be listed at the
same time. The folder structure is not known in advance, and most listings are small,
so the shape is discovered as the listing goes:

1. A shard is "every key under prefix P after key A". Its first request is an
   ordinary recursive page. If that page is the whole shard (not truncated) the shard
   cost one request, exactly like the sequential listing: small prefixes stay cheap.
2. If it is truncated, the shard is large: it is split by listing P with the
   delimiter. That gives P's direct objects (those after the last key seen are
   yielded) and its sub-prefixes, each of which becomes a new shard (starting after
   the last key seen if that key lies inside it, skipped if the first page already
   covered it). A folder of only direct objects is listed as a continuation chain, as
   before; nothing is lost by trying.
3. Up to ``concurrency`` shards are listed at once; pages are yielded as they arrive.

Every key is listed exactly once: a shard's first page covers (A, K] where K is its
last key; the split covers the rest of P after K, partitioned by the delimiter (a
folder Q sorting before K without K inside it lies wholly within (A, K]). The
order of pages therefore differs from a sequential listing (it is by shard, keys are
sorted within a page). Consumers that need key order sort; the search and the GUI do
not need it.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from s3browser.core.clients import ClientPool
from s3browser.core.config import S3_CONFIG
from s3browser.core.listing import list_page
from s3browser.core.models import ListingPage, S3Object
from s3browser.core.s3url import validate_bucket_name

DELIMITER = "/"


@dataclass(frozen=True, slots=True)
class Shard:
    """Every key that starts with ``prefix`` and sorts after ``start_after``."""

    prefix: str
    start_after: str | None = None


class _Done:
    """Marks the end of the output queue."""


class _ShardedListing:
    """The workers, the shard queue and the page queue of one recursive listing."""

    def __init__(self, client: Any, bucket: str, page_size: int, concurrency: int) -> None:
        self.client = client
        self.bucket = bucket
        self.page_size = page_size
        self.concurrency = max(1, concurrency)
        self.shards: asyncio.Queue[Shard] = asyncio.Queue()
        # Bounded, so that workers wait for a slow consumer instead of filling memory.
        self.out: asyncio.Queue[list[S3Object] | BaseException | _Done] = asyncio.Queue(
            maxsize=2 * self.concurrency
        )
        self.outstanding = 0  # shards queued or being listed
        self.requests = 0

    def add(self, shard: Shard) -> None:
        self.outstanding += 1
        self.shards.put_nowait(shard)

    async def worker(self) -> None:
        while True:
            shard = await self.shards.get()
            try:
                await self.list_shard(shard)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                await self.out.put(exc)
                return
            self.outstanding -= 1
            if self.outstanding == 0:
                await self.out.put(_Done())

    async def page(self, params: dict[str, Any], token: str | None) -> Any:
        self.requests += 1
        return await list_page(self.client, self.bucket, params, token)

    async def list_shard(self, shard: Shard) -> None:
        params: dict[str, Any] = {"Prefix": shard.prefix, "MaxKeys": self.page_size}
        if shard.start_after:
            params["StartAfter"] = shard.start_after
        first = await self.page(params, None)
        if first.objects:
            await self.out.put(first.objects)
        if not (first.is_truncated and first.next_token):
            return
        if not first.objects:
            # A truncated page without keys (a server quirk): follow the chain instead.
            await self.follow(params, first.next_token)
            return
        last = first.objects[-1].key
        # The split lists P's folders from the start, not after ``last``: StartAfter
        # combined with a delimiter is read differently by different servers (moto
        # drops a folder whose name sorts before StartAfter even if keys inside it
        # come after), while StartAfter alone is unambiguous.
        split: dict[str, Any] = {
            "Prefix": shard.prefix,
            "Delimiter": DELIMITER,
            "MaxKeys": self.page_size,
        }
        token: str | None = None
        while True:
            page = await self.page(split, token)
            for prefix in page.prefixes:
                if last.startswith(prefix):
                    self.add(Shard(prefix, last))  # partly listed by the first page
                elif prefix > last:
                    self.add(Shard(prefix))
                # else: every key in it sorts before ``last``: the first page had them
            later = [o for o in page.objects if o.key > last]
            if later:
                await self.out.put(later)
            token = page.next_token if page.is_truncated else None
            if not token:
                return

    async def follow(self, params: dict[str, Any], token: str | None) -> None:
        while token:
            page = await self.page(params, token)
            if page.objects:
                await self.out.put(page.objects)
            token = page.next_token if page.is_truncated else None


async def iter_recursive(
    pool: ClientPool,
    bucket: str,
    prefix: str = "",
    *,
    page_size: int | None = None,
    concurrency: int | None = None,
) -> AsyncIterator[ListingPage]:
    """Yield every object under ``prefix`` as pages, listing folders in parallel.

    The pages come in no particular order (see the module docstring); the last one
    has ``is_last`` set. Stopping the iteration (break, cancel) cancels the requests.
    """
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)
    settings = S3_CONFIG["listing"]
    run = _ShardedListing(
        client,
        bucket,
        page_size or settings["page_size"],
        concurrency or settings["concurrency"],
    )
    run.add(Shard(prefix))
    workers = [asyncio.ensure_future(run.worker()) for _ in range(run.concurrency)]
    held: list[S3Object] | None = None  # one page held back, to mark the last one
    try:
        while True:
            item = await run.out.get()
            if isinstance(item, _Done):
                break
            if isinstance(item, BaseException):
                raise item
            if held is not None:
                yield ListingPage(bucket, prefix, [], held, is_last=False)
            held = item
        yield ListingPage(bucket, prefix, [], held or [], is_last=True)
    finally:
        for task in workers:
            task.cancel()
        for task in workers:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task

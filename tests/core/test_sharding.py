"""The parallel recursive listing finds every key exactly once, like the sequential one."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from s3browser.core import sharding
from s3browser.core.errors import NotFoundError
from s3browser.core.listing import iter_pages
from s3browser.core.session import S3Session

# A tree with every shape the splitting meets: big and small folders, a deep chain of
# single folders, direct objects between folders, folder marker objects, empty
# segments ("//"), unicode, and keys that sort between a folder and its siblings.
KEYS = sorted(
    [f"big/part-{i:03d}.parquet" for i in range(23)]
    + [f"big/sub{j}/f{i}" for j in range(4) for i in range(j * 3)]
    + [f"deep/a/b/c/d/e/leaf{i}" for i in range(9)]
    + [f"flat{i:02d}.txt" for i in range(12)]
    + [f"small/{i}" for i in range(2)]
    + ["marker/", "marker/inside", "double//slash", "double//slash2", "double/x"]
    + [f"données/été/{i}.csv" for i in range(6)]
    + ["big.txt", "big/", "big0", "bigz/x", "z"]
)


@pytest.fixture
def tree(s3_admin: Any) -> str:
    s3_admin.create_bucket(Bucket="tree")
    with ThreadPoolExecutor(
        4
    ) as pool:  # arranging only; moto takes concurrent puts of distinct keys
        list(pool.map(lambda k: s3_admin.put_object(Bucket="tree", Key=k, Body=b"1"), KEYS))
    return "tree"


async def collect(session: S3Session, bucket: str, prefix: str, **kw: Any) -> list[Any]:
    return [p async for p in sharding.iter_recursive(session.pool, bucket, prefix, **kw)]


async def test_same_keys_as_the_sequential_listing(credentials: dict[str, Any], tree: str) -> None:
    async with S3Session(credentials) as session:
        for prefix in ["", "big/", "deep/", "double/", "b", "nothing/"]:
            sequential = [
                o.key
                async for page in iter_pages(session.pool, tree, prefix, delimiter=None)
                for o in page.objects
            ]
            assert sequential == [k for k in KEYS if k.startswith(prefix)]
            for page_size in [1, 3, 1000]:
                pages = await collect(session, tree, prefix, page_size=page_size, concurrency=3)
                keys = [o.key for page in pages for o in page.objects]
                assert sorted(keys) == sequential, (prefix, page_size)
                assert len(keys) == len(set(keys))  # nothing listed twice
                assert [p.is_last for p in pages] == [False] * (len(pages) - 1) + [True]
                assert all(not p.prefixes for p in pages)


async def test_large_folders_are_listed_in_parallel(
    credentials: dict[str, Any], tree: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With small pages, several requests are in flight at once (not one chain)."""
    in_flight = 0
    most = 0
    real = sharding.list_page

    async def slow_page(*args: Any, **kwargs: Any) -> Any:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        try:
            await asyncio.sleep(0.02)
            return await real(*args, **kwargs)
        finally:
            in_flight -= 1

    monkeypatch.setattr(sharding, "list_page", slow_page)
    async with S3Session(credentials) as session:
        pages = await collect(session, tree, "", page_size=4, concurrency=6)
    assert len({o.key for p in pages for o in p.objects}) == len(KEYS)
    assert most >= 3


async def test_small_prefix_costs_one_request(credentials: dict[str, Any], tree: str) -> None:
    async with S3Session(credentials) as session:
        run_pages = await collect(session, tree, "small/", page_size=1000)
    assert [o.key for p in run_pages for o in p.objects] == ["small/0", "small/1"]
    assert len(run_pages) == 1


async def test_session_recursive_listing_and_search_use_it(
    credentials: dict[str, Any], tree: str
) -> None:
    from s3browser.core.search import SearchQuery

    async with S3Session(credentials) as session:
        listed = [
            o.key async for p in session.iter_pages(tree, "", recursive=True) for o in p.objects
        ]
        found = [o.key async for o in session.search(SearchQuery("leaf", bucket=tree))]
    assert sorted(listed) == KEYS
    assert sorted(found) == [f"deep/a/b/c/d/e/leaf{i}" for i in range(9)]


async def test_stopping_early_and_errors(credentials: dict[str, Any], tree: str) -> None:
    async with S3Session(credentials) as session:
        async for page in sharding.iter_recursive(session.pool, tree, "", page_size=2):
            assert page.objects
            break  # the generator closes and cancels its workers
        with pytest.raises(NotFoundError):
            await collect(session, "no-such-bucket", "")
        assert not [t for t in asyncio.all_tasks() if "worker" in repr(t.get_coro())]

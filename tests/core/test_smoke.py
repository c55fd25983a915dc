"""First proof that the session talks to a real S3 server over HTTP."""

from __future__ import annotations

from typing import Any

from s3browser.core.session import S3Session


async def test_lists_buckets_and_pages(credentials: dict[str, Any], s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="alpha")
    for i in range(5):
        s3_admin.put_object(Bucket="alpha", Key=f"dir/file{i}.txt", Body=b"x" * i)
    s3_admin.put_object(Bucket="alpha", Key="top.txt", Body=b"top")
    async with S3Session(credentials) as session:
        buckets = await session.list_buckets()
        assert [b.name for b in buckets] == ["alpha"]
        pages = [p async for p in session.iter_pages("alpha", "", page_size=2)]
        folders = [p.prefix for page in pages for p in page.prefixes]
        keys = [o.key for page in pages for o in page.objects]
        assert folders == ["dir/"]
        assert keys == ["top.txt"]
        ident = await session.identify()
        assert ident.account_id

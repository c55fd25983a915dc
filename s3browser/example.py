"""A runnable tour of the service layer: ``python -m s3browser.example``.

With no arguments it starts the embedded local S3 server (moto) with a little data of
its own, so it runs anywhere with no set-up. Give ``--endpoint-url URL`` and/or
``--profile NAME`` (or the standard AWS environment variables with ``--aws``) to run
the same tour against a real account or an S3-compatible server; it only reads.

It shows three things script authors need:
1. basic bucket and object operations through the seed API (``S3ConnectorFactory``),
2. concurrent batch processing of many objects (bounded by a semaphore),
3. the error families and how to react to each.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
import time
from typing import Any

from s3browser import S3ConnectorFactory, S3ConnectorService
from s3browser.core import errors

log = logging.getLogger("s3browser.example")


async def basic_operations(connector: S3ConnectorService) -> tuple[str, list[str]] | None:
    print("== 1. Buckets and objects")
    buckets = await connector.list_buckets()
    for bucket in buckets[:10]:
        print(f"  bucket {bucket['name']}  created {bucket['creation_date']}")
    if not buckets:
        print("  (no buckets visible to these credentials)")
        return None
    for bucket in buckets:
        try:
            objects = await connector.list_bucket_objects(bucket["name"], max_keys=50)
        except errors.AccessDeniedError as err:
            print(f"  {bucket['name']}: {err}")
            continue
        if not objects:
            continue
        name = bucket["name"]
        print(f"  first objects of {name}:")
        for obj in objects[:5]:
            print(f"    {obj['size']:>8}  {obj['storage_class']:<12} {obj['key']}")
        meta = await connector.get_bucket_metadata(name)
        print(f"  {name} is in {meta['region']}; versioning: {meta['versioning']}")
        first = objects[0]["key"]
        content = await connector.get_object_content(name, first)
        print(f"  {first}: {len(content or b'')} bytes, starts with {(content or b'')[:40]!r}")
        hits = await connector.search_objects(first.rsplit("/", 1)[-1][:4], name)
        print(f"  search for {first.rsplit('/', 1)[-1][:4]!r} found {len(hits)} key(s)")
        return name, [o["key"] for o in objects]
    return None


async def batch_processing(
    connector: S3ConnectorService, bucket: str, keys: list[str], concurrency: int = 8
) -> None:
    """Read many objects at once, never more than ``concurrency`` in flight."""
    print(f"== 2. Batch: reading {len(keys)} objects, {concurrency} at a time")
    limit = asyncio.Semaphore(concurrency)
    session = connector.session

    async def size_of(key: str) -> int:
        async with limit:
            total = 0
            async for chunk in session.stream(bucket, key):
                total += len(chunk)
            return total

    started = time.perf_counter()
    results = await asyncio.gather(*(size_of(k) for k in keys), return_exceptions=True)
    failed = [r for r in results if isinstance(r, BaseException)]
    total = sum(r for r in results if isinstance(r, int))
    took = time.perf_counter() - started
    print(f"  read {total:,} bytes from {len(keys) - len(failed)} objects in {took:.2f} s")
    for err in failed[:3]:
        print(f"  failed: {err}")


async def error_handling(connector: S3ConnectorService) -> None:
    print("== 3. Errors: one family, one sentence each")

    async def show(title: str, coro: Any) -> None:
        try:
            await coro
            print(f"  {title}: no error")
        except errors.InvalidInputError as err:
            print(f"  {title}: fix the input -> {err}")
        except errors.NotFoundError as err:
            print(f"  {title}: refresh and carry on -> {err}")
        except errors.AccessDeniedError as err:
            print(f"  {title}: ask for permission -> {err}")
        except errors.CredentialsExpiredError as err:
            print(f"  {title}: reconnect -> {err}")
        except (errors.ThrottledError, errors.NetworkError, errors.ServerError) as err:
            print(f"  {title}: retry later -> {err}")
        except errors.S3BrowserError as err:
            print(f"  {title}: {type(err).__name__} -> {err}")

    await show("invalid bucket name", connector.list_bucket_objects("Not A Bucket!"))
    await show("missing bucket", connector.list_bucket_objects("no-such-bucket-s3browser-example"))
    await show("malformed URL", connector.data_service.get_item_content("http://x/y"))
    await show("object too large for memory", _too_large(connector))
    unreachable = S3ConnectorFactory.create_connector(logging.getLogger("quiet"))
    ok = await unreachable.connect(
        {
            "endpoint_url": "http://127.0.0.1:9",
            "region_name": "us-east-1",
            "aws_access_key_id": "example",
            "aws_secret_access_key": "example",
        }
    )
    print(f"  unreachable endpoint: connect() -> {ok}; last_error: {unreachable.last_error}")


async def _too_large(connector: S3ConnectorService) -> None:
    for bucket in await connector.list_buckets():
        try:
            objs = await connector.list_bucket_objects(bucket["name"], max_keys=20)
        except errors.S3BrowserError:
            continue
        for obj in objs:
            if obj["size"] > 1:
                await connector.session.read(bucket["name"], obj["key"], max_bytes=1)
                return


def _seed_local(endpoint: str) -> None:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="example",
        aws_secret_access_key="example",
    )
    s3.create_bucket(Bucket="example-data")
    s3.put_object(Bucket="example-data", Key="readme.txt", Body=b"Hello from the example.\n")
    for i in range(40):
        s3.put_object(Bucket="example-data", Key=f"batch/item-{i:03d}.csv", Body=b"a,b\n" * (i + 1))


async def tour(credentials: dict[str, Any]) -> int:
    connector = S3ConnectorFactory.create_connector(log)
    if not await connector.connect(credentials):
        print(f"could not connect: {connector.last_error}", file=sys.stderr)
        return 1
    try:
        info = connector.get_service_info()
        print(
            f"connected to {info['endpoint_url']} as account {info['aws_account_id'] or 'unknown'}"
        )
        found = await basic_operations(connector)
        if found:
            bucket, keys = found
            await batch_processing(connector, bucket, keys)
        await error_handling(connector)
    finally:
        await connector.disconnect()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url")
    parser.add_argument("--profile")
    parser.add_argument("--region")
    parser.add_argument("--aws", action="store_true", help="use the default AWS credential chain")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("quiet").setLevel(logging.CRITICAL)
    if args.endpoint_url or args.profile or args.aws:
        creds = {
            k: v
            for k, v in {
                "endpoint_url": args.endpoint_url,
                "profile_name": args.profile,
                "region_name": args.region,
            }.items()
            if v
        }
        return asyncio.run(tour(creds))
    from s3browser.demo.server import LocalS3Server

    with LocalS3Server() as server:
        print(f"(started a local S3 server at {server.endpoint_url})")
        _seed_local(server.endpoint_url)
        creds = {
            "endpoint_url": server.endpoint_url,
            "aws_access_key_id": "example",
            "aws_secret_access_key": "example",
            "region_name": "us-east-1",
        }
        return asyncio.run(tour(creds))


if __name__ == "__main__":
    sys.exit(main())

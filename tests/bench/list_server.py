"""A minimal in-memory S3 server for listing benchmarks, run as a child process.

Why not moto or a folder-backed server: both spend time proportional to the whole
bucket on every ListObjectsV2 page (moto filters and sorts every key: about 2 s per
page at 100,000 keys; localbucket walks the folders: about 3 s). A benchmark of the
*clients* needs a server whose cost per page is small and the same for every
client. This one keeps the keys in a sorted list, pre-renders each key's
``<Contents>`` element once, and answers a page with a bisect and a join, so a page
costs well under a millisecond of its CPU.

It speaks just enough S3 for ``aws s3 ls``, ``s5cmd ls`` and s3browser: ListBuckets,
HeadBucket, GetBucketLocation and ListObjectsV2 (prefix, delimiter, max-keys,
continuation-token, start-after, encoding-type=url with AWS's form encoding), path
style, any credentials. The data set is generated at start from the command line:

    python -m tests.bench.list_server --bucket B --keys 100000 --prefixes 100 [--latency-ms 20]

``--latency-ms`` delays each listing answer without using CPU, like the round trip
to a remote S3 region, which is where listing folders in parallel pays off.

prints ``READY http://127.0.0.1:PORT`` when it accepts connections.
"""

from __future__ import annotations

import argparse
import base64
import bisect
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from types import TracebackType
from urllib.parse import quote_plus
from xml.sax.saxutils import escape

READY = "READY "
XMLNS = "http://s3.amazonaws.com/doc/2006-03-01/"
MODIFIED = "2026-01-01T12:00:00.000Z"
BASE_TIME = datetime(2025, 1, 1, tzinfo=UTC)


def make_keys(keys: int, prefixes: int, depth_name: str = "data") -> list[str]:
    """``keys`` keys spread over ``prefixes`` folders (one folder: all in ``data/``)."""
    if prefixes <= 1:
        return [f"{depth_name}/file-{i:07d}.parquet" for i in range(keys)]
    return [f"{depth_name}/part-{i % prefixes:04d}/file-{i:07d}.parquet" for i in range(keys)]


class Store:
    """One bucket's sorted keys and their pre-rendered XML (AWS's field order)."""

    def __init__(self, bucket: str, keys: list[str]) -> None:
        self.bucket = bucket
        self.keys = sorted(keys)
        self._rendered: dict[bool, list[str]] = {}

    def rendered(self, url: bool) -> list[str]:
        found = self._rendered.get(url)
        if found is None:
            found = self._rendered[url] = [
                f"<Contents><Key>{encode(key, url)}</Key><LastModified>{modified(i)}"
                f"</LastModified><ETag>&quot;{i:032x}&quot;</ETag><Size>{i % 100_000}</Size>"
                "<StorageClass>STANDARD</StorageClass></Contents>"
                for i, key in enumerate(self.keys)
            ]
        return found

    def list_v2(self, query: dict[str, str]) -> str:
        prefix = query.get("prefix", "")
        delimiter = query.get("delimiter", "")
        max_keys = min(int(query.get("max-keys", "1000")), 1000)
        url = query.get("encoding-type") == "url"
        token = query.get("continuation-token")
        start_after = query.get("start-after", "")
        keys = self.keys
        if token:
            pos = int(base64.urlsafe_b64decode(token.encode()).decode())
        else:
            pos = bisect.bisect_left(keys, prefix)
            if start_after:
                pos = max(pos, bisect.bisect_right(keys, start_after))
        rendered = self.rendered(url)
        parts: list[str] = []
        common: list[str] = []
        count = 0
        n = len(keys)
        while pos < n and count < max_keys:
            key = keys[pos]
            if not key.startswith(prefix):
                pos = n
                break
            cut = key.find(delimiter, len(prefix)) if delimiter else -1
            if cut >= 0:
                folder = key[: cut + len(delimiter)]
                common.append(
                    f"<CommonPrefixes><Prefix>{encode(folder, url)}</Prefix></CommonPrefixes>"
                )
                # Skip every key in the folder: they sort below folder[:-1] + next char.
                pos = bisect.bisect_left(keys, folder[:-1] + chr(ord(folder[-1]) + 1), pos)
            else:
                parts.append(rendered[pos])
                pos += 1
            count += 1
        truncated = pos < n and keys[pos].startswith(prefix)
        head = [
            f'<?xml version="1.0" encoding="UTF-8"?>\n<ListBucketResult xmlns="{XMLNS}">',
            f"<Name>{self.bucket}</Name><Prefix>{encode(prefix, url)}</Prefix>",
        ]
        if token:
            head.append(f"<ContinuationToken>{token}</ContinuationToken>")
        if truncated:
            next_token = base64.urlsafe_b64encode(str(pos).encode()).decode()
            head.append(f"<NextContinuationToken>{next_token}</NextContinuationToken>")
        head.append(f"<KeyCount>{count}</KeyCount><MaxKeys>{max_keys}</MaxKeys>")
        if delimiter:
            head.append(f"<Delimiter>{encode(delimiter, url)}</Delimiter>")
        if url:
            head.append("<EncodingType>url</EncodingType>")
        head.append(f"<IsTruncated>{'true' if truncated else 'false'}</IsTruncated>")
        return "".join(head) + "".join(parts) + "".join(common) + "</ListBucketResult>"


def modified(i: int) -> str:
    """A different time for every key (real buckets rarely share one)."""
    return (BASE_TIME + timedelta(seconds=17 * i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def encode(value: str, url: bool) -> str:
    # AWS's encoding-type=url is form encoding (a space becomes '+'), then XML escaping.
    return escape(quote_plus(value, safe="/") if url else value)


def make_app(store: Store, latency: float = 0.0) -> object:
    import asyncio

    from aiohttp import web

    async def root(request: web.Request) -> web.Response:
        body = (
            f'<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="{XMLNS}">'
            "<Owner><ID>bench</ID><DisplayName>bench</DisplayName></Owner><Buckets><Bucket>"
            f"<Name>{store.bucket}</Name><CreationDate>{MODIFIED}</CreationDate></Bucket>"
            "</Buckets></ListAllMyBucketsResult>"
        )
        return web.Response(body=body.encode(), content_type="application/xml")

    async def bucket(request: web.Request) -> web.Response:
        name = request.match_info["bucket"]
        if name != store.bucket:
            body = f"<Error><Code>NoSuchBucket</Code><Message>{name}</Message></Error>"
            return web.Response(status=404, body=body.encode(), content_type="application/xml")
        headers = {"x-amz-bucket-region": "us-east-1"}
        if request.method == "HEAD":
            return web.Response(headers=headers)
        query = dict(request.query)
        if "location" in query:
            body = f'<LocationConstraint xmlns="{XMLNS}"></LocationConstraint>'
        elif query.get("list-type") == "2":
            if latency:
                await asyncio.sleep(latency)  # a remote server's round trip, without its CPU
            body = store.list_v2(query)
        else:
            body = "<Error><Code>NotImplemented</Code><Message>only ListObjectsV2</Message></Error>"
            return web.Response(status=501, body=body.encode(), content_type="application/xml")
        return web.Response(body=body.encode(), headers=headers, content_type="application/xml")

    app = web.Application()
    app.router.add_get("/", root)
    app.router.add_route("*", "/{bucket}", bucket)
    app.router.add_route("*", "/{bucket}/", bucket)
    return app


class ListServer:
    """The server as a child process: ``with ListServer(keys=..., prefixes=...) as url``."""

    def __init__(
        self,
        *,
        bucket: str = "bench-list",
        keys: int = 100_000,
        prefixes: int = 100,
        latency_ms: float = 0.0,
    ) -> None:
        self.bucket, self.keys, self.prefixes = bucket, keys, prefixes
        self.latency_ms = latency_ms
        self.endpoint_url = ""
        self._proc: subprocess.Popen[str] | None = None

    def __enter__(self) -> str:
        cmd = [sys.executable, "-m", "tests.bench.list_server", "--bucket", self.bucket]
        cmd += ["--keys", str(self.keys), "--prefixes", str(self.prefixes)]
        cmd += ["--latency-ms", str(self.latency_ms)]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith(READY):
            self.__exit__(None, None, None)
            raise RuntimeError("the listing benchmark server did not start")
        self.endpoint_url = line[len(READY) :].strip()
        return self.endpoint_url

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=10)
            if proc.stdout is not None:
                proc.stdout.close()


def main() -> None:
    import asyncio
    import socket

    from aiohttp import web

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bucket", default="bench-list")
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--prefixes", type=int, default=100)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="delay before each listing answer"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    store = Store(args.bucket, make_keys(args.keys, args.prefixes))
    store.rendered(True)
    sock = socket.socket()
    sock.bind(("127.0.0.1", args.port))
    port = sock.getsockname()[1]

    async def serve() -> None:
        runner = web.AppRunner(make_app(store, args.latency_ms / 1000), access_log=None)  # type: ignore[arg-type]
        await runner.setup()
        await web.SockSite(runner, sock).start()
        print(f"{READY}http://127.0.0.1:{port}", flush=True)
        print(f"seeded {args.keys} keys in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        await asyncio.Event().wait()

    import signal

    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    asyncio.run(serve())


if __name__ == "__main__":
    main()

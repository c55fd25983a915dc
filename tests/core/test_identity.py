"""Identity: STS where the endpoint has it, "unknown" (and still connected) where not."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web

from s3browser import S3ConnectorFactory

NOT_IMPLEMENTED = (
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NotImplemented</Code>'
    "<Message>A header you provided implies functionality that is not implemented</Message></Error>"
)


@pytest.fixture
async def no_sts_endpoint(s3_endpoint: str) -> AsyncIterator[str]:
    """A pass-through proxy to moto that answers STS calls like MinIO or R2 do: not implemented."""
    session = aiohttp.ClientSession(auto_decompress=False)

    async def handle(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if b"Action=GetCallerIdentity" in body:
            return web.Response(status=501, text=NOT_IMPLEMENTED, content_type="application/xml")
        async with session.request(
            request.method,
            s3_endpoint + request.path_qs,
            headers={k: v for k, v in request.headers.items() if k.lower() != "host"},
            data=body,
        ) as upstream:
            payload = await upstream.read()
            headers = {
                k: v
                for k, v in upstream.headers.items()
                if k.lower() not in ("content-length", "transfer-encoding", "connection")
            }
            return web.Response(status=upstream.status, body=payload, headers=headers)

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()
    await session.close()


async def test_identity_known_with_sts(credentials: dict[str, Any]) -> None:
    conn = S3ConnectorFactory.create_connector()
    assert await conn.connect(credentials)
    try:
        assert conn.session.identity.account_id == "123456789012"
        assert conn.session.identity.label.startswith("arn:aws:")
    finally:
        await conn.disconnect()


async def test_identity_unknown_without_sts(
    no_sts_endpoint: str, credentials: dict[str, Any], s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="visible")
    conn = S3ConnectorFactory.create_connector()
    assert await conn.connect({**credentials, "endpoint_url": no_sts_endpoint})
    try:
        assert conn.session.identity.label == "unknown"
        assert conn.get_service_info()["aws_account_id"] is None
        assert [b["name"] for b in await conn.list_buckets()] == ["visible"]
    finally:
        await conn.disconnect()

"""Long-lived S3 clients: one per (endpoint, region), opened once, closed on disconnect.

aiobotocore clients are async context managers holding an aiohttp connection pool.
The pool enters them into one AsyncExitStack so that :meth:`ClientPool.close` closes
every one of them and no "Unclosed client session" warning can appear.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from contextlib import AsyncExitStack
from typing import Any

from s3browser.core import fastlist
from s3browser.core.auth import DEFAULT_REGION, ConnectionSettings, client_config, create_session
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import EndpointConfigError, NotConnectedError, map_error
from s3browser.core.limiter import TokenBucket
from s3browser.core.s3url import validate_bucket_name

log = logging.getLogger(__name__)

S3Client = Any  # aiobotocore's clients are generated at run time and have no static type


def _refuse_non_s3_answer(operation_model: Any, response_dict: dict[str, Any], **_: Any) -> None:
    """Stop botocore from reading a web page as an (empty) S3 answer.

    A wrong endpoint URL often points at an ordinary web server; its HTML parses
    as XML without error and would look like "no buckets". S3 answers with XML
    (or, for object bodies, the object itself: those are streamed and not checked).
    """
    if operation_model.has_streaming_output:
        return
    headers = response_dict.get("headers") or {}
    content_type = str(headers.get("content-type", "")).lower()
    body = response_dict.get("body") or b""
    if "html" in content_type and body:
        raise EndpointConfigError()


class ClientPool:
    """Hands out S3 clients by region and remembers which region each bucket is in."""

    def __init__(self, settings: ConnectionSettings) -> None:
        self.settings = settings
        self._session: Any = None
        self._stack: AsyncExitStack | None = None
        self._clients: dict[str, S3Client] = {}
        self._bucket_regions: dict[str, str] = {}
        self._lock = asyncio.Lock()
        rates = S3_CONFIG["rate_limits"]
        self.limiter = TokenBucket(rates["client_requests_per_second"], rates["client_burst"])
        self.default_region = settings.region_name or DEFAULT_REGION
        # Requests botocore sent again (throttled, server error, broken connection): the GUI
        # shows the count so a slow listing under faults is not a silent stall.
        self.retries = 0
        self.on_retry: Callable[[int], None] | None = None

    @property
    def is_open(self) -> bool:
        return self._stack is not None

    @property
    def session(self) -> Any:
        if self._session is None:
            raise NotConnectedError()
        return self._session

    async def open(self) -> None:
        if self._stack is not None:
            return
        try:
            self._session = create_session(self.settings)
            if not self.settings.region_name:
                # A profile or the environment may name the region.
                self.default_region = self._session.region_name or DEFAULT_REGION
        except Exception as exc:
            raise map_error(exc) from exc
        self._stack = AsyncExitStack()

    async def close(self) -> None:
        stack, self._stack = self._stack, None
        self._clients.clear()
        if stack is not None:
            await stack.aclose()

    async def client(self, region: str | None = None) -> S3Client:
        """The S3 client for ``region`` (the connection's region by default)."""
        if self._stack is None:
            raise NotConnectedError()
        # Non-AWS endpoints are one server whatever the bucket's "region" says: one client.
        region = region or self.default_region
        if not self.settings.is_aws:
            region = self.default_region
        existing = self._clients.get(region)
        if existing is not None:
            return existing
        async with self._lock:
            existing = self._clients.get(region)
            if existing is not None:
                return existing
            client = await self._make_client("s3", region)
            self._clients[region] = client
            return client

    async def _make_client(self, service: str, region: str, **config: Any) -> S3Client:
        assert self._stack is not None
        kwargs: dict[str, Any] = {
            "config": client_config(self.settings, region, service, **config),
            "verify": self.settings.verify,
        }
        if self.settings.endpoint_url:
            kwargs["endpoint_url"] = self.settings.endpoint_url
        try:
            client = await self._stack.enter_async_context(self.session.client(service, **kwargs))
        except Exception as exc:
            raise map_error(exc) from exc
        client.meta.events.register("before-send", self._throttle)
        client.meta.events.register("before-parse", _refuse_non_s3_answer)
        client.meta.events.register("request-created", self._count_retry)
        if service == "s3":
            fastlist.install(client)  # lean ListObjectsV2 parsing: see core/fastlist.py
        return client

    async def _throttle(self, **_: Any) -> None:
        await self.limiter.acquire()

    def _count_retry(self, request: Any = None, **_: Any) -> None:
        """botocore creates the request anew for each attempt; attempt > 1 is a retry."""
        context = getattr(request, "context", None) or {}
        if context.get("retries", {}).get("attempt", 1) > 1:
            self.retries += 1
            if self.on_retry is not None:
                self.on_retry(self.retries)

    async def sts_client(self) -> S3Client:
        """An STS client on the same endpoint; short timeouts, since many servers lack STS."""
        if self._stack is None:
            raise NotConnectedError()
        return await self._make_client(
            "sts",
            self.default_region,
            retries={"mode": "standard", "max_attempts": 1},
            connect_timeout=5,
            read_timeout=10,
        )

    def known_region(self, bucket: str) -> str | None:
        return self._bucket_regions.get(bucket)

    def remember_region(self, bucket: str, region: str) -> None:
        if region:
            self._bucket_regions[bucket] = region

    async def bucket_region(self, bucket: str) -> str:
        """The bucket's region, asked once (HeadBucket's x-amz-bucket-region) and cached."""
        validate_bucket_name(bucket)
        cached = self._bucket_regions.get(bucket)
        if cached:
            return cached
        client = await self.client()
        region = ""
        try:
            response = await client.head_bucket(Bucket=bucket)
            region = response["ResponseMetadata"]["HTTPHeaders"].get("x-amz-bucket-region", "")
        except Exception as exc:
            headers = (
                getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPHeaders", {})
            )
            region = headers.get("x-amz-bucket-region", "")
            if not region:
                status = (
                    getattr(exc, "response", {}).get("ResponseMetadata", {}).get("HTTPStatusCode")
                )
                if status in (403, 301, 400):
                    region = await self._location_fallback(client, bucket)
                if not region:
                    raise map_error(exc, f"bucket {bucket}") from exc
        if not region:
            region = await self._location_fallback(client, bucket) or self.default_region
        self._bucket_regions[bucket] = region
        return region

    async def _location_fallback(self, client: S3Client, bucket: str) -> str:
        try:
            response = await client.get_bucket_location(Bucket=bucket)
        except Exception:
            return ""
        # An empty LocationConstraint is the historical spelling of us-east-1.
        return response.get("LocationConstraint") or DEFAULT_REGION

    async def client_for_bucket(self, bucket: str) -> S3Client:
        """The client that talks to the bucket's own region (no redirect per call)."""
        if not self.settings.is_aws:
            return await self.client()
        try:
            region = await self.bucket_region(bucket)
        except Exception:
            # Let the real call report what is wrong (no such bucket, access denied...).
            return await self.client()
        return await self.client(region)

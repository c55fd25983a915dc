"""S3Session: one connection's state and every operation the GUI and CLI use.

This is the project's own façade over the core modules (the seed's API in
``connector.py`` is a thin layer on top of it). It owns the client pool, so opening
and closing it is the one place where network resources start and end.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from types import TracebackType
from typing import Any
from urllib.parse import quote

from s3browser.core import content, listing, metadata, preflight, sharding
from s3browser.core import search as search_mod
from s3browser.core.auth import ConnectionSettings
from s3browser.core.clients import ClientPool
from s3browser.core.errors import InvalidInputError, NetworkError, S3BrowserError, map_error
from s3browser.core.models import (
    BucketDetails,
    Identity,
    ListingPage,
    ObjectDetails,
    S3Bucket,
    S3Object,
)
from s3browser.core.s3url import validate_bucket_name

log = logging.getLogger(__name__)


class S3Session:
    """An open connection to one S3 endpoint with one set of credentials."""

    def __init__(self, settings: ConnectionSettings | dict[str, Any] | None = None) -> None:
        if not isinstance(settings, ConnectionSettings):
            settings = ConnectionSettings.from_dict(settings)
        self.settings = settings
        self.pool = ClientPool(settings)
        self.identity = Identity()

    # -- lifetime -------------------------------------------------------------------
    async def open(self) -> None:
        """Check the endpoint answers at all (milliseconds), then prepare the clients."""
        await preflight.check_endpoint(self.settings)
        await self.pool.open()

    async def close(self) -> None:
        await self.pool.close()

    async def __aenter__(self) -> S3Session:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @property
    def region(self) -> str:
        return self.pool.default_region

    @property
    def endpoint_label(self) -> str:
        return self.settings.endpoint_url or f"AWS ({self.region})"

    async def identify(self) -> Identity:
        """Ask STS who we are; endpoints without STS give an unknown identity, not an error."""
        if self.settings.anonymous:
            self.identity = Identity(arn="anonymous")
            return self.identity
        try:
            sts = await self.pool.sts_client()
            response = await sts.get_caller_identity()
        except Exception as exc:
            err = map_error(exc)
            # An endpoint that cannot be reached at all is fatal: say so now rather
            # than after the bucket listing has retried for half a minute.
            if isinstance(err, NetworkError) and not self.settings.is_aws:
                raise err from exc
            # Wrong or expired credentials are worth reporting; a missing STS is not.
            if self.settings.is_aws and err.code in {
                "InvalidClientTokenId",
                "SignatureDoesNotMatch",
                "ExpiredToken",
                "ExpiredTokenException",
            }:
                raise err from exc
            log.info("identity unknown: %s", err.message)
            self.identity = Identity()
            return self.identity
        self.identity = Identity(
            account_id=response.get("Account"),
            arn=response.get("Arn"),
            user_id=response.get("UserId"),
        )
        return self.identity

    async def check(self) -> list[S3Bucket]:
        """Prove the connection works by listing buckets; returns them."""
        return await self.list_buckets()

    async def credential_expiry(self) -> str | None:
        """When temporary credentials expire (ISO 8601), or None when they do not."""
        try:
            creds = await self.pool.session.get_credentials()
        except Exception:
            return None
        expiry = getattr(creds, "_expiry_time", None)
        return listing.iso_utc(expiry) if expiry is not None else None

    # -- reading --------------------------------------------------------------------
    async def list_buckets(self) -> list[S3Bucket]:
        return await listing.list_buckets(self.pool)

    def iter_pages(
        self,
        bucket: str,
        prefix: str = "",
        *,
        recursive: bool = False,
        page_size: int | None = None,
    ) -> AsyncIterator[ListingPage]:
        if recursive:
            # Folders listed in parallel; pages come in shard order, not key order.
            return sharding.iter_recursive(self.pool, bucket, prefix, page_size=page_size)
        return listing.iter_pages(self.pool, bucket, prefix, delimiter="/", page_size=page_size)

    async def list_objects(
        self, bucket: str, prefix: str = "", max_keys: int = 1000
    ) -> list[S3Object]:
        return await listing.list_objects(self.pool, bucket, prefix, max_keys)

    async def bucket_region(self, bucket: str) -> str:
        return await self.pool.bucket_region(bucket)

    async def object_details(self, bucket: str, key: str) -> ObjectDetails:
        return await metadata.get_object_details(self.pool, bucket, key)

    async def bucket_details(self, bucket: str) -> BucketDetails:
        return await metadata.get_bucket_details(self.pool, bucket)

    def stream(
        self, bucket: str, key: str, *, start: int = 0, end: int | None = None
    ) -> AsyncIterator[bytes]:
        return content.stream_object(self.pool, bucket, key, start=start, end=end)

    async def read_head(self, bucket: str, key: str, max_bytes: int = 1024 * 1024) -> bytes:
        return await content.read_head(self.pool, bucket, key, max_bytes)

    async def read(self, bucket: str, key: str, *, max_bytes: int | None = None) -> bytes:
        return await content.read_object(self.pool, bucket, key, max_bytes=max_bytes)

    def search(
        self,
        query: search_mod.SearchQuery,
        on_error: Callable[[str, S3BrowserError], None] | None = None,
    ) -> AsyncIterator[S3Object]:
        return search_mod.search(self.pool, query, on_error=on_error)

    # -- links ----------------------------------------------------------------------
    async def presigned_url(self, bucket: str, key: str, expires_in: int = 3600) -> str:
        """A time-limited GET link for someone without credentials."""
        validate_bucket_name(bucket)
        if not 1 <= expires_in <= 7 * 24 * 3600:
            raise InvalidInputError("A presigned URL may last from 1 second to 7 days.")
        if self.settings.anonymous:
            return self.https_url(bucket, key)
        client = await self.pool.client_for_bucket(bucket)
        try:
            url: str = await client.generate_presigned_url(
                "get_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=expires_in
            )
        except Exception as exc:
            raise map_error(exc, f"s3://{bucket}/{key}") from exc
        return url

    def https_url(self, bucket: str, key: str) -> str:
        """The object's plain (unsigned) HTTPS address."""
        quoted = quote(key, safe="/~")
        if self.settings.endpoint_url:
            return f"{self.settings.endpoint_url.rstrip('/')}/{bucket}/{quoted}"
        region = self.pool.known_region(bucket) or self.region
        return f"https://{bucket}.s3.{region}.amazonaws.com/{quoted}"

"""The seed's connector API, made real: a thin façade over :class:`S3Session`.

Script authors use these classes without the GUI::

    connector = S3ConnectorFactory.create_connector(logger)
    await connector.connect({"aws_access_key_id": ..., "aws_secret_access_key": ...})
    buckets = await connector.list_buckets()

Results are plain dicts built from the dataclasses in ``models.py``, as the seed
documents. Failures raise the family in ``errors.py`` (each with a one-sentence
message); the seed's boolean methods (``connect``, ``test_connection``...) log the
sentence and return False instead, and keep the error in ``last_error``.
"""

from __future__ import annotations

import logging
from typing import Any

from s3browser.core.auth import ConnectionSettings, mask_key
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import (
    InvalidInputError,
    NotConnectedError,
    S3BrowserError,
    map_error,
)
from s3browser.core.models import Unavailable
from s3browser.core.s3url import parse_item_id, validate_bucket_name
from s3browser.core.search import SearchFilters, SearchQuery
from s3browser.core.session import S3Session

SUPPORTED_OPERATIONS = [
    "list_buckets",
    "list_bucket_objects",
    "get_bucket_metadata",
    "get_object_content",
    "search_objects",
    "get_object_details",
    "get_item_permissions",
    "stream_object",
    "presigned_url",
]


class S3AuthenticationService:
    """Holds the credentials and the open session; knows who we are."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger("s3browser")
        self.session: S3Session | None = None
        self.last_error: S3BrowserError | None = None

    def _require(self) -> S3Session:
        if self.session is None:
            raise NotConnectedError()
        return self.session

    async def authenticate(self, credentials: dict[str, Any] | None) -> bool:
        """Open a session and prove it works (identity, then the bucket list)."""
        await self.disconnect()
        try:
            settings = ConnectionSettings.from_dict(credentials)
            session = S3Session(settings)
            await session.open()
            try:
                await session.identify()
                await session.check()
            except BaseException:
                await session.close()
                raise
        except Exception as exc:
            self.last_error = map_error(exc)
            self.logger.error("authentication failed: %s", self.last_error.message)
            return False
        self.session = session
        self.last_error = None
        self.logger.info("connected to %s as %s", session.endpoint_label, session.identity.label)
        return True

    async def validate_token(self, token: str | None = None) -> bool:
        """True when the current credentials (or the access key id ``token``) still work."""
        session = self.session
        if session is None:
            return False
        if token and token != session.settings.access_key_id:
            return False
        try:
            await session.check()
        except S3BrowserError as err:
            self.last_error = err
            return False
        return True

    async def refresh_token(self, refresh_token: str | None = None) -> dict[str, Any]:
        """Refresh temporary credentials where the source can (profiles, SSO, roles).

        Static keys cannot be refreshed; the answer says so instead of raising.
        """
        session = self._require()
        source = session.settings.source
        if source in ("access_keys", "anonymous"):
            return {
                "refreshed": False,
                "reason": "static access keys cannot be refreshed: reconnect with new keys",
                "expiry": None,
            }
        try:
            creds = await session.pool.session.get_credentials()
            if creds is None:
                raise InvalidInputError("No credentials were found to refresh.")
            # Frozen credentials refresh themselves when they are close to expiry.
            if hasattr(creds, "get_frozen_credentials"):
                await creds.get_frozen_credentials()
        except Exception as exc:
            err = map_error(exc)
            self.last_error = err
            return {"refreshed": False, "reason": err.message, "expiry": None}
        return {"refreshed": True, "reason": None, "expiry": await session.credential_expiry()}

    async def revoke_token(self, token: str | None = None) -> bool:
        """Forget the credentials held in memory (S3 keys cannot be revoked remotely)."""
        await self.disconnect()
        return True

    async def disconnect(self) -> bool:
        session, self.session = self.session, None
        if session is not None:
            await session.close()
        return True

    def get_account_id(self) -> str | None:
        return self.session.identity.account_id if self.session else None

    def get_region_name(self) -> str | None:
        return self.session.region if self.session else None

    def get_credentials_dict(self) -> dict[str, Any]:
        """The connection settings with secrets masked: safe to log or display."""
        if self.session is None:
            return {}
        data = self.session.settings.public_dict()
        if data.get("access_key_id"):
            data["access_key_id"] = mask_key(self.session.settings.access_key_id or "")
        return data


class S3DataService:
    """Items addressed by id (``bucket:key`` or ``s3://bucket/key``), searches, permissions."""

    def __init__(self, auth: S3AuthenticationService, logger: logging.Logger | None = None) -> None:
        self.auth = auth
        self.logger = logger or logging.getLogger("s3browser")

    @property
    def session(self) -> S3Session:
        return self.auth._require()

    async def list_items(self, path: str = "/", recursive: bool = True) -> list[dict[str, Any]]:
        """Buckets for ``/`` or ``s3://``; otherwise the objects (and folders) under a path."""
        if path in ("", "/", "s3://"):
            return [b.to_dict() for b in await self.session.list_buckets()]
        loc = parse_item_id(path.lstrip("/") if not path.startswith("s3://") else path)
        items: list[dict[str, Any]] = []
        async for page in self.session.iter_pages(loc.bucket, loc.key, recursive=recursive):
            items.extend(
                {"type": "folder", "bucket_name": p.bucket_name, "prefix": p.prefix}
                for p in page.prefixes
            )
            items.extend({"type": "object", **o.to_dict()} for o in page.objects)
        return items

    async def get_item_metadata(self, item_id: str) -> dict[str, Any] | None:
        """Bucket details for ``bucket``; object details for ``bucket:key``; None if missing."""
        loc = parse_item_id(item_id)
        try:
            if not loc.key:
                return (await self.session.bucket_details(loc.bucket)).to_dict()
            return (await self.session.object_details(loc.bucket, loc.key)).to_dict()
        except S3BrowserError as err:
            if err.code in {"NoSuchKey", "NoSuchBucket", "404", "NotFound"}:
                return None
            raise

    async def get_item_content(self, item_id: str) -> bytes | None:
        loc = parse_item_id(item_id)
        if not loc.key:
            raise InvalidInputError(
                f"{item_id!r} names a bucket, not an object: use bucket:key or s3://bucket/key."
            )
        try:
            return await self.session.read(loc.bucket, loc.key)
        except S3BrowserError as err:
            if err.code in {"NoSuchKey", "404", "NotFound"}:
                return None
            raise

    async def search_items(
        self, query: str, filters: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Search keys; ``filters`` may hold bucket_name, mode, prefix, suffix, min_size,
        max_size, modified_after, modified_before, storage_class, limit, case_sensitive."""
        f = dict(filters or {})
        bucket = f.get("bucket_name")
        if bucket:
            validate_bucket_name(bucket)
        q = SearchQuery(
            pattern=query,
            mode=f.get("mode", "substring"),
            bucket=bucket,
            case_sensitive=bool(f.get("case_sensitive", False)),
            filters=SearchFilters.from_dict(f),
            limit=f.get("limit"),
        )
        return [o.to_dict() async for o in self.session.search(q, on_error=self._skipped)]

    def _skipped(self, bucket: str, err: S3BrowserError) -> None:
        self.logger.warning("search skipped bucket %s: %s", bucket, err.message)

    async def get_item_permissions(self, item_id: str) -> list[dict[str, Any]]:
        """Who may do what: the ACL grants, the bucket policy statements and the public
        access block, each where the credentials may read it (else an "unavailable" entry)."""
        loc = parse_item_id(item_id)
        session = self.session
        client = await session.pool.client_for_bucket(loc.bucket)
        out: list[dict[str, Any]] = []
        try:
            if loc.key:
                acl = await client.get_object_acl(Bucket=loc.bucket, Key=loc.key)
            else:
                acl = await client.get_bucket_acl(Bucket=loc.bucket)
            for grant in acl.get("Grants", []):
                g = grant.get("Grantee", {})
                out.append(
                    {
                        "source": "acl",
                        "grantee": g.get("DisplayName") or g.get("ID") or g.get("URI") or "?",
                        "grantee_type": g.get("Type"),
                        "permission": grant.get("Permission"),
                    }
                )
        except Exception as exc:
            out.append({"source": "acl", "unavailable": _reason(exc)})
        details = await session.bucket_details(loc.bucket)
        policy = details.sections.get("policy")
        if isinstance(policy, Unavailable):
            out.append({"source": "policy", "unavailable": policy.reason})
        elif isinstance(policy, dict):
            for stmt in policy.get("Statement", []) or []:
                out.append(
                    {
                        "source": "policy",
                        "sid": stmt.get("Sid"),
                        "effect": stmt.get("Effect"),
                        "principal": stmt.get("Principal"),
                        "action": stmt.get("Action"),
                        "resource": stmt.get("Resource"),
                        "condition": stmt.get("Condition"),
                    }
                )
        pab = details.sections.get("public_access_block")
        if isinstance(pab, Unavailable):
            out.append({"source": "public_access_block", "unavailable": pab.reason})
        else:
            out.append({"source": "public_access_block", **(pab or {})})
        return out

    async def list_bucket_objects(
        self, bucket_name: str, prefix: str = "", max_keys: int = 1000
    ) -> list[dict[str, Any]]:
        objects = await self.session.list_objects(bucket_name, prefix, max_keys)
        return [o.to_dict() for o in objects]


def _reason(exc: BaseException) -> str:
    return map_error(exc).message


class S3ConnectorService:
    """The seed's main interface: connect, list, read, search."""

    def __init__(self, logger: logging.Logger | None = None) -> None:
        self.logger = logger or logging.getLogger("s3browser")
        self.auth_service = S3AuthenticationService(self.logger)
        self.data_service = S3DataService(self.auth_service, self.logger)
        self.config = S3_CONFIG

    @property
    def session(self) -> S3Session:
        return self.auth_service._require()

    @property
    def last_error(self) -> S3BrowserError | None:
        return self.auth_service.last_error

    @property
    def is_connected(self) -> bool:
        return self.auth_service.session is not None

    async def connect(self, credentials: dict[str, Any] | None = None) -> bool:
        return await self.auth_service.authenticate(credentials)

    async def disconnect(self) -> bool:
        return await self.auth_service.disconnect()

    async def test_connection(self) -> bool:
        return await self.auth_service.validate_token()

    async def list_buckets(self) -> list[dict[str, Any]]:
        buckets = await self.session.list_buckets()
        return [b.to_dict() for b in buckets]

    async def list_bucket_objects(
        self, bucket_name: str, prefix: str = "", max_keys: int = 1000
    ) -> list[dict[str, Any]]:
        return await self.data_service.list_bucket_objects(bucket_name, prefix, max_keys)

    async def get_bucket_metadata(self, bucket_name: str) -> dict[str, Any]:
        validate_bucket_name(bucket_name)
        return (await self.session.bucket_details(bucket_name)).to_dict()

    async def get_object_content(self, bucket_name: str, object_key: str) -> bytes | None:
        """The object's bytes, None if it does not exist; refuses objects over the
        in-memory limit of ``S3_CONFIG['content']['max_in_memory_bytes']``."""
        validate_bucket_name(bucket_name)
        try:
            return await self.session.read(bucket_name, object_key)
        except S3BrowserError as err:
            if err.code in {"NoSuchKey", "404", "NotFound"}:
                return None
            raise

    async def search_objects(
        self, query: str, bucket_name: str | None = None
    ) -> list[dict[str, Any]]:
        """Keys containing ``query`` (case-insensitive), in one bucket or in all of them."""
        return await self.data_service.search_items(
            query, {"bucket_name": bucket_name} if bucket_name else None
        )

    def get_service_info(self) -> dict[str, Any]:
        session = self.auth_service.session
        return {
            "service": "s3",
            "api_version": S3_CONFIG["api_version"],
            "connected": session is not None,
            "aws_account_id": session.identity.account_id if session else None,
            "identity_arn": session.identity.arn if session else None,
            "aws_region": session.region if session else None,
            "endpoint_url": (session.settings.endpoint_url if session else None) or "AWS",
            "credential_source": session.settings.source if session else None,
            "supported_operations": list(SUPPORTED_OPERATIONS),
        }


class S3ConnectorFactory:
    """Creates connectors (the seed's entry point)."""

    @staticmethod
    def create_connector(logger: logging.Logger | None = None) -> S3ConnectorService:
        return S3ConnectorService(logger)

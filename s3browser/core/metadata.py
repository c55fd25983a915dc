"""Object details (HeadObject + tagging) and bucket details (one section per API).

Bucket sections are fetched concurrently and each one fails on its own: a section
the endpoint does not implement, or the credentials may not read, becomes an
:class:`Unavailable` with the reason instead of an exception for the caller.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from s3browser.core.clients import ClientPool, S3Client
from s3browser.core.errors import S3BrowserError, map_error
from s3browser.core.listing import iso_utc, strip_etag
from s3browser.core.models import BUCKET_SECTIONS, BucketDetails, ObjectDetails, Unavailable
from s3browser.core.s3url import validate_bucket_name

_CHECKSUM_FIELDS = ("CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256")

# Error codes that mean "this bucket simply has no such configuration".
_NOT_CONFIGURED = {
    "NoSuchBucketPolicy": "no bucket policy is set",
    "NoSuchTagSet": "no tags are set",
    "NoSuchLifecycleConfiguration": "no lifecycle rules are set",
    "NoSuchPublicAccessBlockConfiguration": "no public access block is set",
    "ObjectLockConfigurationNotFoundError": "object lock is not enabled",
    "NoSuchCORSConfiguration": "no CORS rules are set",
    "ServerSideEncryptionConfigurationNotFoundError": "no default encryption is set",
}


def _archive_status(head: dict[str, Any]) -> tuple[str | None, str | None]:
    restore = head.get("Restore")
    if restore:
        restore_status = (
            "restore in progress"
            if 'ongoing-request="true"' in restore
            else f"restored ({restore})"
        )
    else:
        restore_status = None
    return restore_status, head.get("ArchiveStatus")


async def get_object_details(pool: ClientPool, bucket: str, key: str) -> ObjectDetails:
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)
    what = f"s3://{bucket}/{key}"
    results: tuple[Any, Any] = await asyncio.gather(
        client.head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED"),
        client.get_object_tagging(Bucket=bucket, Key=key),
        return_exceptions=True,
    )
    head_result, tag_result = results
    if isinstance(head_result, BaseException):
        cause = _more_specific(head_result, tag_result)
        raise map_error(cause, what) from head_result
    head: dict[str, Any] = head_result
    tags: dict[str, str] | Unavailable
    if isinstance(tag_result, BaseException):
        tags = _unavailable(tag_result)
    else:
        tags = {t["Key"]: t["Value"] for t in tag_result.get("TagSet", [])}
    restore_status, archive_status = _archive_status(head)
    checksums = {
        name: head[f"Checksum{name}"] for name in _CHECKSUM_FIELDS if head.get(f"Checksum{name}")
    }
    return ObjectDetails(
        bucket_name=bucket,
        key=key,
        size=int(head.get("ContentLength", 0)),
        last_modified=iso_utc(head.get("LastModified")),
        etag=strip_etag(head.get("ETag")),
        content_type=head.get("ContentType") or "",
        storage_class=head.get("StorageClass") or "STANDARD",
        version_id=head.get("VersionId"),
        server_side_encryption=head.get("ServerSideEncryption"),
        sse_kms_key_id=head.get("SSEKMSKeyId"),
        sse_customer_algorithm=head.get("SSECustomerAlgorithm"),
        cache_control=head.get("CacheControl"),
        content_encoding=head.get("ContentEncoding"),
        content_disposition=head.get("ContentDisposition"),
        content_language=head.get("ContentLanguage"),
        expires=iso_utc(head.get("Expires")) if head.get("Expires") else None,
        user_metadata=dict(head.get("Metadata") or {}),
        checksums=checksums,
        checksum_type=head.get("ChecksumType"),
        parts_count=head.get("PartsCount"),
        restore_status=restore_status,
        archive_status=archive_status,
        object_lock_mode=head.get("ObjectLockMode"),
        object_lock_retain_until=iso_utc(head.get("ObjectLockRetainUntilDate"))
        if head.get("ObjectLockRetainUntilDate")
        else None,
        legal_hold=head.get("ObjectLockLegalHoldStatus"),
        replication_status=head.get("ReplicationStatus"),
        tags=tags,
    )


def _error_code(exc: BaseException) -> str:
    response = getattr(exc, "response", None) or {}
    return str((response.get("Error") or {}).get("Code", ""))


def _more_specific(head_error: BaseException, tag_result: Any) -> BaseException:
    """The error to report when HeadObject failed.

    HEAD answers have no body, so S3 can only say "403" or "400" there: expired
    credentials, clock skew and a wrong secret all look like "access denied". The
    tagging request sent alongside carries the real error code; prefer it then.
    """
    if not isinstance(tag_result, BaseException):
        return head_error
    head_code, tag_code = _error_code(head_error), _error_code(tag_result)
    generic = {"", "400", "403", "Forbidden", "BadRequest", "AccessDenied"}
    if head_code in generic and tag_code and tag_code not in generic | {"404", "NoSuchKey"}:
        return tag_result
    return head_error


def _unavailable(exc: BaseException) -> Unavailable:
    # botocore's connection errors have a ``response`` attribute that is None.
    response = getattr(exc, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    if code in _NOT_CONFIGURED:
        return Unavailable(_NOT_CONFIGURED[code])
    err = map_error(exc)
    if err.code in {"NotImplemented", "501", "MethodNotAllowed", "405", "XNotImplemented"}:
        return Unavailable("this endpoint does not support it")
    if err.code in {"AccessDenied", "403", "Forbidden"}:
        return Unavailable("access denied to these credentials")
    return Unavailable(err.message.rstrip("."))


async def _section_region(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    return await pool.bucket_region(bucket)


async def _section_versioning(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_versioning(Bucket=bucket)
    return {
        "status": r.get("Status") or "Never enabled",
        "mfa_delete": r.get("MFADelete") or "Disabled",
    }


async def _section_encryption(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_encryption(Bucket=bucket)
    return r.get("ServerSideEncryptionConfiguration", {}).get("Rules", [])


async def _section_policy(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_policy(Bucket=bucket)
    try:
        return json.loads(r.get("Policy") or "{}")
    except json.JSONDecodeError:
        return r.get("Policy")


async def _section_tags(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_tagging(Bucket=bucket)
    return {t["Key"]: t["Value"] for t in r.get("TagSet", [])}


async def _section_lifecycle(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_lifecycle_configuration(Bucket=bucket)
    return r.get("Rules", [])


async def _section_public_access_block(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_public_access_block(Bucket=bucket)
    return r.get("PublicAccessBlockConfiguration", {})


async def _section_object_lock(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_object_lock_configuration(Bucket=bucket)
    return r.get("ObjectLockConfiguration", {})


async def _section_cors(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_cors(Bucket=bucket)
    return r.get("CORSRules", [])


async def _section_acl(pool: ClientPool, client: S3Client, bucket: str) -> Any:
    r = await client.get_bucket_acl(Bucket=bucket)
    owner = r.get("Owner", {})
    grants = []
    for grant in r.get("Grants", []):
        grantee = grant.get("Grantee", {})
        who = (
            grantee.get("DisplayName")
            or grantee.get("ID")
            or grantee.get("URI")
            or grantee.get("EmailAddress")
            or "?"
        )
        grants.append(
            {"grantee": who, "type": grantee.get("Type"), "permission": grant.get("Permission")}
        )
    return {"owner": owner.get("DisplayName") or owner.get("ID"), "grants": grants}


SectionFetcher = Callable[[ClientPool, S3Client, str], Awaitable[Any]]

SECTION_FETCHERS: dict[str, SectionFetcher] = {
    "region": _section_region,
    "versioning": _section_versioning,
    "encryption": _section_encryption,
    "policy": _section_policy,
    "tags": _section_tags,
    "lifecycle": _section_lifecycle,
    "public_access_block": _section_public_access_block,
    "object_lock": _section_object_lock,
    "cors": _section_cors,
    "acl": _section_acl,
}
assert tuple(SECTION_FETCHERS) == BUCKET_SECTIONS


async def get_bucket_details(
    pool: ClientPool, bucket: str, sections: tuple[str, ...] = BUCKET_SECTIONS
) -> BucketDetails:
    """All sections of a bucket's configuration; never raises for a single section."""
    validate_bucket_name(bucket)
    client = await pool.client_for_bucket(bucket)

    async def one(name: str) -> Any:
        try:
            return await SECTION_FETCHERS[name](pool, client, bucket)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            return _unavailable(exc)

    values = await asyncio.gather(*(one(name) for name in sections))
    return BucketDetails(name=bucket, sections=dict(zip(sections, values, strict=True)))


async def check_bucket_exists(pool: ClientPool, bucket: str) -> None:
    """Raise the family's error when the bucket is missing or unreadable."""
    client = await pool.client_for_bucket(bucket)
    try:
        await client.head_bucket(Bucket=bucket)
    except Exception as exc:
        raise map_error(exc, f"bucket {bucket}") from exc


__all__ = [
    "SECTION_FETCHERS",
    "S3BrowserError",
    "check_bucket_exists",
    "get_bucket_details",
    "get_object_details",
]

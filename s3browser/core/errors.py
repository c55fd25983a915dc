"""One exception family for everything that can go wrong talking to S3.

Errors from botocore and aiohttp are mapped once, here, by :func:`map_error`, into a
few kinds a user can act on. Each carries a one-sentence ``message`` that says what
happened and what to do next; the raw cause stays on ``__cause__`` for the log.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Any


class S3BrowserError(Exception):
    """Base of the family; ``str(err)`` is the sentence to show the user."""

    default_message = "The S3 request failed: try again, and see the log for details."

    def __init__(self, message: str | None = None, *, code: str | None = None) -> None:
        self.message = message or self.default_message
        self.code = code
        super().__init__(self.message)


class AuthenticationError(S3BrowserError):
    default_message = (
        "The endpoint rejected the credentials: check the access key and secret key "
        "in the connection settings."
    )


class CredentialsExpiredError(AuthenticationError):
    default_message = "The credentials have expired — reconnect to get new ones."


class ClockSkewError(AuthenticationError):
    default_message = (
        "This computer's clock differs too much from the server's: correct the system "
        "time and try again."
    )


class AccessDeniedError(S3BrowserError):
    default_message = (
        "Access denied: these credentials may not do this; ask the bucket owner for permission."
    )


class NotFoundError(S3BrowserError):
    default_message = "Not found: the bucket or object no longer exists; refresh the listing."


class ThrottledError(S3BrowserError):
    default_message = "The server is throttling requests (slow down): wait a moment and try again."


class ServerError(S3BrowserError):
    default_message = "The server reported an internal error: try again in a moment."


class NetworkError(S3BrowserError):
    default_message = (
        "The endpoint could not be reached: check the network connection and the endpoint URL."
    )


class EndpointConfigError(S3BrowserError):
    default_message = (
        "The endpoint did not answer like an S3 server: check the endpoint URL and region."
    )


class InvalidInputError(S3BrowserError, ValueError):
    default_message = "The input is not valid: check it and try again."


class ObjectTooLargeError(InvalidInputError):
    default_message = "The object is too large to read into memory: download it instead."


class ObjectChangedError(S3BrowserError):
    default_message = (
        "The object changed on the server during the transfer: start the download again."
    )


class ChecksumMismatchError(S3BrowserError):
    default_message = "The downloaded data does not match the object's checksum: download it again."


class ObjectArchivedError(S3BrowserError):
    default_message = (
        "The object is archived (Glacier or Deep Archive): restore it first, then read it."
    )


class LocalFileError(S3BrowserError):
    """A local file could not be written, read or renamed (disk full, permissions...)."""

    default_message = (
        "A local file could not be written: check free disk space and the folder's permissions."
    )


class NotConnectedError(S3BrowserError):
    default_message = "Not connected: call connect() first."


_AUTH_CODES = {
    "InvalidAccessKeyId",
    "SignatureDoesNotMatch",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidToken",
    "InvalidSecurity",
    "MissingSecurityHeader",
    "AuthFailure",
    "InvalidSignatureException",
}
_EXPIRED_CODES = {"ExpiredToken", "ExpiredTokenException", "TokenRefreshRequired", "RequestExpired"}
_SKEW_CODES = {"RequestTimeTooSkewed"}
_DENIED_CODES = {"AccessDenied", "AllAccessDisabled", "AccountProblem", "403", "Forbidden"}
_NOT_FOUND_CODES = {
    "NoSuchBucket",
    "NoSuchKey",
    "NoSuchVersion",
    "NoSuchUpload",
    "NotFound",
    "404",
}
_THROTTLE_CODES = {
    "SlowDown",
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequests",
    "TooManyRequestsException",
    "RequestThrottled",
    "503",
    "ServiceUnavailable",
}
_SERVER_CODES = {"InternalError", "InternalFailure", "500", "502", "504"}
_INPUT_CODES = {
    "InvalidBucketName",
    "InvalidArgument",
    "InvalidRange",
    "KeyTooLongError",
    "InvalidObjectName",
    "400",
}
_CHANGED_CODES = {"PreconditionFailed", "412"}
_REDIRECT_CODES = {"PermanentRedirect", "301", "TemporaryRedirect", "AuthorizationHeaderMalformed"}


def _client_error(code: str, status: int | None, what: str, server_text: str) -> S3BrowserError:
    suffix = f" ({what})" if what else ""
    if code in _EXPIRED_CODES:
        return CredentialsExpiredError(code=code)
    if code in _SKEW_CODES:
        return ClockSkewError(code=code)
    if code in _AUTH_CODES:
        return AuthenticationError(code=code)
    if code in _NOT_FOUND_CODES:
        if code == "NoSuchBucket":
            msg = f"The bucket does not exist{suffix}: check its name or refresh the bucket list."
        elif code in {"NoSuchKey", "NoSuchVersion"}:
            msg = (
                f"The object does not exist{suffix}: it may have been deleted; refresh the listing."
            )
        else:
            msg = f"Not found{suffix}: it may have been deleted; refresh the listing."
        return NotFoundError(msg, code=code)
    if code in _DENIED_CODES:
        return AccessDeniedError(
            f"Access denied{suffix}: these credentials may not do this; "
            "ask the bucket owner for permission.",
            code=code,
        )
    if code in _THROTTLE_CODES:
        return ThrottledError(code=code)
    if code in _SERVER_CODES:
        return ServerError(code=code)
    if code in _CHANGED_CODES:
        return ObjectChangedError(code=code)
    if code == "InvalidObjectState":
        return ObjectArchivedError(
            f"The object is archived{suffix}: restore it from Glacier or Deep Archive first, "
            "then read or download it.",
            code=code,
        )
    if code in _REDIRECT_CODES:
        return EndpointConfigError(
            f"The bucket is in another region or behind another endpoint{suffix}: "
            "check the region and endpoint settings.",
            code=code,
        )
    if code in _INPUT_CODES:
        detail = f": {server_text}" if server_text else ""
        return InvalidInputError(
            f"The server refused the request as invalid{suffix}{detail}; check the input.",
            code=code,
        )
    if code in {"NotImplemented", "501", "MethodNotAllowed", "405", "XNotImplemented"}:
        return EndpointConfigError(
            f"This endpoint does not support the operation{suffix}.", code=code
        )
    if status is not None and status >= 500:
        return ServerError(code=code)
    return S3BrowserError(
        f"The S3 request failed with {code or status}{suffix}: try again, "
        "and see the log for details.",
        code=code,
    )


_BROKE = "The connection broke while receiving data: try again."


def _is_connect_failure(cause: object) -> bool:
    """True when no connection was made at all (refused, no route, unknown host).

    aiobotocore reports those and a connection reset by an already reached server
    with the same EndpointConnectionError; only its ``error`` tells them apart.
    """
    import socket

    import aiohttp

    if isinstance(cause, aiohttp.ClientConnectorError | socket.gaierror):
        return True
    if isinstance(cause, ConnectionRefusedError):
        return True
    return not isinstance(cause, aiohttp.ClientConnectionError | ConnectionError)


def map_error(exc: BaseException, what: str = "") -> S3BrowserError:
    """Turn any exception raised by an S3 call into a member of the family.

    ``what`` names the thing being worked on ("bucket logs", "s3://b/k") so the
    sentence can say it. Already-mapped errors pass through unchanged.
    """
    if isinstance(exc, S3BrowserError):
        return exc
    # Imported here so that importing the family stays cheap for the GUI.
    import aiohttp
    import botocore.exceptions as bx
    from botocore.parsers import ResponseParserError

    if isinstance(exc, bx.ClientError):
        err: dict[str, Any] = exc.response.get("Error", {}) or {}
        meta: dict[str, Any] = exc.response.get("ResponseMetadata", {}) or {}
        code = str(err.get("Code") or meta.get("HTTPStatusCode") or "")
        status = meta.get("HTTPStatusCode")
        return _client_error(code, status, what, str(err.get("Message") or ""))
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError):
        return AuthenticationError(
            "No credentials were found: add access keys or a profile in the connection "
            "settings, or connect anonymously for a public bucket."
        )
    if isinstance(exc, bx.ProfileNotFound):
        return InvalidInputError(
            f"The AWS profile {exc.kwargs.get('profile')!r} does not exist: "
            "pick one from ~/.aws/config."
        )
    if isinstance(exc, bx.NoRegionError):
        return EndpointConfigError("No region is set: choose a region in the connection settings.")
    if isinstance(exc, bx.SSOTokenLoadError | bx.UnauthorizedSSOTokenError):
        return CredentialsExpiredError(
            "The SSO session has expired — run `aws sso login` for this profile and reconnect."
        )
    if isinstance(exc, bx.ParamValidationError):
        return InvalidInputError(f"The request is not valid: {exc}")
    if isinstance(exc, (bx.SSLError, ssl.SSLError)):
        return EndpointConfigError(
            "The TLS certificate of the endpoint could not be verified: set a CA bundle "
            "or turn verification off for this connection if you trust it."
        )
    if isinstance(exc, bx.ConnectTimeoutError | bx.ReadTimeoutError | asyncio.TimeoutError):
        return NetworkError(
            "The endpoint did not answer in time: check the network and the endpoint URL, "
            "then try again."
        )
    if isinstance(exc, bx.ConnectionClosedError):
        # The server was reached and then dropped the connection (reset, cut body).
        return NetworkError(_BROKE)
    if isinstance(exc, bx.EndpointConnectionError):
        cause = exc.kwargs.get("error")
        if cause is not None and not _is_connect_failure(cause):
            return NetworkError(_BROKE)
        return NetworkError()
    if isinstance(exc, ResponseParserError):
        return EndpointConfigError()
    if isinstance(exc, bx.ResponseStreamingError | bx.IncompleteReadError):
        return NetworkError(_BROKE)
    if isinstance(exc, aiohttp.ClientSSLError):
        return EndpointConfigError(
            "The TLS certificate of the endpoint could not be verified: set a CA bundle "
            "or turn verification off for this connection if you trust it."
        )
    if isinstance(exc, aiohttp.ClientPayloadError | aiohttp.ServerDisconnectedError):
        return NetworkError(_BROKE)
    if isinstance(exc, aiohttp.ClientError | ConnectionError | OSError):
        return NetworkError()
    if isinstance(exc, ValueError) and "endpoint" in str(exc).lower():
        return InvalidInputError(
            "The endpoint URL is not valid: use a full URL such as https://s3.example.com."
        )
    return S3BrowserError(f"Unexpected error ({type(exc).__name__}): see the log for details.")

"""Every error the S3 stack raises maps to one family member with a useful sentence."""

from __future__ import annotations

import ssl

import aiohttp
import botocore.exceptions as bx
import pytest
from botocore.parsers import ResponseParserError

from s3browser.core import errors as e
from s3browser.core.errors import map_error


def client_error(code: str, status: int = 400, message: str = "") -> bx.ClientError:
    return bx.ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status, "HTTPHeaders": {}},
        },
        "GetObject",
    )


@pytest.mark.parametrize(
    ("code", "status", "family", "words"),
    [
        ("InvalidAccessKeyId", 403, e.AuthenticationError, "rejected the credentials"),
        ("SignatureDoesNotMatch", 403, e.AuthenticationError, "secret key"),
        ("InvalidClientTokenId", 403, e.AuthenticationError, "credentials"),
        ("ExpiredToken", 400, e.CredentialsExpiredError, "expired — reconnect"),
        ("ExpiredTokenException", 400, e.CredentialsExpiredError, "reconnect"),
        ("RequestTimeTooSkewed", 403, e.ClockSkewError, "clock"),
        ("AccessDenied", 403, e.AccessDeniedError, "Access denied"),
        ("403", 403, e.AccessDeniedError, "Access denied"),
        ("AllAccessDisabled", 403, e.AccessDeniedError, "permission"),
        ("NoSuchBucket", 404, e.NotFoundError, "bucket does not exist"),
        ("NoSuchKey", 404, e.NotFoundError, "object does not exist"),
        ("404", 404, e.NotFoundError, "Not found"),
        ("SlowDown", 503, e.ThrottledError, "throttling"),
        ("Throttling", 400, e.ThrottledError, "wait a moment"),
        ("RequestLimitExceeded", 400, e.ThrottledError, "try again"),
        ("503", 503, e.ThrottledError, "throttling"),
        ("InternalError", 500, e.ServerError, "internal error"),
        ("PreconditionFailed", 412, e.ObjectChangedError, "changed on the server"),
        ("PermanentRedirect", 301, e.EndpointConfigError, "another region"),
        ("InvalidRange", 416, e.InvalidInputError, "invalid"),
        ("NotImplemented", 501, e.EndpointConfigError, "does not support"),
        ("SomethingNew", 502, e.ServerError, "internal error"),
        ("SomethingElse", 409, e.S3BrowserError, "SomethingElse"),
    ],
)
def test_client_error_codes(code: str, status: int, family: type, words: str) -> None:
    err = map_error(client_error(code, status), "s3://b/k")
    assert type(err) is family
    assert words in err.message
    assert err.code == code
    assert err.message.endswith(".")
    assert "\n" not in err.message


@pytest.mark.parametrize(
    ("exc", "family", "words"),
    [
        (bx.NoCredentialsError(), e.AuthenticationError, "No credentials"),
        (
            bx.PartialCredentialsError(provider="env", cred_var="x"),
            e.AuthenticationError,
            "No credentials",
        ),
        (bx.ProfileNotFound(profile="ghost"), e.InvalidInputError, "'ghost' does not exist"),
        (bx.NoRegionError(), e.EndpointConfigError, "region"),
        (
            bx.EndpointConnectionError(endpoint_url="http://x"),
            e.NetworkError,
            "could not be reached",
        ),
        (bx.ConnectTimeoutError(endpoint_url="http://x"), e.NetworkError, "in time"),
        (bx.ReadTimeoutError(endpoint_url="http://x"), e.NetworkError, "in time"),
        (TimeoutError(), e.NetworkError, "in time"),
        (bx.SSLError(endpoint_url="https://x", error="bad cert"), e.EndpointConfigError, "TLS"),
        (ssl.SSLCertVerificationError("bad"), e.EndpointConfigError, "CA bundle"),
        (ResponseParserError("not xml"), e.EndpointConfigError, "S3 server"),
        (bx.ParamValidationError(report="bad param"), e.InvalidInputError, "not valid"),
        (aiohttp.ServerDisconnectedError(), e.NetworkError, "broke"),
        (aiohttp.ClientPayloadError("truncated"), e.NetworkError, "broke"),
        (ConnectionResetError(), e.NetworkError, "could not be reached"),
        (ValueError("Invalid endpoint: xyz"), e.InvalidInputError, "endpoint URL"),
        (RuntimeError("boom"), e.S3BrowserError, "Unexpected error"),
    ],
)
def test_library_exceptions(exc: BaseException, family: type, words: str) -> None:
    err = map_error(exc)
    assert type(err) is family
    assert words in err.message


def test_already_mapped_passes_through() -> None:
    original = e.ThrottledError()
    assert map_error(original) is original


def test_expired_credentials_sentence_is_the_one_the_ui_shows() -> None:
    assert str(e.CredentialsExpiredError()) == (
        "The credentials have expired — reconnect to get new ones."
    )


async def test_real_http_errors(credentials: dict, s3_admin: object) -> None:
    """The mapping also holds for what botocore really raises over HTTP."""
    from s3browser.core.session import S3Session

    async with S3Session(credentials) as session:
        with pytest.raises(e.NotFoundError, match="bucket does not exist"):
            await session.list_objects("no-such-bucket")
        s3_admin.create_bucket(Bucket="here")  # type: ignore[attr-defined]
        with pytest.raises(e.NotFoundError, match=r"object does not exist|Not found"):
            await session.object_details("here", "missing.txt")
        with pytest.raises(e.NotFoundError):
            await session.read_head("here", "missing.txt", 10)


async def test_endpoint_speaking_something_else() -> None:
    """An HTTP server that is not S3 (here: HTML on every path) gives the config sentence."""
    from aiohttp import web

    from s3browser.core.session import S3Session

    async def html(request: web.Request) -> web.Response:
        return web.Response(
            text="<html><body>Welcome to nginx</body></html>", content_type="text/html"
        )

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", html)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    try:
        async with S3Session({"endpoint_url": f"http://127.0.0.1:{port}"}) as session:
            with pytest.raises(e.EndpointConfigError, match="did not answer like an S3 server"):
                await session.list_buckets()
            with pytest.raises(e.EndpointConfigError, match="did not answer like an S3 server"):
                await session.list_objects("bucket")
    finally:
        await runner.cleanup()

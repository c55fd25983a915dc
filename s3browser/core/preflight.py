"""A quick look at the endpoint before the first request: can we connect at all?

botocore retries connection errors with backoff, which is right for a flaky network
but means a typo in the endpoint, a closed port or a self-signed certificate is only
reported after 10-20 seconds of retries. Opening one TCP connection (and the TLS
handshake for https) first answers those cases in milliseconds with the right
sentence. Nothing is sent over the connection: S3 requests themselves still go only
through aiobotocore.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import urllib.request
from urllib.parse import urlsplit

from s3browser.core.auth import DEFAULT_REGION, ConnectionSettings
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import EndpointConfigError, NetworkError

TLS_SENTENCE = (
    "The TLS certificate of the endpoint could not be verified: set a CA bundle "
    "or turn verification off for this connection if you trust it."
)


def endpoint_of(settings: ConnectionSettings, region: str | None = None) -> str:
    if settings.endpoint_url:
        return settings.endpoint_url
    return f"https://s3.{region or settings.region_name or DEFAULT_REGION}.amazonaws.com"


def _uses_proxy(url: str) -> bool:
    """A proxy in the environment means direct connections may be refused: skip the check."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if parts.scheme not in proxies:
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


def _tls_context(verify: bool | str) -> ssl.SSLContext:
    if verify is False:
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    # The same trust store botocore uses by default (certifi's bundle).
    from botocore.httpsession import get_cert_path

    return ssl.create_default_context(cafile=get_cert_path(True))


async def check_endpoint(settings: ConnectionSettings, region: str | None = None) -> None:
    """Raise NetworkError or EndpointConfigError when the endpoint cannot be reached.

    Only for explicit endpoints (S3-compatible servers), where a typo, a closed port
    or a private CA is the usual first-connection problem. AWS itself is left to
    botocore: its endpoints are chosen by region, and opening a session for AWS stays
    free of network traffic.
    """
    if not settings.endpoint_url:
        return
    url = endpoint_of(settings, region)
    if _uses_proxy(url):
        return
    parts = urlsplit(url)
    secure = parts.scheme == "https"
    host = parts.hostname or ""
    port = parts.port or (443 if secure else 80)
    timeout = S3_CONFIG["timeouts"]["connect_seconds"]
    ctx = _tls_context(settings.verify) if secure else None
    try:
        _, writer = await asyncio.wait_for(
            asyncio.open_connection(host, port, ssl=ctx, server_hostname=host if ctx else None),
            timeout,
        )
    except ssl.SSLCertVerificationError as exc:
        raise EndpointConfigError(TLS_SENTENCE) from exc
    except ssl.SSLError as exc:
        raise EndpointConfigError(
            f"The TLS handshake with {host}:{port} failed: check that the endpoint URL "
            "uses the right scheme (http or https) and port."
        ) from exc
    except TimeoutError as exc:
        raise NetworkError(
            f"{host}:{port} did not accept a connection in time: check the network "
            "and the endpoint URL, then try again."
        ) from exc
    except OSError as exc:
        raise NetworkError(
            f"{host}:{port} could not be reached ({exc.strerror or exc}): check the "
            "network connection and the endpoint URL."
        ) from exc
    writer.close()
    with contextlib.suppress(OSError, ssl.SSLError):
        await writer.wait_closed()

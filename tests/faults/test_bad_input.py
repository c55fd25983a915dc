"""Issue 6: bad input everywhere gives the right error class and one sentence.

Core (S3Session) and CLI (``python -m s3browser`` as a user runs it): invalid bucket
names, malformed s3:// URLs, a closed port, an endpoint speaking HTML, a self-signed
TLS certificate, an endpoint that never answers, wrong credentials, clock skew.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from s3browser.core import errors as e
from s3browser.core.config import S3_CONFIG
from s3browser.core.session import S3Session
from s3browser.demo import catalog as cat
from s3browser.demo import demo_credentials
from tests.faults.proxy import FaultProxy
from tests.faults.servers import (
    closed_port,
    html_server,
    self_signed_cert,
    server_context,
    silent_server,
)

# Invalid even under the legacy us-east-1 rules the core still accepts (uppercase,
# underscores, up to 255 characters), so these never reach the network.
BAD_BUCKETS = [
    "ab",
    "a" * 256,
    "two..dots",
    "-dash-first",
    "dash-last-",
    "has space",
    "192.168.1.1",
    "",
    "bucket/key",
]


def assert_one_sentence(text: str) -> None:
    assert text and "\n" not in text.strip() and "Traceback" not in text, text
    assert text.strip().endswith("."), text


@pytest.fixture
def few_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore retries connection and TLS failures too; two attempts keep tests short."""
    monkeypatch.setitem(S3_CONFIG["retry"], "max_attempts", 2)


def anyone(url: str) -> dict[str, Any]:
    return {
        "aws_access_key_id": "AKIAANYONE0000000000",
        "aws_secret_access_key": "anything",
        "region_name": "us-east-1",
        "endpoint_url": url,
    }


# -- core ---------------------------------------------------------------------------
@pytest.mark.parametrize("bucket", BAD_BUCKETS)
async def test_invalid_bucket_names_are_refused_before_any_request(
    demo_url: str, bucket: str
) -> None:
    with FaultProxy(demo_url) as proxy:
        async with S3Session(demo_credentials(proxy.url)) as session:
            calls = [
                lambda: session.object_details(bucket, "k"),
                lambda: session.bucket_details(bucket),
                lambda: session.read(bucket, "k"),
                lambda: session.presigned_url(bucket, "k"),
            ]
            for call in calls:
                with pytest.raises(e.InvalidInputError) as caught:
                    await call()
                assert_one_sentence(str(caught.value))
            with pytest.raises(e.InvalidInputError):
                async for _ in session.iter_pages(bucket):
                    pass
        assert proxy.requests == 0


async def test_refused_connection(few_retries: None) -> None:
    # The session's first look at the endpoint reports it, before any retried request.
    with pytest.raises(e.NetworkError) as caught:
        async with S3Session(anyone(f"http://127.0.0.1:{closed_port()}")) as session:
            await session.list_buckets()
    assert "could not be reached" in str(caught.value)
    assert_one_sentence(str(caught.value))


async def test_self_signed_certificate(tmp_path: Path, demo_url: str, few_retries: None) -> None:
    cert, key = self_signed_cert(tmp_path)
    context = server_context(cert, key)
    with html_server(context) as url:
        with pytest.raises(e.EndpointConfigError) as caught:
            async with S3Session(anyone(url)) as session:
                await session.list_buckets()
        assert "TLS certificate" in str(caught.value)
        assert_one_sentence(str(caught.value))
        # Verification off: TLS passes, and the web page behind it is refused as not S3.
        async with S3Session(anyone(url) | {"verify": False}) as session:
            with pytest.raises(e.EndpointConfigError, match="did not answer like an S3 server"):
                await session.list_buckets()
    # The certificate as the CA bundle: a TLS endpoint in front of the demo works.
    with FaultProxy(demo_url, ssl_context=context) as proxy:
        async with S3Session(demo_credentials(proxy.url) | {"verify": str(cert)}) as session:
            names = {b.name for b in await session.list_buckets()}
    assert cat.ANALYTICS_BUCKET in names


async def test_endpoint_that_never_answers_times_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """Bounded by connect/read timeouts × attempts; lowered here to keep the test short."""
    monkeypatch.setitem(S3_CONFIG["timeouts"], "read_seconds", 1)
    monkeypatch.setitem(S3_CONFIG["timeouts"], "connect_seconds", 1)
    monkeypatch.setitem(S3_CONFIG["retry"], "max_attempts", 2)
    with silent_server() as url:
        async with S3Session(anyone(url)) as session:
            for call in (session.list_buckets, lambda: session.object_details("bucket", "k")):
                with pytest.raises(e.NetworkError) as caught:
                    await asyncio.wait_for(call(), timeout=60)
                assert "did not answer in time" in str(caught.value)
                assert_one_sentence(str(caught.value))


async def test_wrong_credentials(demo_url: str) -> None:
    cases = [
        demo_credentials(demo_url) | {"aws_secret_access_key": "not-the-secret"},
        demo_credentials(demo_url) | {"aws_access_key_id": "AKIANOSUCHKEY0000000"},
    ]
    for creds in cases:
        async with S3Session(creds) as session:
            with pytest.raises(e.AuthenticationError) as caught:
                await session.list_buckets()
            assert "rejected the credentials" in str(caught.value)
            with pytest.raises(e.AuthenticationError):
                async for _ in session.iter_pages(cat.ANALYTICS_BUCKET):
                    pass
            # HEAD answers have no body: the details must not say "access denied" here.
            with pytest.raises(e.AuthenticationError):
                await session.object_details(cat.ANALYTICS_BUCKET, "README.txt")


async def test_clock_skew(demo_url: str) -> None:
    with FaultProxy(demo_url, rate=1.0, kinds=["skew"]) as proxy:
        async with S3Session(demo_credentials(proxy.url)) as session:
            with pytest.raises(e.ClockSkewError) as caught:
                await session.list_buckets()
            with pytest.raises(e.ClockSkewError):
                await session.object_details(cat.ANALYTICS_BUCKET, "README.txt")
    assert "clock" in str(caught.value)
    assert_one_sentence(str(caught.value))


# -- CLI ----------------------------------------------------------------------------
def cli(*args: str, creds: dict[str, Any] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if creds:
        env["AWS_ACCESS_KEY_ID"] = creds["aws_access_key_id"]
        env["AWS_SECRET_ACCESS_KEY"] = creds["aws_secret_access_key"]
        args = (*args, "--endpoint-url", creds["endpoint_url"])
    return subprocess.run(
        [sys.executable, "-m", "s3browser", *args],
        capture_output=True,
        text=True,
        timeout=180,
        env=env,
        stdin=subprocess.DEVNULL,
    )


def assert_cli_sentence(out: subprocess.CompletedProcess[str], code: int, words: str) -> None:
    assert out.returncode == code, (out.returncode, out.stderr)
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith("s3browser: ") and words in lines[0], lines[0]
    assert_one_sentence(lines[0])


@pytest.mark.parametrize(
    "args",
    [
        ("ls", "s3://-bad-/"),
        ("ls", "s3:/bucket/key"),
        ("stat", "http://bucket/key"),
        ("cat", "s3://"),
        ("find", "s3://a/", "x"),
    ],
)
def test_cli_malformed_input(demo_url: str, args: tuple[str, ...]) -> None:
    out = cli(*args, creds=demo_credentials(demo_url))
    assert_cli_sentence(out, 2, "")


def test_gui_refuses_a_malformed_location() -> None:
    out = cli("s3:/not-a-url")
    assert_cli_sentence(out, 2, "")


def test_cli_unreachable_and_not_s3(tmp_path: Path) -> None:
    out = cli("ls", creds=anyone(f"http://127.0.0.1:{closed_port()}"))
    assert_cli_sentence(out, 1, "could not be reached")
    with html_server() as url:
        out = cli("ls", "s3://some-bucket/", creds=anyone(url))
    assert_cli_sentence(out, 1, "did not answer like an S3 server")
    cert, key = self_signed_cert(tmp_path)
    with html_server(server_context(cert, key)) as url:
        out = cli("ls", creds=anyone(url))
    assert_cli_sentence(out, 1, "TLS certificate")


def test_cli_tls_with_ca_bundle(tmp_path: Path, demo_url: str) -> None:
    cert, key = self_signed_cert(tmp_path)
    with FaultProxy(demo_url, ssl_context=server_context(cert, key)) as proxy:
        out = cli("ls", "--ca-bundle", str(cert), creds=demo_credentials(proxy.url))
    assert out.returncode == 0, out.stderr
    assert cat.ANALYTICS_BUCKET in out.stdout


def test_cli_credentials_and_clock(demo_url: str) -> None:
    wrong = demo_credentials(demo_url) | {"aws_secret_access_key": "not-the-secret"}
    assert_cli_sentence(cli("ls", creds=wrong), 1, "rejected the credentials")
    denied = cli("ls", f"s3://{cat.RESTRICTED_BUCKET}/", creds=demo_credentials(demo_url))
    assert_cli_sentence(denied, 1, "Access denied")
    with FaultProxy(demo_url, rate=1.0, kinds=["skew"]) as proxy:
        out = cli("ls", creds=demo_credentials(proxy.url))
    assert_cli_sentence(out, 1, "clock")


def test_cli_silent_endpoint_times_out(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In-process, so the timeouts can be lowered (the CLI has no option for them)."""
    from s3browser.cli.main import main

    monkeypatch.setitem(S3_CONFIG["timeouts"], "read_seconds", 1)
    monkeypatch.setitem(S3_CONFIG["timeouts"], "connect_seconds", 1)
    monkeypatch.setitem(S3_CONFIG["retry"], "max_attempts", 2)
    with silent_server() as url:
        monkeypatch.setenv("AWS_ENDPOINT_URL", url)
        code = main(["ls", "s3://some-bucket/"])
    err = capsys.readouterr().err.strip()
    assert code == 1, err
    assert err.startswith("s3browser: ") and "in time" in err
    assert_one_sentence(err)

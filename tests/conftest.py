"""Shared fixtures: a real moto S3 server over HTTP, reset between tests.

moto's decorators patch botocore in-process and never reach aiohttp, so every test
talks to a moto server in a child process over real HTTP instead.
"""

from __future__ import annotations

import os
import tempfile
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

# Keep the developer's own AWS config, credentials and app settings out of the tests.
_ISOLATED = Path(tempfile.mkdtemp(prefix="s3browser-tests-"))
os.environ["AWS_CONFIG_FILE"] = str(_ISOLATED / "aws-config")
os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(_ISOLATED / "aws-credentials")
os.environ["XDG_CONFIG_HOME"] = str(_ISOLATED / "config")
os.environ["XDG_CACHE_HOME"] = str(_ISOLATED / "cache")
os.environ["XDG_DATA_HOME"] = str(_ISOLATED / "data")
os.environ["XDG_STATE_HOME"] = str(_ISOLATED / "state")
for _var in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
    os.environ.pop(_var, None)
os.environ["AWS_ACCESS_KEY_ID"] = "testing-key-id"
os.environ["AWS_SECRET_ACCESS_KEY"] = "testing-secret-key"
os.environ["AWS_DEFAULT_REGION"] = "us-east-1"

TEST_REGION = "us-east-1"


@pytest.fixture(scope="session")
def moto_server() -> Iterator[str]:
    """The endpoint URL of a moto server running for the whole session."""
    from s3browser.demo.server import LocalS3Server

    server = LocalS3Server()
    server.start()
    yield server.endpoint_url
    server.stop()


def reset_moto(endpoint: str) -> None:
    req = urllib.request.Request(f"{endpoint}/moto-api/reset", method="POST")
    with urllib.request.urlopen(req, timeout=10):
        pass


@pytest.fixture
def s3_endpoint(moto_server: str) -> str:
    """The moto endpoint, emptied before the test."""
    reset_moto(moto_server)
    return moto_server


@pytest.fixture
def credentials(s3_endpoint: str) -> dict[str, Any]:
    """The seed's credentials dict for the moto server."""
    return {
        "aws_access_key_id": "testing-key-id",
        "aws_secret_access_key": "testing-secret-key",
        "region_name": TEST_REGION,
        "endpoint_url": s3_endpoint,
    }


@pytest.fixture
def s3_admin(s3_endpoint: str) -> Any:
    """A plain boto3 client for arranging test data (not the code under test)."""
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name=TEST_REGION,
        aws_access_key_id="testing-key-id",
        aws_secret_access_key="testing-secret-key",
    )

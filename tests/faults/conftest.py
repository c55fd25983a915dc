"""One seeded demo server for the fault tests, and fault proxies in front of it.

The demo server enforces IAM (signature checks included), so every test through
the proxy also proves the proxy forwards signed requests untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from s3browser.demo import LocalS3Server, demo_credentials

LARGE_KEYS = 3000


@pytest.fixture(scope="package")
def demo_url() -> Iterator[str]:
    server = LocalS3Server(seed=True, large_keys=LARGE_KEYS)
    server.start()
    yield server.endpoint_url
    server.stop()


@pytest.fixture
def direct_creds(demo_url: str) -> dict[str, Any]:
    return demo_credentials(demo_url)

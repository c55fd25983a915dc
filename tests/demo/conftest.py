"""A seeded demo server shared by the demo tests (seeding takes a few seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from s3browser.demo import LocalS3Server, demo_credentials

SMALL_LARGE_KEYS = 3000


@pytest.fixture(scope="module")
def demo_server() -> Iterator[str]:
    server = LocalS3Server(seed=True, large_keys=SMALL_LARGE_KEYS)
    server.start()
    yield server.endpoint_url
    server.stop()


@pytest.fixture
def demo_creds(demo_server: str) -> dict[str, Any]:
    return demo_credentials(demo_server)

"""The embedded local S3 server (moto) used by `--demo`, `make run`, the example and the tests.

Names are loaded on first use: ``python -m s3browser.demo.server`` imports this
package first, and importing the server module here would make Python warn that
the module it is about to run was already imported.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from s3browser.demo.catalog import DEMO_BUCKETS, DEMO_DESCRIPTION, demo_credentials
    from s3browser.demo.server import LocalS3Server

__all__ = ["DEMO_BUCKETS", "DEMO_DESCRIPTION", "LocalS3Server", "demo_credentials"]

_WHERE = {
    "DEMO_BUCKETS": "catalog",
    "DEMO_DESCRIPTION": "catalog",
    "demo_credentials": "catalog",
    "LocalS3Server": "server",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"s3browser.demo.{_WHERE[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

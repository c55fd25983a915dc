"""s3browser: a desktop S3 browser and the async service layer it runs on.

The seed's connector API is importable from here without Qt::

    from s3browser import S3ConnectorFactory, S3_CONFIG, S3Object, S3Bucket

Names are resolved lazily so that ``import s3browser`` stays cheap: the GUI shows
its window before aioboto3 is imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from s3browser._version import __version__

_EXPORTS = {
    "S3ConnectorFactory": "s3browser.core.connector",
    "S3ConnectorService": "s3browser.core.connector",
    "S3AuthenticationService": "s3browser.core.connector",
    "S3DataService": "s3browser.core.connector",
    "S3_CONFIG": "s3browser.core.config",
    "S3Object": "s3browser.core.models",
    "S3Bucket": "s3browser.core.models",
    "S3Prefix": "s3browser.core.models",
    "ObjectDetails": "s3browser.core.models",
    "BucketDetails": "s3browser.core.models",
    "S3Session": "s3browser.core.session",
    "ConnectionSettings": "s3browser.core.auth",
    "S3BrowserError": "s3browser.core.errors",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:
    from s3browser.core.auth import ConnectionSettings
    from s3browser.core.config import S3_CONFIG
    from s3browser.core.connector import (
        S3AuthenticationService,
        S3ConnectorFactory,
        S3ConnectorService,
        S3DataService,
    )
    from s3browser.core.errors import S3BrowserError
    from s3browser.core.models import BucketDetails, ObjectDetails, S3Bucket, S3Object, S3Prefix
    from s3browser.core.session import S3Session


def __getattr__(name: str) -> Any:
    module_name = _EXPORTS.get(name)
    if module_name is None:
        raise AttributeError(f"module 's3browser' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value

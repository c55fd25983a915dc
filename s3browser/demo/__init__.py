"""The embedded local S3 server (moto) used by `--demo`, `make run`, the example and the tests."""

from s3browser.demo.catalog import DEMO_BUCKETS, DEMO_DESCRIPTION, demo_credentials
from s3browser.demo.server import LocalS3Server

__all__ = ["DEMO_BUCKETS", "DEMO_DESCRIPTION", "LocalS3Server", "demo_credentials"]

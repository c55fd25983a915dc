"""What the demo server holds: bucket names, regions, the demo user and a description.

Kept free of boto and moto imports so the GUI, the CLI and the README can name the
demo buckets and connect to the demo without paying for the seeding code.
"""

from __future__ import annotations

from typing import Any, Final

from s3browser.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

# The demo IAM user's name; the server enforces its policy after seeding.
DEMO_USER_NAME: Final = "demo-analyst"
DEMO_REGION: Final = "us-east-1"

# bucket name -> region (its LocationConstraint).
ANALYTICS_BUCKET: Final = "demo-analytics"
REPORTS_BUCKET: Final = "demo-eu-reports"
ARCHIVE_BUCKET: Final = "demo-ap-archive"
VERSIONED_BUCKET: Final = "demo-versioned"
RESTRICTED_BUCKET: Final = "demo-restricted"
LARGE_BUCKET: Final = "demo-large-logs"
EMPTY_BUCKET: Final = "demo-empty"

DEMO_BUCKETS: Final[dict[str, str]] = {
    ANALYTICS_BUCKET: "us-east-1",
    REPORTS_BUCKET: "eu-west-1",
    ARCHIVE_BUCKET: "ap-southeast-2",
    VERSIONED_BUCKET: "us-west-2",
    RESTRICTED_BUCKET: "eu-central-1",
    LARGE_BUCKET: "us-east-2",
    EMPTY_BUCKET: "sa-east-1",
}

# The large bucket's layout: most keys in date partitions, the rest in one flat folder.
LARGE_PARTITION_PREFIX: Final = "logs/"
LARGE_FLAT_PREFIX: Final = "flat/"

DEMO_DESCRIPTION: Final = f"""\
The demo is a local S3 server (moto) on 127.0.0.1 with sample data for a fictional shop,
seen as the IAM user "{DEMO_USER_NAME}":
- {ANALYTICS_BUCKET} (us-east-1): sales CSVs, customers JSON/NDJSON, web logs, PNG charts,
  zip/gzip/tar/parquet-like files, one object per storage class, tags and user metadata,
  a multipart upload, checksummed objects, awkward key names, and bucket settings
  (tags, policy, CORS, lifecycle, encryption, public access block).
- {REPORTS_BUCKET} (eu-west-1): quarterly reports and images.
- {ARCHIVE_BUCKET} (ap-southeast-2): Glacier and Deep Archive objects, one being restored.
- {VERSIONED_BUCKET} (us-west-2): versioning on, several versions and a delete marker.
- {RESTRICTED_BUCKET} (eu-central-1): the demo user may not read it (access denied).
- {LARGE_BUCKET} (us-east-2): 200,000 log keys in year=/month=/day= folders and one flat folder.
- {EMPTY_BUCKET} (sa-east-1): an empty bucket.
"""


def demo_credentials(endpoint_url: str) -> dict[str, Any]:
    """The seed credentials dict that connects to a seeded demo server as the demo user."""
    return {
        "aws_access_key_id": DEMO_ACCESS_KEY,
        "aws_secret_access_key": DEMO_SECRET_KEY,
        "region_name": DEMO_REGION,
        "endpoint_url": endpoint_url,
    }

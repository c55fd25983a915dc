"""Seeds the demo server with realistic sample data (run inside the server process).

Small objects go through real HTTP PUTs with boto3, so they carry exactly what S3
would store (content types, tags, metadata, checksums, multipart ETags). The large
bucket's keys are inserted into moto's in-process backend directly: one HTTP PUT
each would take minutes. At the end the demo IAM user is created and moto starts
enforcing IAM, so the restricted bucket answers AccessDenied to the demo credentials.

See :data:`s3browser.demo.catalog.DEMO_DESCRIPTION` for what each bucket holds.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from s3browser.core.config import S3_CONFIG
from s3browser.demo import catalog as cat
from s3browser.demo import sample_files as f
from s3browser.demo.server import DEMO_ACCESS_KEY, DEMO_SECRET_KEY

log = logging.getLogger(__name__)

# Filled in by seed_demo_data: storage classes moto refused, and timings.
SEED_REPORT: dict[str, Any] = {}

MULTIPART_KEY = "uploads/sensor-readings-multipart.csv"
MULTIPART_PART = 5 * 1024 * 1024  # moto, like S3, refuses smaller non-final parts


def _client(endpoint_url: str, region: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id="seed",
        aws_secret_access_key="seed",
        # Only the objects meant to show checksums get them.
        config=Config(
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
            s3={"addressing_style": "path"},
        ),
    )


def _create_bucket(s3: Any, name: str, region: str) -> None:
    kwargs: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        kwargs["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**kwargs)


def _put(s3: Any, bucket: str, key: str, body: bytes, content_type: str, **extra: Any) -> None:
    s3.put_object(Bucket=bucket, Key=key, Body=body, ContentType=content_type, **extra)


def _backdate(bucket: str, key: str, when: datetime) -> None:
    """Give an object (every version of it) a realistic last-modified time."""
    from s3browser.demo.moto_patches import s3_backend

    versions = s3_backend().get_bucket(bucket).keys.getlist(key, [])
    for i, version in enumerate(versions):
        version.last_modified = when + timedelta(days=i * 3, hours=i)


# -- buckets ------------------------------------------------------------------------
def _seed_analytics(s3: Any) -> None:
    b = cat.ANALYTICS_BUCKET
    s3.put_bucket_encryption(
        Bucket=b,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]
        },
    )
    s3.put_bucket_tagging(
        Bucket=b,
        Tagging={
            "TagSet": [
                {"Key": "team", "Value": "analytics"},
                {"Key": "cost-center", "Value": "CC-4711"},
                {"Key": "environment", "Value": "demo"},
            ]
        },
    )
    policy = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ReportsReadableByBI",
                "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::123456789012:role/bi-dashboard"},
                "Action": ["s3:GetObject"],
                "Resource": f"arn:aws:s3:::{b}/sales/*",
            }
        ],
    }
    s3.put_bucket_policy(Bucket=b, Policy=json.dumps(policy))
    s3.put_bucket_cors(
        Bucket=b,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedMethods": ["GET", "HEAD"],
                    "AllowedOrigins": ["https://dashboard.example.com"],
                    "AllowedHeaders": ["*"],
                    "MaxAgeSeconds": 3000,
                }
            ]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=b,
        LifecycleConfiguration={
            "Rules": [
                {
                    "ID": "logs-to-glacier",
                    "Filter": {"Prefix": "web/logs/"},
                    "Status": "Enabled",
                    "Transitions": [{"Days": 90, "StorageClass": "GLACIER"}],
                    "Expiration": {"Days": 730},
                },
                {
                    "ID": "abort-stale-uploads",
                    "Filter": {"Prefix": ""},
                    "Status": "Enabled",
                    "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
                },
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=b,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )

    _put(
        s3,
        b,
        "README.txt",
        b"Sample data for the s3browser demo. All data is fictional.\n",
        "text/plain; charset=utf-8",
    )
    sales_tags = "department=sales&classification=internal"
    for month in range(1, 13):
        _put(
            s3,
            b,
            f"sales/2024/sales-2024-{month:02d}.csv",
            f.sales_csv(2024, month),
            "text/csv",
            Tagging=sales_tags,
            Metadata={"source-system": "pos-export", "owner": "ana.silva"},
        )
    _put(
        s3,
        b,
        "sales/2024/summary.json",
        f.sales_summary(2024),
        "application/json",
        Metadata={"generated-by": "nightly-job", "schema-version": "3"},
        CacheControl="max-age=3600",
    )
    _put(
        s3,
        b,
        "sales/sales-2024-q1.csv.gz",
        f.gzip_bytes(b"".join(f.sales_csv(2024, m) for m in (1, 2, 3))),
        "text/csv",
        ContentEncoding="gzip",
        ContentDisposition='attachment; filename="sales-q1.csv"',
    )
    _put(
        s3,
        b,
        "customers/customers.json",
        f.customers_json(),
        "application/json",
        Tagging="pii=true&retention=5y",
        Metadata={"contains-pii": "yes"},
    )
    _put(s3, b, "customers/customers.ndjson", f.customers_ndjson(), "application/x-ndjson")
    for day in (date(2024, 3, 1), date(2024, 3, 2)):
        _put(s3, b, f"web/logs/access-{day.isoformat()}.log", f.access_log(day), "text/plain")
        _put(
            s3,
            b,
            f"web/events/{day.year}/{day.month:02d}/events-{day.isoformat()}.ndjson",
            f.events_ndjson(day),
            "application/x-ndjson",
        )
    revenue = [float(m["revenue"]) for m in json.loads(f.sales_summary(2024))["months"]]
    _put(
        s3,
        b,
        "images/charts/monthly-revenue-2024.png",
        f.bar_chart_png(revenue),
        "image/png",
        Metadata={"alt": "Monthly revenue 2024 as bars"},
    )
    _put(s3, b, "images/backgrounds/gradient.png", f.gradient_png(), "image/png")
    _put(s3, b, "images/icons/checker-64.png", f.checker_png(), "image/png")
    _put(s3, b, "images/icons/logo.svg", f.logo_svg(), "image/svg+xml")
    _put(
        s3,
        b,
        "exports/report-q1.zip",
        f.zip_archive({f"sales-2024-{m:02d}.csv": f.sales_csv(2024, m) for m in (1, 2, 3)}),
        "application/zip",
    )
    _put(
        s3,
        b,
        "exports/backup-2024-04-01.tar.gz",
        f.tar_gz({"customers.json": f.customers_json(), "README.txt": b"backup\n"}),
        "application/gzip",
    )
    _put(
        s3,
        b,
        "exports/metrics.parquet",
        f.parquet_like(),
        "application/vnd.apache.parquet",
        Metadata={"note": "parquet-like bytes, not a readable parquet file"},
    )
    _put(s3, b, "exports/random-64k.bin", f.random_bytes(64 * 1024), "application/octet-stream")
    for algorithm, key, body, ctype in (
        ("CRC32", "checksums/crc32-orders.csv", f.sales_csv(2023, 12, 50), "text/csv"),
        ("SHA1", "checksums/sha1-notes.txt", b"Checksummed with SHA-1.\n", "text/plain"),
        ("SHA256", "checksums/sha256-customers.json", f.customers_json(), "application/json"),
    ):
        _put(s3, b, key, body, ctype, ChecksumAlgorithm=algorithm)
    _seed_storage_classes(s3, b)
    _seed_odd_keys(s3, b)
    _seed_multipart(s3, b)


def _seed_storage_classes(s3: Any, bucket: str) -> None:
    from botocore.exceptions import ClientError

    accepted, refused = [], []
    for storage_class in S3_CONFIG["storage_classes"]:
        try:
            _put(
                s3,
                bucket,
                f"storage-classes/{storage_class}.txt",
                f"An object stored as {storage_class}.\n".encode(),
                "text/plain",
                StorageClass=storage_class,
            )
            accepted.append(storage_class)
        except ClientError as exc:
            refused.append(f"{storage_class} ({exc.response['Error'].get('Code')})")
    SEED_REPORT["storage_classes_accepted"] = accepted
    SEED_REPORT["storage_classes_refused"] = refused


ODD_KEYS = (
    "odd keys/space in name.txt",
    "odd keys/plus+sign+report.csv",
    "odd keys/percent%20not-a-space.txt",
    "odd keys/colon:12:30:00.log",
    "odd keys/ünïcödé – Привет – 日本語.txt",
    "odd keys/emoji 📊 chart.txt",
    "odd keys/ampersand & question?.txt",
    "odd keys/hash#tag =equals.txt",
    "odd keys/tilde~(parens)[brackets].txt",
    "odd keys/nested folder with spaces/deeper/leaf.txt",
)


def _seed_odd_keys(s3: Any, bucket: str) -> None:
    for key in ODD_KEYS:
        _put(
            s3,
            bucket,
            key,
            f"The key of this object is {key!r}.\n".encode(),
            "text/plain; charset=utf-8",
        )
    # What the AWS console leaves when someone creates an empty folder.
    _put(s3, bucket, "odd keys/empty folder/", b"", "application/x-directory")


def _seed_multipart(s3: Any, bucket: str) -> None:
    body = f.large_text(2 * MULTIPART_PART + 100_000)
    upload = s3.create_multipart_upload(
        Bucket=bucket,
        Key=MULTIPART_KEY,
        ContentType="text/csv",
        Metadata={"uploaded-by": "multipart-demo"},
    )
    parts = []
    for number, start in enumerate(range(0, len(body), MULTIPART_PART), start=1):
        answer = s3.upload_part(
            Bucket=bucket,
            Key=MULTIPART_KEY,
            UploadId=upload["UploadId"],
            PartNumber=number,
            Body=body[start : start + MULTIPART_PART],
        )
        parts.append({"PartNumber": number, "ETag": answer["ETag"]})
    s3.complete_multipart_upload(
        Bucket=bucket,
        Key=MULTIPART_KEY,
        UploadId=upload["UploadId"],
        MultipartUpload={"Parts": parts},
    )


def _seed_reports(s3: Any) -> None:
    b = cat.REPORTS_BUCKET
    for year, quarter in ((2023, "Q4"), (2024, "Q1"), (2024, "Q2")):
        base = f"reports/{year}/{quarter}/"
        _put(
            s3,
            b,
            base + "report.md",
            f.report_markdown(f"Shop report {year}", quarter),
            "text/markdown; charset=utf-8",
            Tagging="audience=board",
        )
        kpis = {"quarter": f"{year}-{quarter}", "orders": 2400, "returns_pct": 1.7}
        _put(s3, b, base + "kpis.json", json.dumps(kpis, indent=2).encode(), "application/json")
    _put(s3, b, "images/team-photo-placeholder.png", f.gradient_png(200, 120), "image/png")
    _put(
        s3,
        b,
        "presentations/2024-kickoff.txt",
        b"Slides outline\n1. Results\n2. Plans\n",
        "text/plain",
        ContentLanguage="en-GB",
    )


def _seed_archive(s3: Any) -> None:
    b = cat.ARCHIVE_BUCKET
    for year in (2019, 2020, 2021):
        _put(
            s3,
            b,
            f"archive/{year}/sales-{year}.csv.gz",
            f.gzip_bytes(f.sales_csv(year, 6, 400)),
            "text/csv",
            StorageClass="GLACIER",
            ContentEncoding="gzip",
        )
        _put(
            s3,
            b,
            f"archive/{year}/audit-{year}.zip",
            f.zip_archive({"audit.txt": f"Audit {year}\n".encode()}),
            "application/zip",
            StorageClass="DEEP_ARCHIVE",
        )
    _put(
        s3,
        b,
        "archive/2022/restored-sales-2022.csv",
        f.sales_csv(2022, 6),
        "text/csv",
        StorageClass="GLACIER",
    )
    s3.restore_object(
        Bucket=b, Key="archive/2022/restored-sales-2022.csv", RestoreRequest={"Days": 7}
    )
    _put(
        s3,
        b,
        "index.json",
        json.dumps({"years": [2019, 2020, 2021, 2022]}).encode(),
        "application/json",
    )


def _seed_versioned(s3: Any) -> None:
    b = cat.VERSIONED_BUCKET
    s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
    for i, threshold in enumerate((10, 25, 40, 55), start=1):
        doc = {"version": i, "alert_threshold": threshold, "owner": "data-team"}
        _put(
            s3,
            b,
            "config/settings.json",
            json.dumps(doc, indent=2).encode(),
            "application/json",
            Metadata={"revision": str(i)},
        )
    for i in range(3):
        _put(s3, b, "data/prices.csv", f.sales_csv(2024, 1 + i, 20 + 10 * i), "text/csv")
    _put(s3, b, "data/deleted-report.txt", b"This report was deleted later.\n", "text/plain")
    s3.delete_object(Bucket=b, Key="data/deleted-report.txt")
    _put(
        s3,
        b,
        "README.md",
        b"# Versioned bucket\nOpen the versions of config/settings.json.\n",
        "text/markdown",
    )
    start = datetime(2024, 1, 5, 9, 30)
    for key in ("config/settings.json", "data/prices.csv", "README.md"):
        _backdate(b, key, start)


def _seed_restricted(s3: Any) -> None:
    b = cat.RESTRICTED_BUCKET
    _put(s3, b, "payroll/2024/payroll-2024-01.csv", b"employee,amount\nE-1,4200\n", "text/csv")
    _put(s3, b, "secrets/README.txt", b"Only finance may read this bucket.\n", "text/plain")


def large_items(count: int) -> Iterator[tuple[str, bytes, datetime | None, str | None]]:
    """The large bucket's keys: 3/4 in year=/month=/day= partitions, 1/4 in one flat folder."""
    flat = count // 4
    partitioned = count - flat
    days = [date(2024, 1, 1) + timedelta(days=i) for i in range(366)]
    n = 0
    for index, day in enumerate(days):
        # Spread the parts evenly so every day folder exists even for small counts.
        for part in range(index * partitioned // len(days), (index + 1) * partitioned // len(days)):
            key = (
                f"{cat.LARGE_PARTITION_PREFIX}year={day.year}/month={day.month:02d}/"
                f"day={day.day:02d}/part-{part:05d}.json"
            )
            when = datetime(day.year, day.month, day.day, 1, part % 60)
            storage = "STANDARD_IA" if day.month <= 3 else None
            yield key, f.large_log_part(n, day), when, storage
            n += 1
    for n in range(flat):
        day = days[n % len(days)]
        key = f"{cat.LARGE_FLAT_PREFIX}event-{n:07d}.json"
        yield key, f.large_log_part(n, day), datetime(2024, 12, 31, 23, n % 60), None


def _seed_large(s3: Any, large_keys: int) -> None:
    from s3browser.demo.moto_patches import bulk_put

    b = cat.LARGE_BUCKET
    _put(
        s3,
        b,
        "README.txt",
        f"{large_keys:,} log parts, inserted directly into the demo server.\n".encode(),
        "text/plain",
    )
    started = time.perf_counter()
    inserted = bulk_put(b, large_items(large_keys), content_type="application/x-ndjson")
    SEED_REPORT["large_keys"] = inserted
    SEED_REPORT["large_seconds"] = round(time.perf_counter() - started, 2)


def seed_demo_data(endpoint_url: str, large_keys: int = 200_000, *, restrict: bool = True) -> None:
    """Fill the (empty) moto server at ``endpoint_url`` with the demo data.

    Must run in the server's own process: the large bucket and the demo user are
    written into moto's in-process backends. With ``restrict`` (the default) moto
    then enforces IAM, so only :func:`s3browser.demo.demo_credentials` work.
    """
    from s3browser.demo import moto_patches

    started = time.perf_counter()
    moto_patches.install_fast_listing()
    by_region: dict[str, Any] = {}
    clients: dict[str, Any] = {}
    for name, region in cat.DEMO_BUCKETS.items():
        if region not in by_region:
            by_region[region] = _client(endpoint_url, region)
        clients[name] = by_region[region]
        _create_bucket(clients[name], name, region)
    _seed_analytics(clients[cat.ANALYTICS_BUCKET])
    _seed_reports(clients[cat.REPORTS_BUCKET])
    _seed_archive(clients[cat.ARCHIVE_BUCKET])
    _seed_versioned(clients[cat.VERSIONED_BUCKET])
    _seed_restricted(clients[cat.RESTRICTED_BUCKET])
    _seed_large(clients[cat.LARGE_BUCKET], large_keys)
    if restrict:
        moto_patches.create_demo_user(
            cat.DEMO_USER_NAME, DEMO_ACCESS_KEY, DEMO_SECRET_KEY, cat.RESTRICTED_BUCKET
        )
        moto_patches.enforce_iam_auth()
    SEED_REPORT["total_seconds"] = round(time.perf_counter() - started, 2)
    log.info("demo data seeded: %s", SEED_REPORT)

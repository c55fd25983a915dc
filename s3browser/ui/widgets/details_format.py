"""What the details pane says about an object, a bucket or a folder, as plain rows.

The pane renders these rows as rich text; keeping the wording and grouping here,
free of widgets, lets tests check every field without reading HTML, and keeps the
rendering (colours from the current palette) separate from the content.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from s3browser.core.models import BucketDetails, ObjectDetails, Unavailable

# Storage classes whose data must be restored before a GET can read it.
ARCHIVE_CLASSES = frozenset({"GLACIER", "DEEP_ARCHIVE"})

_SECTION_TITLES = {
    "region": "Region",
    "versioning": "Versioning",
    "encryption": "Default encryption",
    "policy": "Bucket policy",
    "tags": "Tags",
    "lifecycle": "Lifecycle rules",
    "public_access_block": "Public access block",
    "object_lock": "Object lock",
    "cors": "CORS rules",
    "acl": "Access control list",
}


@dataclass(slots=True)
class Row:
    """One label/value line; ``dim`` marks a value that is absent or unavailable."""

    label: str
    value: str
    dim: bool = False
    block: bool = False  # a multi-line (pretty-printed) value shown in monospace


@dataclass(slots=True)
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)
    note: str = ""  # shown greyed under the title (e.g. why the section is unavailable)
    unavailable: bool = False


def human_size(size: int) -> str:
    """Binary units as file managers show them: 1 KiB = 1024 bytes."""
    if size < 1024:
        return f"{size} byte" if size == 1 else f"{size} bytes"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024 or unit == "PiB":
            return f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def size_text(size: int) -> str:
    """Human units and the exact count, e.g. ``1.2 MiB (1,234,567 bytes)``."""
    if size < 1024:
        return human_size(size)
    return f"{human_size(size)} ({size:,} bytes)"


def local_time(iso_utc: str | None) -> str:
    """An ISO 8601 UTC timestamp in the user's local time zone, with the zone's name."""
    if not iso_utc:
        return ""
    try:
        moment = datetime.fromisoformat(iso_utc.replace("Z", "+00:00"))
    except ValueError:
        return iso_utc
    local = moment.astimezone()
    text = local.strftime("%Y-%m-%d %H:%M:%S %Z")
    if local.utcoffset():
        text += f" ({iso_utc})"  # the UTC original too, when it differs
    return text


def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=False, ensure_ascii=False, default=str)


def _opt(label: str, value: str | int | None, *, none: str = "none") -> Row:
    if value is None or value == "":
        return Row(label, none, dim=True)
    return Row(label, str(value))


def _mapping_rows(values: dict[str, str] | Unavailable, empty: str) -> tuple[list[Row], str]:
    if isinstance(values, Unavailable):
        return [], f"Not available: {values.reason}."
    if not values:
        return [Row("", empty, dim=True)], ""
    return [Row(k, v) for k, v in sorted(values.items())], ""


def object_sections(d: ObjectDetails) -> list[Section]:
    """Every field of :class:`ObjectDetails`, grouped the way an analyst looks for them."""
    multipart = d.parts_count or ("-" in d.etag and d.etag.rsplit("-", 1)[-1].isdigit())
    etag_note = " (multipart upload: not an MD5 of the content)" if multipart else ""
    general = Section(
        "Object",
        [
            Row("Key", d.key),
            Row("Bucket", d.bucket_name),
            Row("S3 URI", f"s3://{d.bucket_name}/{d.key}"),
            Row("Size", size_text(d.size)),
            Row("Last modified", local_time(d.last_modified)),
            _opt("Content type", d.content_type, none="not set"),
            Row("ETag", d.etag + etag_note),
            Row("Storage class", d.storage_class),
            _opt("Version ID", d.version_id, none="none (bucket not versioned)"),
        ],
    )
    headers = Section(
        "HTTP headers",
        [
            _opt("Cache-Control", d.cache_control, none="not set"),
            _opt("Content-Encoding", d.content_encoding, none="not set"),
            _opt("Content-Disposition", d.content_disposition, none="not set"),
            _opt("Content-Language", d.content_language, none="not set"),
            _opt("Expires", local_time(d.expires) if d.expires else None, none="not set"),
        ],
    )
    encryption = Section(
        "Encryption",
        [
            _opt("Server-side encryption", d.server_side_encryption),
            _opt("KMS key", d.sse_kms_key_id),
            _opt("Customer key (SSE-C)", d.sse_customer_algorithm),
        ],
    )
    integrity_rows = [Row(f"Checksum {name}", value) for name, value in sorted(d.checksums.items())]
    if not integrity_rows:
        integrity_rows.append(Row("Checksums", "none stored with the object", dim=True))
    integrity_rows += [
        _opt("Checksum type", d.checksum_type),
        _opt("Parts", d.parts_count, none="single part" if not multipart else "unknown"),
    ]
    integrity = Section("Integrity", integrity_rows)
    archived = d.storage_class in ARCHIVE_CLASSES or d.archive_status is not None
    archive = Section(
        "Archive and restore",
        [
            _opt(
                "Archive status",
                d.archive_status,
                none="not archived" if not archived else "none reported",
            ),
            _opt(
                "Restore",
                d.restore_status,
                none="must be restored before it can be read" if archived else "not requested",
            ),
        ],
    )
    retention = Section(
        "Retention and replication",
        [
            _opt("Object lock mode", d.object_lock_mode),
            _opt(
                "Retain until",
                local_time(d.object_lock_retain_until) if d.object_lock_retain_until else None,
            ),
            _opt("Legal hold", d.legal_hold, none="off"),
            _opt("Replication status", d.replication_status, none="not replicated"),
        ],
    )
    meta_rows, _ = _mapping_rows(d.user_metadata, "no user metadata")
    metadata = Section("User metadata (x-amz-meta-*)", meta_rows)
    tag_rows, tag_note = _mapping_rows(d.tags, "no tags")
    tags = Section("Tags", tag_rows, note=tag_note, unavailable=bool(tag_note))
    return [general, metadata, tags, headers, encryption, integrity, archive, retention]


_LABELS = {"mfa_delete": "MFA delete", "status": "Status"}


def _label(key: str, verbatim: bool) -> str:
    if verbatim:
        return key
    text = _LABELS.get(key) or key.replace("_", " ")
    return text[:1].upper() + text[1:]


def _section_value_rows(value: Any, *, verbatim_keys: bool = False) -> list[Row]:
    """A bucket section's value: a few scalars as rows, anything nested as pretty JSON.

    ``verbatim_keys`` keeps user-chosen keys (tags) exactly as stored.
    """
    if (
        isinstance(value, dict)
        and value
        and all(isinstance(v, str | int | float | bool) or v is None for v in value.values())
    ):
        return [_opt(_label(str(k), verbatim_keys), _scalar(v)) for k, v in value.items()]
    if value in ({}, [], None, ""):
        return [Row("", "none", dim=True)]
    if isinstance(value, str | int | float | bool):
        return [Row("", _scalar(value))]
    return [Row("", pretty_json(value), block=True)]


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value)


def bucket_sections(d: BucketDetails) -> list[Section]:
    """One section per entry of ``BucketDetails.sections``; unavailable ones carry the reason."""
    out = [Section("Bucket", [Row("Name", d.name), Row("S3 URI", f"s3://{d.name}/")])]
    reasons = {v.reason for v in d.sections.values() if isinstance(v, Unavailable)}
    if (
        len(d.sections) > 2
        and len(reasons) == 1
        and all(isinstance(v, Unavailable) for v in d.sections.values())
    ):
        # One reason for everything (typically "access denied"): say it once, not ten times.
        titles = [_SECTION_TITLES.get(n, n) for n in d.sections]
        note = f"Not available: {reasons.pop()}."
        rows = [Row("Sections", ", ".join(titles), dim=True)]
        return [*out, Section("Configuration", rows, note=note, unavailable=True)]
    for name, value in d.sections.items():
        title = _SECTION_TITLES.get(name, name.replace("_", " ").capitalize())
        if isinstance(value, Unavailable):
            out.append(Section(title, note=f"Not available: {value.reason}.", unavailable=True))
        else:
            rows = _section_value_rows(value, verbatim_keys=name == "tags")
            out.append(Section(title, rows))
    return out


LISTING_FAILED = -2  # folder_sections' count for an open folder whose listing failed


def folder_sections(bucket: str, prefix: str, count: int, total_size: int) -> list[Section]:
    """What is known of a folder without listing it again: what the table has so far.

    A negative ``count`` means the folder has not been listed (it is selected, not open);
    ``LISTING_FAILED`` that it is open but its listing failed.
    """
    name = prefix.rstrip("/").rsplit("/", 1)[-1] + "/" if prefix else f"{bucket} (top level)"
    rows = [Row("Name", name), Row("S3 URI", f"s3://{bucket}/{prefix}")]
    if count == LISTING_FAILED:
        rows.append(
            Row("Contents", "not listed: the listing failed (see the message above)", dim=True)
        )
        note = ""
    elif count < 0:
        rows.append(Row("Contents", "not listed yet: open the folder to count them", dim=True))
        note = ""
    else:
        rows.append(Row("Objects listed", f"{count:,}"))
        rows.append(Row("Total size listed", size_text(max(total_size, 0))))
        note = "Counts cover the objects listed so far in this folder (not its sub-folders)."
    return [Section("Folder", rows, note=note)]


def selection_sections(refs: list[Any]) -> list[Section]:
    """Several selected rows: how many of each kind and the listed size of the objects."""
    objects = [r for r in refs if r.kind == "object"]
    folders = [r for r in refs if r.kind == "folder"]
    buckets = [r for r in refs if r.kind == "bucket"]
    rows = [Row("Selected", f"{len(refs):,} items")]
    if objects:
        size = sum(int(r.size or 0) for r in objects)
        rows.append(Row("Objects", f"{len(objects):,} ({size_text(size)})"))
    if folders:
        rows.append(Row("Folders", f"{len(folders):,} (contents not counted)", dim=True))
    if buckets:
        rows.append(Row("Buckets", f"{len(buckets):,}"))
    names = [(r.key.rstrip("/").rsplit("/", 1)[-1] + ("/" if r.kind == "folder" else "")) or r.bucket
             for r in refs[:12]]  # fmt: skip
    more = f" and {len(refs) - 12:,} more" if len(refs) > 12 else ""
    rows.append(Row("Names", ", ".join(names) + more))
    return [Section("Selection", rows)]

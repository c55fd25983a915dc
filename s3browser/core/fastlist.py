"""A lean parser for ListObjectsV2 responses, used by the listing module only.

Why: botocore parses every response through its generic, model-driven XML parser,
which builds an element tree, walks the service model for each element and parses
each timestamp with dateutil. For listings that is about 65 ms of CPU per page of
1,000 keys (21 s for 100,000 keys on the machine of issue 7), far more than the
request itself costs on a fast server. This module reads the few fields an
:class:`S3Object` needs straight out of the response text with one regular
expression per field (about 1 ms per page) and builds the objects directly, with no
per-key dicts.

What stays the same: the request is still built, signed, sent, retried and
checked by aiobotocore; errors (any status >= 301) and every other operation go
through botocore's own parser. Only a successful ListObjectsV2 response, and only
while :func:`compact_listing` is active (the listing module sets it around its own
call), is read here; for those responses botocore's separate pre-parse of every 200
response (looking for an embedded ``<Error>``, another ~18 ms a page) is replaced by
a check of the document's first and last bytes. Any response that is not plain, conforming S3 XML (another
encoding, comments, CDATA, attributes or namespace prefixes, entities other than
XML's five, raw control characters, counts that do not add up) falls back to
botocore, so the lean path is an optimisation that can never change what a user
sees. ``tests/core/test_fastlist.py`` checks that both paths agree on tricky keys.

The parser is installed per client by :func:`install` (a wrapper around the
client's response parser factory); the factory the session shares is not touched.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any
from urllib.parse import unquote_plus

from s3browser.core.models import S3Object

log = logging.getLogger(__name__)

# Where the compact result goes in the parsed response dict (botocore ignores it).
RESULT_KEY = "S3BrowserListing"

# The bucket whose listing the current task is reading in compact form, or None.
# A ContextVar because the parser runs deep inside aiobotocore, in the caller's task:
# it cannot be handed an argument, and each task sees only its own value.
_COMPACT_BUCKET: ContextVar[str | None] = ContextVar("s3browser_compact_listing", default=None)


@dataclass(slots=True)
class CompactListing:
    """The part of one ListObjectsV2 page the core uses, already decoded."""

    objects: list[S3Object] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    is_truncated: bool = False
    next_token: str | None = None


class UnusualResponse(ValueError):
    """The response is valid for botocore perhaps, but not the plain form this parser reads."""


@contextmanager
def compact_listing(bucket: str) -> Iterator[None]:
    """Within this block, ListObjectsV2 responses of this task are parsed compactly."""
    token = _COMPACT_BUCKET.set(bucket)
    try:
        yield
    finally:
        _COMPACT_BUCKET.reset(token)


# -- the text scanner ----------------------------------------------------------------

_ROOT = re.compile(
    r"\s*(?:<\?xml(?P<decl>[^>]*)\?>)?\s*<ListBucketResult(?:\s+xmlns=\"[^\"<>]*\")?\s*>"
)
_DECL_ENCODING = re.compile(r"encoding\s*=\s*[\"']([^\"']*)[\"']")
# Anything that would make a per-field scan differ from a real XML parser: comments,
# CDATA and processing instructions, and characters an XML parser rejects or rewrites
# (control characters; expat turns a raw CR into LF). Checked with C-speed byte and
# substring operations: a regular expression over the whole body costs milliseconds.
_CONTROL_BYTES = bytes(range(0x00, 0x09)) + bytes(range(0x0B, 0x20))
_ODD_TEXT = ("<!", "<?", "\ufffe", "\uffff")
_ENTITY = re.compile(r"&(?:(amp|lt|gt|quot|apos)|#([0-9]+)|#x([0-9A-Fa-f]+));|&")
_NAMED = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _element(name: str) -> re.Pattern[str]:
    return re.compile(f"<{name}>([^<]*)</{name}>")


_KEY = _element("Key")
_SIZE = _element("Size")
_MODIFIED = _element("LastModified")
_ETAG = _element("ETag")
_CLASS = _element("StorageClass")
_TRUNCATED = _element("IsTruncated")
_NEXT_TOKEN = _element("NextContinuationToken")
_KEY_COUNT = _element("KeyCount")
_ENCODING = _element("EncodingType")
# One <Contents> in the order AWS, MinIO, Ceph and moto write it (optional checksum
# and owner elements skipped); a response where any object differs uses the
# per-field scan instead.
_ROW = re.compile(
    r"<Contents><Key>([^<]*)</Key><LastModified>([^<]*)</LastModified><ETag>([^<]*)</ETag>"
    r"(?:<ChecksumAlgorithm>[^<]*</ChecksumAlgorithm>)*(?:<ChecksumType>[^<]*</ChecksumType>)?"
    r"<Size>([^<]*)</Size>(?:<Owner>(?:<ID>[^<]*</ID>)?(?:<DisplayName>[^<]*</DisplayName>)?"
    r"</Owner>)?<StorageClass>([^<]*)</StorageClass>"
)
_COMMON = re.compile(r"<CommonPrefixes>\s*<Prefix>([^<]*)</Prefix>\s*</CommonPrefixes>")


def _valid_xml_char(code: int) -> bool:
    return (
        code in (0x9, 0xA, 0xD)
        or 0x20 <= code <= 0xD7FF
        or 0xE000 <= code <= 0xFFFD
        or 0x10000 <= code <= 0x10FFFF
    )


def _entity(match: re.Match[str]) -> str:
    named, decimal, hexadecimal = match.groups()
    if named:
        return _NAMED[named]
    if decimal is None and hexadecimal is None:
        raise UnusualResponse("an '&' that is not one of XML's entities")
    code = int(decimal, 10) if decimal is not None else int(hexadecimal, 16)
    if not _valid_xml_char(code):
        raise UnusualResponse(f"character reference {match.group(0)}")
    return chr(code)


def xml_text(raw: str) -> str:
    """Character data as an XML parser reports it (entities and references resolved)."""
    if "&" not in raw:
        return raw
    if "&#" not in raw:
        # In well-formed XML every '&' starts a reference, so plain replacements are
        # exact, provided "&amp;" goes last and no other '&' is left (else: slow path).
        text = (
            raw.replace("&quot;", '"')
            .replace("&apos;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
        )
        if text.count("&") == text.count("&amp;"):
            return text.replace("&amp;", "&")
    return _ENTITY.sub(_entity, raw)


def _one(pattern: re.Pattern[str], text: str, name: str) -> str | None:
    """The text of a top-level element that appears at most once (None when absent).

    ``str.find`` locates it: a regular expression search scans the whole body in
    Python's engine, which for a 1,000-key page costs more than the rest together.
    """
    tag = f"<{name}>"
    start = text.find(tag)
    if start < 0:
        return None
    match = pattern.match(text, start)
    if match is None:
        raise UnusualResponse(f"{name} in an unexpected form")
    if text.find(tag, match.end()) >= 0:
        raise UnusualResponse(f"several {name} elements")
    return match.group(1)


def _column(pattern: re.Pattern[str], text: str, count: int, name: str) -> list[str] | None:
    """One field of every <Contents>, in order; None when no object has it."""
    found: list[str] = pattern.findall(text)
    if not found:
        return None
    if len(found) != count:
        raise UnusualResponse(f"{len(found)} {name} for {count} objects")
    return found


_PLAIN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.(\d{3}))?Z")


def iso_timestamp(raw: str) -> str:
    """S3's LastModified as the ISO 8601 UTC text an :class:`S3Object` carries.

    Equal to ``listing.iso_utc`` of botocore's parsed datetime: whole seconds drop
    the fraction, other fractions are written with six digits. The form every S3
    server writes (``2024-05-01T12:00:00.000Z``) is rewritten as text, without
    building a datetime (about 2 µs a key, most of a page's time otherwise).
    """
    plain = _PLAIN_TIME.fullmatch(raw)
    if plain is not None:
        fraction = plain.group(1)
        if not fraction or fraction == "000":
            return raw[:19] + "Z"
        return f"{raw[:19]}.{fraction}000Z"
    try:
        value = datetime.fromisoformat(raw.strip())
    except ValueError:
        from botocore.utils import parse_timestamp

        value = parse_timestamp(raw)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def parse_list_objects_v2(body: bytes, bucket: str) -> CompactListing:
    """Read a ListObjectsV2 response body; raise :class:`UnusualResponse` to fall back.

    The checks before trusting the per-field scan: the document is UTF-8 with a
    ``ListBucketResult`` root carrying at most a default namespace (so no element
    can have a prefix), contains no control character, comment, CDATA or processing instruction, has exactly one Key per
    ``<Contents>`` and one Prefix per ``<CommonPrefixes>``, and, when the server
    sends ``KeyCount``, the counts add up to it.
    """
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UnusualResponse("not UTF-8") from exc
    root = _ROOT.match(text)
    if root is None:
        raise UnusualResponse("not a plain ListBucketResult document")
    if not text.rstrip().endswith("</ListBucketResult>"):
        raise UnusualResponse("the document is cut short")
    decl = root.group("decl")
    if decl:
        enc = _DECL_ENCODING.search(decl)
        if enc and enc.group(1).lower().replace("_", "-") not in ("utf-8", "utf8"):
            raise UnusualResponse(f"encoding {enc.group(1)}")
    if len(body.translate(None, _CONTROL_BYTES)) != len(body):
        raise UnusualResponse("control characters or CR")
    rest = root.end()
    if any(text.find(odd, rest) >= 0 for odd in _ODD_TEXT):
        raise UnusualResponse("comments, CDATA, processing instructions or non-characters")

    count = text.count("<Contents>")
    if text.count("<Contents") != count:
        raise UnusualResponse("<Contents> with attributes or empty")
    sizes: list[str] | None
    modified: list[str] | None
    etags: list[str] | None
    classes: list[str] | None
    rows = _ROW.findall(text) if count else []
    if count and len(rows) == count:
        # Every object in the usual field order: one scan instead of one per field.
        keys = [row[0] for row in rows]
        modified = [row[1] for row in rows]
        etags = [row[2] for row in rows]
        sizes = [row[3] for row in rows]
        classes = [row[4] for row in rows]
    else:
        keys = _column(_KEY, text, count, "Key") or []
        if len(keys) != count:
            raise UnusualResponse("objects without a key")
        sizes = _column(_SIZE, text, count, "Size")
        modified = _column(_MODIFIED, text, count, "LastModified")
        etags = _column(_ETAG, text, count, "ETag")
        classes = _column(_CLASS, text, count, "StorageClass")
    n_common = text.count("<CommonPrefixes")
    raw_prefixes = _COMMON.findall(text) if n_common else []
    if len(raw_prefixes) != n_common:
        raise UnusualResponse("common prefixes in an unexpected form")
    key_count = _one(_KEY_COUNT, text, "KeyCount")
    if key_count is not None and int(key_count) != count + n_common:
        raise UnusualResponse(f"KeyCount {key_count} for {count + n_common} entries")
    truncated = _one(_TRUNCATED, text, "IsTruncated")
    token = _one(_NEXT_TOKEN, text, "NextContinuationToken")
    url_encoded = _one(_ENCODING, text, "EncodingType") == "url"

    def decode_name(raw: str) -> str:
        value = xml_text(raw) if "&" in raw else raw
        # Keys are URL-encoded when botocore asked for it (it always does when the
        # caller did not) and the server says it did; unquote_plus is what botocore's
        # own handler applies, so both paths give the same key.
        if url_encoded and ("%" in value or "+" in value):
            return unquote_plus(value)
        return value

    stamps: dict[str, str] = {}  # objects written together share their timestamp text
    shared: dict[str, str] = {"STANDARD": "STANDARD"}
    objects: list[S3Object] = []
    append = objects.append
    for i in range(count):
        raw_time = modified[i] if modified else ""
        stamp = stamps.get(raw_time)
        if stamp is None:
            stamp = stamps[raw_time] = iso_timestamp(raw_time) if raw_time else ""
        etag = etags[i] if etags else ""
        if "&" in etag:
            # AWS writes ETags as &quot;<hex>&quot;: unwrap that without the general path.
            if etag.startswith("&quot;") and etag.endswith("&quot;") and "&" not in etag[6:-6]:
                etag = etag[6:-6]
            else:
                etag = xml_text(etag)
        storage = classes[i] if classes else "STANDARD"
        storage = shared.setdefault(storage, storage) or "STANDARD"
        append(
            S3Object(
                decode_name(keys[i]),
                int(sizes[i]) if sizes else 0,
                stamp,
                etag.strip('"'),
                storage,
                bucket,
            )
        )
    return CompactListing(
        objects=objects,
        prefixes=[decode_name(p) for p in raw_prefixes],
        is_truncated=truncated == "true",
        next_token=xml_text(token) if token is not None else None,
    )


# -- the botocore side ---------------------------------------------------------------


@cache
def _factory_class() -> Any:
    """The parser classes, built on first use so importing the core stays light.

    (aiobotocore costs about half a second to import; the GUI imports the core
    before its first paint and aiobotocore only after.)
    """
    from aiobotocore.parsers import AioResponseParserFactory, AioRestXMLParser

    class FastListParser(AioRestXMLParser):
        """botocore's rest-xml parser, with the lean path for compact ListObjectsV2 pages."""

        def _do_parse(self, response: dict[str, Any], shape: Any) -> dict[str, Any]:
            bucket = _COMPACT_BUCKET.get()
            if bucket is None or shape is None or shape.name != "ListObjectsV2Output":
                return super()._do_parse(response, shape)
            try:
                listing = parse_list_objects_v2(response["body"], bucket)
            except ValueError as exc:  # UnusualResponse, or a number that is not one
                log.debug("listing parsed by botocore: %s", exc)
                return super()._do_parse(response, shape)
            parsed: dict[str, Any] = {
                "ResponseMetadata": self._populate_response_metadata(response),
                "IsTruncated": listing.is_truncated,
                RESULT_KEY: listing,
            }
            if listing.next_token is not None:
                parsed["NextContinuationToken"] = listing.next_token
            # Header fields (RequestCharged) the same way botocore reads them.
            self._parse_non_payload_attrs(response, shape, shape.members, parsed)
            return parsed

    class FastListParserFactory(AioResponseParserFactory):
        """Makes FastListParser for rest-xml and botocore's parsers otherwise."""

        def create_parser(self, protocol_name: str) -> Any:
            if protocol_name == "rest-xml":
                return FastListParser(**self._defaults)
            return super().create_parser(protocol_name)

    return FastListParserFactory


def _complete_listing(response_dict: dict[str, Any]) -> bool:
    """A 200 response that is a whole ListBucketResult document (not an error, not cut)."""
    body = response_dict.get("body")
    return (
        response_dict.get("status_code") == 200
        and isinstance(body, bytes)
        and b"<ListBucketResult" in body[:512]
        and body.rstrip().endswith(b"</ListBucketResult>")
    )


def _skip_listing_200_check(check: Any) -> Any:
    """botocore's check for errors inside 200 responses, minus the compact listings.

    botocore parses every successful S3 response a first time with ElementTree just
    to see whether the root is ``<Error>`` or the document is cut short (then it
    retries). For a 1,000-key page that costs ~18 ms, more than everything else.
    For a compact listing the same two facts are read from the body's first and
    last bytes, and the lean parser then checks the document's structure itself;
    anything else still goes through botocore's check.
    """

    def handler(operation_model: Any, response_dict: Any, **kwargs: Any) -> Any:
        if (
            operation_model.name == "ListObjectsV2"
            and _COMPACT_BUCKET.get() is not None
            and _complete_listing(response_dict)
        ):
            return None
        return check(operation_model=operation_model, response_dict=response_dict, **kwargs)

    return handler


def install(client: Any) -> None:
    """Give this client the lean listing parser (other clients keep botocore's).

    Each client has its own copy of the event handlers and its own endpoint, so
    nothing shared with other clients or the session changes.
    """
    from botocore.handlers import _handle_200_error

    endpoint = client._endpoint
    factory = _factory_class()()
    factory._defaults = dict(getattr(endpoint._response_parser_factory, "_defaults", {}))
    endpoint._response_parser_factory = factory
    events = client.meta.events
    events.unregister("before-parse.s3.*", _handle_200_error)
    events.register_first("before-parse.s3.*", _skip_listing_200_check(_handle_200_error))

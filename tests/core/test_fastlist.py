"""The lean ListObjectsV2 parser gives exactly what botocore's parser gives.

Two levels: response bodies written by hand (the AWS form with ``&quot;`` ETags,
pretty-printed XML, owners, checksums, URL-encoded keys) parsed both ways, and real
listings of tricky keys from the moto server through the session (lean path) and
through boto3 (botocore's path).
"""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import pytest
from aiobotocore.parsers import AioRestXMLParser
from botocore.session import get_session

from s3browser.core import fastlist
from s3browser.core.fastlist import UnusualResponse, parse_list_objects_v2
from s3browser.core.listing import _objects_from, iter_pages
from s3browser.core.models import S3Object
from s3browser.core.session import S3Session

TRICKY_KEYS = [
    "plain/file.txt",
    "データ/ファイル 1.csv",
    "emoji/😀 smile.txt",
    "xml/a&b<c>d\"e'f.txt",
    "xml/&amp; already escaped &lt;.txt",
    "space/with  two  spaces .txt",
    "plus/a+b.txt",
    "percent/100%25 done %41.txt",
    "colon/2024-05-01T12:00:00.json",
    "control/bell\x07 and unit\x1f sep.txt",
    "control/tab\there.txt",
    "control/line\nbreak.txt",
    "control/carriage\rreturn.txt",
    "long/" + "k" * 1019,  # 1,024 bytes, the longest key S3 allows
    "long/" + "é" * 509 + "x",  # 1,024 bytes of two-byte characters
    "folder+plus/inner.txt",
    "folder with space/inner.txt",
    "folder&amp/inner.txt",
    "top level & file.txt",
    "top%20encoded.txt",
]


def botocore_page(body: bytes, bucket: str) -> tuple[list[S3Object], list[str], bool, Any]:
    """What the listing got before: botocore's parser, its URL decoding, then S3Object."""
    model = get_session().get_service_model("s3")
    shape = model.operation_model("ListObjectsV2").output_shape
    response = {"status_code": 200, "headers": {}, "body": body, "context": {}}
    parsed = asyncio.run(AioRestXMLParser().parse(response, shape))
    from botocore.handlers import decode_list_object_v2

    decode_list_object_v2(parsed, context={"encoding_type_auto_set": True})
    objects = _objects_from(bucket, parsed.get("Contents", []))
    prefixes = [p["Prefix"] for p in parsed.get("CommonPrefixes", [])]
    return objects, prefixes, parsed["IsTruncated"], parsed.get("NextContinuationToken")


def lean_page(body: bytes, bucket: str) -> tuple[list[S3Object], list[str], bool, Any]:
    page = parse_list_objects_v2(body, bucket)
    return page.objects, page.prefixes, page.is_truncated, page.next_token


def xml_escape(text: str) -> str:
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&apos;")
    )


def aws_body(keys: list[str], prefixes: list[str], *, url: bool, pretty: bool) -> bytes:
    """A response in the form AWS writes it (field order, ETag quoting, owners, checksums)."""
    sep = "\n  " if pretty else ""
    enc = (lambda k: quote(k, safe="/")) if url else (lambda k: k)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
        f"{sep}<Name>bucket-one</Name>{sep}<Prefix></Prefix>",
        f"{sep}<NextContinuationToken>1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=&amp;x"
        "</NextContinuationToken>",
        f"{sep}<KeyCount>{len(keys) + len(prefixes)}</KeyCount>{sep}<MaxKeys>1000</MaxKeys>",
        f"{sep}<Delimiter>/</Delimiter>"
        + (f"{sep}<EncodingType>url</EncodingType>" if url else ""),
        f"{sep}<IsTruncated>true</IsTruncated>",
    ]
    for i, key in enumerate(keys):
        fraction = ".000" if i % 2 else f".{i % 1000:03d}"
        parts.append(
            f"{sep}<Contents>{sep}<Key>{xml_escape(enc(key))}</Key>"
            f"<LastModified>2024-05-0{1 + i % 9}T12:34:56{fraction}Z</LastModified>"
            f"<ETag>&quot;{i:032x}&quot;</ETag>"
            f"<ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>"
            f"<Size>{i * 1000}</Size>"
            f"<Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>"
            f"<StorageClass>{'GLACIER' if i % 3 == 0 else 'STANDARD'}</StorageClass>"
            f"<RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress></RestoreStatus>"
            f"{sep}</Contents>"
        )
    for prefix in prefixes:
        parts.append(
            f"{sep}<CommonPrefixes>{sep}<Prefix>{xml_escape(enc(prefix))}</Prefix>"
            f"{sep}</CommonPrefixes>"
        )
    parts.append("\n</ListBucketResult>")
    return "".join(parts).encode()


# moto's HTTP server (werkzeug) refuses line breaks in a request path.
MOTO_KEYS = [k for k in TRICKY_KEYS if "\n" not in k and "\r" not in k]
# Keys an XML 1.0 document can carry without URL encoding (no control characters).
XML_SAFE_KEYS = [k for k in TRICKY_KEYS if not any(ord(c) < 0x20 and c not in "\t\n" for c in k)]


@pytest.mark.parametrize("pretty", [False, True])
@pytest.mark.parametrize("url", [True, False])
def test_hand_written_bodies_parse_like_botocore(url: bool, pretty: bool) -> None:
    keys = TRICKY_KEYS if url else [k for k in XML_SAFE_KEYS if "\n" not in k or not pretty]
    prefixes = ["folder+plus/", "データ/", "a&b<c>/", "with space/"]
    body = aws_body(keys, prefixes, url=url, pretty=pretty)
    lean = lean_page(body, "bucket-one")
    assert lean == botocore_page(body, "bucket-one")
    objects, found_prefixes, truncated, token = lean
    assert [o.key for o in objects] == keys  # the keys themselves, not just agreement
    assert found_prefixes == prefixes
    assert truncated is True
    assert token == "1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=&x"
    assert objects[0].last_modified == "2024-05-01T12:34:56Z"
    assert objects[1].last_modified == "2024-05-02T12:34:56Z"
    assert objects[2].last_modified == "2024-05-03T12:34:56.002000Z"
    assert objects[0].storage_class == "GLACIER" and objects[1].storage_class == "STANDARD"
    assert objects[1].etag == f"{1:032x}" and objects[1].size == 1000


def test_empty_listing_and_minimal_servers() -> None:
    empty = (
        b'<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name>'
        b"<Prefix>nothing/</Prefix><KeyCount>0</KeyCount><IsTruncated>false</IsTruncated>"
        b"</ListBucketResult>"
    )
    assert lean_page(empty, "b") == botocore_page(empty, "b") == ([], [], False, None)
    # No StorageClass, no ETag and no KeyCount: the defaults the listing always used.
    bare = (
        b"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key>k</Key>"
        b"<Size>5</Size><LastModified>2024-01-01T00:00:00Z</LastModified></Contents>"
        b"</ListBucketResult>"
    )
    assert lean_page(bare, "b") == botocore_page(bare, "b")
    assert lean_page(bare, "b")[0][0].storage_class == "STANDARD"


@pytest.mark.parametrize(
    "body",
    [
        b"<ListBucketResult><!-- hi --><IsTruncated>false</IsTruncated></ListBucketResult>",
        b"<ListBucketResult><IsTruncated>false</IsTruncated><Contents><Key><![CDATA[a]]></Key>"
        b"</Contents></ListBucketResult>",
        b"<ListBucketResult><Contents><Key>a\rb</Key></Contents></ListBucketResult>",
        b"<ListBucketResult><Contents><Key>a&nbsp;b</Key></Contents></ListBucketResult>",
        b"<ListBucketResult><Contents><Key>a &#1; b</Key></Contents></ListBucketResult>",
        b"<ListBucketResult><Contents><Key>a & b</Key></Contents></ListBucketResult>",
        b'<s3:ListBucketResult xmlns:s3="urn:x"><s3:Contents><s3:Key>a</s3:Key></s3:Contents>'
        b"</s3:ListBucketResult>",
        b'<ListBucketResult><Contents id="1"><Key>a</Key></Contents></ListBucketResult>',
        b"<ListBucketResult><KeyCount>2</KeyCount><Contents><Key>a</Key></Contents>"
        b"</ListBucketResult>",
        b"<ListBucketResult><Contents><Key>a</Key><Size>1</Size></Contents>"
        b"<Contents><Key>b</Key></Contents></ListBucketResult>",
        '<?xml version="1.0" encoding="ISO-8859-1"?><ListBucketResult><Contents><Key>é</Key>'
        "</Contents></ListBucketResult>".encode("latin-1"),
        b"<Error><Code>AccessDenied</Code></Error>",
    ],
)
def test_unusual_bodies_are_left_to_botocore(body: bytes) -> None:
    with pytest.raises(UnusualResponse):
        parse_list_objects_v2(body, "b")


def test_character_references_resolve_like_xml() -> None:
    body = (
        b"<ListBucketResult><IsTruncated>false</IsTruncated><Contents>"
        b"<Key>&#x41;&#66;&#x1F600;&amp;&lt;&gt;&quot;&apos;</Key></Contents></ListBucketResult>"
    )
    assert lean_page(body, "b")[0][0].key == "AB😀&<>\"'"
    assert lean_page(body, "b") == botocore_page(body, "b")


# -- against the moto server ---------------------------------------------------------


def arrange(s3_admin: Any, bucket: str, keys: list[str]) -> None:
    s3_admin.create_bucket(Bucket=bucket)
    for i, key in enumerate(keys):
        s3_admin.put_object(Bucket=bucket, Key=key, Body=b"x" * i)


def botocore_listing(s3_admin: Any, bucket: str, delimiter: str | None) -> list[Any]:
    kwargs = {"Bucket": bucket, "MaxKeys": 7}
    if delimiter:
        kwargs["Delimiter"] = delimiter
    pages = s3_admin.get_paginator("list_objects_v2").paginate(**kwargs)
    out: list[Any] = []
    for page in pages:
        out.extend(_objects_from(bucket, page.get("Contents", [])))
        out.extend(p["Prefix"] for p in page.get("CommonPrefixes", []))
    return out


@pytest.mark.parametrize("recursive", [True, False])
async def test_tricky_keys_from_moto_match_botocore(
    credentials: dict[str, Any], s3_admin: Any, monkeypatch: pytest.MonkeyPatch, recursive: bool
) -> None:
    arrange(s3_admin, "tricky", MOTO_KEYS)
    lean_calls: list[int] = []
    real = fastlist.parse_list_objects_v2

    def counting(body: bytes, bucket: str) -> fastlist.CompactListing:
        page = real(body, bucket)
        lean_calls.append(len(page.objects))
        return page

    monkeypatch.setattr(fastlist, "parse_list_objects_v2", counting)
    async with S3Session(credentials) as session:
        ours: list[Any] = []
        delimiter = None if recursive else "/"
        async for page in iter_pages(session.pool, "tricky", delimiter=delimiter, page_size=7):
            ours.extend(page.objects)
            ours.extend(p.prefix for p in page.prefixes)
    expected = botocore_listing(s3_admin, "tricky", None if recursive else "/")
    assert ours == expected
    assert sum(lean_calls) == sum(isinstance(x, S3Object) for x in ours) > 0
    if recursive:
        # moto URL-encodes with quote(), which leaves '+' as is, and botocore then reads
        # '+' as a space: a moto quirk both parsers share. Every other key round-trips.
        listed = {o.key for o in ours}
        assert {k for k in MOTO_KEYS if "+" not in k} <= listed


async def test_a_response_the_lean_parser_declines_still_lists(
    credentials: dict[str, Any], s3_admin: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrange(s3_admin, "fallback", ["a/1", "a/2", "b"])

    def decline(body: bytes, bucket: str) -> fastlist.CompactListing:
        raise UnusualResponse("test")

    monkeypatch.setattr(fastlist, "parse_list_objects_v2", decline)
    async with S3Session(credentials) as session:
        pages = [p async for p in session.iter_pages("fallback", page_size=1)]
    assert [o.key for p in pages for o in p.objects] == ["b"]
    assert [x.prefix for p in pages for x in p.prefixes] == ["a/"]
    assert pages[-1].is_last and not pages[0].is_last


def test_entity_fast_path_matches_the_reference_resolver() -> None:
    import random

    pieces = ["a", "/", " ", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#x41;", "&#66;", "é"]
    rng = random.Random(7)
    for _ in range(2000):
        raw = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert fastlist.xml_text(raw) == fastlist._ENTITY.sub(fastlist._entity, raw)
    with pytest.raises(UnusualResponse):
        fastlist.xml_text("a & b")
    assert fastlist.xml_text("&amp;lt;") == "&lt;"  # one level of unescaping, like XML


def test_botocore_200_error_check_still_runs_where_it_matters() -> None:
    """The pre-parse check is skipped only for whole compact listings."""
    model = get_session().get_service_model("s3")
    list_op = model.operation_model("ListObjectsV2")
    head_op = model.operation_model("ListBuckets")
    calls: list[str] = []

    def botocore_check(operation_model: Any, response_dict: Any, **_: Any) -> None:
        calls.append(operation_model.name)

    handler = fastlist._skip_listing_200_check(botocore_check)
    listing = {"status_code": 200, "body": aws_body(["k"], [], url=True, pretty=False)}
    error = {"status_code": 200, "body": b"<Error><Code>InternalError</Code></Error>"}
    cut = {"status_code": 200, "body": listing["body"][:-30]}
    handler(operation_model=list_op, response_dict=listing)  # not compact: botocore checks
    with fastlist.compact_listing("b"):
        handler(operation_model=list_op, response_dict=listing)  # skipped
        handler(operation_model=list_op, response_dict=error)
        handler(operation_model=list_op, response_dict=cut)
        handler(operation_model=head_op, response_dict=listing)
    assert calls == ["ListObjectsV2", "ListObjectsV2", "ListObjectsV2", "ListBuckets"]


def test_timestamp_text_matches_botocore_datetimes() -> None:
    from botocore.utils import parse_timestamp

    from s3browser.core.listing import iso_utc

    for raw in [
        "2024-05-01T12:34:56.000Z",
        "2024-05-01T12:34:56.120Z",
        "2024-12-31T23:59:59.999Z",
        "2024-05-01T12:34:56Z",
        "2024-05-01T12:34:56.5Z",
        "2024-05-01T12:34:56+02:00",
        "Wed, 01 May 2024 12:34:56 GMT",
    ]:
        assert fastlist.iso_timestamp(raw) == iso_utc(parse_timestamp(raw)), raw

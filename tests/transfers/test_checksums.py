"""What can be verified, and the CRCs against known values."""

from __future__ import annotations

import base64
import os
import zlib

import pytest

from s3browser.core.transfers import checksums as C


def test_crc_fallbacks_match_awscrt() -> None:
    awscrt = pytest.importorskip("awscrt.checksums")
    data = os.urandom(5000)
    assert C._py_crc32c(data) == awscrt.crc32c(data)
    assert C._py_crc64nvme(data) == awscrt.crc64nvme(data)
    # Incremental use gives the same as one call.
    assert C._py_crc32c(data[2000:], C._py_crc32c(data[:2000])) == awscrt.crc32c(data)


def test_known_check_values() -> None:
    # The CRC catalogue's check values for "123456789".
    assert C._py_crc32c(b"123456789") == 0xE3069283
    assert C._py_crc64nvme(b"123456789") == 0xAE8B14860A799888
    h = C.new_hasher("CRC32")
    h.update(b"1234")
    h.update(b"56789")
    assert h.digest() == zlib.crc32(b"123456789").to_bytes(4, "big")


def _b64(digest: bytes) -> str:
    return base64.b64encode(digest).decode()


def test_plain_md5_etag_is_used_when_there_is_no_checksum() -> None:
    exp = C.expected_from({"ETag": '"0123456789abcdef0123456789abcdef"'}, 10)
    assert exp.md5 == "0123456789abcdef0123456789abcdef"
    assert list(exp.hashers()) == ["MD5"]
    assert exp.verified_by == "size, MD5"


def test_full_object_checksum_is_preferred() -> None:
    crc = _b64(zlib.crc32(b"abc").to_bytes(4, "big"))
    exp = C.expected_from(
        {
            "ETag": '"900150983cd24fb0d6963f7d28e17f72"',
            "ChecksumCRC32": crc,
            "ChecksumType": "FULL_OBJECT",
        },
        3,
    )
    assert list(exp.hashers()) == ["CRC32"]
    h = exp.hashers()
    h["CRC32"].update(b"abc")
    assert exp.mismatches({k: v.digest() for k, v in h.items()}) == []
    assert exp.mismatches({"CRC32": b"\0\0\0\0"}) == ["CRC32"]


@pytest.mark.parametrize(
    ("response", "reason"),
    [
        ({"ETag": '"0123456789abcdef0123456789abcdef-3"'}, "multipart"),
        (
            {"ETag": '"0123456789abcdef0123456789abcdef"', "ServerSideEncryption": "aws:kms"},
            "SSE-KMS",
        ),
        ({"ETag": '"0123456789abcdef0123456789abcdef"', "SSECustomerAlgorithm": "AES256"}, "SSE-C"),
        ({"ETag": '"x-2"', "ChecksumSHA256": "abc=-2", "ChecksumType": "COMPOSITE"}, "composite"),
        ({"ETag": '"x-2"', "ChecksumCRC32C": "abc=-2"}, "composite"),
    ],
)
def test_unverifiable_cases_are_named(response: dict[str, str], reason: str) -> None:
    exp = C.expected_from(response, 100)
    assert exp.hashers() == {}
    assert exp.verified_by == "size"
    assert any(reason in why for why in exp.unverifiable)

"""What a downloaded file can be verified against, and incremental hashers for it.

* The size: always.
* The MD5: when the ETag is a plain MD5, which S3 gives single-part uploads that are
  not encrypted with SSE-KMS or SSE-C (multipart ETags look like ``<hex>-<parts>``),
  and the object has no full-object checksum (which is cheaper to compute and is
  checked instead, see :meth:`Expected.hashers`).
* The object's full checksum (CRC32, CRC32C, CRC64NVME, SHA1, SHA256) that HeadObject
  returns with ``ChecksumMode=ENABLED`` when its ``ChecksumType`` is ``FULL_OBJECT``
  (AWS adds a CRC64NVME to every new upload). A ``COMPOSITE`` checksum of a multipart
  upload is a checksum of the parts' checksums: it cannot be checked against the
  whole file without the part boundaries, so it is reported as not verifiable.

CRC32C and CRC64NVME come from ``awscrt`` (botocore's own optional accelerator);
without it a pure-Python table fallback keeps them correct but slow (~10 MB/s).
"""

from __future__ import annotations

import base64
import hashlib
import re
import zlib
from dataclasses import dataclass, field
from typing import Any, Protocol

ALGORITHMS = ("CRC64NVME", "CRC32C", "CRC32", "SHA256", "SHA1")  # preferred first
_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")


class Hasher(Protocol):
    def update(self, data: bytes | memoryview) -> None: ...

    def digest(self) -> bytes: ...


class _Crc:
    """A CRC as a hashlib-like object with a big-endian digest, as S3 encodes it."""

    def __init__(self, fn: Any, width: int) -> None:
        self._fn = fn
        self._width = width
        self._value = 0

    def update(self, data: bytes | memoryview) -> None:
        self._value = self._fn(data, self._value)

    def digest(self) -> bytes:
        return self._value.to_bytes(self._width, "big")


def _table(poly: int, width: int) -> list[int]:
    """A reflected CRC lookup table for the pure-Python fallback."""
    table = []
    for i in range(256):
        crc = i
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
        table.append(crc & ((1 << width) - 1))
    return table


_CRC32C_TABLE: list[int] | None = None
_CRC64_TABLE: list[int] | None = None


def _py_crc32c(data: bytes | memoryview, crc: int = 0) -> int:
    global _CRC32C_TABLE
    if _CRC32C_TABLE is None:
        _CRC32C_TABLE = _table(0x82F63B78, 32)
    table = _CRC32C_TABLE
    crc ^= 0xFFFFFFFF
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def _py_crc64nvme(data: bytes | memoryview, crc: int = 0) -> int:
    global _CRC64_TABLE
    if _CRC64_TABLE is None:
        _CRC64_TABLE = _table(0x9A6C9329AC4BC9B5, 64)
    table = _CRC64_TABLE
    mask = 0xFFFFFFFFFFFFFFFF
    crc ^= mask
    for b in bytes(data):
        crc = table[(crc ^ b) & 0xFF] ^ (crc >> 8)
    return crc ^ mask


def _crc_functions() -> tuple[Any, Any]:
    try:
        from awscrt import checksums
    except ImportError:
        return _py_crc32c, _py_crc64nvme
    return checksums.crc32c, checksums.crc64nvme


def new_hasher(algorithm: str) -> Hasher:
    """A fresh incremental hasher for one of :data:`ALGORITHMS` or ``"MD5"``."""
    algorithm = algorithm.upper()
    if algorithm == "MD5":
        return hashlib.md5(usedforsecurity=False)
    if algorithm == "SHA1":
        return hashlib.sha1(usedforsecurity=False)
    if algorithm == "SHA256":
        return hashlib.sha256()
    if algorithm == "CRC32":
        return _Crc(zlib.crc32, 4)
    crc32c, crc64 = _crc_functions()
    if algorithm == "CRC32C":
        return _Crc(crc32c, 4)
    if algorithm == "CRC64NVME":
        return _Crc(crc64, 8)
    raise ValueError(f"unknown checksum algorithm {algorithm}")


@dataclass(slots=True)
class Expected:
    """What one object's bytes must hash to; empty when only the size can be checked."""

    size: int
    md5: str | None = None  # hex
    algorithm: str | None = None  # one of ALGORITHMS
    checksum: str | None = None  # base64, as S3 sends it
    unverifiable: list[str] = field(default_factory=list)  # why something was not checked

    def hashers(self) -> dict[str, Hasher]:
        """One hasher: the full-object checksum when there is one, else the MD5.

        Both prove the file equals what S3 stored; the CRCs run at several GB/s in
        awscrt while MD5 manages ~600 MB/s on one core, so MD5 is computed only when
        it is all there is (AWS gives every new upload a CRC64NVME).
        """
        if self.algorithm and self.checksum:
            return {self.algorithm: new_hasher(self.algorithm)}
        if self.md5:
            return {"MD5": new_hasher("MD5")}
        return {}

    def mismatches(self, digests: dict[str, bytes]) -> list[str]:
        """The names of the checks that failed (empty when everything matched)."""
        bad = []
        if self.md5 and "MD5" in digests and digests["MD5"].hex() != self.md5:
            bad.append("MD5")
        if self.algorithm and self.checksum and self.algorithm in digests:
            got = base64.b64encode(digests[self.algorithm]).decode("ascii")
            if got != self.checksum:
                bad.append(self.algorithm)
        return bad

    @property
    def verified_by(self) -> str:
        """A short label for the result: "size, MD5, CRC64NVME"."""
        return ", ".join(["size", *self.hashers()])


def expected_from(response: dict[str, Any], size: int) -> Expected:
    """Read the ETag, encryption and checksum fields of a HeadObject/GetObject answer."""
    exp = Expected(size=size)
    etag = str(response.get("ETag") or "").strip('"').lower()
    sse = str(response.get("ServerSideEncryption") or "")
    if response.get("SSECustomerAlgorithm") or sse.startswith("aws:kms"):
        exp.unverifiable.append("the ETag of an SSE-KMS or SSE-C object is not an MD5")
    elif _PLAIN_MD5.match(etag):
        exp.md5 = etag
    elif etag:
        exp.unverifiable.append("a multipart ETag is not an MD5 of the object")
    ctype = str(response.get("ChecksumType") or "")
    for algorithm in ALGORITHMS:
        value = response.get(f"Checksum{algorithm}")
        if not value:
            continue
        value = str(value)
        if ctype == "COMPOSITE" or (not ctype and "-" in value):
            exp.unverifiable.append(
                f"the {algorithm} checksum is composite (a checksum of the parts' "
                "checksums) and cannot be checked against the whole file"
            )
            continue
        exp.algorithm, exp.checksum = algorithm, value
        break
    return exp


def hash_file_range(fd: int, start: int, end: int, hashers: dict[str, Hasher]) -> None:
    """Feed bytes start..end (exclusive) of an open file to the hashers, in order.

    Runs in a worker thread: hashlib and zlib release the GIL on large buffers, so
    hashing overlaps the download on a second core.
    """
    import os

    block = 4 * 1024 * 1024
    pos = start
    while pos < end:
        data = os.pread(fd, min(block, end - pos), pos)
        if not data:
            raise OSError("the partial file is shorter than expected")
        for h in hashers.values():
            h.update(data)
        pos += len(data)

"""Issue 6: downloads through the fault proxy at 10% and 30%, with nothing lost.

One single-GET object, one object fetched in 12 ranged parts, 500 small objects, and
the hostile keys corpus, downloaded recursively through a proxy that answers 503/500,
resets or cuts bodies, or delays. Every item must end byte-identical or failed with
its reason; no partial data under a final name; an existing local file untouched;
nothing written outside the destination. Figures are printed at the end.
"""

from __future__ import annotations

import asyncio
import os
import unicodedata
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.core.transfers import (
    BatchResult,
    ConflictAction,
    Source,
    TransferManager,
    TransferOptions,
    TransferState,
)
from s3browser.demo import LocalS3Server
from tests.faults.proxy import RETRYABLE_KINDS, FaultProxy

BUCKET = "fault-downloads"
KiB, MiB = 1024, 1024 * 1024
OPTIONS = TransferOptions(part_size=256 * KiB, multipart_threshold=512 * KiB)
# With one stream the engine GETs a large object whole (parts are only resume points);
# four streams make it fetch ranges, so faults hit individual parts.
RANGED = TransferOptions(part_size=256 * KiB, multipart_threshold=512 * KiB, part_concurrency=4)
SMALL_COUNT = 500
HOSTILE = [
    "../../escape.txt",
    "a/../../escape2.txt",
    "/absolute.txt",
    "//double/slash.txt",
    "C:\\Windows\\win.ini",
    "back\\slash\\name.txt",
    "CON",
    "nul.txt",
    "ctrl\x01\x1f.txt",
    "tab\there.txt",  # (moto's HTTP server cannot take a newline in a key)
    "trailing dot.",
    "trailing space ",
    unicodedata.normalize("NFC", "twin-café.txt"),
    unicodedata.normalize("NFD", "twin-café.txt"),
    "k" * 1000 + ".txt",
    "both",
    "both/inside.txt",
    "ok/normal.txt",
]
FIGURES: list[dict[str, Any]] = []


@pytest.fixture(scope="module")
def corpus() -> Iterator[tuple[str, dict[str, bytes]]]:
    """An unseeded moto server (no IAM: any key may be stored) holding the corpus."""
    server = LocalS3Server()
    server.start()
    try:
        yield server.endpoint_url, _upload(server.endpoint_url)
    finally:
        server.stop()


def _upload(endpoint_url: str) -> dict[str, bytes]:
    import boto3

    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )
    s3.create_bucket(Bucket=BUCKET)
    rng = os.urandom
    data = {"single/report.bin": rng(300 * KiB), "multi/big.bin": rng(3 * MiB)}
    data.update({f"small/obj-{i:04d}.txt": rng(512 + i * 7) for i in range(SMALL_COUNT)})
    data.update({"h/" + key: key.encode("utf-8", "surrogateescape") for key in HOSTILE})

    def put(item: tuple[str, bytes]) -> None:
        s3.put_object(Bucket=BUCKET, Key=item[0], Body=item[1])

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(put, data.items()))
    return data


@pytest.fixture(scope="module", autouse=True)
def figures() -> Iterator[None]:
    yield
    if FIGURES:
        print("\ndownloads through the fault proxy:")
        print(
            f"{'rate':>5} {'set':<9} {'requests':>8} {'retries':>7} {'done':>5} {'failed':>6} "
            f"{'skipped':>7} {'bytes verified':>14}  faults"
        )
        for r in FIGURES:
            faults = ", ".join(f"{k} {v}" for k, v in sorted(r["faults"].items()))
            print(
                f"{r['rate']:>5.0%} {r['set']:<9} {r['requests']:>8} {r['retries']:>7} "
                f"{r['done']:>5} {r['failed']:>6} {r['skipped']:>7} {r['bytes']:>14,}  {faults}"
            )


def _creds(url: str) -> dict[str, Any]:
    return {
        "aws_access_key_id": "k",
        "aws_secret_access_key": "s",
        "region_name": "us-east-1",
        "endpoint_url": url,
    }


async def _download(
    url: str, sources: list[Source], dest: Path, options: TransferOptions = OPTIONS
) -> BatchResult:
    async with S3Session(_creds(url)) as session:
        manager = TransferManager(session, options)
        try:
            return await manager.download(sources, dest, conflict=ConflictAction.SKIP).wait()
        finally:
            await manager.close()


def _check(result: BatchResult, data: dict[str, bytes], dest: Path, root: Path) -> int:
    """Apply the issue's rules to one batch; returns the bytes verified."""
    verified = 0
    finals = set()
    for item in result.items:
        if item.state is TransferState.DONE:
            assert item.path.read_bytes() == data[item.key], f"{item.key} differs"
            verified += len(data[item.key])
            finals.add(item.path)
        else:
            assert item.state in (TransferState.FAILED, TransferState.SKIPPED), item
            assert item.message and "Traceback" not in item.message, item
            if item.state is TransferState.FAILED:
                assert not item.path.exists(), f"partial data under the final name {item.path}"
    for path in root.rglob("*"):
        if path.is_file():
            assert dest in path.parents, f"{path} is outside the destination"
    return verified


SETS = {
    "single": lambda: [Source(BUCKET, "single/report.bin")],
    "multipart": lambda: [Source(BUCKET, "multi/big.bin")],
    "small": lambda: [Source(BUCKET, "small/", base="small/")],
    "hostile": lambda: [Source(BUCKET, "h/", base="h/")],
}


@pytest.mark.parametrize("rate", [0.1, 0.3])
@pytest.mark.parametrize("name", list(SETS))
def test_downloads_survive_faults(
    corpus: tuple[str, dict[str, bytes]], tmp_path: Path, name: str, rate: float
) -> None:
    upstream, data = corpus
    options = RANGED if name == "multipart" else OPTIONS
    root = tmp_path / "home"
    dest = root / "downloads"
    dest.mkdir(parents=True)
    existing = dest / "obj-0003.txt"
    if name == "small":
        existing.write_bytes(b"my own notes, not from S3")
        os.utime(existing, (1_000_000_000, 1_000_000_000))
    with FaultProxy(upstream) as quiet:
        clean = asyncio.run(_download(quiet.url, SETS[name](), tmp_path / "clean", options))
    clean_requests = quiet.requests
    index = list(SETS).index(name)
    with FaultProxy(
        upstream,
        rate=rate,
        seed=10 * index + int(rate * 100),
        kinds=RETRYABLE_KINDS,
        delay_seconds=0.2,
    ) as proxy:
        proxy.plan(RETRYABLE_KINDS[index % len(RETRYABLE_KINDS)])
        result = asyncio.run(_download(proxy.url, SETS[name](), dest, options))
    verified = _check(result, data, dest, root)
    row = {
        "rate": rate,
        "set": name,
        "requests": proxy.requests,
        "retries": max(0, proxy.requests - clean_requests),
        "faults": proxy.faults,
        "done": result.count(TransferState.DONE),
        "failed": result.count(TransferState.FAILED),
        "skipped": result.count(TransferState.SKIPPED),
        "bytes": verified,
    }
    FIGURES.append(row)
    assert not result.errors, result.errors
    if name == "small":
        assert existing.read_bytes() == b"my own notes, not from S3"
        assert existing.stat().st_mtime == 1_000_000_000
        assert row["skipped"] == 1
    # Every item the fault-free run completed is completed under faults too.
    clean_done = {i.key for i in clean.items if i.state is TransferState.DONE}
    done = {i.key for i in result.items if i.state is TransferState.DONE}
    if name == "small":
        clean_done.discard("small/obj-0003.txt")
    assert done == clean_done, sorted(clean_done - done)[:5]
    if name == "hostile":
        skipped = {i.key: i.message for i in result.items if i.state is TransferState.SKIPPED}
        assert all(skipped.values())
        twins = {"h/" + unicodedata.normalize(form, "twin-café.txt") for form in ("NFC", "NFD")}
        assert len(twins & done) == 1 and len(twins & set(skipped)) == 1
        assert len({"h/both", "h/both/inside.txt"} & done) == 1
        assert "h/ok/normal.txt" in done

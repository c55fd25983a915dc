"""Memory per listed object in the row store: at most 250 bytes (issue 7).

Counted with tracemalloc around filling a store with 50,000 objects shaped like a
real folder's (30-character names, distinct sizes, times and ETags), after the
S3Object values the listing handed over are gone. The full window figure (resident
memory over the empty window, with Qt's own structures) comes from
``python -m tests.bench.bench_big_folder``.
"""

from __future__ import annotations

import gc
import tracemalloc

import pytest

from s3browser.core.models import S3Object
from s3browser.ui.models.rows import RowStore

COUNT = 50_000
PREFIX = "warehouse/events/"


def page(start: int) -> list[S3Object]:
    return [
        S3Object(
            f"{PREFIX}part-{i:06d}-c000.snappy.parquet",
            1_000_003 * i % 5_000_000_000,
            f"2025-{1 + i % 12:02d}-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{i % 59:02d}Z",
            f"{(i * 2654435761) % (1 << 128):032x}",
            "STANDARD" if i % 7 else "GLACIER",
            "analytics-bucket",
        )
        for i in range(start, start + 1000)
    ]


def test_memory_per_listed_object_is_at_most_250_bytes() -> None:
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        store = RowStore()
        for start in range(0, COUNT, 1000):
            store.add_objects(page(start), len(PREFIX))  # one listing page at a time
        gc.collect()
        per_object = (tracemalloc.get_traced_memory()[0] - before) / COUNT
    finally:
        tracemalloc.stop()
    print(f"\nrow store: {per_object:.0f} bytes per listed object ({COUNT:,} objects)")
    assert store.object_count == COUNT
    assert store.etag(5) == f"{(5 * 2654435761) % (1 << 128):032x}"
    assert per_object <= 250


def test_name_column_behaves_like_a_list_and_leaves_the_collector_alone() -> None:
    from s3browser.ui.models.rows import NameColumn

    names = NameColumn()
    plain: list[str] = []
    for i in range(NameColumn.CHUNK * 2 + 17):
        name = f"Key-{i}"
        names.append(name)
        plain.append(name)
    assert len(names) == len(plain)
    for i in (0, 1, NameColumn.CHUNK - 1, NameColumn.CHUNK, len(plain) - 1, -1, -NameColumn.CHUNK):
        assert names[i] == plain[i]
    with pytest.raises(IndexError):
        names[len(plain)]
    assert list(names) == plain
    for needle, start in (("key-1", 0), ("7", 5000), ("key-8", len(plain) - 3)):
        assert names.matching(needle, start) == [
            i for i in range(start, len(plain)) if needle in plain[i].casefold()
        ]
    gc.collect()
    # Full collections walk only the open tail, not every name.
    assert not any(gc.is_tracked(part) for part in names.parts()[:-1])

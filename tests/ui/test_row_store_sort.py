"""Sorting the row store: the fast paths give exactly the order of a plain stable sort."""

from __future__ import annotations

import random

import pytest

from s3browser.core.models import S3Object
from s3browser.ui.models.rows import COL_CLASS, COL_ETAG, COL_MODIFIED, COL_SIZE, RowStore


def make_store(n: int, seed: int) -> RowStore:
    rng = random.Random(seed)
    classes = ["STANDARD", "GLACIER", "STANDARD_IA", "DEEP_ARCHIVE", ""]
    objects = []
    for i in range(n):
        etag = rng.choice(
            [f"{rng.getrandbits(128):032x}", f"{rng.getrandbits(128):032x}-3", "", "0" * 32]
        )
        stamp = rng.choice(["", f"2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}T00:00:00Z"])
        objects.append(
            S3Object(
                f"k{i:05d}",
                rng.choice([0, 5, rng.randrange(10**12)]),
                stamp,
                etag,
                rng.choice(classes),
                "b",
            )
        )
    store = RowStore()
    store.add_objects(objects, 0)
    return store


def reference(store: RowStore, column: int, indices: list[int], descending: bool) -> list[int]:
    key = {
        COL_SIZE: lambda i: store.sizes[i],
        COL_MODIFIED: lambda i: store.mtimes[i],
        COL_CLASS: store.storage_class,
        COL_ETAG: store.etag,
    }[column]
    return sorted(indices, key=key, reverse=descending)


@pytest.mark.parametrize("column", [COL_SIZE, COL_MODIFIED, COL_CLASS, COL_ETAG])
@pytest.mark.parametrize("descending", [False, True])
@pytest.mark.parametrize("needle", ["", "1"])
def test_fast_sorts_match_a_plain_stable_sort(column: int, descending: bool, needle: str) -> None:
    store = make_store(3000, seed=column * 7 + descending)
    for start in (0, 1234):
        got = list(store.object_order(needle, column, descending, start))
        indices = [i for i in range(start, 3000) if needle in store.names[i]]
        assert got == reference(store, column, indices, descending)


def test_empty_store_sorts() -> None:
    store = RowStore()
    for column in (COL_SIZE, COL_MODIFIED, COL_CLASS, COL_ETAG):
        assert list(store.object_order("", column, True)) == []

"""Column-wise storage of listing rows, small enough for a million keys.

A row per Python object (an ``S3Object`` dataclass, a dict, a list of cell strings)
costs 400-700 bytes; a listing of a million keys would need most of a gigabyte. Here
each field lives in its own array: the key suffix as a ``str`` in a list, sizes and
modification times as 8-byte ints, the storage class as a 1-byte index, the ETag as
16 raw bytes. That is about 120-150 bytes per object for typical key lengths.

Nothing here imports Qt, so the memory per row can be measured (and tested) alone.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from s3browser.core.models import S3Object
from s3browser.ui.models.format import epoch_from_iso

_NO_ETAG = bytes(16)
_HEX = frozenset("0123456789abcdefABCDEF")

# Columns of the object table, in display order.
COL_NAME, COL_SIZE, COL_MODIFIED, COL_CLASS, COL_ETAG = range(5)
COLUMN_TITLES = ("Name", "Size", "Last modified", "Storage class", "ETag")


class NameColumn:
    """The object names, in tuples of :data:`CHUNK` (a list for the last, open one).

    Why not one list: the garbage collector's full passes walk every item of every
    tracked container, so a list of a million names costs each full collection
    tens of milliseconds, and they happen every few pages while a big folder loads
    (the event loop stalled 90-180 ms). A tuple holding only strings is untracked by
    the collector the first time it looks at it, so frozen chunks cost nothing.
    Indexing, ``len``, ``append`` and iteration work as on a list.
    """

    __slots__ = ("_chunks", "_tail")

    CHUNK = 4096

    def __init__(self) -> None:
        self._chunks: list[tuple[str, ...]] = []
        self._tail: list[str] = []

    def __len__(self) -> int:
        return len(self._chunks) * self.CHUNK + len(self._tail)

    def __getitem__(self, index: int) -> str:
        if index < 0:
            index += len(self)
        chunk, offset = divmod(index, self.CHUNK)
        if chunk < len(self._chunks):
            return self._chunks[chunk][offset]
        if chunk == len(self._chunks):
            return self._tail[offset]
        raise IndexError(index)

    def __iter__(self) -> Iterator[str]:
        for chunk in self._chunks:
            yield from chunk
        yield from self._tail

    def append(self, name: str) -> None:
        tail = self._tail
        tail.append(name)
        if len(tail) == self.CHUNK:
            self._chunks.append(tuple(tail))
            self._tail = []

    def parts(self) -> list[Sequence[str]]:
        """The chunks and the open tail, in order (for bulk scans and measurements)."""
        return [*self._chunks, self._tail]

    def matching(self, needle: str, start: int = 0) -> list[int]:
        """Indices from ``start`` on whose name contains ``needle`` (already casefolded)."""
        found: list[int] = []
        base = 0
        for part in self.parts():
            end = base + len(part)
            if end > start:
                first = max(start - base, 0)
                found.extend(
                    base + j for j in range(first, len(part)) if needle in part[j].casefold()
                )
            base = end
        return found


class RowStore:
    """Folders (or buckets) and objects of one listing or one search, in arrival order."""

    __slots__ = (
        "_bucket_map",
        "_class_map",
        "bucket_ix",
        "bucket_names",
        "class_ix",
        "class_names",
        "etag_other",
        "etags",
        "folder_names",
        "folder_times",
        "mtimes",
        "names",
        "sizes",
        "total_size",
    )

    def __init__(self) -> None:
        # Folders: the name below the listed prefix, ending in "/" (or a bucket name).
        self.folder_names: list[str] = []
        self.folder_times = array("q")  # a bucket's creation time; -1 for folders
        # Objects: the key below the listed prefix (the whole key for a search of all buckets).
        self.names = NameColumn()
        self.sizes = array("q")
        self.mtimes = array("q")
        self.class_ix = bytearray()
        self.class_names: list[str] = []
        self._class_map: dict[str, int] = {}
        self.etags = bytearray()  # 16 bytes per object: the MD5 of plain uploads
        self.etag_other: dict[int, str] = {}  # multipart or non-MD5 ETags, by object index
        self.bucket_ix = array("H")
        self.bucket_names: list[str] = []
        self._bucket_map: dict[str, int] = {}
        self.total_size = 0

    @property
    def folder_count(self) -> int:
        return len(self.folder_names)

    @property
    def object_count(self) -> int:
        return len(self.names)

    def add_folders(self, names: Iterable[str], times: Iterable[int] | None = None) -> None:
        before = len(self.folder_names)
        self.folder_names.extend(names)
        added = len(self.folder_names) - before
        if times is None:
            self.folder_times.extend([-1] * added)
        else:
            self.folder_times.extend(times)

    def add_objects(self, objects: Sequence[S3Object], cut: int) -> None:
        """Append objects, keeping ``key[cut:]`` as the name (the part below the prefix)."""
        class_map = self._class_map
        for obj in objects:
            index = len(self.names)
            self.names.append(obj.key[cut:])
            self.sizes.append(obj.size)
            self.total_size += obj.size
            self.mtimes.append(epoch_from_iso(obj.last_modified))
            klass = obj.storage_class or "STANDARD"
            ix = class_map.get(klass)
            if ix is None:
                ix = len(self.class_names)
                if ix > 255:  # more distinct classes than a byte holds: cannot happen on S3
                    ix = 255
                else:
                    self.class_names.append(klass)
                    class_map[klass] = ix
            self.class_ix.append(ix)
            etag = obj.etag
            if len(etag) == 32 and _HEX.issuperset(etag):
                self.etags += bytes.fromhex(etag)
            else:
                self.etags += _NO_ETAG
                if etag:
                    self.etag_other[index] = etag
            bix = self._bucket_map.get(obj.bucket_name)
            if bix is None:
                bix = len(self.bucket_names)
                self.bucket_names.append(obj.bucket_name)
                self._bucket_map[obj.bucket_name] = bix
            self.bucket_ix.append(bix)

    def etag(self, index: int) -> str:
        other = self.etag_other.get(index)
        if other is not None:
            return other
        raw = self.etags[index * 16 : index * 16 + 16]
        return "" if raw == _NO_ETAG else raw.hex()

    def storage_class(self, index: int) -> str:
        return self.class_names[self.class_ix[index]]

    def bucket(self, index: int) -> str:
        return self.bucket_names[self.bucket_ix[index]]

    # -- which rows show, in which order -------------------------------------------
    def folder_order(self, needle: str, descending: bool, start: int = 0) -> array[int]:
        """Visible folder indices from ``start`` on: names containing ``needle``."""
        names = self.folder_names
        if needle:
            picked = array(
                "i", (i for i in range(start, len(names)) if needle in names[i].casefold())
            )
        else:
            picked = array("i", range(start, len(names)))
        if descending:
            picked.reverse()
        return picked

    def object_order(
        self, needle: str, column: int, descending: bool, start: int = 0
    ) -> array[int]:
        """Visible object indices from ``start`` on, sorted by ``column``.

        The name order is the listing's own order (S3 returns keys sorted by their
        UTF-8 bytes), so it needs no sorting and new pages simply append.
        """
        names = self.names
        if needle:
            indices: list[int] | range = names.matching(needle, start)
        else:
            indices = range(start, len(names))
        key = self._sort_key(column)
        if key is None:
            picked = array("i", indices)
            if descending:
                picked.reverse()
            return picked
        return array("i", sorted(indices, key=key, reverse=descending))

    def _sort_key(self, column: int) -> Callable[[int], Any] | None:
        """A C-level lookup per index where possible: a Python function called a
        million times costs more than the sort itself (issue 7: sorting < 1 s)."""
        if column in (COL_SIZE, COL_MODIFIED):
            # As floats (exact below 2**53 bytes or seconds): list.sort compares floats
            # on a fast path, but ints only when they fit in 30 bits (sizes and epoch
            # seconds do not); about 30% faster on a million rows.
            return array("d", self.sizes if column == COL_SIZE else self.mtimes).__getitem__
        if column == COL_CLASS:
            # Each class index's rank in alphabetical order, looked up with translate().
            ranked = sorted(range(len(self.class_names)), key=self.class_names.__getitem__)
            table = bytearray(256)
            for rank, ix in enumerate(ranked):
                table[ix] = rank
            return self.class_ix.translate(table).__getitem__
        if column == COL_ETAG:
            # The text of every ETag at once (hex of the raw MD5s, then the others);
            # equal to self.etag(i) for every i.
            hexes = self.etags.hex()
            zero = "0" * 32
            keys = [hexes[j : j + 32] for j in range(0, len(hexes), 32)]
            keys = [k if k != zero else "" for k in keys]
            for index, other in self.etag_other.items():
                keys[index] = other
            return keys.__getitem__
        return None

"""What to download: sources (objects, folders) and their local names in a batch.

A selected object lands in the destination under its own name; a selected folder
lands as a folder of that name with its structure below it (what a file manager does
when you drag a folder). ``Source.base`` overrides the part of the key that is not
reproduced locally: the CLI's ``get --recursive s3://b/p/ DEST`` puts p's contents
straight into DEST, like ``aws s3 cp --recursive``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from s3browser.core.models import S3Object, S3Prefix
from s3browser.core.transfers.paths import UnsafeKeyError, local_path, twin_key


@dataclass(frozen=True, slots=True)
class Source:
    """One selected thing: an object key, or a prefix ending in ``/`` ("" = whole bucket)."""

    bucket: str
    key: str
    size: int | None = None  # from the listing, when known: small objects then skip HEAD
    last_modified: str = ""
    base: str | None = None  # leading part of the key not reproduced locally
    target: Path | None = None  # an exact local file name (a single object only)

    @property
    def is_prefix(self) -> bool:
        return self.key == "" or self.key.endswith("/")

    @property
    def base_prefix(self) -> str:
        """By default the parent "folder" of the selection, so its own name is kept."""
        if self.base is not None:
            return self.base
        trimmed = self.key.rstrip("/")
        parent = str(PurePosixPath(trimmed).parent) if "/" in trimmed else ""
        return "" if parent in ("", ".") else parent + "/"

    @classmethod
    def of(cls, thing: Source | S3Object | S3Prefix) -> Source:
        if isinstance(thing, Source):
            return thing
        if isinstance(thing, S3Prefix):
            return cls(thing.bucket_name, thing.prefix)
        return cls(thing.bucket_name, thing.key, size=thing.size, last_modified=thing.last_modified)


class NamePlan:
    """Local names already given out in one batch: catches twins and file/folder clashes.

    Two keys can map to one local name: ``café`` in NFC and NFD form (one file on
    macOS), ``A.txt`` and ``a.txt`` on a case-insensitive disk, or ``a`` (an object)
    and ``a/b`` (which needs a folder ``a``). The first key planned keeps the name;
    the later one is skipped with the reason.
    """

    def __init__(self, dest: Path, *, case_insensitive: bool) -> None:
        self.dest = dest
        self.case_insensitive = case_insensitive
        self._taken: dict[str, tuple[str, str]] = {}  # twin key -> (kind, S3 key)

    def _tk(self, path: Path) -> str:
        return twin_key(path, case_insensitive=self.case_insensitive)

    def claim_file(self, key: str, rel: str, target: Path | None = None) -> Path:
        """The local path for ``key``; raises :class:`UnsafeKeyError` with the reason."""
        path = target if target is not None else local_path(self.dest, rel)
        self._claim_parents(key, path)
        tk = self._tk(path)
        other = self._taken.get(tk)
        if other is not None:
            kind, other_key = other
            if kind == "dir":
                raise UnsafeKeyError(
                    f"a folder of the same local name holds other objects ({path.name}/...)"
                )
            raise UnsafeKeyError(
                f"its local name {path.name!r} is already used by {other_key!r} "
                "(the keys differ only in Unicode normalisation or letter case)"
            )
        self._taken[tk] = ("file", key)
        return path

    def claim_folder(self, key: str, rel: str) -> Path:
        path = local_path(self.dest, rel)
        self._claim_parents(key, path)
        self._check_dir(key, path)
        return path

    def _claim_parents(self, key: str, path: Path) -> None:
        try:
            rel_parts = path.relative_to(self.dest).parts[:-1]
        except ValueError:
            return  # an explicit target outside the plan's folder structure
        current = self.dest
        for part in rel_parts:
            current = current / part
            self._check_dir(key, current)

    def _check_dir(self, key: str, folder: Path) -> None:
        tk = self._tk(folder)
        other = self._taken.get(tk)
        if other is not None and other[0] == "file":
            raise UnsafeKeyError(
                f"the folder {folder.name!r} would have the same local name as the "
                f"object {other[1]!r}, which is also downloaded"
            )
        self._taken[tk] = ("dir", key)

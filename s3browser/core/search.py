"""Searching keys: prefix (server side), substring, glob and regex (client side).

Results stream as they are found, so the GUI can show a live count and stop early;
cancelling the consuming task stops the listing. Only a prefix can be evaluated by
S3 itself, so every mode first narrows the listing to the longest literal prefix it
can, then filters the keys locally. The listing shards the bucket by folders and lists
them in parallel (core/sharding.py), so results arrive in folder order, not key order.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from s3browser.core.clients import ClientPool
from s3browser.core.config import S3_CONFIG
from s3browser.core.errors import InvalidInputError, S3BrowserError
from s3browser.core.listing import list_buckets
from s3browser.core.models import S3Object
from s3browser.core.sharding import iter_recursive

SearchMode = Literal["prefix", "substring", "glob", "regex"]
SEARCH_MODES: tuple[str, ...] = ("prefix", "substring", "glob", "regex")


def _as_datetime(value: Any, name: str) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        try:
            dt = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
        except ValueError as exc:
            raise InvalidInputError(
                f"The {name} filter {value!r} is not a date: use ISO format such as 2024-05-01."
            ) from exc
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


@dataclass(slots=True)
class SearchFilters:
    """Filters applied on top of the key pattern (the data service's ``filters`` dict)."""

    prefix: str = ""
    suffix: str = ""
    min_size: int | None = None
    max_size: int | None = None
    modified_after: datetime | None = None
    modified_before: datetime | None = None
    storage_classes: frozenset[str] = field(default_factory=frozenset)

    @classmethod
    def from_dict(cls, filters: dict[str, Any] | None) -> SearchFilters:
        f = dict(filters or {})
        known = {
            "prefix",
            "suffix",
            "min_size",
            "max_size",
            "modified_after",
            "modified_before",
            "storage_class",
            "storage_classes",
            "bucket_name",
            "mode",
            "limit",
            "case_sensitive",
        }
        unknown = set(f) - known
        if unknown:
            raise InvalidInputError(
                f"Unknown search filter {sorted(unknown)[0]!r}: use prefix, suffix, min_size, "
                "max_size, modified_after, modified_before or storage_class."
            )
        classes = f.get("storage_classes") or f.get("storage_class") or ()
        if isinstance(classes, str):
            classes = (classes,)
        for name in ("min_size", "max_size"):
            if f.get(name) is not None and (not isinstance(f[name], int) or f[name] < 0):
                raise InvalidInputError(f"The {name} filter must be a whole number of bytes >= 0.")
        return cls(
            prefix=f.get("prefix") or "",
            suffix=f.get("suffix") or "",
            min_size=f.get("min_size"),
            max_size=f.get("max_size"),
            modified_after=_as_datetime(f.get("modified_after"), "modified_after"),
            modified_before=_as_datetime(f.get("modified_before"), "modified_before"),
            storage_classes=frozenset(c.upper() for c in classes),
        )

    def accepts(self, obj: S3Object) -> bool:
        if self.suffix and not obj.key.endswith(self.suffix):
            return False
        if self.min_size is not None and obj.size < self.min_size:
            return False
        if self.max_size is not None and obj.size > self.max_size:
            return False
        if self.storage_classes and obj.storage_class.upper() not in self.storage_classes:
            return False
        if self.modified_after or self.modified_before:
            modified = _as_datetime(obj.last_modified, "last_modified")
            if modified is None:
                return False
            if self.modified_after and modified < self.modified_after:
                return False
            if self.modified_before and modified > self.modified_before:
                return False
        return True


@dataclass(slots=True)
class SearchQuery:
    """What to look for: a pattern, how to read it, and where."""

    pattern: str
    mode: SearchMode = "substring"
    bucket: str | None = None  # None: every bucket the caller can list
    prefix: str = ""  # the folder to search in (within ``bucket``)
    case_sensitive: bool = False
    filters: SearchFilters = field(default_factory=SearchFilters)
    limit: int | None = None

    def matcher(self) -> Callable[[str], bool]:
        """A predicate over the key's part below the searched folder."""
        pattern = self.pattern
        if self.mode not in SEARCH_MODES:
            raise InvalidInputError(
                f"Unknown search mode {self.mode!r}: use prefix, substring, glob or regex."
            )
        flags = 0 if self.case_sensitive else re.IGNORECASE
        if self.mode == "prefix":
            return lambda rel: True  # the server already applied it
        if self.mode == "substring":
            if self.case_sensitive:
                return lambda rel: pattern in rel
            folded = pattern.casefold()
            return lambda rel: folded in rel.casefold()
        if self.mode == "glob":
            regex = re.compile(fnmatch.translate(pattern), flags)
            return lambda rel: regex.match(rel) is not None
        try:
            regex = re.compile(pattern, flags)
        except re.error as exc:
            raise InvalidInputError(
                f"The regular expression {pattern!r} is not valid ({exc}): correct it and search again."
            ) from exc
        return lambda rel: regex.search(rel) is not None

    def server_prefix(self) -> str:
        """The longest prefix S3 can filter on for this query."""
        base = self.prefix + self.filters.prefix
        if self.mode == "prefix":
            return base + self.pattern
        if self.mode == "glob" and self.case_sensitive:
            literal = re.split(r"[*?\[]", self.pattern, maxsplit=1)[0]
            return base + literal
        return base


async def search(
    pool: ClientPool,
    query: SearchQuery,
    *,
    on_error: Callable[[str, S3BrowserError], None] | None = None,
) -> AsyncIterator[S3Object]:
    """Yield matching objects as they are listed, up to ``query.limit``.

    With ``query.bucket`` None every listable bucket is searched; a bucket that
    refuses listing is reported to ``on_error`` (and skipped) rather than ending
    the whole search.
    """
    if not query.pattern and query.mode != "prefix":
        raise InvalidInputError("The search pattern is empty: type something to search for.")
    match = query.matcher()
    limit = query.limit if query.limit is not None else S3_CONFIG["search"]["default_limit"]
    buckets = [query.bucket] if query.bucket else [b.name for b in await list_buckets(pool)]
    found = 0
    server_prefix = query.server_prefix()
    cut = len(query.prefix)
    for bucket in buckets:
        try:
            async for page in iter_recursive(pool, bucket, server_prefix):
                for obj in page.objects:
                    if match(obj.key[cut:]) and query.filters.accepts(obj):
                        yield obj
                        found += 1
                        if limit and found >= limit:
                            return
        except S3BrowserError as err:
            if on_error is None or query.bucket:
                raise
            on_error(bucket, err)

"""Back/forward history of visited locations, as a browser keeps it."""

from __future__ import annotations

from s3browser.core.s3url import S3Location


class History:
    """Visiting a new place drops the forward list; back/forward move a cursor."""

    def __init__(self, limit: int = 200) -> None:
        self._items: list[S3Location] = []
        self._pos = -1
        self._limit = limit

    @property
    def current(self) -> S3Location | None:
        return self._items[self._pos] if self._pos >= 0 else None

    def visit(self, location: S3Location) -> None:
        if self.current == location:
            return
        del self._items[self._pos + 1 :]
        self._items.append(location)
        if len(self._items) > self._limit:
            del self._items[0]
        self._pos = len(self._items) - 1

    def can_back(self) -> bool:
        return self._pos > 0

    def can_forward(self) -> bool:
        return self._pos < len(self._items) - 1

    def back(self) -> S3Location | None:
        if not self.can_back():
            return None
        self._pos -= 1
        return self._items[self._pos]

    def forward(self) -> S3Location | None:
        if not self.can_forward():
            return None
        self._pos += 1
        return self._items[self._pos]

"""Running core coroutines from Qt code without losing them or their errors.

qasync's ``asyncSlot`` keeps no strong reference to the task it starts, so a task
can be garbage-collected mid-flight; and a task's exception is only seen if someone
looks. :class:`TaskGroup` keeps every task alive until it ends, logs failures that
nobody handled, and cancels and awaits all of them when its owner closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class TaskGroup:
    """Owns the asyncio tasks started by one widget (or the whole window)."""

    def __init__(self, name: str = "ui") -> None:
        self.name = name
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False

    def start(
        self,
        coro: Coroutine[Any, Any, T],
        *,
        on_error: Callable[[BaseException], None] | None = None,
        name: str | None = None,
    ) -> asyncio.Task[T]:
        """Schedule ``coro``; ``on_error`` gets any exception except cancellation."""
        if self._closed:
            coro.close()
            raise RuntimeError(f"task group {self.name!r} is closed")
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)

        def done(t: asyncio.Task[Any]) -> None:
            self._tasks.discard(t)
            if t.cancelled():
                return
            exc = t.exception()
            if exc is None:
                return
            if on_error is not None:
                try:
                    on_error(exc)
                except Exception:
                    log.exception("error handler of task %s failed", t.get_name())
            else:
                log.error("task %s failed", t.get_name(), exc_info=exc)

        task.add_done_callback(done)
        return task

    @property
    def running(self) -> int:
        return len(self._tasks)

    def cancel_all(self) -> None:
        for task in list(self._tasks):
            task.cancel()

    async def close(self) -> None:
        """Cancel every task and wait for all of them to finish unwinding."""
        self._closed = True
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks.clear()


class Generation:
    """A counter that makes stale answers recognisable.

    Each new request calls :meth:`next` and remembers the number; when its answer
    arrives, :meth:`is_current` tells whether the user has asked for something else
    since, in which case the answer is dropped instead of shown.
    """

    def __init__(self) -> None:
        self.value = 0

    def next(self) -> int:
        self.value += 1
        return self.value

    def is_current(self, value: int) -> bool:
        return value == self.value

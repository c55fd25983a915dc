"""UI test set-up: Qt without a display, and a qasync event loop for async tests.

The widgets run core coroutines on the asyncio loop, and that loop must also run
Qt's events, so every async test in this folder runs on a qasync ``QEventLoop``
(via pytest-asyncio's ``pytest_asyncio_loop_factories`` hook) over the one
``QApplication`` that pytest-qt's ``qapp`` fixture also uses.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Iterator, Mapping
from typing import Any, TypeVar

import pytest

if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


def _qasync_loop() -> Any:
    import qasync
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    return qasync.QEventLoop(app)


def pytest_asyncio_loop_factories(config: Any, item: Any) -> Mapping[str, Callable[[], Any]]:
    return {"qasync": _qasync_loop}


# Platform noise, not our bug: the offscreen plugin says this whenever a window is shown.
_QT_NOISE = (r"This plugin does not support propagateSizeHints\(\)",)


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Add the noise to every UI test's ignore list (merged with a test's own marker)."""
    for item in items:
        if "tests/ui/" not in str(item.fspath).replace("\\", "/"):
            continue
        own = item.get_closest_marker("qt_log_ignore")
        extra = own.args if own is not None else ()
        item.add_marker(pytest.mark.qt_log_ignore(*_QT_NOISE, *extra), append=False)


@pytest.fixture
async def session(credentials: dict[str, Any]) -> AsyncIterator[Any]:
    """An open S3Session on the moto server, closed after the test."""
    from s3browser.core.session import S3Session

    async with S3Session(credentials) as s:
        yield s


# -- for plain (non-async) tests that drive the window step by step ---------------------
T = TypeVar("T")


@pytest.fixture
def qloop(qapp: Any) -> Iterator[asyncio.AbstractEventLoop]:
    """A qasync event loop on the test QApplication, for :func:`run`."""
    import qasync

    qapp.setQuitOnLastWindowClosed(False)  # as in the app: closing a window ends no loop
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        yield loop
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def run(loop: asyncio.AbstractEventLoop, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
    """Run ``coro`` on the qasync loop (Qt events are processed meanwhile)."""
    return loop.run_until_complete(asyncio.wait_for(coro, timeout))


async def wait_until(predicate: Callable[[], Any], timeout: float = 20, what: str = "") -> None:
    """Poll ``predicate`` while the loop runs; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or predicate}")
        await asyncio.sleep(0.01)

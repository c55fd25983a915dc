"""UI test set-up: Qt without a display, and a qasync event loop for async tests.

The widgets run core coroutines on the asyncio loop, and that loop must also run
Qt's events, so every async test in this folder runs on a qasync ``QEventLoop``
(via pytest-asyncio's ``pytest_asyncio_loop_factories`` hook) over the one
``QApplication`` that pytest-qt's ``qapp`` fixture also uses.
"""

from __future__ import annotations

import os
import sys
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any

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

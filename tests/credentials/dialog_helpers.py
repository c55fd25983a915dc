"""Driving the connect dialog the way a user does: typing, choosing, clicking."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QPushButton


async def until(condition: Callable[[], Any], timeout: float = 15.0) -> None:
    """Let the event loop run until ``condition()`` holds (never a fixed sleep)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not condition():
        if loop.time() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.02)


async def dispose(widget: Any) -> None:
    """Close ``widget`` and delete its C++ side now, on the GUI thread.

    Otherwise a reference cycle may keep the Python wrapper until a garbage
    collection that happens to run on a worker thread (botocore allocates a lot
    there), and Qt warns about timers destroyed from another thread.
    """
    import shiboken6

    if hasattr(widget, "aclose"):
        await widget.aclose()
    if shiboken6.isValid(widget):  # pytest-qt may have deleted it already
        widget.close()
        shiboken6.delete(widget)


def type_into(qtbot: Any, edit: QLineEdit, text: str) -> None:
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)


def choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isEnabled(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_access_keys(
    qtbot: Any,
    dialog: Any,
    *,
    name: str,
    endpoint: str,
    key_id: str = "testing-key-id",
    secret: str = "testing-secret-key",
    token: str = "",
) -> None:
    """New connection -> MinIO preset on ``endpoint`` -> keys."""
    click(qtbot, dialog.new_button)
    form = dialog.form
    type_into(qtbot, form.name, name)
    choose(form.preset, "minio")
    type_into(qtbot, form.preset_value, endpoint)
    type_into(qtbot, form.access_key_id, key_id)
    type_into(qtbot, form.secret_key, secret)
    if token:
        type_into(qtbot, form.session_token, token)

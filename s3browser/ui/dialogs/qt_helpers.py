"""Small helpers for building dialogs."""

from __future__ import annotations

from typing import TypeVar

from PySide6.QtCore import QObject

W = TypeVar("W", bound=QObject)


def named(widget: W, name: str) -> W:
    """Give ``widget`` an object name (how tests and style sheets find it) and return it."""
    widget.setObjectName(name)
    return widget

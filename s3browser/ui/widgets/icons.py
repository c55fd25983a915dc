"""Icons from ``resources/icons``, with line icons tinted to the current palette.

The toolbar glyphs are drawn with ``stroke="currentColor"``; Qt's SVG renderer has no
notion of a current colour, so the colour is substituted with the palette's text
colour before rendering. That keeps them readable in both light and dark themes.
Coloured icons (folder, file, bucket) are used as drawn.
"""

from __future__ import annotations

import logging
from functools import cache

from PySide6.QtCore import QByteArray, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from s3browser.resources import resource_path

log = logging.getLogger(__name__)

_SIZES = (16, 24, 32, 48)


def _text_colour() -> str:
    app = QGuiApplication.instance()
    if app is None:
        return "#444444"
    return QGuiApplication.palette().color(QPalette.ColorRole.WindowText).name()


@cache
def _icon(name: str, colour: str) -> QIcon:
    path = resource_path("icons", f"{name}.svg")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        log.warning("icon %s is missing", path)
        return QIcon()
    data = QByteArray(text.replace("currentColor", colour).encode("utf-8"))
    renderer = QSvgRenderer(data)
    icon = QIcon()
    if not renderer.isValid():
        log.warning("icon %s is not a valid SVG", path)
        return icon
    for size in _SIZES:
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        renderer.render(painter)
        painter.end()
        icon.addPixmap(pixmap)
    return icon


def icon(name: str) -> QIcon:
    """The icon ``resources/icons/<name>.svg`` in the current palette's text colour."""
    return _icon(name, _text_colour())


def app_icon() -> QIcon:
    """The application icon (drawn by the packaging work), if it is there."""
    path = resource_path("icons", "s3browser.svg")
    return QIcon(str(path)) if path.is_file() else _icon("bucket", "#000000")

"""Start-up decisions that need no window: display detection and argument handling."""

from __future__ import annotations

import pytest

from s3browser.app import EXIT_NO_DISPLAY, has_display, run_gui


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, False),
        ({"DISPLAY": ":3"}, True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, True),
        ({"QT_QPA_PLATFORM": "offscreen"}, True),
        ({"QT_QPA_PLATFORM": "xcb"}, False),
    ],
)
def test_display_detection(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], expected: bool
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert has_display() is expected


def test_no_display_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for var in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(var, raising=False)
    assert run_gui(["--demo"]) == EXIT_NO_DISPLAY
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "s3browser ls" in err[0]


def test_icons_follow_the_palette(qapp: object) -> None:
    from PySide6.QtGui import QColor, QGuiApplication, QPalette

    from s3browser.ui.widgets.icons import icon

    light = icon("back").pixmap(24, 24).toImage()
    palette = QGuiApplication.palette()
    original = QPalette(palette)
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#f0f0f0"))
    QGuiApplication.setPalette(palette)
    try:
        dark = icon("back").pixmap(24, 24).toImage()
    finally:
        QGuiApplication.setPalette(original)
    assert not light.isNull() and not dark.isNull()
    assert light != dark  # the glyph is redrawn in the new text colour

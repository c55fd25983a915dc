"""The app installs the Transfers dock after the first paint (start-up, issue 7).

Installed late, the dock must still land where the user left it (Qt's
restoreDockWidget) and work like one installed with the window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings, Qt

from s3browser.ui.main_window import MainWindow


def test_a_late_transfers_dock_takes_its_saved_place(qtbot: Any, tmp_path: Any) -> None:
    path = str(tmp_path / "settings.ini")
    first = MainWindow(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.show()
    dock = first.transfers.dock
    first.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, dock)
    dock.show()
    qtbot.waitUntil(dock.isVisible)
    first.save_settings()
    first.close()

    late = MainWindow(QSettings(path, QSettings.Format.IniFormat), defer_transfers=True)
    qtbot.addWidget(late)
    late.show()
    assert late.transfers is None  # nothing of transfers imported or built yet
    controller = late.install_transfers()
    assert late.install_transfers() is controller  # once
    qtbot.waitUntil(controller.dock.isVisible)
    assert late.dockWidgetArea(controller.dock) == Qt.DockWidgetArea.LeftDockWidgetArea
    assert controller.download_action in late.findChildren(type(controller.download_action))

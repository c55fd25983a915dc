"""Plugging transfers into the main window: the one place that knows both.

The main window calls :func:`install_transfers` once (before restoring its dock
layout) and forwards three moments: a new session, no session, shutdown. Keeping
the placement here (menu entries, the path bar's button, the dock toggle) keeps the
window's own module free of transfer details and rebases between the two easy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolButton

from s3browser.ui.transfers_controller import TransfersController
from s3browser.ui.widgets.icons import icon


def _menu(window: Any, title: str) -> QMenu | None:
    for action in window.menuBar().actions():
        if action.text().replace("&", "") == title and action.menu() is not None:
            menu: QMenu = action.menu()
            return menu
    return None


def _insert(menu: QMenu, position: int, action: QAction) -> None:
    actions = menu.actions()
    if len(actions) > position:
        menu.insertAction(actions[position], action)
    else:
        menu.addAction(action)


def install_transfers(window: Any) -> TransfersController:
    """Create the controller for ``window`` (a MainWindow) and place its actions."""
    controller = TransfersController(
        window, window.table.selected_refs, window.settings, table=window.table
    )
    window.download_requested.connect(controller.download_refs)
    action = controller.download_action
    action.setIcon(icon("download"))
    action.setEnabled(False)  # until connected
    file_menu = _menu(window, "File")
    if file_menu is not None:
        _insert(file_menu, 1, action)  # after Connect…
    view_menu = _menu(window, "View")
    toggle = controller.dock.toggleViewAction()
    toggle.setText("&Transfers")
    toggle.setShortcut(QKeySequence("Ctrl+Shift+T"))
    if view_menu is not None:
        _insert(view_menu, 1, toggle)  # after the Details toggle
    window.addAction(toggle)
    path_bar = getattr(window, "path_bar", None)
    if path_bar is not None and path_bar.layout() is not None:
        button = QToolButton(path_bar)
        button.setDefaultAction(action)
        button.setAutoRaise(True)
        button.setToolTip("Download the selection (Ctrl+D)")
        button.setAccessibleName("Download")
        path_bar.layout().addWidget(button)
        controller.download_button = button
    return controller

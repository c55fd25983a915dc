"""The main window's connection switcher: pick a saved connection, or manage them.

A combo box rather than a menu so the current connection's name is always visible;
its last entry opens the connect dialog. Choosing an entry only emits a signal: the
keyring read and the connection itself happen in :class:`s3browser.ui.connections.Connections`.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QSizePolicy, QWidget

from s3browser.credentials.profiles import Profile

MANAGE = "__manage__"
SESSION = "__session__"  # the connection the app started with, not saved (the demo server)


class ProfileSwitcher(QComboBox):
    """``profileChosen(id)`` when the user picks a connection, ``manageRequested()`` for the dialog."""

    profileChosen = Signal(str)
    manageRequested = Signal()
    sessionChosen = Signal()  # the unsaved start-up connection (see set_session_entry)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profileSwitcher")
        self.setToolTip("Connection")
        self.setPlaceholderText("Not connected")
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self._current_id: str | None = None
        self._session_label = ""
        self._profiles: list[Profile] = []
        self.activated.connect(self._activated)
        self.set_profiles([])

    @property
    def current_id(self) -> str | None:
        return self._current_id

    def set_profiles(self, profiles: list[Profile], current_id: str | None = None) -> None:
        """Replace the entries; keeps the current connection unless ``current_id`` is given."""
        if current_id is not None:
            self._current_id = current_id
        self._profiles = list(profiles)
        self.blockSignals(True)
        self.clear()
        if self._session_label:
            self.addItem(self._session_label, SESSION)
        for p in profiles:
            self.addItem(p.label, p.id)
            self.setItemData(self.count() - 1, p.summary, Qt.ItemDataRole.ToolTipRole)
        if profiles or self._session_label:
            self.insertSeparator(self.count())
        self.addItem("Manage connections…", MANAGE)
        self.blockSignals(False)
        self._show_current()

    def set_session_entry(self, label: str) -> None:
        """List the unsaved start-up connection (``label``, e.g. "Demo server") first, so
        that after switching to a saved connection the user can switch back to it."""
        self._session_label = label
        self.setPlaceholderText(label or "Not connected")
        self.set_profiles(self._profiles)

    def set_current(self, profile_id: str | None) -> None:
        self._current_id = profile_id
        self._show_current()

    def _show_current(self) -> None:
        wanted = self._current_id or (SESSION if self._session_label else None)
        index = self.findData(wanted) if wanted else -1
        self.setCurrentIndex(index)

    def _activated(self, index: int) -> None:
        data = self.itemData(index)
        if data == MANAGE:
            self._show_current()  # the combo keeps showing the connection, not the action
            self.manageRequested.emit()
        elif data == SESSION:
            if self._current_id is not None:
                self._show_current()
                self.sessionChosen.emit()
        elif isinstance(data, str) and data != self._current_id:
            self._show_current()  # switch only once the connection is made
            self.profileChosen.emit(data)

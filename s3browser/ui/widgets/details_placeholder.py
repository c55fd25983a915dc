"""Stands in for the details dock (``details_pane.DetailsPane``) where it is missing.

Same methods, so the main window needs no special case: it shows one line about the
selection instead of the full metadata and preview.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from s3browser.ui.models.format import human_size


class DetailsPlaceholder(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel("Select a bucket, folder or object to see its details.", self)
        self.label.setWordWrap(True)
        self.label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        self.session: Any = None

    def set_session(self, session: Any) -> None:
        self.session = session
        self.clear()

    def show_object(self, bucket: str, key: str) -> None:
        self.label.setText(f"Object\ns3://{bucket}/{key}")

    def show_bucket(self, bucket: str) -> None:
        self.label.setText(f"Bucket\ns3://{bucket}/")

    def show_folder(self, bucket: str, prefix: str, count: int, total_size: int) -> None:
        listed = f"\n{count:,} objects listed, {human_size(total_size)}" if count >= 0 else ""
        self.label.setText(f"Folder\ns3://{bucket}/{prefix}{listed}")

    def clear(self) -> None:
        self.label.setText("Select a bucket, folder or object to see its details.")

"""Drag-out test: a drop target in its own process, like a file manager's window.

Run: python -m tests.ui.apps.drop_target OUT_DIR X Y
On a drop it copies every dropped file URL (files and folders) into OUT_DIR, the way a
file manager copies, then prints {"dropped": [paths]} and writes OUT_DIR/.dropped.json.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtWidgets import QApplication, QLabel


class Target(QLabel):
    def __init__(self, out: Path) -> None:
        super().__init__("Drop files here")
        self.out = out
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setAcceptDrops(True)
        self.setWindowTitle("drop target")

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        copied = []
        for url in urls:
            src = Path(url.toLocalFile())
            dst = self.out / src.name
            if src.is_dir():
                shutil.copytree(src, dst)
            elif src.is_file():
                shutil.copyfile(src, dst)
            else:
                continue
            copied.append(str(dst))
        event.acceptProposedAction()
        report = {"dropped": copied, "urls": [u.toString() for u in urls]}
        (self.out / ".dropped.json").write_text(json.dumps(report))
        print(json.dumps(report), flush=True)
        self.setText(f"Dropped {len(copied)} item(s)")


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    target = Target(Path(sys.argv[1]))
    target.setGeometry(int(sys.argv[2]), int(sys.argv[3]), 300, 300)
    target.show()
    print(json.dumps({"ready": True}), flush=True)
    app.exec()

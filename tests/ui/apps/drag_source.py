"""Drag-out test: the source app, a table of objects with the real TransfersController.

Run: python -m tests.ui.apps.drag_source ENDPOINT BUCKET KEY[=SIZE] ...
Prints one JSON line {"rows": [[x, y], ...]} (global centres of the rows) once ready,
then status-bar messages as {"status": "..."} lines. Exits when its window closes.
"""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass

import qasync
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QAbstractItemView, QApplication, QMainWindow, QTableView

from s3browser.core.session import S3Session
from s3browser.ui.transfers_controller import TransfersController


@dataclass
class Ref:
    kind: str
    bucket: str
    key: str
    size: int = 0


async def main(endpoint: str, bucket: str, specs: list[str]) -> None:
    refs = []
    for spec in specs:
        key, _, size = spec.partition("=")
        refs.append(Ref("folder" if key.endswith("/") else "object", bucket, key, int(size or 0)))
    window = QMainWindow()
    window.setWindowTitle("drag source")
    model = QStandardItemModel(len(refs), 1)
    for row, ref in enumerate(refs):
        model.setItem(row, 0, QStandardItem(ref.key))
    table = QTableView()
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setColumnWidth(0, 400)
    window.setCentralWidget(table)

    def selected() -> list[Ref]:
        return [refs[i.row()] for i in table.selectionModel().selectedRows()]

    settings = QSettings(sys.argv[0] + ".ini", QSettings.Format.IniFormat)
    controller = TransfersController(window, selected, settings, table=table)
    window.statusBar().messageChanged.connect(
        lambda text: text and print(json.dumps({"status": text}), flush=True)
    )
    window.setGeometry(0, 0, 700, 500)
    window.show()
    closed = asyncio.Event()
    window.destroyed.connect(closed.set)
    window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    async with S3Session(
        {
            "aws_access_key_id": "testing-key-id",
            "aws_secret_access_key": "testing-secret-key",
            "region_name": "us-east-1",
            "endpoint_url": endpoint,
        }
    ) as session:
        controller.set_session(session)
        await asyncio.sleep(0.5)
        table.selectAll()
        centres = []
        for row in range(len(refs)):
            rect = table.visualRect(model.index(row, 0))
            point = table.viewport().mapToGlobal(rect.center())
            centres.append([point.x(), point.y()])
        print(json.dumps({"rows": centres}), flush=True)
        await closed.wait()
        await controller.aclose()


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    qasync.run(main(sys.argv[1], sys.argv[2], sys.argv[3:]))

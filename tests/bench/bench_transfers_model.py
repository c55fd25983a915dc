"""How the Transfers panel copes with a 10,000-file download (prints a table).

Run: QT_QPA_PLATFORM=offscreen python -m tests.bench.bench_transfers_model
Feeds the real TransfersModel + TransfersPanel synthetic engine events: one event with
N new rows (the engine sends about one listing page per event, so this is the worst
case), then 200 events updating 16 running rows each (what ~10 events/s look like),
then "clear finished" of every other row (the scattered case).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from PySide6.QtWidgets import QApplication

from s3browser.core.transfers import ItemProgress, ProgressEvent
from s3browser.core.transfers import TransferState as S
from s3browser.ui.models.transfers_model import TransfersModel
from s3browser.ui.widgets.transfers_panel import TransfersPanel


def _item(i: int, state: S, done: int) -> ItemProgress:
    return ItemProgress(i, 1, "b", f"dir/file-{i:05d}.csv", Path(f"/tmp/x/file-{i:05d}.csv"),
                        state, done, 65536, 1e6, 1.0)  # fmt: skip


def _event(items: tuple[ItemProgress, ...]) -> ProgressEvent:
    return ProgressEvent(items, 0, 0, 0.0, None, {}, listing=False, idle=False)


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    print(
        f"{'rows':>7} {'insert all (ms)':>16} {'16-row update median/max (ms)':>30} {'clear half (ms)':>16}"
    )
    for n in (1_000, 10_000, 50_000):
        model = TransfersModel()
        panel = TransfersPanel(model)
        panel.resize(1000, 400)
        panel.show()
        t = time.perf_counter()
        model.apply(_event(tuple(_item(i, S.QUEUED, 0) for i in range(n))))
        app.processEvents()
        insert = time.perf_counter() - t
        updates = []
        for step in range(200):
            ids = [(step * 16 + k) % n for k in range(16)]
            t = time.perf_counter()
            model.apply(_event(tuple(_item(i, S.RUNNING, 30000) for i in ids)))
            app.processEvents()
            updates.append(time.perf_counter() - t)
        t = time.perf_counter()
        model.remove_items(set(range(0, n, 2)))
        app.processEvents()
        clear = time.perf_counter() - t
        print(f"{n:>7,} {insert * 1000:>16.1f} "
              f"{statistics.median(updates) * 1000:>17.2f} / {max(updates) * 1000:>6.1f}"
              f"{clear * 1000:>22.1f}")  # fmt: skip
        panel.deleteLater()
        app.processEvents()


if __name__ == "__main__":
    main()

"""Run a Qt program and report when its first window has painted, then end it.

    python -m tests.bench.paint_probe MODULE [ARGS...]

runs ``MODULE`` as ``__main__`` (like ``python -m``) with one change: the
``QApplication`` it creates carries an event filter that, after the first paint
event of a top-level window (and the rest of that frame: a zero-delay timer runs
after the whole backing store has been painted and flushed), prints
``PAINTED <time.monotonic()>`` and ends the process at once. CLOCK_MONOTONIC is
system-wide on Linux, so the parent compares it with its own launch time.

The probe imports PySide6.QtWidgets before the program does; both programs being
compared import it first thing anyway, so neither gains or loses by it.
"""

from __future__ import annotations

import os
import runpy
import sys
import time
from typing import Any

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QWidget

MARK = "PAINTED "


def _report() -> None:
    sys.stdout.write(f"{MARK}{time.monotonic():.6f}\n")
    sys.stdout.flush()
    os._exit(0)  # the window has been seen: skip the program's shutdown


class _FirstPaint(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.seen = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            not self.seen
            and event.type() == QEvent.Type.Paint
            and isinstance(watched, QWidget)
            and watched.isWindow()
        ):
            self.seen = True
            QTimer.singleShot(0, _report)
        return False


class _ProbedApplication(QApplication):
    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._first_paint = _FirstPaint()
        self.installEventFilter(self._first_paint)


def main() -> None:
    import PySide6.QtWidgets as widgets

    widgets.QApplication = _ProbedApplication  # type: ignore[misc]
    module = sys.argv[1]
    sys.argv = [module, *sys.argv[2:]]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()

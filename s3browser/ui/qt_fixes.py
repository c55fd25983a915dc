"""Work around PySide6 6.12.0's reference-count bug on Python < 3.12 (applied on import).

Measured here (PySide6-Essentials 6.12.0, CPython 3.11): every call of a Qt method
that returns nothing (``beginInsertRows``, ``QTimer.start``, ``QPainter.fillRect``…)
drops one reference to ``None``, and every ``Signal.emit()`` one to ``True``, without
having taken it. A GUI makes such calls all the time, so after a few thousand of
them (a few minutes of a progress bar) the interpreter aborts with "Fatal Python
error: none_dealloc" or "bool_dealloc". PySide6 6.11.3 does not have the bug, and on
Python 3.12+ these objects are immortal so the lost references do no harm.

The fix here does what Python 3.12 does: it gives ``None``, ``True`` and ``False`` a
reference count so large that no number of lost references can bring it to zero.
They are static objects that are never freed, so nothing else changes. It is applied
only when a probe shows the leak, i.e. never with a correct PySide6 or Python.
"""

from __future__ import annotations

import ctypes
import logging
import sys

log = logging.getLogger(__name__)

_IMMORTAL = 1 << 60
_applied = False


def _leaks() -> bool:
    """Do a few void calls and emits lose references to None or True? (cheap: 32 calls)."""
    from PySide6.QtCore import QObject, QTimer, Signal

    class _Probe(QObject):
        fired = Signal()

    probe = _Probe()
    timer = QTimer()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(16):
        timer.setInterval(1)  # returns nothing
        probe.fired.emit()
    lost_none = none_before - sys.getrefcount(None)
    lost_true = true_before - sys.getrefcount(True)
    probe.deleteLater()
    return lost_none >= 16 or lost_true >= 16


def apply() -> bool:
    """Make None/True/False immortal if this PySide6 leaks references to them."""
    global _applied
    if _applied:
        return True
    if sys.implementation.name != "cpython" or sys.version_info >= (3, 12):
        return False
    try:
        leaking = _leaks()
    except Exception:  # no Qt, or no QtCore: nothing to fix
        return False
    if not leaking:
        return False
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (Py_ssize_t).
        ctypes.c_ssize_t.from_address(id(obj)).value += _IMMORTAL
    _applied = True
    log.info("PySide6 reference-count leak detected: None/True/False made immortal")
    return True

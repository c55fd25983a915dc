"""Turning raw listing values into the text a user reads (sizes, local times)."""

from __future__ import annotations

from datetime import datetime

_UNITS = ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB")


def human_size(size: int) -> str:
    """``1536`` -> ``1.5 KiB``: binary units, as file managers and ``ls -h`` use."""
    if size < 1024:
        return "1 byte" if size == 1 else f"{size} bytes"
    value = float(size)
    unit = 0
    while value >= 1024 and unit < len(_UNITS) - 1:
        value /= 1024
        unit += 1
    return f"{value:.1f} {_UNITS[unit]}" if value < 100 else f"{value:.0f} {_UNITS[unit]}"


def epoch_from_iso(text: str) -> int:
    """ISO 8601 (as the core returns it) -> whole seconds since the epoch; -1 if unknown.

    Stored as an int instead of a string or datetime: 8 bytes per row in an array.
    """
    if not text:
        return -1
    try:
        return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return -1


def local_time(epoch: int) -> str:
    """Seconds since the epoch -> the user's local time, to the minute."""
    if epoch < 0:
        return ""
    return datetime.fromtimestamp(epoch).strftime("%Y-%m-%d %H:%M")

"""Downloads interrupted by quitting (or switching connection), offered again next time.

The engine already continues a ``.part`` file when the same object is downloaded to
the same local file again (its sidecar records which object and which parts are
done). What the GUI must remember is *which* downloads were unfinished: bucket, key,
size and local file, per endpoint. They are written to a small JSON file in the user
state dir when the engine is closed, and offered with a "Resume" button when a
session for the same endpoint opens.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import platformdirs

log = logging.getLogger(__name__)


def state_file() -> Path:
    return Path(platformdirs.user_state_dir("s3browser")) / "interrupted-downloads.json"


@dataclass(frozen=True, slots=True)
class Interrupted:
    endpoint: str
    bucket: str
    key: str
    size: int | None
    path: str

    @property
    def local(self) -> Path:
        return Path(self.path)


def _read(path: Path) -> list[Interrupted]:
    try:
        raw: Any = json.loads(path.read_text(encoding="utf-8"))
        return [Interrupted(**entry) for entry in raw.get("downloads", [])]
    except FileNotFoundError:
        return []
    except (OSError, ValueError, TypeError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return []


def _write(path: Path, entries: list[Interrupted]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(
        json.dumps({"downloads": [asdict(e) for e in entries]}, indent=1), encoding="utf-8"
    )
    os.replace(tmp, path)


def remember(endpoint: str, entries: list[Interrupted], path: Path | None = None) -> None:
    """Replace what is remembered for ``endpoint`` (other endpoints' entries stay)."""
    path = path or state_file()
    others = [e for e in _read(path) if e.endpoint != endpoint]
    try:
        if others or entries:
            _write(path, others + entries)
        else:
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
    except OSError as exc:
        log.warning("could not remember interrupted downloads: %s", exc)


def recall(endpoint: str, path: Path | None = None) -> list[Interrupted]:
    """What was left unfinished on ``endpoint`` and can still be resumed (the file is not there)."""
    return [
        e for e in _read(path or state_file()) if e.endpoint == endpoint and not e.local.exists()
    ]

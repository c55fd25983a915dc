"""The one settings file of saved connections (no secrets in it, ever).

``<user config dir>/connections.json``: readable JSON so a user can see exactly
what is stored, written atomically (temp file in the same folder, fsync, rename) so
a crash mid-write never leaves half a file, and mode 0600 (the access key ids and
endpoints are not secrets, but they are nobody else's business either).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from s3browser.core.errors import InvalidInputError
from s3browser.credentials.profiles import Profile

log = logging.getLogger(__name__)

APP_NAME = "s3browser"
FILE_NAME = "connections.json"
FORMAT_VERSION = 1


def default_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME)) / FILE_NAME


@dataclass
class ProfileStore:
    """The saved profiles and which one was used last; ``save()`` writes them back."""

    path: Path
    profiles: list[Profile] = field(default_factory=list)
    last_used: str | None = None
    load_warning: str = ""

    # -- file -----------------------------------------------------------------------
    @classmethod
    def load(cls, path: Path | None = None) -> ProfileStore:
        """Read the file; a missing file is an empty store, a broken one is set aside."""
        path = path or default_path()
        store = cls(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return store
        except OSError as exc:
            store.load_warning = (
                f"The saved connections could not be read ({exc.strerror}): check the "
                f"permissions of {path}."
            )
            return store
        try:
            data = json.loads(text)
            if not isinstance(data, dict):
                raise ValueError("not an object")
            store.profiles = [Profile.from_json(p) for p in data.get("profiles", [])]
            last = data.get("last_used")
            store.last_used = last if isinstance(last, str) else None
        except (ValueError, TypeError, InvalidInputError) as exc:
            backup = path.with_name(f"{path.name}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
            with contextlib.suppress(OSError):
                path.replace(backup)
            log.warning("connections file unreadable (%s); moved to %s", exc, backup)
            store.profiles = []
            store.load_warning = (
                f"The saved connections file was damaged and has been set aside as {backup.name}: "
                "add the connections again."
            )
        return store

    def save(self) -> None:
        data = {
            "version": FORMAT_VERSION,
            "last_used": self.last_used,
            "profiles": [p.to_json() for p in self.profiles],
        }
        write_atomic(self.path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")

    # -- queries --------------------------------------------------------------------
    def get(self, profile_id: str) -> Profile | None:
        return next((p for p in self.profiles if p.id == profile_id), None)

    def find(self, name: str) -> Profile | None:
        """By name: an exact match first, then ignoring case."""
        exact = next((p for p in self.profiles if p.name == name), None)
        if exact is not None:
            return exact
        folded = name.casefold()
        return next((p for p in self.profiles if p.name.casefold() == folded), None)

    @property
    def last_used_profile(self) -> Profile | None:
        return self.get(self.last_used) if self.last_used else None

    def unique_name(self, base: str) -> str:
        """``base``, or ``base (2)``, ``base (3)``… whichever is free."""
        taken = {p.name.casefold() for p in self.profiles}
        if base.casefold() not in taken:
            return base
        n = 2
        while f"{base} ({n})".casefold() in taken:
            n += 1
        return f"{base} ({n})"

    # -- changes (call save() after) ------------------------------------------------
    def put(self, profile: Profile) -> None:
        """Add or replace (same id) a profile, refusing a name another profile has."""
        if profile.read_only:
            raise InvalidInputError(
                "Profiles of the AWS config are edited in ~/.aws/config: duplicate it to "
                "change its settings here."
            )
        profile.validate()
        clash = self.find(profile.name)
        if clash is not None and clash.id != profile.id:
            raise InvalidInputError(
                f"A connection named “{profile.name}” already exists: choose another name."
            )
        for i, existing in enumerate(self.profiles):
            if existing.id == profile.id:
                self.profiles[i] = profile
                return
        self.profiles.append(profile)

    def remove(self, profile_id: str) -> Profile | None:
        profile = self.get(profile_id)
        if profile is not None:
            self.profiles.remove(profile)
        if self.last_used == profile_id:
            self.last_used = None
        return profile


def write_atomic(path: Path, text: str) -> None:
    """Replace ``path`` with ``text`` so that a reader sees the old or the new file, whole."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)  # mkstemp already uses 0600; be explicit for other platforms
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if hasattr(os, "O_DIRECTORY"):
        # Make the rename itself durable (POSIX): fsync the directory entry.
        try:
            dfd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY)
        except OSError:
            return
        try:
            os.fsync(dfd)
        except OSError:
            pass
        finally:
            os.close(dfd)


def load_all(store: ProfileStore) -> list[Profile]:
    """Saved profiles, then the AWS config's (blocking: call from a worker thread in the GUI)."""
    from s3browser.credentials.aws_config import discover_aws_profiles

    return [*store.profiles, *discover_aws_profiles()]

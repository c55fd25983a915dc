"""Safe local names for object keys: a key is not a path.

An S3 key is any UTF-8 string up to 1,024 bytes. Written naively it can escape the
destination (``../../.bashrc``, ``/etc/passwd``, ``C:\\Windows``), or name a file the
file system refuses (``a:b`` and ``CON`` on Windows, a 300-byte name anywhere).

The scheme, the same on every operating system so that a downloaded folder copies
between them unchanged:

* The key (minus the part the user did not select, see ``Source.base``) is split on
  ``/``; each segment becomes one folder or file name.
* These characters are written as ``%XX`` (upper-case hex of the code point):
  ``%`` itself, ``< > : " | ? * \\``, control characters U+0000–U+001F and U+007F.
  Nothing else is encoded: letters of every script stay readable.
* A segment that is ``.`` or ``..`` is written ``%2E`` / ``%2E%2E``; trailing dots
  and spaces are encoded (``a.`` → ``a%2E``); a Windows device name (CON, PRN, AUX,
  NUL, COM0–9, LPT0–9, CONIN$, CONOUT$, with or without an extension) gets its first
  letter encoded (``CON.txt`` → ``%43ON.txt``).
* Because ``%`` is always encoded, :func:`decode_name` undoes all of this exactly:
  ``decode_name(encode_name(s)) == s`` for every segment.
* Refused outright, with the reason given to the user (the item is *skipped*):
  an empty segment (``a//b``, a key starting with ``/``), a name longer than 255
  bytes once encoded, and a whole path longer than 4,095 bytes.
* A key ending in ``/`` is a folder marker: it makes a folder, not a file.

Containment is checked again on the resolved path (:func:`contained_path`), so a
symbolic link inside the destination cannot lead a download outside it.
"""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

MAX_NAME_BYTES = 255  # ext4, XFS, APFS, NTFS (in UTF-16 units, close enough) all stop here
MAX_PATH_BYTES = 4095  # Linux PATH_MAX minus the terminating NUL

_REFUSED = frozenset('%<>:"|?*\\') | frozenset(chr(c) for c in range(32)) | {"\x7f"}
_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"COM{i}" for i in "0123456789¹²³"]
    + [f"LPT{i}" for i in "0123456789¹²³"]
)
_ESCAPE = re.compile(r"%([0-9A-F]{2})")


class UnsafeKeyError(ValueError):
    """The key cannot be written under the destination; ``str()`` is the reason."""


def _pct(ch: str) -> str:
    return f"%{ord(ch):02X}"


def encode_name(segment: str) -> str:
    """One key segment as a file or folder name every common file system accepts."""
    if segment in (".", ".."):
        return _pct(".") * len(segment)
    out = "".join(_pct(ch) if ch in _REFUSED else ch for ch in segment)
    # Windows strips trailing dots and spaces, which would make "a." and "a" one file.
    stripped = out.rstrip(". ")
    if len(stripped) != len(out):
        out = stripped + "".join(_pct(ch) for ch in out[len(stripped) :])
    stem = out.split(".", 1)[0].rstrip(" ").upper()
    if stem in _RESERVED:
        out = _pct(out[0]) + out[1:]
    return out


def decode_name(name: str) -> str:
    """The key segment a name written by :func:`encode_name` came from."""
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), name)


def relative_parts(rel_key: str) -> tuple[str, ...]:
    """The local names (folders then file) for a key relative to the selection.

    Raises :class:`UnsafeKeyError` with the reason when the key cannot be written.
    A trailing ``/`` is dropped: the caller treats such a key as a folder.
    """
    if not rel_key or rel_key == "/":
        raise UnsafeKeyError("the key has no name below the selected folder")
    body = rel_key[:-1] if rel_key.endswith("/") else rel_key
    segments = body.split("/")
    if any(s == "" for s in segments):
        raise UnsafeKeyError(
            "the key has an empty path segment (a leading '/' or '//'), "
            "which has no local file name"
        )
    names = tuple(encode_name(s) for s in segments)
    for name in names:
        if len(name.encode("utf-8")) > MAX_NAME_BYTES:
            raise UnsafeKeyError(
                f"a part of the key is longer than {MAX_NAME_BYTES} bytes, "
                "more than file systems allow in one name"
            )
    return names


def local_path(dest: Path, rel_key: str) -> Path:
    """``dest`` joined with the encoded names; checks the total length, not symlinks."""
    path = dest.joinpath(*relative_parts(rel_key))
    if len(os.fsencode(str(path))) > MAX_PATH_BYTES:
        raise UnsafeKeyError(
            f"the local path would be longer than {MAX_PATH_BYTES} bytes; "
            "choose a shorter destination folder"
        )
    return path


def key_for(dest: Path, path: Path) -> str:
    """The relative key a path written by :func:`local_path` stands for (the reverse map)."""
    rel = path.relative_to(dest)
    return "/".join(decode_name(p) for p in rel.parts)


def contained_path(dest: Path, path: Path) -> Path:
    """``path`` after resolving symbolic links, refused when it leaves ``dest``."""
    root = dest.resolve()
    resolved = path.resolve()
    if resolved != root and root not in resolved.parents:
        raise UnsafeKeyError(
            "the local path leads outside the destination folder (through a symbolic link)"
        )
    return resolved


def twin_key(path: Path, *, case_insensitive: bool) -> str:
    """A key under which two names the file system would treat as one collide.

    Always NFC-normalised (macOS folds NFC/NFD twins such as "café" and "café"),
    and case-folded when the destination ignores case (Windows, macOS by default).
    """
    text = unicodedata.normalize("NFC", str(path))
    return text.casefold() if case_insensitive else text


def is_case_insensitive(folder: Path) -> bool:
    """Whether ``folder``'s file system ignores case, probed with a temporary file."""
    import tempfile

    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(prefix=".S3bCaseProbe", dir=folder) as probe:
            name = os.path.basename(probe.name)
            return os.path.exists(os.path.join(folder, name.swapcase()))
    except OSError:
        return os.name == "nt"


def keep_both_name(path: Path, taken: set[str] | None = None) -> Path:
    """The first free "name (n).ext" beside ``path`` (the "keep both" answer)."""
    stem, suffix = path.stem, path.suffix
    if path.name.startswith(".") and path.suffix == path.name:
        stem, suffix = path.name, ""
    n = 1
    while True:
        candidate = path.with_name(f"{stem} ({n}){suffix}")
        if not os.path.lexists(candidate) and (taken is None or str(candidate) not in taken):
            return candidate
        n += 1

"""Deciding what a preview can show, and turning the first bytes into it (no widgets).

Two steps, so that no bytes are fetched for objects that cannot be previewed:
:func:`plan_preview` looks only at the object's details (name, type, size, storage
class) and either names a kind to render or says why there is no preview;
:func:`build_preview` then turns at most :data:`PREVIEW_LIMIT` bytes from one ranged
GET into text, pretty JSON, table rows or image bytes. ``build_preview`` is pure and
may run in an executor thread: parsing a megabyte of CSV must not stall the GUI.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import zlib
from dataclasses import dataclass, field
from typing import Literal

from s3browser.ui.widgets.details_format import ARCHIVE_CLASSES, human_size

PREVIEW_LIMIT = 1024 * 1024
MAX_TABLE_ROWS = 50_000

Kind = Literal["text", "json", "ndjson", "csv", "tsv", "image", "sniff"]

_EXT_KINDS: dict[str, Kind] = {
    **dict.fromkeys((".json", ".geojson", ".ipynb"), "json"),
    **dict.fromkeys((".jsonl", ".ndjson"), "ndjson"),
    ".csv": "csv",
    **dict.fromkeys((".tsv", ".tab"), "tsv"),
    **dict.fromkeys(
        (".png", ".jpg", ".jpeg", ".gif", ".bmp", ".svg", ".webp", ".ico", ".tif", ".tiff"),
        "image",
    ),
    **dict.fromkeys(
        (
            ".txt", ".log", ".md", ".rst", ".py", ".js", ".ts", ".css", ".html", ".htm",
            ".xml", ".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".sql", ".sh", ".r",
            ".java", ".c", ".h", ".cpp", ".go", ".rs", ".tex", ".properties", ".env", ".out",
        ),
        "text",
    ),
}  # fmt: skip

_BINARY_EXT = {
    ".zip": "a ZIP archive",
    ".tar": "a tar archive",
    ".tgz": "a compressed tar archive",
    ".bz2": "a bzip2-compressed file",
    ".xz": "an xz-compressed file",
    ".zst": "a Zstandard-compressed file",
    ".7z": "a 7-Zip archive",
    ".rar": "a RAR archive",
    ".gz": "a gzip-compressed file",
    ".parquet": "an Apache Parquet file",
    ".avro": "an Avro file",
    ".orc": "an ORC file",
    ".pdf": "a PDF document",
    ".mp4": "a video",
    ".mov": "a video",
    ".mkv": "a video",
    ".avi": "a video",
    ".mp3": "an audio file",
    ".wav": "an audio file",
    ".flac": "an audio file",
    ".exe": "a program",
    ".dll": "a library",
    ".so": "a library",
    ".bin": "a binary file",
    ".pkl": "a Python pickle",
    ".pickle": "a Python pickle",
    ".npy": "a NumPy array",
    ".npz": "a NumPy archive",
    ".h5": "an HDF5 file",
    ".hdf5": "an HDF5 file",
    ".xlsx": "an Excel workbook",
    ".xls": "an Excel workbook",
    ".docx": "a Word document",
    ".sqlite": "an SQLite database",
    ".db": "a database file",
}

_TYPE_KINDS: dict[str, Kind] = {
    "application/json": "json",
    "application/geo+json": "json",
    "application/x-ndjson": "ndjson",
    "application/jsonl": "ndjson",
    "application/x-jsonlines": "ndjson",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "application/xml": "text",
    "application/yaml": "text",
    "application/x-yaml": "text",
    "application/javascript": "text",
    "application/x-sh": "text",
    "application/sql": "text",
}


@dataclass(slots=True)
class PreviewPlan:
    """Either a kind to fetch and render, or the sentence saying why there is no preview."""

    kind: Kind | None
    reason: str = ""
    gzip: bool = False  # the bytes are gzip-compressed (Content-Encoding or a .gz name)


@dataclass(slots=True)
class PreviewResult:
    kind: Literal["text", "json", "table", "image", "message"]
    text: str = ""
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    data: bytes = b""
    note: str = ""


def _ext(name: str) -> str:
    base = name.rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def plan_preview(
    key: str,
    content_type: str,
    size: int,
    storage_class: str = "STANDARD",
    *,
    restore_status: str | None = None,
    archive_status: str | None = None,
    content_encoding: str | None = None,
) -> PreviewPlan:
    """What to preview, decided from the details alone (no bytes fetched yet)."""
    if key.endswith("/"):
        return PreviewPlan(None, "This is a folder marker (an empty object whose key ends in /).")
    restored = (restore_status or "").startswith("restored")
    if (storage_class in ARCHIVE_CLASSES or archive_status) and not restored:
        where = archive_status or storage_class
        verb = "is being restored" if restore_status else "must be restored first"
        return PreviewPlan(
            None,
            f"No preview: the object is archived ({where}) and {verb}; until then it cannot be read.",
        )
    if size == 0:
        return PreviewPlan(None, "The object is empty (0 bytes).")
    name, gz = key, False
    encoding = (content_encoding or "").lower().strip()
    if encoding in ("gzip", "x-gzip"):
        gz = True
    elif encoding and encoding != "identity":
        return PreviewPlan(None, f"No preview: the content is compressed with {encoding!r}.")
    if _ext(name) == ".gz" and _ext(name[:-3]) in _EXT_KINDS:
        name, gz = name[:-3], True
    ext = _ext(name)
    ctype = content_type.split(";", 1)[0].strip().lower()
    kind: Kind | None = _EXT_KINDS.get(ext)
    if kind is None and ext in _BINARY_EXT and not gz:
        return PreviewPlan(
            None,
            f"No preview: this is {_BINARY_EXT[ext]}, a binary format; download it to open it.",
        )
    if kind is None:
        kind = _TYPE_KINDS.get(ctype)
    if kind is None and ctype.startswith("image/"):
        kind = "image"
    if kind is None and ctype.startswith("text/"):
        kind = "text"
    if kind is None:
        kind = "sniff"
    if kind == "image":
        if gz:
            return PreviewPlan(None, "No preview: the image is gzip-compressed.")
        if size > PREVIEW_LIMIT:
            return PreviewPlan(
                None,
                f"No preview: the image is {human_size(size)} and previews read at most "
                f"{human_size(PREVIEW_LIMIT)}; download it to view it.",
            )
    return PreviewPlan(kind, gzip=gz)


def _gunzip_head(data: bytes) -> tuple[bytes, bool]:
    """Decompress as much of a (possibly cut) gzip stream as there is, up to the limit."""
    decomp = zlib.decompressobj(wbits=31)
    try:
        out = decomp.decompress(data, PREVIEW_LIMIT)
    except zlib.error:
        return b"", True
    return out, not decomp.eof or len(out) >= PREVIEW_LIMIT


def looks_binary(data: bytes) -> bool:
    """NUL bytes or many control characters in the first 8 KiB mean "not text"."""
    sample = data[:8192]
    if not sample or sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return False
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls > len(sample) // 20


def decode_text(data: bytes, truncated: bool) -> tuple[str, str]:
    """UTF-8 (with or without BOM) or UTF-16 with a BOM, else Latin-1 with a note."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "UTF-16 text"
    decoder = codecs.getincrementaldecoder("utf-8-sig")(errors="strict")
    try:
        # final=False: a multi-byte character cut by the 1 MiB range is not an error.
        return decoder.decode(data, final=not truncated), ""
    except UnicodeDecodeError:
        return data.decode("latin-1"), "not valid UTF-8: shown as Latin-1"


def _complete_lines(text: str, truncated: bool) -> str:
    """Drop the last line when the range cut it in the middle."""
    if truncated and "\n" in text:
        return text[: text.rindex("\n") + 1]
    return text


def _as_text(text: str, notes: list[str]) -> PreviewResult:
    return PreviewResult("text", text=text, note="; ".join(n for n in notes if n))


def build_preview(plan: PreviewPlan, data: bytes, size: int) -> PreviewResult:
    """Render the first bytes of an object as the plan says (pure; runs in a thread)."""
    assert plan.kind is not None
    truncated = size > len(data)
    notes: list[str] = []
    if truncated:
        notes.append(f"first {human_size(len(data))} of {human_size(size)}")
    if plan.gzip:
        data, cut = _gunzip_head(data)
        truncated = truncated or cut
        if not data:
            return PreviewResult("message", text="No preview: the gzip data could not be read.")
        notes.append("decompressed from gzip")
    if plan.kind == "image":
        return PreviewResult("image", data=data, note="; ".join(notes))
    if looks_binary(data):
        return PreviewResult(
            "message", text="No preview: the content is binary, not text; download it to open it."
        )
    text, encoding_note = decode_text(data, truncated)
    notes.append(encoding_note)
    if plan.kind == "json":
        if truncated:
            notes.append("too large for a complete JSON parse: shown as text")
            return _as_text(text, notes)
        try:
            value = json.loads(text)
        except ValueError as exc:
            notes.append(f"not valid JSON ({exc}): shown as text")
            return _as_text(text, notes)
        notes.insert(0, "JSON, pretty-printed")
        return PreviewResult("json", text=json.dumps(value, indent=2, ensure_ascii=False),
                             note="; ".join(n for n in notes if n))  # fmt: skip
    if plan.kind == "ndjson":
        return _ndjson(_complete_lines(text, truncated), notes)
    if plan.kind in ("csv", "tsv"):
        return _table(_complete_lines(text, truncated), plan.kind, notes)
    return _as_text(text, notes)


def _ndjson(text: str, notes: list[str]) -> PreviewResult:
    records, bad = [], 0
    for line in text.splitlines():
        if not line.strip():
            continue
        try:
            records.append(json.dumps(json.loads(line), indent=2, ensure_ascii=False))
        except ValueError:
            bad += 1
            records.append(line)
    head = f"JSON lines: {len(records):,} records, pretty-printed"
    if bad:
        head += f" ({bad:,} not valid JSON, shown as they are)"
    notes.insert(0, head)
    return PreviewResult("json", text="\n\n".join(records), note="; ".join(n for n in notes if n))


def _table(text: str, kind: str, notes: list[str]) -> PreviewResult:
    if kind == "tsv":
        delimiter = "\t"
    else:
        try:
            delimiter = csv.Sniffer().sniff(text[:65536], delimiters=",;\t|").delimiter
        except csv.Error:
            delimiter = ","
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        notes.append(f"could not be read as a table ({exc}): shown as text")
        return _as_text(text, notes)
    if not rows:
        return _as_text(text, notes)
    header, body = rows[0], rows[1:]
    if len(body) > MAX_TABLE_ROWS:
        notes.append(f"first {MAX_TABLE_ROWS:,} rows shown")
        body = body[:MAX_TABLE_ROWS]
    label = "TSV" if delimiter == "\t" else f"CSV (delimiter {delimiter!r})"
    notes.insert(0, f"{label}: {len(body):,} rows, {len(header)} columns")
    return PreviewResult("table", header=header, rows=body, note="; ".join(n for n in notes if n))

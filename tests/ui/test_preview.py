"""The Preview tab on moto: text, JSON, NDJSON, CSV/TSV grids, images, and why-not messages."""

from __future__ import annotations

import gzip
import json
from typing import Any

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage

from s3browser.ui.widgets.details_pane import DetailsPane
from s3browser.ui.widgets.preview import TablePreviewModel
from s3browser.ui.widgets.preview_content import PreviewPlan, build_preview, plan_preview
from tests.ui.test_details_pane import GatedSession, wait_until

BUCKET = "preview-bucket"
MiB = 1024 * 1024


@pytest.fixture
async def pane(qtbot: Any, session: Any, s3_admin: Any) -> Any:
    s3_admin.create_bucket(Bucket=BUCKET)
    gated = GatedSession(session)
    widget = DetailsPane()
    qtbot.addWidget(widget)
    widget.resize(480, 640)
    widget.show()
    widget.set_session(gated)  # type: ignore[arg-type]
    widget.tabs.setCurrentWidget(widget.preview)
    widget.gated = gated
    yield widget
    await widget.aclose()


async def shown(pane: DetailsPane, s3_admin: Any, key: str, body: bytes, **put: Any) -> Any:
    s3_admin.put_object(Bucket=BUCKET, Key=key, Body=body, **put)
    pane.show_object(BUCKET, key)
    await wait_until(
        lambda: (
            pane.preview.kind != "message"
            or not pane.preview.message.text().startswith(("Loading", "Waiting"))
        )
    )
    return pane.preview


def png_bytes(width: int, height: int) -> bytes:
    image = QImage(width, height, QImage.Format.Format_RGB32)
    image.fill(QColor(30, 140, 200))
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


async def test_text_utf8(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "notes/readme.md", "# Titre\nCafé ☕\n".encode())
    assert preview.kind == "text"
    assert preview.text.toPlainText() == "# Titre\nCafé ☕\n"


async def test_latin1_fallback_says_so(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "old.txt", "Gr\xfc\xdfe aus K\xf6ln\n".encode("latin-1"))
    assert preview.text.toPlainText() == "Grüße aus Köln\n"
    assert "Latin-1" in preview.note.text()


async def test_json_is_pretty_printed(pane: DetailsPane, s3_admin: Any) -> None:
    body = json.dumps({"name": "x", "values": [1, 2, 3]}, separators=(",", ":")).encode()
    preview = await shown(pane, s3_admin, "data/config.json", body, ContentType="application/json")
    assert preview.kind == "json"
    assert preview.text.toPlainText() == json.dumps(json.loads(body), indent=2)
    assert "pretty-printed" in preview.note.text()


async def test_ndjson_records(pane: DetailsPane, s3_admin: Any) -> None:
    body = b'{"a":1}\n{"a":2}\nnot json\n'
    preview = await shown(pane, s3_admin, "events.jsonl", body)
    assert preview.kind == "json"
    assert '"a": 2' in preview.text.toPlainText()
    assert "3 records" in preview.note.text() and "1 not valid JSON" in preview.note.text()


async def test_csv_as_a_grid(pane: DetailsPane, s3_admin: Any, qtmodeltester: Any) -> None:
    body = b'id,name,city\n1,Ada,"London, UK"\n2,Grace\n3,Linus,Helsinki,extra\n'
    preview = await shown(pane, s3_admin, "people.csv", body, ContentType="text/csv")
    assert preview.kind == "table"
    model = preview.table.model()
    qtmodeltester.check(model)
    assert model.rowCount() == 3 and model.columnCount() == 4
    assert model.headerData(1, pane.preview.table.horizontalHeader().orientation()) == "name"
    assert model.index(0, 2).data() == "London, UK"
    assert model.index(1, 2).data() == ""  # a short row is padded
    assert model.index(2, 3).data() == "extra"
    assert "3 rows" in preview.note.text()


async def test_tsv_and_semicolon_csv(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "t.tsv", b"a\tb\n1\t2\n")
    assert preview.kind == "table" and preview.table.model().index(0, 1).data() == "2"
    preview = await shown(pane, s3_admin, "eu.csv", b"a;b;c\n1;2;3\n4;5;6\n")
    assert preview.table.model().columnCount() == 3
    assert preview.table.model().index(1, 2).data() == "6"


async def test_gzipped_csv_is_decompressed(pane: DetailsPane, s3_admin: Any) -> None:
    body = gzip.compress(b"x,y\n" + b"".join(b"%d,%d\n" % (i, i * i) for i in range(100)))
    preview = await shown(pane, s3_admin, "squares.csv.gz", body)
    assert preview.kind == "table" and preview.table.model().rowCount() == 100
    assert "gzip" in preview.note.text()


async def test_png_image(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(
        pane, s3_admin, "img/chart.png", png_bytes(64, 32), ContentType="image/png"
    )
    assert preview.kind == "image"
    assert "64 × 32 pixels" in preview.note.text()
    assert preview.image.pixmap() is not None and not preview.image.pixmap().isNull()


async def test_svg_image(pane: DetailsPane, s3_admin: Any) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20">'
        b'<rect width="40" height="20" fill="red"/></svg>'
    )
    preview = await shown(pane, s3_admin, "logo.svg", svg, ContentType="image/svg+xml")
    assert preview.kind == "image" and "40 × 20 pixels" in preview.note.text()


@pytest.mark.qt_log_ignore("Corrupt JPEG data", "JPEG datastream contains no image")
async def test_broken_image_says_why(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "broken.jpg", b"\xff\xd8 not really a jpeg")
    assert preview.kind == "message" and "could not be decoded" in preview.message.text()


async def test_binary_says_why(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "blob", bytes(range(256)) * 4)
    assert preview.kind == "message" and "binary" in preview.message.text()
    preview = await shown(pane, s3_admin, "table.parquet", b"PAR1....")
    assert "Parquet" in preview.message.text()
    assert ("table.parquet", MiB) not in pane.gated.read_head_calls  # no GET for a known binary


async def test_large_text_reads_only_the_first_mib(pane: DetailsPane, s3_admin: Any) -> None:
    line = b"0123456789abcdef" * 4 + b"\n"
    body = line * (3 * MiB // len(line))
    preview = await shown(pane, s3_admin, "big.log", body)
    assert preview.kind == "text"
    assert len(preview.text.toPlainText().encode()) <= MiB
    assert "first 1.0 MiB of 3.0 MiB" in preview.note.text()
    assert pane.gated.read_head_calls[-1] == ("big.log", MiB)


async def test_large_json_is_shown_as_text(pane: DetailsPane, s3_admin: Any) -> None:
    body = json.dumps([{"i": i, "pad": "p" * 50} for i in range(30_000)]).encode()
    assert len(body) > MiB
    preview = await shown(pane, s3_admin, "huge.json", body)
    assert preview.kind == "text"
    assert "too large for a complete JSON parse" in preview.note.text()


async def test_large_image_is_not_fetched(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "photo.jpg", b"\xff\xd8" + b"\0" * (2 * MiB))
    assert "previews read at most 1.0 MiB" in preview.message.text()
    assert ("photo.jpg", MiB) not in pane.gated.read_head_calls


async def test_archived_object_needs_restore(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "cold.txt", b"frozen", StorageClass="GLACIER")
    assert "restored" in preview.message.text() and "GLACIER" in preview.message.text()
    assert "must be restored before it can be read" in pane.details_text


async def test_empty_object(pane: DetailsPane, s3_admin: Any) -> None:
    preview = await shown(pane, s3_admin, "empty.txt", b"")
    assert "empty" in preview.message.text()


def test_table_model_alone(qtmodeltester: Any) -> None:
    qtmodeltester.check(TablePreviewModel(["a"], [["1", "2"], [], ["3"]]))
    qtmodeltester.check(TablePreviewModel([], []))


def test_cut_utf8_character_is_not_an_error() -> None:
    text = ("é" * 10).encode()
    plan = plan_preview("x.txt", "", 100)
    assert plan == PreviewPlan("text")
    result = build_preview(plan, text[:5], 100)  # cut inside the third "é"
    assert result.text == "éé" and "Latin-1" not in result.note

"""The details pane against the real core on moto: fields, sections, stale answers, errors."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from s3browser.ui.widgets.details_pane import DetailsPane, dim_color

BUCKET = "details-bucket"


async def wait_until(cond: Callable[[], bool], timeout: float = 15.0) -> None:
    """Let the qasync loop run until ``cond`` holds (qtbot.waitUntil would re-enter it)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not cond():
        if loop.time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.02)


class GatedSession:
    """The real session, but requests for chosen keys wait for a gate to open.

    The wait even ignores cancellation, like a response already on its way: the
    pane must then recognise the late answer as stale by its generation.
    """

    def __init__(self, real: Any) -> None:
        self.real = real
        self.gates: dict[str, asyncio.Event] = {}
        self.read_head_calls: list[tuple[str, int]] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    async def _gate(self, key: str) -> None:
        gate = self.gates.get(key)
        if gate is None:
            return
        try:
            await gate.wait()
        except asyncio.CancelledError:
            await gate.wait()

    async def object_details(self, bucket: str, key: str) -> Any:
        await self._gate(key)
        return await self.real.object_details(bucket, key)

    async def read_head(self, bucket: str, key: str, max_bytes: int = 1 << 20) -> bytes:
        self.read_head_calls.append((key, max_bytes))
        await self._gate("preview:" + key)
        return await self.real.read_head(bucket, key, max_bytes)


@pytest.fixture
async def pane(qtbot: Any, session: Any) -> Any:
    widget = DetailsPane()
    qtbot.addWidget(widget)
    widget.resize(420, 640)
    widget.show()
    widget.set_session(session)
    yield widget
    await widget.aclose()


@pytest.fixture
def bucket(s3_admin: Any) -> str:
    s3_admin.create_bucket(Bucket=BUCKET)
    return BUCKET


async def test_object_shows_every_detail(pane: DetailsPane, bucket: str, s3_admin: Any) -> None:
    body = b"x" * 1234
    s3_admin.put_object(
        Bucket=bucket,
        Key="reports/2024/q1.csv",
        Body=body,
        ContentType="text/csv",
        CacheControl="max-age=60",
        Metadata={"owner": "analytics", "source": "etl-7"},
        ServerSideEncryption="AES256",
        ChecksumAlgorithm="SHA256",
        Tagging="team=data&tier=gold",
    )
    etag = s3_admin.head_object(Bucket=bucket, Key="reports/2024/q1.csv")["ETag"].strip('"')
    pane.show_object(bucket, "reports/2024/q1.csv")
    await wait_until(lambda: etag in pane.details_text)
    text = pane.details_text
    for expected in (
        "q1.csv",
        "s3://details-bucket/reports/2024/q1.csv",
        "1.2 KiB (1,234 bytes)",
        "text/csv",
        "max-age=60",
        "STANDARD",
        "AES256",
        "owner",
        "analytics",
        "etl-7",
        "team",
        "gold",
        "Checksum SHA256",
        "Retention and replication",
        "Archive and restore",
        "Version ID",
    ):
        assert expected in text, expected
    assert pane.title.full_text() == "q1.csv"
    assert not pane.error_banner.isVisible()


async def test_bucket_sections_unavailable_are_greyed_in_light_and_dark(
    pane: DetailsPane, bucket: str, s3_admin: Any, qapp: QApplication
) -> None:
    s3_admin.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3_admin.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": [{"Key": "cost", "Value": "42"}]})
    pane.show_bucket(bucket)
    await wait_until(lambda: "Versioning" in pane.details_text)
    text = pane.details_text
    assert "Enabled" in text and "cost" in text
    assert "Not available: no bucket policy is set." in text
    assert "Access control list" in text

    def colour_of(fragment: str) -> QColor:
        doc = pane.details_view.document()
        cursor = doc.find(fragment)
        assert not cursor.isNull(), fragment
        return cursor.charFormat().foreground().color()

    light = pane.palette()
    assert colour_of("no bucket policy is set") == dim_color(light)
    assert colour_of("Enabled") != dim_color(light)

    old = qapp.palette()
    dark = QPalette(old)
    for role, colour in (
        (QPalette.ColorRole.Window, QColor(32, 32, 32)),
        (QPalette.ColorRole.Base, QColor(24, 24, 24)),
        (QPalette.ColorRole.Text, QColor(230, 230, 230)),
        (QPalette.ColorRole.WindowText, QColor(230, 230, 230)),
    ):
        dark.setColor(role, colour)
    qapp.setPalette(dark)
    try:
        await wait_until(lambda: colour_of("no bucket policy is set") == dim_color(pane.palette()))
        grey = colour_of("no bucket policy is set")
        # Readable on the dark background: lighter than the base, darker than the text.
        assert 24 < grey.lightness() < 230
        assert "Not available: no bucket policy is set." in pane.details_text
    finally:
        qapp.setPalette(old)


async def test_folder_shows_listed_count_and_size(pane: DetailsPane) -> None:
    pane.show_folder("b", "data/raw/", 1500, 3 * 1024 * 1024)
    text = pane.details_text
    assert "1,500" in text
    assert "3.0 MiB (3,145,728 bytes)" in text
    assert "s3://b/data/raw/" in text
    assert pane.title.full_text() == "raw/"
    assert "no preview" in pane.preview.message.text()
    pane.show_folder("b", "data/raw/", -1, -1)  # selected, not opened: nothing counted yet
    assert "not listed yet" in pane.details_text and "-1" not in pane.details_text


async def test_rapid_clicks_show_the_last_item(
    qtbot: Any, session: Any, bucket: str, s3_admin: Any
) -> None:
    s3_admin.put_object(Bucket=bucket, Key="a.txt", Body=b"alpha contents")
    s3_admin.put_object(Bucket=bucket, Key="b.txt", Body=b"bravo contents")
    gated = GatedSession(session)
    gated.gates["a.txt"] = asyncio.Event()
    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.set_session(gated)  # type: ignore[arg-type]
    pane.tabs.setCurrentWidget(pane.preview)
    try:
        pane.show_object(bucket, "a.txt")
        await asyncio.sleep(0.05)  # A's request is on its way and held back
        pane.show_object(bucket, "b.txt")
        await wait_until(lambda: "bravo contents" in pane.preview.text.toPlainText())
        assert "s3://details-bucket/b.txt" in pane.details_text
        # Now A's late answer arrives: it must be dropped, not shown.
        gated.gates["a.txt"].set()
        await asyncio.sleep(0.5)
        assert "s3://details-bucket/b.txt" in pane.details_text
        assert "a.txt" not in pane.details_text
        assert "bravo contents" in pane.preview.text.toPlainText()
        assert pane.title.full_text() == "b.txt"
    finally:
        await pane.aclose()


async def test_slow_preview_of_previous_item_is_dropped(
    qtbot: Any, session: Any, bucket: str, s3_admin: Any
) -> None:
    s3_admin.put_object(Bucket=bucket, Key="a.json", Body=b'{"who": "alpha"}')
    s3_admin.put_object(Bucket=bucket, Key="b.json", Body=b'{"who": "bravo"}')
    gated = GatedSession(session)
    gated.gates["preview:a.json"] = asyncio.Event()
    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.set_session(gated)  # type: ignore[arg-type]
    pane.tabs.setCurrentWidget(pane.preview)
    try:
        pane.show_object(bucket, "a.json")
        await wait_until(lambda: ("a.json", 1 << 20) in gated.read_head_calls)
        pane.show_object(bucket, "b.json")
        await wait_until(lambda: "bravo" in pane.preview.text.toPlainText())
        gated.gates["preview:a.json"].set()
        await asyncio.sleep(0.5)
        assert "bravo" in pane.preview.text.toPlainText()
        assert "alpha" not in pane.preview.text.toPlainText()
    finally:
        await pane.aclose()


async def test_missing_object_shows_sentence_and_retry_works(
    pane: DetailsPane, bucket: str, s3_admin: Any
) -> None:
    pane.show_object(bucket, "later.txt")
    await wait_until(lambda: pane.error_banner.isVisible())
    message = pane.error_label.text()
    assert "Traceback" not in message and message.endswith(".")
    assert "later.txt" in message or "not found" in message.lower() or "exist" in message
    assert pane.retry_button.isVisible()
    s3_admin.put_object(Bucket=bucket, Key="later.txt", Body=b"now here")
    pane.retry_button.click()
    await wait_until(lambda: "8 bytes" in pane.details_text)
    assert not pane.error_banner.isVisible()


async def test_preview_loads_only_when_its_tab_is_shown(
    qtbot: Any, session: Any, bucket: str, s3_admin: Any
) -> None:
    s3_admin.put_object(Bucket=bucket, Key="notes.txt", Body=b"hello preview")
    gated = GatedSession(session)
    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.set_session(gated)  # type: ignore[arg-type]
    try:
        pane.show_object(bucket, "notes.txt")
        await wait_until(lambda: "13 bytes" in pane.details_text)
        await asyncio.sleep(0.1)
        assert gated.read_head_calls == []
        pane.tabs.setCurrentWidget(pane.preview)
        await wait_until(lambda: "hello preview" in pane.preview.text.toPlainText())
        assert gated.read_head_calls == [("notes.txt", 1 << 20)]
    finally:
        await pane.aclose()


async def test_aclose_cancels_a_pending_request(
    qtbot: Any, session: Any, bucket: str, s3_admin: Any
) -> None:
    s3_admin.put_object(Bucket=bucket, Key="stuck.txt", Body=b"x")
    gated = GatedSession(session)
    gate = gated.gates["stuck.txt"] = asyncio.Event()

    async def never(bucket: str, key: str) -> Any:
        await asyncio.Event().wait()  # cancellable, never answers

    gated.object_details = never  # type: ignore[method-assign]
    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.set_session(gated)  # type: ignore[arg-type]
    pane.show_object(bucket, "stuck.txt")
    await asyncio.sleep(0.05)
    assert pane._tasks.running == 1
    await asyncio.wait_for(pane.aclose(), 5)
    assert pane._tasks.running == 0
    gate.set()
    pane.show_object(bucket, "stuck.txt")  # after close: ignored, no error
    assert pane._tasks.running == 0


async def test_not_connected(qtbot: Any) -> None:
    pane = DetailsPane()
    qtbot.addWidget(pane)
    pane.show_object("b", "k")
    assert "Not connected" in pane.details_text
    await pane.aclose()


def test_a_reason_shared_by_every_section_is_said_once() -> None:
    from s3browser.core.models import BUCKET_SECTIONS, BucketDetails, Unavailable
    from s3browser.ui.widgets.details_format import bucket_sections

    denied = Unavailable("access denied to these credentials")
    sections = bucket_sections(BucketDetails("locked", dict.fromkeys(BUCKET_SECTIONS, denied)))
    assert [s.title for s in sections] == ["Bucket", "Configuration"]
    assert sections[1].unavailable and "access denied" in sections[1].note
    assert "Bucket policy" in sections[1].rows[0].value


async def test_several_selected_items_are_summed_up(pane: DetailsPane) -> None:
    from dataclasses import dataclass

    @dataclass
    class Ref:
        kind: str
        bucket: str
        key: str
        size: int = 0

    pane.show_selection(
        [
            Ref("object", "b", "a/x.csv", 1024),
            Ref("object", "b", "a/y.csv", 2048),
            Ref("folder", "b", "a/sub/"),
        ]
    )
    text = pane.details_text
    assert "3 items" in text and "2 (3.0 KiB (3,072 bytes))" in text
    assert "x.csv, y.csv, sub/" in text
    assert pane.title.full_text() == "3 items selected"
    assert "one object" in pane.preview.message.text()

"""The main window against the real core on the moto server, driven like a user would."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtTest import QTest

from s3browser.core.s3url import S3Location
from s3browser.ui.main_window import MainWindow
from s3browser.ui.models.rows import COL_ETAG, COL_NAME, COL_SIZE
from tests.ui.conftest import run, wait_until


@pytest.fixture
def arranged(s3_admin: Any) -> None:
    s3_admin.create_bucket(Bucket="alpha")
    s3_admin.create_bucket(Bucket="beta")
    for i in range(12):
        s3_admin.put_object(Bucket="alpha", Key=f"reports/2024/r{i:02d}.csv", Body=b"a,b\n1,2\n")
    s3_admin.put_object(Bucket="alpha", Key="reports/summary.json", Body=b"{}")
    s3_admin.put_object(Bucket="alpha", Key="readme.txt", Body=b"hello")
    s3_admin.put_object(Bucket="beta", Key="logs/app.log", Body=b"log")


@pytest.fixture
def window(qtbot: Any, tmp_path: Any) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    return win


def _names(win: MainWindow) -> list[str]:
    return [win.proxy.index(r, COL_NAME).data() for r in range(win.proxy.rowCount())]


async def _connect(
    win: MainWindow, credentials: dict[str, Any], location: str | None = None
) -> None:
    await win.open_connection(credentials, location)
    await wait_until(lambda: win.tree_model.root_loaded, what="the bucket list")
    await wait_until(lambda: win.object_model.is_complete, what="the first listing")


def test_browse_by_keyboard(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None, qtmodeltester: Any
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials)
        assert _names(win) == ["alpha", "beta"]
        assert win.windowTitle().startswith("s3://")
        # Buckets have no size or ETag: those columns make room for the names.
        assert win.table.isColumnHidden(COL_SIZE) and win.table.isColumnHidden(COL_ETAG)
        assert win.tree_model.rowCount() == 2
        qtmodeltester.check(win.tree_model)
        assert "moto" in win.status.identity.text() or win.status.identity.text()
        win.table.setFocus()
        win.table.select_row(0)
        QTest.keyClick(win.table, Qt.Key.Key_Return)
        await wait_until(lambda: win.object_model.is_complete and win.location.bucket == "alpha")
        assert _names(win) == ["reports/", "readme.txt"]
        assert not win.table.isColumnHidden(COL_SIZE)
        # The ETag gives way to the names only in a narrow table.
        win.resize(1600, 900)
        await wait_until(lambda: win.table.viewport().width() >= 640)
        assert not win.table.isColumnHidden(COL_ETAG)
        win.resize(900, 600)
        await wait_until(lambda: win.table.viewport().width() < 640)
        assert win.table.isColumnHidden(COL_ETAG)
        assert win.windowTitle().startswith("s3://alpha/")
        win.table.select_row(0)
        QTest.keyClick(win.table, Qt.Key.Key_Return)
        await wait_until(lambda: win.location == S3Location("alpha", "reports/"))
        await wait_until(lambda: win.object_model.is_complete)
        assert _names(win) == ["2024/", "summary.json"]
        await wait_until(lambda: win.status.count.text().startswith("1 object, 1 folder,"))
        # Backspace goes up and lands on the folder we came from.
        QTest.keyClick(win.table, Qt.Key.Key_Backspace)
        await wait_until(lambda: win.location == S3Location("alpha", ""))
        await wait_until(lambda: win.table.selected_refs())
        assert win.table.selected_refs()[0].key == "reports/"
        win.go_back()
        await wait_until(lambda: win.location == S3Location("alpha", "reports/"))
        win.go_forward()
        await wait_until(lambda: win.location == S3Location("alpha", ""))
        # Ctrl+L: type a location.
        QTest.keyClick(win, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
        assert win.path_bar.editing
        win.path_bar.edit.setText("s3://beta/logs/")
        QTest.keyClick(win.path_bar.edit, Qt.Key.Key_Return)
        await wait_until(lambda: win.location == S3Location("beta", "logs/"))
        await wait_until(lambda: win.object_model.is_complete)
        assert _names(win) == ["app.log"]
        assert not win.path_bar.editing
        # Tree expansion lists folders lazily.
        alpha = win.tree_model.index(0, 0)
        win.tree.expand(alpha)
        await wait_until(lambda: win.tree_model.rowCount(alpha) == 1, what="alpha's folders")
        qtmodeltester.check(win.tree_model)
        await win.shutdown()

    run(qloop, body())


def test_errors_show_in_a_banner_with_retry(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None, s3_admin: Any
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials)
        win.go_to_text("not a url")
        assert win.banner.isVisible() and "s3://" in win.banner.message
        win.go_to_text("s3://gamma/")
        await wait_until(lambda: win.banner.isVisible(), what="the error banner")
        message = win.banner.message
        assert message and "Traceback" not in message and "\n" not in message
        assert win.table.placeholder
        # The open folder's details say its listing failed (not "open the folder").
        await wait_until(
            lambda: "listing failed" in win.details.details_view.toPlainText(),
            what="the folder details after a failed listing",
        )
        s3_admin.create_bucket(Bucket="gamma")
        s3_admin.put_object(Bucket="gamma", Key="late.txt", Body=b"x")
        win.banner.retry_button.click()
        await wait_until(lambda: win.object_model.is_complete and _names(win) == ["late.txt"])
        assert not win.banner.isVisible()
        await win.shutdown()

    run(qloop, body())


def test_filter_and_server_search(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials, "s3://alpha/reports/2024/")
        assert len(_names(win)) == 12
        QTest.keyClick(win, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
        assert win.search_bar.edit.hasFocus()
        QTest.keyClicks(win.search_bar.edit, "R1")
        await wait_until(lambda: _names(win) == ["r10.csv", "r11.csv"], what="the filter")
        await wait_until(lambda: "2 shown" in win.status.count.text())
        # Enter: a server-side search of all buckets.
        win.search_bar.edit.setText("app")
        win.search_bar.scope.setCurrentIndex(win.search_bar.scope.findData("all"))
        QTest.keyClick(win.search_bar.edit, Qt.Key.Key_Return)
        await wait_until(lambda: win.object_model.mode == "search" and win.object_model.is_complete)
        assert _names(win) == ["beta/logs/app.log"]
        await wait_until(lambda: "1 found" in win.search_bar.count_label.text())
        # Down goes from the field to the results, the first one selected.
        QTest.keyClick(win.search_bar.edit, Qt.Key.Key_Down)
        assert win.table.hasFocus() and win.table.selected_refs()[0].key == "logs/app.log"
        win.search_bar.edit.setFocus()
        # The pattern stays in the field; editing it does not hide what was found.
        assert win.search_bar.edit.text() == "app"
        QTest.keyClicks(win.search_bar.edit, "zzz")
        await asyncio.sleep(0.05)
        assert _names(win) == ["beta/logs/app.log"]
        assert not win.search_bar.stop_button.isVisible()
        # A result opens its folder, with the object selected.
        win.table.select_row(0)
        QTest.keyClick(win.table, Qt.Key.Key_Return)
        await wait_until(lambda: win.location == S3Location("beta", "logs/"))
        await wait_until(lambda: win.table.selected_refs())
        assert win.table.selected_refs()[0].key == "logs/app.log"
        assert win.search_bar.edit.text() == ""
        await win.shutdown()

    run(qloop, body())


def test_copy_links_and_remember_location(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None, tmp_path: Any
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials, "s3://alpha/readme.txt")
        await wait_until(lambda: win.table.selected_refs(), what="the object to be selected")
        refs = win.table.selected_refs()
        assert refs[0].key == "readme.txt"
        menu = win.table.build_menu(refs)
        titles = [a.text() for a in menu.actions() if a.text()]
        assert titles[:2] == ["Download…", "Copy S3 URI"] and "Properties" in titles
        downloads: list[Any] = []
        win.download_requested.connect(downloads.append)
        menu.actions()[0].trigger()
        assert downloads and downloads[0][0].uri == "s3://alpha/readme.txt"
        win.table.copy_uri_requested.emit(refs)
        assert QGuiApplication.clipboard().text() == "s3://alpha/readme.txt"
        win.table.copy_https_requested.emit(refs)
        assert QGuiApplication.clipboard().text().endswith("/alpha/readme.txt")
        win.table.copy_presigned_requested.emit(refs, 3600)
        await wait_until(
            lambda: "X-Amz-Expires=3600" in QGuiApplication.clipboard().text(),
            what="a SigV4 presigned URL valid for an hour",
        )
        assert "presigned URL (valid 1 hour)" in win.status.currentMessage()
        # Properties shows the Details tab, also when the Preview tab was open.
        win.details.tabs.setCurrentWidget(win.details.preview)
        next(a for a in menu.actions() if a.text() == "Properties").trigger()
        assert win.details.tabs.currentWidget() is win.details.details_view
        win.close()
        assert win.last_location() == "s3://alpha/"
        await win.shutdown()

    run(qloop, body())


def test_a_new_location_drops_the_old_listing(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials)
        win.object_model.page_size = 2  # many pages: the first listing is still running
        win.go(S3Location("alpha", "reports/2024/"))
        await wait_until(lambda: win.proxy.rowCount() > 0)
        assert win.object_model.is_loading
        win.go(S3Location("beta", "logs/"))
        await wait_until(lambda: win.object_model.is_complete)
        await asyncio.sleep(0.3)  # any late page of the old listing would arrive by now
        assert _names(win) == ["app.log"]
        await wait_until(lambda: win.status.count.text().startswith("1 object, 0 folders"))
        await win.shutdown()

    run(qloop, body())


def test_escape_stops_a_search_and_keeps_what_was_found(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials, "s3://alpha/")
        win.search_bar.edit.setText("r")
        QTest.keyClick(win.search_bar.edit, Qt.Key.Key_Return)
        assert win.search_bar.stop_button.isVisible()
        QTest.keyClick(win.search_bar.edit, Qt.Key.Key_Escape)
        assert not win.search_bar.stop_button.isVisible()
        assert not win.object_model.is_loading
        found = win.proxy.rowCount()
        await asyncio.sleep(0.3)
        assert win.proxy.rowCount() == found  # nothing arrives after Stop
        await win.shutdown()

    run(qloop, body())


def test_the_tree_follows_the_location(
    qloop: Any, window: MainWindow, credentials: dict[str, Any], arranged: None
) -> None:
    async def body() -> None:
        win = window
        await _connect(win, credentials, "s3://alpha/reports/2024/")

        def current() -> tuple[str, str]:
            return win.tree_model.location(win.tree.currentIndex())

        await wait_until(lambda: current() == ("alpha", "reports/2024/"), what="the tree node")
        # The folder itself is selected but not expanded (not listed twice).
        assert not win.tree.isExpanded(win.tree.currentIndex())
        # A click in the tree opens that place in the table.
        alpha = win.tree_model.index(0, 0)
        win.tree.clicked.emit(alpha)
        await wait_until(lambda: win.location == S3Location("alpha", ""))
        await win.shutdown()

    run(qloop, body())


def test_long_status_fields_do_not_widen_the_window(window: MainWindow) -> None:
    """A long ARN and endpoint elide in the status bar: the window still fits 1280 px."""
    arn = "arn:aws:sts::123456789012:assumed-role/" + "AnalystsReadOnlyAccess" * 4 + "/me"
    window.status.set_connection(arn, "https://" + "s3-gateway." * 8 + "example.com", "eu-west-1")
    window.status.set_count("1,234,567 objects, 12,345 folders, 1.2 TiB · 1,234,567 shown")
    assert window.minimumSizeHint().width() <= 1280
    assert window.status.identity.text() == arn  # the whole text stays (tooltip, copy)

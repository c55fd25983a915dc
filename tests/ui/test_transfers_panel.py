"""The transfers dock, the Download action and drag-out staging, against the engine on moto."""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QMainWindow, QMessageBox

from s3browser.core.transfers import ItemProgress, ProgressEvent, TransferState
from s3browser.ui.drag_out import StagedMimeData, is_large
from s3browser.ui.models.transfers_model import COL_STATUS, TransfersModel
from s3browser.ui.transfers_controller import LAST_FOLDER_KEY, TransfersController
from s3browser.ui.widgets.transfers_panel import TransfersPanel
from tests.ui.test_details_pane import wait_until

S = TransferState
BUCKET = "transfer-bucket"


@dataclass
class Ref:
    kind: str
    bucket: str
    key: str
    size: int = 0


@pytest.fixture
def window(qtbot: Any) -> QMainWindow:
    win = QMainWindow()
    qtbot.addWidget(win)
    win.resize(900, 600)
    win.show()
    return win


@pytest.fixture
async def controller(window: QMainWindow, session: Any, tmp_path: Path) -> Any:
    selection: list[Ref] = []
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    ctl = TransfersController(window, lambda: list(selection), settings)
    ctl.selection = selection
    ctl.resume_file = tmp_path / "interrupted.json"
    ctl.set_session(session)
    yield ctl
    await ctl.aclose()


@pytest.fixture
def objects(s3_admin: Any) -> dict[str, bytes]:
    s3_admin.create_bucket(Bucket=BUCKET)
    bodies = {
        "data/a.csv": b"x,y\n1,2\n",
        "data/sub/b.bin": bytes(range(256)) * 400,
        "top.txt": b"top level",
    }
    for key, body in bodies.items():
        s3_admin.put_object(Bucket=BUCKET, Key=key, Body=body)
    return bodies


async def test_panel_controls_the_real_engine(
    window: QMainWindow, session: Any, objects: dict[str, bytes], tmp_path: Path
) -> None:
    """One download at a time: the queued ones can be paused, resumed, cancelled, retried.

    The first item holds the only slot while its "file exists" question is open, so the
    other two are certainly still queued when the panel's buttons act on them.
    """
    from s3browser.core.transfers import Source, TransferOptions

    ctl = TransfersController(
        window,
        list,
        QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
        options=TransferOptions(max_items=1),
    )
    ctl.set_session(session)
    panel = ctl.panel
    try:
        keys = ["data/a.csv", "data/sub/b.bin", "top.txt"]
        (tmp_path / "out").mkdir()
        (tmp_path / "out" / "a.csv").write_bytes(b"old")
        ctl.download([Source(BUCKET, k) for k in keys], tmp_path / "out")
        await wait_until(lambda: ctl.conflict_box is not None and ctl.model.rowCount() == 3)
        assert states(ctl.model) == [S.RUNNING, S.QUEUED, S.QUEUED]
        panel.table.selectRow(1)
        panel.pause_action.trigger()
        panel.table.selectRow(2)
        panel.cancel_action.trigger()
        await wait_until(lambda: states(ctl.model) == [S.RUNNING, S.PAUSED, S.CANCELLED])
        overwrite = next(b for b in ctl.conflict_box.buttons() if b.text() == "Overwrite")
        overwrite.click()
        await wait_until(lambda: states(ctl.model) == [S.DONE, S.PAUSED, S.CANCELLED])
        assert not (tmp_path / "out" / "b.bin").exists()
        # Only a paused item is left: the status bar still says so.
        await wait_until(lambda: ctl.progress_label.text() == "1 download paused · 1 of 2 done")
        panel.table.selectRow(1)
        assert panel.resume_action.isEnabled()
        panel.resume_action.trigger()
        panel.table.selectRow(2)
        assert panel.retry_action.isEnabled()
        panel.retry_action.trigger()
        await wait_until(lambda: states(ctl.model) == [S.DONE, S.DONE, S.DONE])
        for key in keys:
            assert (tmp_path / "out" / key.rsplit("/", 1)[-1]).read_bytes() == objects[key]
        panel.clear_action.trigger()
        assert ctl.model.rowCount() == 0
    finally:
        await ctl.aclose()


def states(model: TransfersModel) -> list[TransferState]:
    return [p.state for p in model.items()]


async def test_download_action_asks_for_a_folder_and_downloads(
    controller: Any, objects: dict[str, bytes], tmp_path: Path, qtmodeltester: Any
) -> None:
    dest = tmp_path / "dest"
    dest.mkdir()
    controller.selection[:] = [
        Ref("object", BUCKET, "top.txt", 9),
        Ref("folder", BUCKET, "data/"),
    ]
    controller.download_action.trigger()
    dialog = controller.folder_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.fileSelected.emit(str(dest))
    dialog.close()
    await wait_until(
        lambda: len(states(controller.model)) == 3 and set(states(controller.model)) == {S.DONE}
    )
    qtmodeltester.check(controller.model)
    assert (dest / "top.txt").read_bytes() == objects["top.txt"]
    assert (dest / "data" / "a.csv").read_bytes() == objects["data/a.csv"]
    assert (dest / "data" / "sub" / "b.bin").read_bytes() == objects["data/sub/b.bin"]
    assert controller.settings.value(LAST_FOLDER_KEY) == str(dest)
    assert controller.last_folder() == dest
    assert controller.dock.isVisible()
    await wait_until(lambda: controller.toast.isVisible())
    assert "Downloaded 3 files" in controller.toast.text.text()
    assert str(dest) in controller.toast.text.text()
    assert "Downloaded 3 files" in controller.window.statusBar().currentMessage()
    await wait_until(lambda: not controller.progress.isVisible())


async def test_failed_download_is_reported(controller: Any, objects: Any, tmp_path: Path) -> None:
    from s3browser.core.transfers import Source

    controller.download([Source(BUCKET, "missing.txt", size=5)], tmp_path)
    await wait_until(lambda: controller.toast.isVisible())
    assert "failed" in controller.toast.text.text()
    await wait_until(lambda: states(controller.model) == [S.FAILED])
    status = controller.model.index(0, COL_STATUS).data()
    assert status and "Traceback" not in status
    controller.panel.table.selectRow(0)
    assert controller.panel.retry_action.isEnabled()
    assert not controller.panel.pause_action.isEnabled()


async def test_existing_file_asks_without_blocking(
    controller: Any, objects: dict[str, bytes], tmp_path: Path
) -> None:
    from s3browser.core.transfers import Source

    (tmp_path / "top.txt").write_bytes(b"mine")
    controller.download([Source(BUCKET, "top.txt", size=9)], tmp_path)
    await wait_until(
        lambda: controller.conflict_box is not None and controller.conflict_box.isVisible()
    )
    box: QMessageBox = controller.conflict_box
    assert "top.txt" in box.text()
    keep_both = next(b for b in box.buttons() if b.text() == "Keep both")
    keep_both.click()
    await wait_until(lambda: states(controller.model) == [S.DONE])
    assert (tmp_path / "top.txt").read_bytes() == b"mine"  # never touched
    others = [p for p in tmp_path.iterdir() if p.name != "top.txt" and p.suffix == ".txt"]
    assert len(others) == 1 and others[0].read_bytes() == objects["top.txt"]
    # The row says where the bytes went: not under the name the user sees in S3.
    status = controller.model.index(0, COL_STATUS).data()
    assert status == f"Done: saved as {others[0].name}"


async def test_nothing_selected_says_so(controller: Any) -> None:
    controller.download_action.trigger()
    assert controller.folder_dialog is None
    assert "Select objects or folders" in controller.window.statusBar().currentMessage()


def progress(
    item_id: int, state: TransferState, done: int = 0, total: int | None = 100
) -> ItemProgress:
    return ItemProgress(item_id, 1, BUCKET, f"k{item_id}", Path(f"/tmp/k{item_id}"), state,
                        done, total, 1000.0 if state is S.RUNNING else 0.0, 3.0)  # fmt: skip


def event(*items: ItemProgress) -> ProgressEvent:
    return ProgressEvent(items, 0, 0, 0.0, None, {}, listing=False, idle=False)


class RecordingManager:
    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []
        self.finished: list[int] = []

    def __getattr__(self, name: str) -> Any:
        return lambda item_id: self.calls.append((name, item_id))

    def clear_finished(self) -> list[int]:
        return self.finished


def test_panel_buttons_drive_the_engine(qtbot: Any, qtmodeltester: Any) -> None:
    model = TransfersModel()
    panel = TransfersPanel(model)
    qtbot.addWidget(panel)
    manager = RecordingManager()
    panel.set_manager(manager)  # type: ignore[arg-type]
    model.apply(
        event(progress(1, S.RUNNING, 40), progress(2, S.FAILED, 0), progress(3, S.DONE, 100))
    )
    model.apply(event(progress(1, S.RUNNING, 60)))  # an update, not a new row
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.index(0, 2).data() == "60%"
    assert model.index(0, 3).data() == "1000 bytes/s"
    panel.table.selectRow(0)
    assert panel.pause_action.isEnabled() and not panel.resume_action.isEnabled()
    panel.pause_action.trigger()
    panel.cancel_action.trigger()
    panel.table.selectRow(1)
    assert panel.retry_action.isEnabled()
    panel.retry_action.trigger()
    assert manager.calls == [("pause", 1), ("cancel", 1), ("retry", 2)]
    opened: list[Path] = []
    panel.open_folder = opened.append
    panel.table.selectRow(2)
    panel.show_action.trigger()
    assert opened == [Path("/tmp")]
    mime = model.mimeData([model.index(2, 0)])
    assert [u.toLocalFile() for u in mime.urls()] == ["/tmp/k3"]
    manager.finished = [2, 3]
    panel.clear_action.trigger()
    qtmodeltester.check(model)
    assert [p.item_id for p in model.items()] == [1]


def test_large_drags_ask_first() -> None:
    assert not is_large([Ref("object", "b", "k", 10 * 1024 * 1024)])
    assert is_large([Ref("object", "b", "k", 100 * 1024 * 1024)])
    assert is_large([Ref("folder", "b", "p/")])
    assert is_large([Ref("object", "b", f"k{i}", 1) for i in range(201)])


async def test_large_drag_prepares_in_background(
    controller: Any, objects: dict[str, bytes]
) -> None:
    refs = [Ref("folder", BUCKET, "data/")]
    controller.drag_out.start(refs)
    box = controller.drag_out.question
    assert box is not None and box.isVisible()
    assert "“data/”" in box.text() and "unknown until it is listed" in box.text()
    prepare = next(b for b in box.buttons() if b.text() == "Prepare for dragging")
    prepare.click()
    staged = controller.drag_out.last
    assert staged is not None
    await wait_until(lambda: staged.batch.settled)
    urls = [u.toLocalFile() for u in staged.urls()]
    assert urls == [str(staged.folder / "data")]
    assert (staged.folder / "data" / "sub" / "b.bin").read_bytes() == objects["data/sub/b.bin"]
    await wait_until(lambda: controller.toast.isVisible())
    assert controller.toast.title.text() == "Ready to drag"
    assert str(staged.folder) in controller.toast.text.text()
    # Dragging the same selection again offers the prepared files at once, no question.
    dragged: list[Any] = []
    controller.drag_out._drag = dragged.append
    controller.drag_out.start(refs)
    assert dragged == [staged] and controller.drag_out.question is None


async def test_drop_waits_for_the_download_while_the_loop_runs(
    controller: Any, objects: dict[str, bytes], s3_admin: Any
) -> None:
    """The target asks for the files before they are downloaded: the answer waits for
    them in a nested event loop (the downloads and the GUI keep running)."""
    from s3browser.core.transfers import Source

    big = bytes(range(256)) * (96 * 1024)  # 24 MiB
    s3_admin.put_object(Bucket=BUCKET, Key="data/sub/big.bin", Body=big)
    staged = controller.drag_out._stage(
        [Source(BUCKET, "data/sub/big.bin", size=len(big))], prepare=False
    )
    assert not staged.batch.settled
    mime = StagedMimeData(controller.drag_out, staged)
    answers: list[Any] = []
    ticks: list[float] = []
    tick = QTimer()
    tick.timeout.connect(lambda: ticks.append(time.monotonic()))
    tick.start(10)
    # Called from a Qt callback, as Qt's drag code does, not from inside a task.
    QTimer.singleShot(0, lambda: answers.append(mime.retrieveData("text/uri-list", None)))
    await wait_until(lambda: answers)
    tick.stop()
    data = bytes(answers[0].data()).decode()
    assert data.strip().endswith("/big.bin")
    assert (staged.folder / "big.bin").read_bytes() == big
    assert staged.batch.settled
    gaps = [b - a for a, b in itertools.pairwise(ticks)]
    longest = max(gaps, default=0.0)
    print(
        f"longest event-loop gap while the drop waited: {longest * 1000:.0f} ms over {len(ticks)} ticks"
    )
    assert len(ticks) > 1 and longest < 1.0  # the window kept running (generous bound)
    assert "Dropped 1 item" in controller.window.statusBar().currentMessage()


async def test_main_window_has_download_and_transfers(qtbot: Any, tmp_path: Path) -> None:
    from PySide6.QtGui import QKeySequence

    from s3browser.ui.main_window import MainWindow

    window = MainWindow(QSettings(str(tmp_path / "w.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    try:
        action = window.transfers.download_action
        assert action.shortcut() == QKeySequence("Ctrl+D")
        assert not action.isEnabled()  # not connected yet
        file_menu = window.menuBar().actions()[0].menu()
        assert action in file_menu.actions()
        assert window.transfers.download_button is not None
        assert window.transfers.dock.objectName() == "transfersDock"
        window.download_requested.emit([Ref("object", "b", "k", 1)])  # context menu path
        assert "Not connected" in window.statusBar().currentMessage()
    finally:
        await window.shutdown()


async def test_unfinished_downloads_are_offered_after_a_restart(
    qtbot: Any, window: QMainWindow, session: Any, objects: dict[str, bytes], tmp_path: Path
) -> None:
    from s3browser.core.transfers import Source, TransferOptions

    state = tmp_path / "interrupted.json"
    out = tmp_path / "out"
    out.mkdir()
    (out / "a.csv").write_bytes(b"old")  # its question holds the only slot: top.txt waits
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = TransfersController(window, list, settings, options=TransferOptions(max_items=1))
    first.resume_file = state
    first.set_session(session)
    first.download([Source(BUCKET, "data/a.csv"), Source(BUCKET, "top.txt")], out)
    await wait_until(lambda: first.conflict_box is not None and first.model.rowCount() == 2)
    await first.aclose()  # the user quits: the question goes away, top.txt never started
    assert first.conflict_box is None
    assert state.is_file() and not (out / "top.txt").exists()

    later = QMainWindow()  # the next start of the app
    qtbot.addWidget(later)
    later.resize(900, 600)
    later.show()
    second = TransfersController(later, list, settings)
    second.resume_file = state
    try:
        second.set_session(session)
        toast = second.toast
        assert toast.isVisible() and toast.title.text() == "Unfinished downloads"
        assert "1 download into" in toast.text.text()  # a.csv exists locally: not offered
        assert toast.action_button.text() == "Resume"
        toast.action_button.click()
        await wait_until(lambda: states(second.model) == [S.DONE])
        assert (out / "top.txt").read_bytes() == objects["top.txt"]
        assert (out / "a.csv").read_bytes() == b"old"
    finally:
        await second.aclose()
    assert not state.exists()  # nothing left unfinished

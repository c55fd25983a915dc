"""The object table model against the real core on the moto server."""

from __future__ import annotations

import asyncio
from typing import Any

from PySide6.QtCore import QModelIndex, Qt

from s3browser.core.models import S3Bucket
from s3browser.core.search import SearchQuery
from s3browser.core.session import S3Session
from s3browser.ui.models.object_model import KEY_ROLE, KIND_ROLE, ObjectTableModel
from s3browser.ui.models.rows import COL_CLASS, COL_MODIFIED, COL_NAME, COL_SIZE
from s3browser.ui.models.sort_proxy import ObjectSortProxy
from tests.ui.conftest import run, wait_until


def _names(model: Any) -> list[str]:
    return [model.index(r, COL_NAME).data() for r in range(model.rowCount())]


def _arrange(s3_admin: Any, files: int = 25) -> None:
    s3_admin.create_bucket(Bucket="data")
    for i in range(files):
        s3_admin.put_object(Bucket="data", Key=f"f{i:03d}.csv", Body=b"x" * (files - i))
    for d in ("zeta", "alpha", "mid"):
        s3_admin.put_object(Bucket="data", Key=f"{d}/inner.txt", Body=b"i")


def test_listing_arrives_page_by_page_folders_first(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any, qtmodeltester: Any
) -> None:
    _arrange(s3_admin)

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel(page_size=7)
            inserts: list[tuple[int, int]] = []
            model.rowsInserted.connect(lambda _p, first, last: inserts.append((first, last)))
            model.start_listing(session, "data", "")
            await wait_until(lambda: model.is_complete, what="the listing")
            qtmodeltester.check(model)
            names = _names(model)
            assert names[:3] == ["alpha/", "mid/", "zeta/"]
            assert names[3:] == [f"f{i:03d}.csv" for i in range(25)]
            assert model.object_count == 25 and model.folder_count == 3
            # One batch per section per page, never a row at a time; ranges end at last, not past it.
            assert len(inserts) <= 2 * 5
            assert sum(last - first + 1 for first, last in inserts) == 28
            assert model.index(0, 0).data(KIND_ROLE) == "folder"
            assert model.index(0, 0).data(KEY_ROLE) == "alpha/"
            assert model.index(3, COL_SIZE).data() == "25 bytes"
            assert model.index(3, COL_MODIFIED).data()
            await model.close()

    run(qloop, body())


def test_fetch_more_gets_one_page_at_a_time(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any
) -> None:
    _arrange(s3_admin)

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel(page_size=10)
            model.auto_fetch = False
            model.start_listing(session, "data", "")
            assert not model.canFetchMore(QModelIndex())  # a fetch is in flight
            await wait_until(lambda: model.rowCount() > 0)
            await wait_until(lambda: model.canFetchMore(QModelIndex()))
            assert model.rowCount() == 10
            model.fetchMore(QModelIndex())
            model.fetchMore(QModelIndex())  # ignored: one fetch at a time
            await wait_until(lambda: model.rowCount() > 10)
            await wait_until(lambda: model.canFetchMore(QModelIndex()) or model.is_complete)
            assert model.rowCount() == 20
            await model.close()

    run(qloop, body())


def test_sort_and_filter_through_the_proxy(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any, qtmodeltester: Any
) -> None:
    _arrange(s3_admin)

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel()
            proxy = ObjectSortProxy(model)
            model.start_listing(session, "data", "")
            await wait_until(lambda: model.is_complete)
            proxy.sort(COL_SIZE, Qt.SortOrder.AscendingOrder)
            names = _names(proxy)
            assert names[:3] == ["alpha/", "mid/", "zeta/"]  # folders stay first
            assert names[3] == "f024.csv" and names[-1] == "f000.csv"
            proxy.sort(COL_NAME, Qt.SortOrder.DescendingOrder)
            assert _names(proxy)[:4] == ["zeta/", "mid/", "alpha/", "f024.csv"]
            proxy.set_filter_text("F01")
            assert _names(proxy) == [f"f{i:03d}.csv" for i in range(19, 9, -1)]
            proxy.set_filter_text("ZE")
            assert _names(proxy) == ["zeta/"]
            proxy.set_filter_text("")
            assert proxy.rowCount() == 28
            qtmodeltester.check(proxy)
            ref = proxy.row_ref(0)
            assert ref is not None and ref.kind == "folder" and ref.uri == "s3://data/zeta/"
            await model.close()

    run(qloop, body())


def test_sorted_listing_is_in_order_when_complete(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any
) -> None:
    _arrange(s3_admin)

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel(page_size=5)
            model.sort(COL_SIZE, Qt.SortOrder.DescendingOrder)
            model.start_listing(session, "data", "")
            await wait_until(lambda: model.is_complete)
            sizes = [model.index(r, 0).data(KEY_ROLE) for r in range(3, model.rowCount())]
            assert sizes == [f"f{i:03d}.csv" for i in range(25)]  # biggest first
            await model.close()

    run(qloop, body())


def test_error_stops_listing_and_retry_resumes(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any
) -> None:
    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel()
            failures: list[Any] = []
            model.listing_failed.connect(failures.append)
            model.start_listing(session, "missing-bucket", "")
            await wait_until(lambda: failures)
            assert "not" in str(failures[0]).lower() or str(failures[0])
            assert "Traceback" not in str(failures[0])
            assert not model.canFetchMore(QModelIndex())
            s3_admin.create_bucket(Bucket="missing-bucket")
            s3_admin.put_object(Bucket="missing-bucket", Key="now-here.txt", Body=b"1")
            model.retry()
            await wait_until(lambda: model.is_complete)
            assert _names(model) == ["now-here.txt"]
            await model.close()

    run(qloop, body())


def test_buckets_and_search_results(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any, qtmodeltester: Any
) -> None:
    _arrange(s3_admin)
    s3_admin.create_bucket(Bucket="other")
    s3_admin.put_object(Bucket="other", Key="deep/f001.csv", Body=b"o")

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = ObjectTableModel()
            model.show_buckets(
                [
                    S3Bucket("aaa", "2024-03-01T00:00:00Z", "us-west-2"),
                    S3Bucket("bbb", "2024-01-01T00:00:00Z", "eu-west-1"),
                ]
            )
            model.sort(COL_MODIFIED, Qt.SortOrder.AscendingOrder)
            assert _names(model) == ["bbb", "aaa"]  # buckets sort by creation time
            model.sort(COL_CLASS, Qt.SortOrder.DescendingOrder)
            assert _names(model) == ["aaa", "bbb"]  # ... and by region (the 4th column)
            model.sort(COL_NAME, Qt.SortOrder.AscendingOrder)
            model.show_buckets([S3Bucket("data", "2024-01-01T00:00:00Z", "us-east-1")])
            assert _names(model) == ["data"]
            assert model.index(0, 0).data(KIND_ROLE) == "bucket"
            qtmodeltester.check(model)
            model.start_search(session, SearchQuery("f001", "substring", bucket=None))
            await wait_until(lambda: model.is_complete)
            assert sorted(_names(model)) == ["data/f001.csv", "other/deep/f001.csv"]
            ref = model.row_ref(model.row_of_key("other", "deep/f001.csv"))
            assert ref is not None and ref.uri == "s3://other/deep/f001.csv"
            await model.close()

    run(qloop, body())


def test_bucket_tree_refresh_while_loading_lists_each_folder_once(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any, qtmodeltester: Any
) -> None:
    from s3browser.ui.models.bucket_model import BucketTreeModel

    _arrange(s3_admin)

    async def body() -> None:
        async with S3Session(credentials) as session:
            model = BucketTreeModel()
            model.set_session(session)
            await wait_until(lambda: model.root_loaded)
            data = model.index(0, 0)
            model.fetchMore(data)
            model.refresh(data)  # while the first listing is still on its way
            await wait_until(lambda: model.rowCount(data) >= 3)
            await asyncio.sleep(0.3)
            names = [model.index(r, 0, data).data() for r in range(model.rowCount(data))]
            assert names == ["alpha", "mid", "zeta"]
            assert model.index(0, 1).data() == "us-east-1"
            qtmodeltester.check(model)
            await model.close()

    run(qloop, body())


def test_tree_level_cut_short_is_completed_by_the_table_listing(
    qloop: Any, credentials: dict[str, Any], s3_admin: Any, monkeypatch: Any
) -> None:
    from s3browser.ui.models import bucket_model
    from s3browser.ui.models.bucket_model import BucketTreeModel

    _arrange(s3_admin)
    monkeypatch.setattr(bucket_model, "MAX_FOLDER_PAGES", 1)

    async def body() -> None:
        async with S3Session(credentials) as session:
            tree = BucketTreeModel()
            tree.page_size = 2
            tree.set_session(session)
            await wait_until(lambda: tree.root_loaded)
            data = tree.index(0, 0)
            tree.fetchMore(data)
            await wait_until(lambda: tree.rowCount(data) == 1)  # alpha/ and f000.csv fill page 1
            await asyncio.sleep(0.2)
            assert "More folders may exist" in tree.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
            table = ObjectTableModel(page_size=2)
            table.folders_listed.connect(tree.merge_folders)
            table.start_listing(session, "data", "")
            await wait_until(lambda: table.is_complete)
            names = [tree.index(r, 0, data).data() for r in range(tree.rowCount(data))]
            assert names == ["alpha", "mid", "zeta"]
            await table.close()
            await tree.close()

    run(qloop, body())

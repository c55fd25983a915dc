"""The transfer queue: batches of items, a few at a time, with throttled progress events.

This is the API the GUI's transfers panel and the CLI's ``get`` share::

    manager = TransferManager(session, TransferOptions(), resolve_conflict=ask_user)
    unsubscribe = manager.subscribe(on_progress)          # or: async for ev in manager.events()
    batch = manager.download([S3Object | S3Prefix | Source, ...], Path("~/Downloads"))
    manager.pause(item_id); manager.resume(item_id); manager.cancel(item_id); manager.retry(item_id)
    result = await batch.wait()                           # BatchResult, once every item settled
    await manager.close()                                 # pauses what runs; .part files stay

Everything runs on the caller's event loop (qasync's in the GUI): methods other than
the coroutines are plain calls that return at once, safe from Qt slots. Progress
callbacks run on the loop at most every ``options.progress_interval`` seconds and
carry only the items that changed; hashing and other heavy work runs in threads.

``resolve_conflict`` is awaited when a local file exists and the batch's policy is
ASK; questions are asked one at a time, and an answer with ``apply_to_all`` becomes
the batch's policy. Without a resolver, ASK means SKIP.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from s3browser.core import listing
from s3browser.core.errors import (
    ChecksumMismatchError,
    LocalFileError,
    ObjectChangedError,
    S3BrowserError,
    map_error,
)
from s3browser.core.models import S3Object, S3Prefix
from s3browser.core.transfers import parts as P
from s3browser.core.transfers.download import ObjectDownload, local_error
from s3browser.core.transfers.items import Batch, TransferItem
from s3browser.core.transfers.leanget import LeanGetter, lean_supported
from s3browser.core.transfers.models import (
    Conflict,
    ConflictAction,
    ConflictDecision,
    ConflictResolver,
    ProgressCallback,
    ProgressEvent,
    TransferOptions,
    TransferState,
)
from s3browser.core.transfers.paths import (
    UnsafeKeyError,
    contained_path,
    is_case_insensitive,
    keep_both_name,
    local_path,
)
from s3browser.core.transfers.plan import NamePlan, Source
from s3browser.core.transfers.progress import SpeedMeter, eta

if TYPE_CHECKING:
    from s3browser.core.clients import ClientPool
    from s3browser.core.session import S3Session

log = logging.getLogger(__name__)
_ids = itertools.count(1)

S = TransferState


class TransferManager:
    """Runs downloads: at most ``options.max_items`` objects at once, FIFO."""

    def __init__(
        self,
        session: S3Session | ClientPool,
        options: TransferOptions | None = None,
        *,
        resolve_conflict: ConflictResolver | None = None,
    ) -> None:
        pool = getattr(session, "pool", None)
        self.pool: ClientPool = pool if pool is not None else session  # type: ignore[assignment]
        self.options = options or TransferOptions()
        self.resolve_conflict = resolve_conflict
        self.items: dict[int, TransferItem] = {}
        self.batches: list[Batch] = []
        self._queue: deque[TransferItem] = deque()
        self._running: set[TransferItem] = set()
        self._tasks: set[asyncio.Task[Any]] = set()
        self._subscribers: list[ProgressCallback] = []
        self._event_queues: list[asyncio.Queue[ProgressEvent | None]] = []
        self._dirty: set[TransferItem] = set()
        self._wake = asyncio.Event()
        self._ticker: asyncio.Task[None] | None = None
        self._claims: dict[str, TransferItem] = {}
        self._ask_lock = asyncio.Lock()
        self._total_meter = SpeedMeter()
        self._closed = False
        self._executor: ThreadPoolExecutor | None = None
        self._folders_ready: set[str] = set()
        self._lean = (
            LeanGetter(self.pool) if self.options.lean_get and lean_supported(self.pool) else None
        )

    # -- asking for work ------------------------------------------------------------
    def download(
        self,
        sources: Iterable[Source | S3Object | S3Prefix],
        dest: Path | str,
        *,
        conflict: ConflictAction | None = None,
    ) -> Batch:
        """Queue a batch and return at once; folders are listed in the background."""
        if self._closed:
            raise S3BrowserError("The transfer manager is closed.")
        batch = Batch(Path(dest).expanduser().absolute(), conflict or self.options.conflict)
        self.batches.append(batch)
        self._start(self._plan(batch, [Source.of(s) for s in sources]))
        self._touch()
        return batch

    async def _plan(self, batch: Batch, sources: list[Source]) -> None:
        loop = asyncio.get_running_loop()
        try:
            insensitive = await loop.run_in_executor(None, is_case_insensitive, batch.dest)
            batch.names = NamePlan(batch.dest, case_insensitive=insensitive)
            for src in sources:
                try:
                    await self._plan_source(batch, src)
                except S3BrowserError as exc:
                    batch.errors.append(exc.message)
        except asyncio.CancelledError:
            batch.errors.append("Listing was stopped before every object was found.")
            raise
        except Exception as exc:
            log.exception("planning a download failed")
            batch.errors.append(map_error(exc).message)
        finally:
            batch.listing = False
            batch._notify()
            self._touch()

    async def _plan_source(self, batch: Batch, src: Source) -> None:
        base = src.base_prefix
        if not src.is_prefix:
            self._add(batch, src.bucket, src.key, src.key[len(base) :], src, src.target)
            return
        found = False
        async for page in listing.iter_pages(self.pool, src.bucket, src.key, delimiter=None):
            for obj in page.objects:
                found = True
                self._add(batch, src.bucket, obj.key, obj.key[len(base) :], Source.of(obj))
            self._pump()
        if not found:
            batch.errors.append(
                f"Nothing to download: no objects under s3://{src.bucket}/{src.key}."
            )

    def _add(
        self, batch: Batch, bucket: str, key: str, rel: str, src: Source, target: Path | None = None
    ) -> None:
        assert batch.names is not None
        try:
            if key.endswith("/") and target is None:
                folder = batch.names.claim_folder(key, rel)
                contained_path(batch.dest, folder).mkdir(parents=True, exist_ok=True)
                return  # a folder marker makes a folder, not an item
            path = batch.names.claim_file(key, rel, target)
        except UnsafeKeyError as exc:
            path = _display_path(batch.dest, rel)
            item = TransferItem(batch, bucket, key, path, src.size, src.last_modified)
            item.state, item.message = S.SKIPPED, f"Not written: {exc}."
            self._register(batch, item)
            return
        except OSError as exc:
            batch.errors.append(local_error(exc, batch.dest / rel).message)
            return
        item = TransferItem(batch, bucket, key, path, src.size, src.last_modified)
        self._register(batch, item)
        self._queue.append(item)
        self._pump()

    def _register(self, batch: Batch, item: TransferItem) -> None:
        if not item.state.is_final:
            batch.unsettled += 1
        batch.items.append(item)
        self.items[item.id] = item
        self._mark(item)

    # -- controls (plain calls, safe from Qt slots) ---------------------------------
    def get(self, item_id: int) -> TransferItem | None:
        return self.items.get(item_id)

    def pause(self, item_id: int) -> None:
        """Stop an item, keeping its .part file; ``resume`` continues from the finished parts."""
        item = self.items.get(item_id)
        if item is None:
            return
        if item.state is S.QUEUED and item._task is None:
            self._set(item, S.PAUSED)
        elif item.state is S.RUNNING or item._task is not None:
            self._stop_task(item, "pause")

    def resume(self, item_id: int) -> None:
        item = self.items.get(item_id)
        if item is not None and item.state is S.PAUSED:
            self._requeue(item)

    def cancel(self, item_id: int) -> None:
        """Stop an item and delete its .part file; an existing local file is never touched."""
        item = self.items.get(item_id)
        if item is None or item.state in (S.DONE, S.SKIPPED, S.CANCELLED):
            return
        if item._task is not None:
            self._stop_task(item, "cancel")
        else:
            P.remove_partial(item.path)
            self._set(item, S.CANCELLED)

    def retry(self, item_id: int) -> None:
        """Queue a failed or cancelled item again; it continues any .part file it kept."""
        item = self.items.get(item_id)
        if item is not None and item.state in (S.FAILED, S.CANCELLED):
            item.message = ""
            self._requeue(item)

    def pause_all(self, batch: Batch | None = None) -> None:
        for item in self._select(batch):
            self.pause(item.id)

    def resume_all(self, batch: Batch | None = None) -> None:
        for item in self._select(batch):
            self.resume(item.id)

    def cancel_all(self, batch: Batch | None = None) -> None:
        for item in self._select(batch):
            self.cancel(item.id)

    def clear_finished(self) -> list[int]:
        """Forget done, skipped, failed and cancelled items; returns their ids."""
        gone = [i for i, item in self.items.items() if item.state.is_final]
        for item_id in gone:
            self._dirty.discard(self.items.pop(item_id))
        self._touch()
        return gone

    def _select(self, batch: Batch | None) -> list[TransferItem]:
        return list(batch.items if batch is not None else self.items.values())

    def _requeue(self, item: TransferItem) -> None:
        self._set(item, S.QUEUED)
        self._queue.append(item)
        self._pump()

    def _stop_task(self, item: TransferItem, why: str) -> None:
        if item._task is not None and not item._task.done():
            item._stop = why
            item._task.cancel()

    # -- running items --------------------------------------------------------------
    def _pump(self) -> None:
        while self._queue and len(self._running) < max(1, self.options.max_items):
            item = self._queue.popleft()
            if item.state is not S.QUEUED or item._task is not None:
                continue
            if item.id not in self.items:
                continue
            self._running.add(item)
            item._stop = ""
            item._task = self._start(self._run(item))

    async def _run(self, item: TransferItem) -> None:
        claimed = ""
        job: ObjectDownload | None = None
        try:
            self._set(item, S.RUNNING)
            await self._prepare(item)
            if item.state is not S.RUNNING:
                return
            claimed = str(item.path)
            holder = self._claims.get(claimed)
            if holder is not None and holder is not item:
                raise LocalFileError(
                    f"Another download is writing {item.path} right now: retry when it is done."
                )
            self._claims[claimed] = item
            client = await self.pool.client_for_bucket(item.bucket)
            if self._lean is not None:
                client = self._lean.wrap(client)
            job = ObjectDownload(
                client,
                item.bucket,
                item.key,
                item.path,
                self.options,
                known_size=item.size,
                progress=item.sink,
                io=self._io,
                replace=item.replace,
            )
            item.meter.reset()
            outcome = await job.run()
            if not job.committed:
                await job.run_to_end(job.commit)
            item.size = outcome.size
            item.verified_by = outcome.verified_by
            self._set(item, S.DONE)
        except asyncio.CancelledError:
            if job is not None and job.committed:
                # The stop came while the verified file was being renamed: too late to
                # stop, and the file is whole under its final name.
                self._set(item, S.DONE)
            elif item._stop == "cancel":
                P.remove_partial(item.path)
                self._set(item, S.CANCELLED)
            else:
                self._set(item, S.PAUSED)
        except UnsafeKeyError as exc:
            item.message = f"Not written: {exc}."
            self._set(item, S.SKIPPED)
        except (ChecksumMismatchError, ObjectChangedError) as exc:
            P.remove_partial(item.path)  # useless for a resume: the next try starts afresh
            self._fail(item, exc)
        except S3BrowserError as exc:
            state = P.load_sidecar(item.path)
            if state is not None and state.bytes_done == 0:
                P.remove_partial(item.path)  # nothing worth keeping for a retry
            self._fail(item, exc)
        except Exception as exc:
            log.exception("download of s3://%s/%s failed", item.bucket, item.key)
            self._fail(item, map_error(exc, f"s3://{item.bucket}/{item.key}"))
        finally:
            if claimed and self._claims.get(claimed) is item:
                del self._claims[claimed]
            item._task = None
            item.waiting_for_answer = False
            self._running.discard(item)
            item.batch._notify()
            self._pump()

    def _fail(self, item: TransferItem, exc: S3BrowserError) -> None:
        log.info("download of s3://%s/%s failed: %s", item.bucket, item.key, exc.message)
        item.message = exc.message
        self._set(item, S.FAILED)

    async def _prepare(self, item: TransferItem) -> None:
        """Check the path is inside the destination, settle conflicts, make the folders.

        File-system calls run on the I/O threads (they block, and on a busy disk a
        create costs milliseconds); folders already made and checked are remembered.
        """
        dest = item.batch.dest
        exists, is_dir = await self._io(_probe, item.path)
        if exists and not item.decided:
            if is_dir:
                raise LocalFileError(
                    f"A folder named {item.path.name} is in the way in {item.path.parent}: "
                    "rename it and retry."
                )
            action = await self._decide(item)
            item.decided = True
            if action is ConflictAction.SKIP:
                item.message = "The local file exists and was kept."
                self._set(item, S.SKIPPED)
                return
            if action is ConflictAction.KEEP_BOTH:
                item.path = await self._io(keep_both_name, item.path, set(self._claims))
                self._mark(item)
            else:
                item.replace = True
        parent = str(item.path.parent)
        if parent not in self._folders_ready:
            await self._io(_make_folder, dest, item.path)
            self._folders_ready.add(parent)

    async def _io(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run a blocking file-system call on the manager's I/O threads."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=8, thread_name_prefix="s3b-files")
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    async def _decide(self, item: TransferItem) -> ConflictAction:
        batch = item.batch
        if batch.conflict is not ConflictAction.ASK:
            return batch.conflict
        if self.resolve_conflict is None:
            return ConflictAction.SKIP
        async with self._ask_lock:
            if batch.conflict is not ConflictAction.ASK:  # answered "apply to all" meanwhile
                return batch.conflict
            try:
                st = item.path.stat()
                size, mtime = st.st_size, st.st_mtime
            except OSError:
                size, mtime = 0, 0.0
            question = Conflict(
                item.id,
                item.bucket,
                item.key,
                item.path,
                size,
                mtime,
                item.bytes_total,
                item.last_modified,
            )
            item.waiting_for_answer = True
            self._mark(item)
            try:
                decision: ConflictDecision = await self.resolve_conflict(question)
            finally:
                item.waiting_for_answer = False
                self._mark(item)
            if decision.apply_to_all:
                batch.conflict = decision.action
            return decision.action

    # -- progress events ------------------------------------------------------------
    def subscribe(self, callback: ProgressCallback) -> Callable[[], None]:
        """Call ``callback(event)`` on the loop, at most ~10 times a second. Returns unsubscribe."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            with contextlib.suppress(ValueError):
                self._subscribers.remove(callback)

        return unsubscribe

    async def events(self) -> AsyncIterator[ProgressEvent]:
        """The same events as an async iterator; ends when the manager closes."""
        queue: asyncio.Queue[ProgressEvent | None] = asyncio.Queue()
        unsubscribe = self.subscribe(queue.put_nowait)
        self._event_queues.append(queue)
        try:
            while (event := await queue.get()) is not None:
                yield event
        finally:
            unsubscribe()
            self._event_queues.remove(queue)

    def snapshot(self, *, all_items: bool = False) -> ProgressEvent:
        """The current figures; ``changed`` holds every item when ``all_items``."""
        items = list(self.items.values())
        counts: dict[TransferState, int] = {}
        done = total = received = 0
        for item in items:
            counts[item.state] = counts.get(item.state, 0) + 1
            received += item.sink.done
            if item.state in (S.SKIPPED, S.CANCELLED):
                continue
            done += item.sink.done
            total += item.bytes_total or 0
        self._total_meter.sample(received)
        speed = self._total_meter.speed if self._running else 0.0
        listing_now = any(b.listing for b in self.batches)
        if all_items:
            changed = [i.progress() for i in items]
        else:
            candidates = self._dirty | self._running
            self._dirty = set()
            changed = []
            for item in candidates:
                if item.id not in self.items:
                    continue
                if item.state is S.RUNNING:
                    item.meter.sample(item.sink.done)
                sig = item._signature()
                if sig != item._emitted:
                    item._emitted = sig
                    changed.append(item.progress())
            changed.sort(key=lambda p: p.item_id)
        active = bool(self._queue or self._running) and any(i.state.is_active for i in items)
        return ProgressEvent(
            changed=tuple(changed),
            bytes_done=done,
            bytes_total=total,
            speed=speed,
            eta=eta(total - done, speed),
            counts=counts,
            listing=listing_now,
            idle=not active and not listing_now,
        )

    def _emit(self) -> None:
        event = self.snapshot()
        for callback in list(self._subscribers):
            try:
                callback(event)
            except Exception:
                log.exception("a progress callback failed")

    async def _tick(self) -> None:
        interval = max(0.01, self.options.progress_interval)
        while True:
            await self._wake.wait()
            while True:
                self._wake.clear()
                self._emit()
                await asyncio.sleep(interval)
                if not self._wake.is_set() and not self._running:
                    break

    def _mark(self, item: TransferItem) -> None:
        self._dirty.add(item)
        self._touch()

    def _touch(self) -> None:
        self._wake.set()
        if self._ticker is None and not self._closed:
            self._ticker = asyncio.get_running_loop().create_task(self._tick())

    def _set(self, item: TransferItem, state: TransferState) -> None:
        was_final = item.state.is_final
        item.state = state
        if was_final != state.is_final:
            item.batch.unsettled += 1 if was_final else -1
        self._mark(item)
        if state.is_final:
            item.batch._notify()

    # -- lifetime -------------------------------------------------------------------
    def _start(self, coro: Any) -> asyncio.Task[Any]:
        task = asyncio.get_running_loop().create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def wait_idle(self) -> None:
        """Wait until nothing is queued, running or being listed."""
        while True:
            pending = [b for b in self.batches if not b.settled and b.listing]
            if not pending and not self._running and not self._queue:
                return
            tasks = list(self._tasks)
            if tasks:
                await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            else:
                await asyncio.sleep(0.05)

    async def close(self) -> None:
        """Pause everything (the .part files stay for a later resume) and stop the events."""
        self._closed = True
        for item in list(self._running):
            self._stop_task(item, "pause")
        for item in list(self._queue):
            if item.state is S.QUEUED:
                self._set(item, S.PAUSED)
        self._queue.clear()
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._ticker is not None:
            self._ticker.cancel()
            await asyncio.gather(self._ticker, return_exceptions=True)
            self._ticker = None
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
        self._emit()
        for queue in list(self._event_queues):
            queue.put_nowait(None)


def _probe(path: Path) -> tuple[bool, bool]:
    """Whether something exists at ``path``, and whether it is a folder."""
    return os.path.lexists(path), path.is_dir()


def _make_folder(dest: Path, path: Path) -> None:
    """Create the file's folder, refusing one that resolves outside ``dest``."""
    if dest in path.parents:
        contained_path(dest, path.parent)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise local_error(exc, path.parent) from exc
    if dest in path.parents:
        contained_path(dest, path)  # again: the folders exist now


def _display_path(dest: Path, rel: str) -> Path:
    """A path to show for a skipped key (never written to)."""
    try:
        return local_path(dest, rel)
    except UnsafeKeyError:
        return dest / rel.replace("/", "_")[:200]

"""Downloading one object, verifying it, and moving it under its final name.

Three paths, by size:

* Up to 1 MiB (size known from the listing): one GET into memory, then one call on
  the I/O threads hashes it, writes a unique temporary file beside the target and
  renames it. Thousands of small files cost file-system calls, not bytes; those block,
  so they never run on the event loop.
* Up to the multipart threshold (16 MiB): one GET streamed into ``<name>.part``,
  hashed as it arrives.
* Larger: a HEAD, then ``<name>.part`` made at its final size (sparse) and written in
  place (``os.pwrite``), every GET pinned with ``If-Match`` to the ETag the HEAD saw.
  By default one stream fetches every missing part and records each as done in the
  sidecar as it passes (see ``parts.py`` for why one stream); with
  ``part_concurrency > 1`` each part is its own ranged GET. A worker thread hashes
  the file in order while later parts still arrive.

A broken connection resumes the range from the last byte written (up to
``part_retries`` times); a 412 means the object changed and fails the download with
:class:`ObjectChangedError`. Nothing is ever written under the final name until the
file is complete and verified; then one ``os.replace`` puts it there.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, cast

from s3browser.core.errors import (
    ChecksumMismatchError,
    LocalFileError,
    NetworkError,
    ObjectChangedError,
    S3BrowserError,
    ServerError,
    ThrottledError,
    map_error,
)
from s3browser.core.transfers import parts as P
from s3browser.core.transfers.checksums import Expected, Hasher, expected_from, hash_file_range
from s3browser.core.transfers.models import TransferOptions

log = logging.getLogger(__name__)

_RETRYABLE = (NetworkError, ServerError, ThrottledError)


@dataclass(slots=True)
class Outcome:
    """What a finished download verified."""

    size: int
    verified_by: str
    notes: list[str] = field(default_factory=list)


class ProgressSink:
    """Where the engine reports bytes; the manager turns this into throttled events."""

    def __init__(self) -> None:
        self.total: int | None = None
        self.done = 0

    def start(self, total: int, already_done: int) -> None:
        self.total, self.done = total, already_done

    def add(self, n: int) -> None:
        self.done += n


def local_error(exc: OSError, path: Path) -> LocalFileError:
    reason = exc.strerror or type(exc).__name__
    return LocalFileError(
        f"Could not write {path} ({reason}): check free disk space and the folder's permissions."
    )


class _OrderedHasher:
    """Hashes the file from byte 0 up to a growing watermark, in a worker thread."""

    def __init__(self, fd: int, hashers: dict[str, Hasher]) -> None:
        self.fd = fd
        self.hashers = hashers
        self.pos = 0
        self._target = 0
        self._task: asyncio.Task[None] | None = None
        self._stop = False

    def advance(self, upto: int) -> None:
        if not self.hashers or upto <= self._target:
            return
        self._target = upto
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run())

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while self.pos < self._target and not self._stop:
            end = self._target
            await loop.run_in_executor(None, self._hash, self.pos, end)
            self.pos = end

    def _hash(self, start: int, end: int) -> None:
        step = 16 * 1024 * 1024
        for s in range(start, end, step):
            if self._stop:
                return
            hash_file_range(self.fd, s, min(end, s + step), self.hashers)

    async def finish(self, size: int) -> dict[str, bytes]:
        self.advance(size)
        if self._task is not None:
            await self._task
        return {name: h.digest() for name, h in self.hashers.items()}

    async def stop(self) -> None:
        """Stop and wait for the thread, so the caller may close the file descriptor."""
        self._stop = True
        if self._task is not None:
            with contextlib.suppress(BaseException):
                await asyncio.shield(self._task)


class ObjectDownload:
    """One object to one local file; ``await run()`` returns the :class:`Outcome`."""

    def __init__(
        self,
        client: Any,
        bucket: str,
        key: str,
        final: Path,
        options: TransferOptions,
        *,
        known_size: int | None = None,
        progress: ProgressSink | None = None,
        io: IoRunner | None = None,
        replace: bool = False,
    ) -> None:
        self.client = client
        self.bucket = bucket
        self.key = key
        self.final = final
        self.part = P.part_path(final)
        self.options = options
        self.known_size = known_size
        self.progress = progress or ProgressSink()
        self.etag = ""
        self.last_modified: datetime | None = None
        self.url = f"s3://{bucket}/{key}"
        self.io = io or _default_io
        self.replace = replace  # the user chose to overwrite an existing file
        self.committed = False  # the small-object path renames the file itself

    # -- entry point ----------------------------------------------------------------
    async def run(self) -> Outcome:
        if self.known_size is not None and self.known_size <= SMALL_IN_MEMORY:
            try:
                return await self._in_memory()
            except _TooBig:
                log.info("%s grew since it was listed: downloading it in parts", self.url)
        state = P.load_sidecar(self.final)
        if state is None and os.path.lexists(self.part):
            raise LocalFileError(
                f"A file named {self.part.name} is in the way in {self.part.parent}: "
                "move or delete it and retry."
            )
        threshold = P.choose_multipart_threshold(self.options)
        if state is None and self.known_size is not None and self.known_size <= threshold:
            return await self._single()
        head = await self._call("head_object", ChecksumMode="ENABLED")
        size = int(head.get("ContentLength", 0))
        self.etag = str(head.get("ETag") or "")
        self.last_modified = head.get("LastModified")
        expected = expected_from(head, size)
        if size <= threshold:
            return await self._single(if_match=self.etag, expected=expected)
        return await self._multipart(size, expected, state)

    # -- small objects: one GET into memory, one thread call to write and rename -----
    async def _in_memory(self) -> Outcome:
        """Small objects: no HEAD, no .part/sidecar dance on the event loop.

        For thousands of small files the cost is in file-system calls, which block:
        the body (at most SMALL_IN_MEMORY bytes, so memory stays bounded by
        ``max_items`` of them) is written to a unique temporary file beside the
        target and renamed, all in one call on the I/O thread pool.
        """
        chunks: list[bytes] = []
        holder: dict[str, Any] = {}

        def first(response: dict[str, Any]) -> None:
            size = int(response.get("ContentLength", 0))
            if size > 4 * SMALL_IN_MEMORY:
                raise _TooBig()
            self.etag = self.etag or str(response.get("ETag") or "")
            self.last_modified = response.get("LastModified") or self.last_modified
            exp = expected_from(response, size)
            holder["expected"] = exp
            holder["hashers"] = exp.hashers() if self.options.verify else {}
            chunks.clear()
            self.progress.start(size, 0)

        def write(chunk: bytes, pos: int) -> None:
            chunks.append(chunk)

        got = await self._fetch(write, 0, None, first=first)
        exp = holder["expected"]
        if got != exp.size:
            raise NetworkError(
                f"{self.url} arrived with {got:,} bytes instead of {exp.size:,}: download it again."
            )
        stamp = self.last_modified.timestamp() if self.last_modified is not None else None
        # Hashing, writing and renaming in one call on the I/O threads keeps the event
        # loop free for the next requests (hashlib releases the GIL while it works).
        await self.run_to_end(self._verify_and_write, chunks, exp, holder["hashers"], stamp)
        self.committed = True
        return _outcome(exp, self.options.verify)

    async def run_to_end(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run a write-and-rename on the I/O threads to its end, even when cancelled.

        A thread cannot be stopped half-way: a pause or cancel arriving meanwhile would
        otherwise report "paused" while the file already has its final name (and the
        resume then asks about a conflict with it). The work finishes, ``committed`` is
        set, and the cancellation is re-raised for the caller to see.
        """
        work = asyncio.ensure_future(self.io(fn, *args))
        try:
            await asyncio.shield(work)
        except asyncio.CancelledError:
            while not work.done():
                with contextlib.suppress(asyncio.CancelledError):
                    await asyncio.wait({work})
            if not work.cancelled() and work.exception() is None:
                self.committed = True
            raise

    def _verify_and_write(
        self, chunks: list[bytes], exp: Expected, hashers: dict[str, Hasher], stamp: float | None
    ) -> None:
        for chunk in chunks:
            for h in hashers.values():
                h.update(chunk)
        self._check_digests(exp, {n: h.digest() for n, h in hashers.items()})
        _write_small(self.final, chunks, stamp, self.replace)

    # -- one GET, hashed as it streams ----------------------------------------------
    async def _single(self, if_match: str = "", expected: Expected | None = None) -> Outcome:
        self.etag = if_match
        P.save_sidecar(self.final, P.PartState(self.bucket, self.key, "", -1, 0))
        fd = self._open(truncate=True)
        try:
            holder: dict[str, Any] = {}

            def first(response: dict[str, Any]) -> None:
                size = int(response.get("ContentLength", 0))
                self.etag = self.etag or str(response.get("ETag") or "")
                self.last_modified = response.get("LastModified") or self.last_modified
                exp = expected or expected_from(response, size)
                holder["expected"] = exp
                holder["hashers"] = exp.hashers() if self.options.verify else {}
                self.progress.start(size, 0)

            def on_chunk(chunk: bytes) -> None:
                for h in holder["hashers"].values():
                    h.update(chunk)

            end = await self._fetch(fd, 0, None, first=first, on_chunk=on_chunk)
            exp = holder["expected"]
            self._check_size(fd, end, exp.size)
            digests = {n: h.digest() for n, h in holder["hashers"].items()}
            self._check_digests(exp, digests)
        finally:
            os.close(fd)
        return _outcome(exp, self.options.verify)

    # -- ranged parts written in place ----------------------------------------------
    async def _multipart(self, size: int, expected: Expected, state: P.PartState | None) -> Outcome:
        resumable = (
            state is not None
            and state.matches(self.bucket, self.key, self.etag, size)
            and state.part_size > 0
            and _file_size(self.part) == size
        )
        if not resumable:
            if state is not None:
                log.info("%s changed or its partial file is stale: starting over", self.url)
            state = P.PartState(self.bucket, self.key, self.etag, size, 0)
            state.part_size = P.choose_part_size(size, self.options)
            P.save_sidecar(self.final, state)
        assert state is not None
        fd = self._open(truncate=not resumable, size=size)
        hasher = _OrderedHasher(fd, expected.hashers() if self.options.verify else {})
        try:
            self.progress.start(size, state.bytes_done)
            todo = [r for r in P.part_ranges(size, state.part_size) if not state.is_done(*r)]
            workers = P.choose_part_concurrency(size, state.part_size, self.options)
            hasher.advance(state.contiguous_end())

            def finished(start: int, end: int) -> None:
                state.add(start, end)
                try:
                    P.save_sidecar(self.final, state)
                except OSError as exc:
                    raise local_error(exc, self.final) from exc
                hasher.advance(state.contiguous_end())

            if workers == 1:
                # One stream is the fastest on small machines: one GET per run of missing
                # parts, each part recorded as done the moment the stream passes its end.
                for run_start, run_end, run_parts in _runs(todo):
                    pending = list(reversed(run_parts))

                    def checkpoint(pos: int, pending: list[tuple[int, int]] = pending) -> None:
                        while pending and pending[-1][1] <= pos:
                            finished(*pending.pop())

                    await self._fetch(fd, run_start, run_end, on_pos=checkpoint)
            else:
                queue = list(reversed(todo))

                async def worker() -> None:
                    while queue:
                        start, end = queue.pop()
                        await self._fetch(fd, start, end)
                        finished(start, end)

                async with asyncio.TaskGroup() as group:
                    for _ in range(min(workers, len(todo))):
                        group.create_task(worker())
            self._check_size(fd, size, size)
            digests = await hasher.finish(size)
            self._check_digests(expected, digests)
        except* S3BrowserError as eg:
            raise eg.exceptions[0] from None
        finally:
            await hasher.stop()
            os.close(fd)
        return _outcome(expected, self.options.verify)

    # -- pieces ---------------------------------------------------------------------
    async def _call(self, op: str, **params: Any) -> Any:
        try:
            return await getattr(self.client, op)(Bucket=self.bucket, Key=self.key, **params)
        except Exception as exc:
            raise map_error(exc, self.url) from exc

    async def _fetch(
        self,
        write: Callable[[bytes, int], None] | int,
        start: int,
        end: int | None,
        *,
        first: Callable[[dict[str, Any]], None] | None = None,
        on_chunk: Callable[[bytes], None] | None = None,
        on_pos: Callable[[int], None] | None = None,
    ) -> int:
        """Write bytes [start, end) (to the object's end when None) at their offsets.

        A broken connection continues from the last byte written, with If-Match set
        to the ETag already seen, so a retry never mixes two versions of the object.
        """
        if isinstance(write, int):
            write = self._pwriter(write)
        pos = start
        attempt = 0
        chunk_size = self.options.chunk_size
        while True:
            params: dict[str, Any] = {}
            if self.etag:
                params["IfMatch"] = self.etag
            if end is not None:
                params["Range"] = f"bytes={pos}-{end - 1}"
            elif pos:
                params["Range"] = f"bytes={pos}-"
            if first is not None and pos == start:
                params["ChecksumMode"] = "ENABLED"
            try:
                response = await self.client.get_object(Bucket=self.bucket, Key=self.key, **params)
                body = response["Body"]
                try:
                    if first is not None and pos == start:
                        first(response)
                        limit = start + int(response.get("ContentLength", 0))
                    else:
                        limit = end if end is not None else -1
                    read = _reader(body, chunk_size)
                    while True:
                        chunk = await read()
                        if not chunk:
                            break
                        write(chunk, pos)
                        if on_chunk is not None:
                            on_chunk(chunk)
                        pos += len(chunk)
                        self.progress.add(len(chunk))
                        if on_pos is not None:
                            on_pos(pos)
                finally:
                    body.close()
                if limit >= 0 and pos < limit:
                    raise NetworkError("The connection closed before the whole range arrived.")
                return pos
            except (asyncio.CancelledError, LocalFileError, _TooBig):
                raise
            except Exception as exc:
                err = map_error(exc, self.url)
                if isinstance(err, ObjectChangedError):
                    raise ObjectChangedError(
                        f"{self.url} changed on the server during the download: "
                        "start the download again to get the new version.",
                        code=err.code,
                    ) from exc
                if not isinstance(err, _RETRYABLE) or attempt >= self.options.part_retries:
                    raise err from exc
                attempt += 1
                log.info("%s: %s; retrying from byte %d", self.url, err.message, pos)
                await asyncio.sleep(min(8.0, 0.25 * 2**attempt) * (0.5 + random.random()))

    def _pwriter(self, fd: int) -> Callable[[bytes, int], None]:
        def write(chunk: bytes, pos: int) -> None:
            try:
                os.pwrite(fd, chunk, pos)
            except OSError as exc:
                raise local_error(exc, self.final) from exc

        return write

    def _open(self, *, truncate: bool, size: int | None = None) -> int:
        flags = os.O_RDWR | os.O_CREAT | (os.O_TRUNC if truncate else 0)
        try:
            fd = os.open(self.part, flags | getattr(os, "O_BINARY", 0), 0o666)
            if size is not None and os.fstat(fd).st_size != size:
                os.ftruncate(fd, size)  # sparse: "preallocated" without writing zeros
        except OSError as exc:
            raise local_error(exc, self.part) from exc
        return fd

    def _check_size(self, fd: int, got: int, expected: int) -> None:
        actual = os.fstat(fd).st_size
        if got != expected or actual != expected:
            raise NetworkError(
                f"{self.url} arrived with {max(got, actual):,} bytes instead of "
                f"{expected:,}: download it again."
            )

    def _check_digests(self, expected: Expected, digests: dict[str, bytes]) -> None:
        bad = expected.mismatches(digests)
        if bad:
            raise ChecksumMismatchError(
                f"{self.url} does not match its {' and '.join(bad)} after download: "
                "the data was damaged on the way; download it again."
            )

    def commit(self, *, replace: bool | None = None) -> None:
        """Move the verified .part file to the final name and drop the sidecar."""
        replace = self.replace if replace is None else replace
        try:
            if self.last_modified is not None:
                stamp = self.last_modified.timestamp()
                os.utime(self.part, (stamp, stamp))
            if not replace and os.path.lexists(self.final):
                raise LocalFileError(
                    f"{self.final} appeared while downloading: it was kept, and the download "
                    f"is in {self.part.name}; retry to choose what to do."
                )
            os.replace(self.part, self.final)
        except OSError as exc:
            raise local_error(exc, self.final) from exc
        with contextlib.suppress(OSError):
            P.sidecar_path(self.final).unlink()


def _outcome(exp: Expected, verify: bool) -> Outcome:
    if not verify:
        return Outcome(exp.size, "size (checksums turned off)")
    label = exp.verified_by
    if label == "size" and exp.unverifiable:
        label += " only: " + "; ".join(exp.unverifiable)
    return Outcome(exp.size, label, list(exp.unverifiable))


SMALL_IN_MEMORY = 1024 * 1024  # objects up to this size are buffered, not streamed to disk

IoRunner = Callable[..., Awaitable[Any]]


async def _default_io(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


class _TooBig(Exception):
    """The object is much larger than the listing said: use the streaming path."""


def _write_small(final: Path, chunks: list[bytes], stamp: float | None, replace: bool) -> None:
    """Write ``chunks`` to a fresh temporary file beside ``final``, then rename it there.

    Runs on a worker thread. The temporary name is unique (never an existing file's),
    so nothing but this download's own data is ever written or removed.
    """
    fd, tmp = _create_unique(final)
    try:
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        if stamp is not None:
            os.utime(tmp, (stamp, stamp))
        if not replace and os.path.lexists(final):
            raise LocalFileError(
                f"{final} appeared while downloading: it was kept; retry to choose what to do."
            )
        os.replace(tmp, final)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise local_error(exc, final) from exc
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _create_unique(final: Path) -> tuple[int, str]:
    """A new file with a random name beside ``final`` (mode 0666 less the umask, like any)."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    for _ in range(100):
        tmp = str(final.with_name(f".{final.name[:100]}.{secrets.token_hex(4)}.part"))
        try:
            return os.open(tmp, flags, 0o666), tmp
        except FileExistsError:
            continue
        except OSError as exc:
            raise local_error(exc, final) from exc
    raise LocalFileError(f"Could not create a temporary file beside {final}.")


def _reader(body: Any, chunk_size: int) -> Callable[[], Awaitable[bytes]]:
    """The fastest way to take the next chunk off a response body.

    aiohttp's ``StreamReader.readany()`` hands over the buffers as they arrived;
    ``read(n)`` (what aiobotocore's body uses) re-slices and joins them, which cost
    6x the CPU on a 1 GiB stream (0.54 s against 3.4 s on the project's machine).
    Sizes are checked by the engine itself, so nothing is lost by going around it.
    """
    content = getattr(body, "content", None)  # through aiobotocore's proxy, or the lean body
    readany = getattr(content, "readany", None)
    if readany is not None:
        return cast(Callable[[], Awaitable[bytes]], readany)
    return lambda: cast(Awaitable[bytes], body.read(chunk_size))


def _runs(parts: list[tuple[int, int]]) -> list[tuple[int, int, list[tuple[int, int]]]]:
    """Contiguous stretches of parts: (start, end, the parts in it)."""
    out: list[tuple[int, int, list[tuple[int, int]]]] = []
    for start, end in parts:
        if out and out[-1][1] == start:
            out[-1] = (out[-1][0], end, [*out[-1][2], (start, end)])
        else:
            out.append((start, end, [(start, end)]))
    return out


def _file_size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return -1

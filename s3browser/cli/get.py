"""`s3browser get`: download an object or a folder with the transfer engine.

    s3browser get s3://bucket/key DEST             one object (DEST: a folder or a file name)
    s3browser get s3://bucket/prefix/ DEST -r      everything below prefix/, into DEST

A progress bar on a terminal, one summary line otherwise; exit status 1 when any
object failed (or was not written because a local file existed and no policy was
given). An interrupted download (Ctrl+C, a killed process) leaves ``.part`` files
that the same command continues from. Only ``argparse`` is imported until it runs.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from typing import TYPE_CHECKING, Any

from s3browser.cli.common import (
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    credentials_from_args,
    fail,
    human_size,
    print_json,
    run_async,
)

if TYPE_CHECKING:
    from s3browser.core.transfers import Conflict, ConflictDecision, ProgressEvent

_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b?)\s*$", re.IGNORECASE)


def parse_size(text: str) -> int:
    """ "8MiB", "16M", "1.5GB", "65536" -> bytes (binary units: M = MiB)."""
    match = _SIZE.match(text)
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a size: use e.g. 8MiB or 65536")
    value = float(match.group(1)) * 1024 ** " kmgt".index(match.group(2).lower() or " ")
    return int(value)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value


def add_parser(sub: Any, parents: list[argparse.ArgumentParser] | None = None) -> None:
    p = sub.add_parser(
        "get",
        parents=parents or [],
        help="download an object, or a folder with --recursive",
        description="Download from S3 into a local folder; interrupted downloads resume.",
    )
    p.add_argument("url", help="s3://bucket/key, or s3://bucket/prefix/ with --recursive")
    p.add_argument("dest", help="a local folder (or a file name for a single object)")
    p.add_argument(
        "-r", "--recursive", action="store_true", help="download every object below the prefix"
    )
    p.add_argument("--concurrency", type=_positive, help="objects (and parts) at once")
    p.add_argument("--part-size", type=parse_size, help="bytes per ranged GET, e.g. 16MiB")
    conflict = p.add_mutually_exclusive_group()
    conflict.add_argument("--overwrite", action="store_true", help="replace existing files")
    conflict.add_argument(
        "--skip-existing", action="store_true", help="keep existing files, skip those objects"
    )
    conflict.add_argument(
        "--keep-both", action="store_true", help="write 'name (1).ext' beside existing files"
    )
    p.add_argument("--no-verify", action="store_true", help="check the size only (no hashing)")
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from s3browser.core.s3url import parse_s3_url

    loc = parse_s3_url(args.url)
    key = loc.key or ""
    is_folder = args.recursive or key == "" or key.endswith("/")
    if is_folder and not args.recursive:
        return fail(
            f"{args.url} is a folder: add --recursive to download everything below it.", EXIT_USAGE
        )
    if is_folder and key and not key.endswith("/"):
        key += "/"
    return run_async(lambda: _download(args, loc.bucket, key, is_folder))


async def _download(args: argparse.Namespace, bucket: str, key: str, is_folder: bool) -> int:
    import asyncio
    from pathlib import Path

    from s3browser.core.session import S3Session
    from s3browser.core.transfers import (
        ConflictAction,
        Source,
        TransferManager,
        TransferOptions,
    )

    if args.overwrite:
        policy = ConflictAction.OVERWRITE
    elif args.skip_existing:
        policy = ConflictAction.SKIP
    elif args.keep_both:
        policy = ConflictAction.KEEP_BOTH
    else:
        policy = ConflictAction.ASK
    options = TransferOptions(
        part_size=args.part_size,
        part_concurrency=args.concurrency,
        max_items=args.concurrency or TransferOptions().max_items,
        conflict=policy,
        verify=not args.no_verify,
    )
    dest = Path(args.dest).expanduser()
    if is_folder:
        folder, source = dest, Source(bucket, key, base=key)
    elif dest.is_dir() or args.dest.endswith(("/", os.sep)):
        folder, source = dest, Source(bucket, key)
    else:
        folder = dest.parent
        source = Source(bucket, key, target=dest.absolute())
    prompt = _Prompt(policy is ConflictAction.ASK and sys.stdin.isatty())
    use_json = bool(getattr(args, "json", False))
    bar = _Bar(enabled=sys.stderr.isatty() and not args.quiet and not use_json)
    started = time.monotonic()
    async with S3Session(credentials_from_args(args)) as session:
        manager = TransferManager(session, options, resolve_conflict=prompt.ask)
        manager.subscribe(bar.show)
        prompt.bar = bar
        try:
            folder.mkdir(parents=True, exist_ok=True)
            result = await manager.download([source], folder).wait()
        except asyncio.CancelledError:
            bar.clear()
            await manager.close()
            print("s3browser: interrupted; run the same command again to resume.", file=sys.stderr)
            return EXIT_INTERRUPTED
        finally:
            await manager.close()
    bar.clear()
    elapsed = time.monotonic() - started
    return _report(result, elapsed, prompt.refused, use_json, args.quiet)


def _report(result: Any, elapsed: float, refused: int, use_json: bool, quiet: bool) -> int:
    from s3browser.core.transfers import TransferState as S

    done = result.count(S.DONE)
    failed = result.count(S.FAILED) + result.count(S.CANCELLED)
    skipped = result.count(S.SKIPPED)
    size = result.bytes_done
    rate = size / elapsed if elapsed > 0 else 0.0
    if use_json:
        for item in result.items:
            print_json(
                {
                    "bucket": item.bucket,
                    "key": item.key,
                    "path": str(item.path),
                    "state": item.state.value,
                    "size": item.size,
                    "message": item.message,
                }
            )
        for error in result.errors:
            print_json({"error": error})
    else:
        for item in result.items:
            if item.state in (S.FAILED, S.CANCELLED):
                print(f"failed: s3://{item.bucket}/{item.key}: {item.message}", file=sys.stderr)
            elif item.state is S.SKIPPED and not quiet:
                print(f"skipped: s3://{item.bucket}/{item.key}: {item.message}", file=sys.stderr)
        for error in result.errors:
            print(f"s3browser: {error}", file=sys.stderr)
    summary = (
        f"{done} downloaded ({human_size(size)} in {elapsed:.1f} s, "
        f"{human_size(int(rate))}/s), {failed} failed, {skipped} skipped"
    )
    if refused:
        summary += (
            f"; {refused} not written because the local file exists: "
            "use --overwrite, --skip-existing or --keep-both"
        )
    if use_json:
        print_json(
            {
                "summary": summary,
                "downloaded": done,
                "failed": failed,
                "skipped": skipped,
                "bytes": size,
                "seconds": round(elapsed, 3),
            }
        )
    else:
        print(summary)
    return EXIT_OK if result.ok and not refused and not failed else EXIT_FAILED


class _Bar:
    """One self-rewriting line on stderr: percent, bytes, speed, ETA, files."""

    def __init__(self, *, enabled: bool) -> None:
        self.enabled = enabled
        self.width = 0

    def show(self, event: ProgressEvent) -> None:
        if not self.enabled:
            return
        from s3browser.core.transfers import TransferState as S

        total = event.bytes_total
        pct = f"{100 * event.bytes_done / total:5.1f}%" if total else "  ...%"
        finished = event.count(S.DONE) + event.count(S.SKIPPED) + event.count(S.FAILED)
        eta = f"ETA {_duration(event.eta)}" if event.eta is not None else ""
        more = "+" if event.listing else ""
        line = (
            f"{pct} {human_size(event.bytes_done)} / {human_size(total)}{more}  "
            f"{human_size(int(event.speed))}/s  {eta}  {finished}/{event.total_items}{more} files"
        )
        pad = max(0, self.width - len(line))
        sys.stderr.write("\r" + line + " " * pad)
        sys.stderr.flush()
        self.width = len(line)

    def clear(self) -> None:
        if self.enabled and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()
            self.width = 0


def _duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m{seconds % 60:02d}s"
    return f"{seconds // 3600}h{seconds // 60 % 60:02d}m"


class _Prompt:
    """Asks about existing files on a terminal; elsewhere it refuses to touch them."""

    def __init__(self, interactive: bool) -> None:
        self.interactive = interactive
        self.refused = 0
        self.bar: _Bar | None = None

    async def ask(self, conflict: Conflict) -> ConflictDecision:
        import asyncio

        from s3browser.core.transfers import ConflictAction, ConflictDecision

        if not self.interactive:
            self.refused += 1
            return ConflictDecision(ConflictAction.SKIP)
        if self.bar is not None:
            self.bar.clear()
        question = (
            f"{conflict.path} exists ({human_size(conflict.local_size)}). "
            "[s]kip, [o]verwrite, [k]eep both (capital letter: for all)? "
        )
        choices = {
            "s": ConflictAction.SKIP,
            "o": ConflictAction.OVERWRITE,
            "k": ConflictAction.KEEP_BOTH,
        }
        loop = asyncio.get_running_loop()
        while True:
            answer = (await loop.run_in_executor(None, input, question)).strip()
            action = choices.get(answer[:1].lower()) if answer else None
            if action is not None:
                return ConflictDecision(action, apply_to_all=answer[:1].isupper())

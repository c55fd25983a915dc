"""The read-only subcommands: ls, stat, cat, find, whoami."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from s3browser.cli.common import (
    EXIT_OK,
    EXIT_USAGE,
    credentials_from_args,
    fail,
    human_size,
    print_json,
    run_async,
)


def add_parsers(sub: Any, parents: list[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("ls", parents=parents, help="list buckets, or a folder of a bucket")
    p.add_argument("url", nargs="?", default="s3://", help="s3://bucket/prefix/ (none: buckets)")
    p.add_argument("-r", "--recursive", action="store_true", help="every key below the prefix")
    p.add_argument("--human", "-H", action="store_true", help="sizes in KiB, MiB...")
    p.set_defaults(run=cmd_ls)

    p = sub.add_parser("stat", parents=parents, help="details of an object or a bucket")
    p.add_argument("url", help="s3://bucket/key or s3://bucket")
    p.set_defaults(run=cmd_stat)

    p = sub.add_parser("cat", parents=parents, help="write an object's bytes to stdout")
    p.add_argument("url", help="s3://bucket/key")
    p.add_argument("--range", help="bytes START-END (inclusive) or START-")
    p.set_defaults(run=cmd_cat)

    p = sub.add_parser("find", parents=parents, help="search keys (substring by default)")
    p.add_argument("args", nargs="+", metavar="[s3://bucket[/prefix]] PATTERN")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--glob", action="store_true", help="PATTERN is a glob (*, ?, [..])")
    mode.add_argument("--regex", action="store_true", help="PATTERN is a regular expression")
    mode.add_argument("--prefix", action="store_true", help="PATTERN is a key prefix")
    p.add_argument("--all-buckets", action="store_true", help="search every bucket")
    p.add_argument("--case-sensitive", action="store_true")
    p.add_argument("--limit", type=int, default=None, help="stop after this many matches")
    p.add_argument("--suffix", help="only keys ending with this")
    p.add_argument("--min-size", type=int, help="bytes")
    p.add_argument("--max-size", type=int, help="bytes")
    p.add_argument("--modified-after", help="ISO date, e.g. 2024-05-01")
    p.add_argument("--modified-before", help="ISO date")
    p.add_argument("--storage-class", action="append", help="repeatable")
    p.set_defaults(run=cmd_find)

    p = sub.add_parser("whoami", parents=parents, help="the identity and endpoint in use")
    p.set_defaults(run=cmd_whoami)


def _session(args: argparse.Namespace) -> Any:
    from s3browser.core.session import S3Session

    return S3Session(credentials_from_args(args))


def _local_time(iso: str) -> str:
    import time
    from datetime import datetime

    try:
        # time.localtime + time.strftime: the same text as datetime.astimezone().strftime()
        # (checked across zones and DST), at a third of the CPU; ls -r prints one per key.
        stamp = datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp()
        return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(stamp))
    except (ValueError, OverflowError, OSError):
        return iso


def cmd_ls(args: argparse.Namespace) -> int:
    from s3browser.core.s3url import parse_s3_url

    loc = parse_s3_url(args.url, require_bucket=False)
    size = human_size if args.human else str

    async def go() -> int:
        async with _session(args) as session:
            if loc.is_root:
                for bucket in await session.list_buckets():
                    if args.json:
                        print_json(bucket.to_dict())
                    else:
                        print(f"{_local_time(bucket.creation_date)}  {bucket.name}")
                return EXIT_OK
            async for page in session.iter_pages(loc.bucket, loc.key, recursive=args.recursive):
                out = []
                for prefix in page.prefixes:
                    if args.json:
                        out.append(_json_line({"type": "folder", "prefix": prefix.prefix}))
                    else:
                        out.append(f"{'PRE':>30} {prefix.prefix[len(loc.key) :]}")
                for obj in page.objects:
                    if args.json:
                        out.append(_json_line({"type": "object", **obj.to_dict()}))
                    else:
                        name = obj.key if args.recursive else obj.key[len(loc.key) :]
                        out.append(f"{_local_time(obj.last_modified)} {size(obj.size):>10} {name}")
                if out:
                    sys.stdout.write("\n".join(out) + "\n")
                    sys.stdout.flush()
        return EXIT_OK

    return run_async(go)


def _json_line(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False, default=str)


def cmd_stat(args: argparse.Namespace) -> int:
    from s3browser.core.s3url import parse_s3_url

    loc = parse_s3_url(args.url)

    async def go() -> int:
        async with _session(args) as session:
            if not loc.key:
                details = (await session.bucket_details(loc.bucket)).to_dict()
            else:
                details = (await session.object_details(loc.bucket, loc.key)).to_dict()
        if args.json:
            print_json(details)
        else:
            _print_fields(details)
        return EXIT_OK

    return run_async(go)


def _print_fields(details: dict[str, Any]) -> None:
    import json

    width = max(len(k) for k in details)
    for name, value in details.items():
        if value in (None, {}, []):
            continue
        if isinstance(value, dict | list):
            text = json.dumps(value, ensure_ascii=False, default=str)
        else:
            text = str(value)
        print(f"{name:<{width}}  {text}")


def _parse_range(text: str | None) -> tuple[int, int | None]:
    if not text:
        return 0, None
    from s3browser.core.errors import InvalidInputError

    start_text, sep, end_text = text.removeprefix("bytes=").partition("-")
    try:
        start = int(start_text)
        end = int(end_text) if end_text else None
    except ValueError:
        raise InvalidInputError(
            f"The range {text!r} is not valid: write START-END or START-, in bytes."
        ) from None
    if not sep or start < 0 or (end is not None and end < start):
        raise InvalidInputError(f"The range {text!r} is not valid: write START-END or START-.")
    return start, end


def cmd_cat(args: argparse.Namespace) -> int:
    from s3browser.core.s3url import parse_s3_url

    loc = parse_s3_url(args.url)
    if loc.is_prefix:
        return fail(
            f"{args.url} is a bucket or folder, not an object: give s3://bucket/key.", EXIT_USAGE
        )

    async def go() -> int:
        start, end = _parse_range(args.range)
        out = sys.stdout.buffer
        async with _session(args) as session:
            async for chunk in session.stream(loc.bucket, loc.key, start=start, end=end):
                out.write(chunk)
        out.flush()
        return EXIT_OK

    return run_async(go)


def cmd_find(args: argparse.Namespace) -> int:
    from s3browser.core.s3url import parse_s3_url
    from s3browser.core.search import SearchFilters, SearchQuery

    if len(args.args) == 1:
        if not args.all_buckets:
            return fail(
                "Give where to search (s3://bucket[/prefix]) and a pattern, or --all-buckets.",
                EXIT_USAGE,
            )
        bucket, prefix, pattern = None, "", args.args[0]
    elif len(args.args) == 2:
        loc = parse_s3_url(args.args[0], require_bucket=False)
        bucket, prefix, pattern = (loc.bucket or None), loc.key, args.args[1]
        if args.all_buckets:
            bucket, prefix = None, ""
    else:
        return fail("find takes at most a location and a pattern.", EXIT_USAGE)
    mode = (
        "glob" if args.glob else "regex" if args.regex else "prefix" if args.prefix else "substring"
    )

    async def go() -> int:
        query = SearchQuery(
            pattern=pattern,
            mode=mode,  # type: ignore[arg-type]
            bucket=bucket,
            prefix=prefix,
            case_sensitive=args.case_sensitive,
            filters=SearchFilters.from_dict(
                {
                    "suffix": args.suffix,
                    "min_size": args.min_size,
                    "max_size": args.max_size,
                    "modified_after": args.modified_after,
                    "modified_before": args.modified_before,
                    "storage_classes": args.storage_class,
                }
            ),
            limit=args.limit,
        )

        def skipped(name: str, err: Any) -> None:
            print(f"s3browser: skipped bucket {name}: {err.message}", file=sys.stderr)

        count = 0
        async with _session(args) as session:
            async for obj in session.search(query, on_error=skipped):
                count += 1
                if args.json:
                    print_json(obj.to_dict())
                else:
                    print(f"s3://{obj.bucket_name}/{obj.key}")
        return EXIT_OK if count else 1

    return run_async(go)


def cmd_whoami(args: argparse.Namespace) -> int:
    async def go() -> int:
        async with _session(args) as session:
            ident = await session.identify()
            info = {
                "identity": ident.label,
                "account_id": ident.account_id,
                "arn": ident.arn,
                "endpoint": session.endpoint_label,
                "region": session.region,
                "credential_source": session.settings.source,
                "credentials_expire": await session.credential_expiry(),
            }
        if args.json:
            print_json(info)
        else:
            _print_fields(info)
        return EXIT_OK

    return run_async(go)

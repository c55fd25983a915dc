"""What every subcommand shares: connection options, opening a session, reporting errors.

Kept free of heavy imports: aioboto3 is imported only when a session really opens,
so ``s3browser --version`` and ``--help`` answer at once.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Awaitable, Callable
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def add_connection_options(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """The options that say where and as whom to connect.

    With ``suppress`` the defaults are left out, so that a value given before the
    subcommand is not overwritten by the subcommand's own (absent) option.
    """
    default: Any = argparse.SUPPRESS if suppress else None
    group = parser.add_argument_group("connection")
    group.add_argument(
        "--profile", default=default, help="a saved s3browser connection or an AWS config profile"
    )
    group.add_argument(
        "--endpoint-url",
        default=default,
        help="an S3-compatible endpoint (MinIO, R2, Wasabi, B2, Ceph...); default: AWS",
    )
    group.add_argument("--region", default=default, help="the region to sign requests for")
    group.add_argument(
        "--no-sign-request",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="send unsigned requests (public buckets)",
    )
    group.add_argument(
        "--addressing-style",
        choices=("auto", "path", "virtual"),
        default=default,
        help="bucket in the host name (virtual) or in the path; auto picks path for non-AWS",
    )
    group.add_argument(
        "--no-verify-ssl",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="do not verify the endpoint's TLS certificate",
    )
    group.add_argument("--ca-bundle", default=default, help="a PEM file of trusted CAs")


def _saved_profile(name: str) -> dict[str, Any] | None:
    """A connection saved in the app's own store, if that store knows ``name``."""
    try:
        from s3browser.credentials import resolve_profile_for_cli
    except ImportError:
        return None
    result: dict[str, Any] | None = resolve_profile_for_cli(name)
    return result


def credentials_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """The seed credentials dict for the options given (environment as the fallback).

    Access keys themselves come from botocore's default chain (the standard
    AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN variables, the
    shared files, an instance role) unless a saved profile supplies them.
    """
    creds: dict[str, Any] = {}
    profile = getattr(args, "profile", None)
    if profile:
        saved = _saved_profile(profile)
        if saved is not None:
            creds.update(saved)
        else:
            creds["profile_name"] = profile
    endpoint = (
        getattr(args, "endpoint_url", None)
        or os.environ.get("AWS_ENDPOINT_URL_S3")
        or os.environ.get("AWS_ENDPOINT_URL")
    )
    if endpoint:
        creds["endpoint_url"] = endpoint
    if getattr(args, "region", None):
        creds["region_name"] = args.region
    if getattr(args, "no_sign_request", False):
        creds = {k: v for k, v in creds.items() if k in ("endpoint_url", "region_name")}
        creds["anonymous"] = True
    if getattr(args, "addressing_style", None):
        creds["addressing_style"] = args.addressing_style
    if getattr(args, "no_verify_ssl", False):
        creds["verify"] = False
    elif getattr(args, "ca_bundle", None):
        creds["verify"] = args.ca_bundle
    return creds


def fail(message: str, code: int = EXIT_FAILED) -> int:
    print(f"s3browser: {message}", file=sys.stderr)
    return code


def guard_errors(run: Callable[[argparse.Namespace], int], args: argparse.Namespace) -> int:
    """Run a subcommand; input errors found before any request also become sentences."""
    from s3browser.core.errors import InvalidInputError, S3BrowserError

    try:
        return run(args)
    except InvalidInputError as err:
        return fail(err.message, EXIT_USAGE)
    except S3BrowserError as err:
        return fail(err.message)
    except KeyboardInterrupt:
        return fail("interrupted.", EXIT_INTERRUPTED)


def run_async(func: Callable[[], Awaitable[int]]) -> int:
    """Run a subcommand's coroutine; turn the error family into a sentence and an exit code."""
    import asyncio

    from s3browser.core.errors import InvalidInputError, S3BrowserError

    try:
        return asyncio.run(_guarded(func))
    except KeyboardInterrupt:
        return fail("interrupted.", EXIT_INTERRUPTED)
    except InvalidInputError as err:
        return fail(err.message, EXIT_USAGE)
    except S3BrowserError as err:
        return fail(err.message)


async def _guarded(func: Callable[[], Awaitable[int]]) -> int:
    try:
        return await func()
    except BrokenPipeError:
        # The reader (e.g. `| head`) went away: not an error worth a message.
        _silence_stdout()
        return EXIT_OK


def _silence_stdout() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass


def print_json(value: Any) -> None:
    print(json.dumps(value, ensure_ascii=False, default=str))


def human_size(size: int) -> str:
    """Sizes as people read them: 0 B, 999 B, 1.0 KiB, 12.3 MiB..."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if value < 1024 or unit == "PiB":
            return f"{int(value)} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"

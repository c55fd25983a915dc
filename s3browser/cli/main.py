"""`s3browser`: the GUI with no subcommand, or a headless client with one.

s3browser [--demo] [s3://bucket/prefix/]     open the window (at that location)
s3browser ls|stat|cat|find|whoami|get ...    the command line on the same core
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import sys

from s3browser._version import __version__
from s3browser.cli.common import EXIT_USAGE, add_connection_options

SUBCOMMANDS = ("ls", "stat", "cat", "find", "whoami", "get")
# Options of the top-level parser that take a value: needed to find the subcommand.
_VALUE_OPTIONS = {"--profile", "--endpoint-url", "--region", "--addressing-style", "--ca-bundle"}


def _first_positional(argv: list[str]) -> str | None:
    skip = False
    for token in argv:
        if skip:
            skip = False
            continue
        if token == "--":
            return None
        if token.startswith("-"):
            skip = token in _VALUE_OPTIONS
            continue
        return token
    return None


def _optional_module(name: str) -> bool:
    return importlib.util.find_spec(name) is not None


def build_cli_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    add_connection_options(common, suppress=True)
    common.add_argument(
        "--json",
        action="store_true",
        default=argparse.SUPPRESS,
        help="machine-readable output (JSON lines)",
    )
    common.add_argument("-v", "--verbose", action="count", default=argparse.SUPPRESS)

    parser = argparse.ArgumentParser(
        prog="s3browser",
        description="Browse, search and download from S3 and S3-compatible storage.",
    )
    parser.add_argument("--version", action="version", version=f"s3browser {__version__}")
    add_connection_options(parser)
    parser.add_argument("--json", action="store_true", default=False)
    parser.add_argument("-v", "--verbose", action="count", default=0)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    from s3browser.cli import commands

    commands.add_parsers(sub, [common])
    if _optional_module("s3browser.cli.get"):
        get = importlib.import_module("s3browser.cli.get")
        get.add_parser(sub, [common])
    return parser


def build_gui_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="s3browser",
        description="Open the s3browser window. Commands for the terminal: "
        + ", ".join(SUBCOMMANDS)
        + " (s3browser COMMAND --help).",
    )
    parser.add_argument("--version", action="version", version=f"s3browser {__version__}")
    parser.add_argument("location", nargs="?", help="open at s3://bucket/prefix/")
    parser.add_argument(
        "--demo", action="store_true", help="use the embedded demo S3 server with sample data"
    )
    parser.add_argument(
        "--self-test", action="store_true", help="check this installation end to end and exit"
    )
    parser.add_argument("-v", "--verbose", action="count", default=0)
    add_connection_options(parser)
    return parser


def _setup_logging(verbosity: int) -> None:
    level = logging.WARNING if not verbosity else logging.INFO if verbosity == 1 else logging.DEBUG
    if verbosity:
        # botocore's debug log prints request headers, session token included: mask
        # secrets in every record before any handler formats it.
        from s3browser.credentials.redact import install_log_redaction

        install_log_redaction()
    logging.basicConfig(
        level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )


def main(argv: list[str]) -> int:
    first = _first_positional(argv)
    if first in SUBCOMMANDS:
        parser = build_cli_parser()
        args, extra = parser.parse_known_args(argv)
        if first == "find" and extra and not any(e.startswith("-") for e in extra):
            # argparse takes a "+" positional in one run: `find s3://b/ --glob '*.csv'`
            # left the pattern over. It belongs to the location/pattern list.
            args.args.extend(extra)
        elif extra:
            parser.parse_args(argv)  # the usual "unrecognized arguments" message and exit 2
        _setup_logging(args.verbose)
        run = getattr(args, "run", None)
        if run is None:
            parser.print_help()
            return EXIT_USAGE
        from s3browser.cli.common import guard_errors

        return guard_errors(run, args)
    args = build_gui_parser().parse_args(argv)
    _setup_logging(args.verbose)
    if args.location:
        from s3browser.core.errors import InvalidInputError
        from s3browser.core.s3url import parse_s3_url

        try:
            parse_s3_url(args.location, require_bucket=False)
        except InvalidInputError as err:
            print(f"s3browser: {err.message}", file=sys.stderr)
            return EXIT_USAGE
    if args.self_test:
        if not _optional_module("s3browser.selftest"):
            print("s3browser: this build has no self-test.", file=sys.stderr)
            return EXIT_USAGE
        from s3browser.selftest import run_self_test

        code: int = run_self_test(args)
        return code
    if not _optional_module("s3browser.app"):
        print(
            "s3browser: the GUI is not part of this build; use `s3browser ls` instead.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    from s3browser.app import run_gui

    code = run_gui(args)
    return code

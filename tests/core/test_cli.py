"""The headless CLI as a user runs it: a subprocess against the moto server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest


def run_cli(
    endpoint: str | None, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "s3browser", *args]
    if endpoint:
        cmd += ["--endpoint-url", endpoint]
    full_env = dict(os.environ, **(env or {}))
    return subprocess.run(
        cmd, capture_output=True, text=True, timeout=120, env=full_env, stdin=subprocess.DEVNULL
    )


@pytest.fixture
def data(s3_admin: Any) -> Any:
    s3_admin.create_bucket(Bucket="cli-data")
    s3_admin.put_object(Bucket="cli-data", Key="notes/a.txt", Body=b"alpha\n")
    s3_admin.put_object(Bucket="cli-data", Key="notes/deep/b.csv", Body=b"x,y\n1,2\n")
    s3_admin.put_object(Bucket="cli-data", Key="top level:1.json", Body=b'{"k": 1}')
    return s3_admin


def test_ls_buckets_folders_and_recursive(s3_endpoint: str, data: Any) -> None:
    out = run_cli(s3_endpoint, "ls")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split()[-1] == "cli-data"
    out = run_cli(s3_endpoint, "ls", "s3://cli-data/")
    lines = out.stdout.splitlines()
    assert lines[0].split() == ["PRE", "notes/"]
    assert lines[1].endswith(" top level:1.json")
    out = run_cli(s3_endpoint, "ls", "-r", "s3://cli-data/notes/")
    assert [line.split()[-1] for line in out.stdout.splitlines()] == [
        "notes/a.txt",
        "notes/deep/b.csv",
    ]
    out = run_cli(s3_endpoint, "ls", "--json", "s3://cli-data/notes/")
    rows = [json.loads(line) for line in out.stdout.splitlines()]
    assert rows[0] == {"type": "folder", "prefix": "notes/deep/"}
    assert rows[1]["key"] == "notes/a.txt" and rows[1]["size"] == 6


def test_options_before_the_subcommand(s3_endpoint: str, data: Any) -> None:
    out = run_cli(
        None, "--endpoint-url", s3_endpoint, "--region", "us-east-1", "ls", "s3://cli-data"
    )
    assert out.returncode == 0, out.stderr
    assert "notes/" in out.stdout


def test_stat_cat_and_range(s3_endpoint: str, data: Any) -> None:
    out = run_cli(s3_endpoint, "stat", "--json", "s3://cli-data/notes/a.txt")
    details = json.loads(out.stdout)
    assert details["size"] == 6 and details["key"] == "notes/a.txt"
    out = run_cli(s3_endpoint, "stat", "s3://cli-data")
    assert "versioning" in out.stdout and "not available: no bucket policy is set" in out.stdout
    out = run_cli(s3_endpoint, "cat", "s3://cli-data/top level:1.json")
    assert out.stdout == '{"k": 1}'
    out = run_cli(s3_endpoint, "cat", "--range", "1-3", "s3://cli-data/notes/a.txt")
    assert out.stdout == "lph"


def test_find_modes(s3_endpoint: str, data: Any) -> None:
    out = run_cli(s3_endpoint, "find", "s3://cli-data", "A.TXT")
    assert out.stdout.split() == ["s3://cli-data/notes/a.txt"]
    out = run_cli(s3_endpoint, "find", "--glob", "s3://cli-data/notes/", "*.csv")
    assert out.stdout.split() == ["s3://cli-data/notes/deep/b.csv"]
    # The README's order: location, option, pattern (argparse alone left the pattern over).
    out = run_cli(s3_endpoint, "find", "s3://cli-data/notes/", "--glob", "*.csv")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["s3://cli-data/notes/deep/b.csv"]
    out = run_cli(s3_endpoint, "find", "s3://cli-data/", "x", "--bogus")
    assert out.returncode == 2 and "unrecognized arguments: --bogus" in out.stderr
    out = run_cli(s3_endpoint, "find", "--regex", "--all-buckets", r"^top .*\.json$")
    assert out.stdout.split("\n")[0] == "s3://cli-data/top level:1.json"
    out = run_cli(s3_endpoint, "find", "s3://cli-data", "nothing-matches")
    assert out.returncode == 1 and out.stdout == ""


def test_whoami(s3_endpoint: str) -> None:
    out = run_cli(s3_endpoint, "whoami", "--json")
    info = json.loads(out.stdout)
    assert info["account_id"] == "123456789012"
    assert info["endpoint"] == s3_endpoint
    assert info["credential_source"] == "default_chain"


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [
        (("ls", "s3://Not_Valid!/"), 2, "not a valid bucket name"),
        (("ls", "bucket/key"), 2, "not an S3 URL"),
        (("cat", "s3://cli-data/"), 2, "not an object"),
        (("cat", "--range", "9-1", "s3://cli-data/notes/a.txt"), 2, "range"),
        (("ls", "s3://missing-bucket/"), 1, "bucket does not exist"),
        (("cat", "s3://cli-data/missing"), 1, "object does not exist"),
        (("find", "--regex", "s3://cli-data", "("), 2, "regular expression"),
        (("find", "onlypattern"), 2, "--all-buckets"),
    ],
)
def test_errors_are_one_sentence(
    s3_endpoint: str, data: Any, args: tuple[str, ...], code: int, words: str
) -> None:
    out = run_cli(s3_endpoint, *args)
    assert out.returncode == code, out.stderr
    assert words in out.stderr
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1
    assert out.stderr.startswith("s3browser: ")


def test_unreachable_endpoint(s3_endpoint: str) -> None:
    out = run_cli("http://127.0.0.1:9", "whoami")
    assert out.returncode == 1
    assert "could not be reached" in out.stderr
    assert "Traceback" not in out.stderr


def test_anonymous_read_of_a_private_object_is_denied(s3_endpoint: str, data: Any) -> None:
    out = run_cli(s3_endpoint, "cat", "--no-sign-request", "s3://cli-data/notes/a.txt")
    assert out.returncode == 1
    assert "Access denied" in out.stderr


def test_version_and_help() -> None:
    from s3browser import __version__

    out = run_cli(None, "--version")
    assert out.stdout.strip() == f"s3browser {__version__}"
    out = run_cli(None, "ls", "--help")
    assert "--recursive" in out.stdout and out.returncode == 0


def test_debug_log_never_shows_the_session_token(s3_endpoint: str, data: Any) -> None:
    token = "FwoGZXIvYXdzEXAMPLETOKEN0123456789abcdef"
    out = run_cli(s3_endpoint, "-vv", "ls", "s3://cli-data/", env={"AWS_SESSION_TOKEN": token})
    assert out.returncode == 0, out.stderr
    assert "x-amz-security-token" in out.stderr.lower()  # the header is logged...
    assert token not in out.stderr + out.stdout  # ...but never its value

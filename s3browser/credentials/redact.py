"""Keep secrets out of every log line, whoever logs them.

botocore's DEBUG log prints each request's headers, and with temporary credentials
those include ``X-Amz-Security-Token``; a presigned URL carries the token in its
query string. Any handler (the app's log file, ``-vv`` on the command line, a test's
caplog) would then write it down. A logging *record factory* sees every record of
every logger before any handler does, so redacting there covers them all.

Two kinds of redaction: the values this process resolved from the keyring (they are
registered by :func:`register_secret`), and the security-token header or query
parameter whatever its value (credentials from an AWS profile never pass through
this module).
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

MASK = "***"
_MIN_SECRET_LENGTH = 6  # shorter values would mask ordinary words

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False
_previous_factory: Any = None

_TOKEN_PATTERNS = (
    # headers dict in botocore's "Sending http request" line: 'X-Amz-Security-Token': b'...'
    re.compile(r"""(['"]?x-amz-security-token['"]?\s*[:=]\s*b?['"])([^'"]+)(['"])""", re.I),
    # query string of a presigned URL: X-Amz-Security-Token=...&
    re.compile(r"(x-amz-security-token=)([^&\s'\"]+)()", re.I),
    # botocore credential dumps: 'SecretAccessKey': '...', 'SessionToken': '...'
    re.compile(
        r"""(['"]?(?:secretaccesskey|sessiontoken|aws_secret_access_key|aws_session_token)"""
        r"""['"]?\s*[:=]\s*b?['"])([^'"]+)(['"])""",
        re.I,
    ),
)
_NOISY_LOGGERS = ("botocore", "aiobotocore", "urllib3", "aiohttp", "s3transfer", "boto3")


def register_secret(*values: str | None) -> None:
    """Mask these exact values in every later log record (and install the masking)."""
    install_log_redaction()
    with _lock:
        for value in values:
            if value and len(value) >= _MIN_SECRET_LENGTH:
                _secrets.add(value)


def redact(text: str) -> str:
    """``text`` with registered secrets and security tokens replaced by ``***``."""
    for pattern in _TOKEN_PATTERNS:
        text = pattern.sub(lambda m: f"{m.group(1)}{MASK}{m.group(3)}", text)
    with _lock:
        secrets = sorted(_secrets, key=len, reverse=True)
    for secret in secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


def _needs_look(record: logging.LogRecord) -> bool:
    return bool(_secrets) or record.name.startswith(_NOISY_LOGGERS)


def _factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
    record: logging.LogRecord = _previous_factory(*args, **kwargs)
    if not _needs_look(record):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a broken format string is the handler's problem, not ours
        return record
    cleaned = redact(message)
    if cleaned != message:
        record.msg = cleaned
        record.args = None
    if record.exc_info and record.exc_info[1] is not None:
        text = str(record.exc_info[1])
        if redact(text) != text:
            # The traceback would repeat the secret: keep the type, drop the text.
            record.exc_info = None
            record.msg = f"{record.msg} ({MASK} exception text withheld: it held a secret)"
    return record


def install_log_redaction() -> None:
    """Put the redacting record factory in place (once per process)."""
    global _installed, _previous_factory
    with _lock:
        if _installed:
            return
        _previous_factory = logging.getLogRecordFactory()
        logging.setLogRecordFactory(_factory)
        _installed = True

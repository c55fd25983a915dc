"""No secret reaches a log line, even botocore's DEBUG request dumps."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from s3browser.credentials.redact import install_log_redaction, redact, register_secret

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY"
TOKEN = "FwoGZXIvYXdzEJr//////////wEaDEXAMPLETOKEN"


def test_registered_secret_is_masked_in_formatted_records(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(SECRET)
    with caplog.at_level(logging.DEBUG):
        logging.getLogger("s3browser.anything").info("connecting with %s", SECRET)
        logging.getLogger("thirdparty").warning(f"inline {SECRET} too")
    assert SECRET not in caplog.text
    assert "connecting with ***" in caplog.text


def test_botocore_request_dump_loses_its_security_token(caplog: pytest.LogCaptureFixture) -> None:
    install_log_redaction()
    headers: dict[str, Any] = {"X-Amz-Security-Token": TOKEN.encode(), "X-Amz-Date": b"20260101"}
    with caplog.at_level(logging.DEBUG, logger="botocore"):
        logging.getLogger("botocore.endpoint").debug(
            "Sending http request: <AWSPreparedRequest headers=%s>", headers
        )
    assert TOKEN not in caplog.text  # never registered: the header pattern catches it
    assert "X-Amz-Date" in caplog.text


def test_presigned_url_token_and_credential_dumps_are_masked() -> None:
    url = f"https://b.s3.amazonaws.com/k?X-Amz-Security-Token={TOKEN}&X-Amz-Signature=ab"
    assert TOKEN not in redact(url)
    assert "X-Amz-Signature=ab" in redact(url)
    dump = "{'AccessKeyId': 'ASIA1', 'SecretAccessKey': 'abcdefgh123', 'SessionToken': 'zz99zz99'}"
    cleaned = redact(dump)
    assert "abcdefgh123" not in cleaned and "zz99zz99" not in cleaned and "ASIA1" in cleaned


def test_exception_text_holding_a_secret_is_withheld(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(SECRET)
    try:
        raise ValueError(f"bad key {SECRET}")
    except ValueError:
        logging.getLogger("s3browser.x").exception("it failed")
    assert SECRET not in caplog.text
    assert "it failed" in caplog.text


def test_short_values_are_not_registered() -> None:
    register_secret("abc")
    assert redact("abc def") == "abc def"

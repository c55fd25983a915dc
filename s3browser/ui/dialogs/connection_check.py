"""Testing a connection and describing credential expiry, in words for the dialog.

Qt-free on purpose: the connect dialog and the connections switcher both use it, and
it is the one place that turns the core's answers (identity, buckets, expiry) into
the line the user reads.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from s3browser.core.errors import S3BrowserError


async def check_connection(creds: dict[str, Any]) -> tuple[str, bool]:
    """Identity, bucket count and credential expiry as one line, or the core's sentence."""
    from s3browser.core.session import S3Session

    try:
        async with S3Session(creds) as session:
            identity = await session.identify()
            buckets = await session.list_buckets()
            expiry = await session.credential_expiry()
    except S3BrowserError as exc:
        return str(exc), False
    count = len(buckets)
    parts = [
        f"Connected as {identity.label}" if identity.label != "unknown" else "Connected",
        f"{count} bucket{'s' if count != 1 else ''}",
    ]
    if expiry:
        parts.append(describe_expiry(expiry))
    return " · ".join(parts) + ".", True


def describe_expiry(iso: str, now: datetime | None = None) -> str:
    """ "credentials expire at 16:40 UTC (in 52 min)" for temporary credentials."""
    try:
        when = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return f"credentials expire at {iso}"
    now = now or datetime.now(UTC)
    minutes = int((when - now).total_seconds() // 60)
    stamp = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    if minutes < 0:
        return f"credentials expired at {stamp}"
    left = f"{minutes} min" if minutes < 120 else f"{minutes // 60} h"
    return f"temporary credentials expire at {stamp} (in {left})"

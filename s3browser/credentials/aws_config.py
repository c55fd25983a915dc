"""Profiles of the user's AWS config, listed through botocore and never copied.

botocore reads ``~/.aws/config`` and ``~/.aws/credentials`` (and AWS_CONFIG_FILE,
AWS_SHARED_CREDENTIALS_FILE) exactly as the AWS CLI does, including SSO sessions
and ``[profile x]`` spelling; parsing those files by hand would get that wrong. The
app only remembers a profile's *name*: connecting goes through botocore again, so
SSO and assume-role profiles refresh their own credentials.
"""

from __future__ import annotations

import logging
from typing import Any

from s3browser.credentials.presets import guess_preset
from s3browser.credentials.profiles import ADDRESSING_STYLES, Profile, ProfileKind

log = logging.getLogger(__name__)

AWS_ID_PREFIX = "aws-config:"


def discover_aws_profiles() -> list[Profile]:
    """One read-only profile per AWS config profile (blocking: file reads, botocore import)."""
    try:
        import botocore.session

        session = botocore.session.Session()
        names = list(session.available_profiles)
        config: dict[str, Any] = session.full_config.get("profiles", {})
    except Exception as exc:  # a malformed config file must not stop the app
        log.warning("could not read the AWS config: %s", type(exc).__name__)
        return []
    profiles = []
    for name in sorted(set(names)):
        section = config.get(name, {})
        if not isinstance(section, dict):
            section = {}
        endpoint = _endpoint_of(section)
        s3 = section.get("s3")
        style = str(s3.get("addressing_style", "auto")) if isinstance(s3, dict) else "auto"
        profiles.append(
            Profile(
                name=name,
                kind=ProfileKind.AWS_PROFILE,
                id=AWS_ID_PREFIX + name,
                aws_profile=name,
                region=str(section.get("region") or ""),
                endpoint_url=endpoint,
                addressing_style=style if style in ADDRESSING_STYLES else "auto",
                verify=str(section.get("ca_bundle") or "") or True,
                preset=guess_preset(endpoint).id,
                read_only=True,
            )
        )
    return profiles


def _endpoint_of(section: dict[str, Any]) -> str:
    """The profile's S3 endpoint: a top-level ``endpoint_url`` or an ``s3 =`` sub-section."""
    s3 = section.get("s3")
    if isinstance(s3, dict) and s3.get("endpoint_url"):
        return str(s3["endpoint_url"])
    return str(section.get("endpoint_url") or "")

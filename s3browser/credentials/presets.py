"""Presets: the endpoint, region and addressing style each S3 provider expects.

Typing an endpoint by hand is where most first connections fail (a missing
``https://``, the account id in the wrong place, R2's region ``auto``). A preset
asks for the one thing that varies (an account id, a region, a server address) and
builds the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from s3browser.core.errors import InvalidInputError


@dataclass(frozen=True, slots=True)
class PresetResult:
    endpoint_url: str
    region: str
    addressing_style: str


@dataclass(frozen=True, slots=True)
class Preset:
    """One provider. ``asks`` says what the user types: a region, an account id or a URL.

    ``template`` builds the endpoint from that value (``{region}`` or ``{account}``);
    an empty template means "the user's own server address" (MinIO, Ceph) or "AWS
    itself" (no endpoint URL at all).
    """

    id: str
    label: str
    asks: str  # "region", "account", "url"
    prompt: str
    default_value: str
    template: str
    region: str  # fixed region, or "" when the asked value is the region
    addressing_style: str
    regions: tuple[str, ...] = ()
    hint: str = ""

    def apply(self, value: str) -> PresetResult:
        """The endpoint, region and addressing style for the value the user typed."""
        value = value.strip() or self.default_value
        if not value:
            raise InvalidInputError(f"Type the {self.prompt.lower()}.")
        if self.asks == "url":
            url = value if "://" in value else f"http://{value}"
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise InvalidInputError(
                    f"{value!r} is not a server address: use one such as http://127.0.0.1:9000."
                )
            return PresetResult(url.rstrip("/"), self.region, self.addressing_style)
        if self.asks == "account":
            if not _ACCOUNT.fullmatch(value):
                raise InvalidInputError(
                    "The Cloudflare account id is 32 letters and digits: copy it from the "
                    "R2 overview page."
                )
            return PresetResult(
                self.template.format(account=value.lower()), self.region, self.addressing_style
            )
        # asks == "region"
        if not _REGION.fullmatch(value):
            raise InvalidInputError(f"{value!r} is not a region name such as {self.default_value}.")
        endpoint = self.template.format(region=value) if self.template else ""
        return PresetResult(endpoint, value, self.addressing_style)

    def guess_value(self, endpoint_url: str, region: str) -> str:
        """What the user would have typed to get this endpoint (for editing a profile)."""
        if self.asks == "url":
            return endpoint_url
        if self.asks == "region":
            return region
        host = urlsplit(endpoint_url).hostname or ""
        return host.split(".", 1)[0]


_ACCOUNT = re.compile(r"[0-9A-Za-z]{32}")
_REGION = re.compile(r"[a-z0-9][a-z0-9-]{0,40}[a-z0-9]")

PRESETS: tuple[Preset, ...] = (
    Preset(
        "aws",
        "Amazon S3",
        "region",
        "Region",
        "us-east-1",
        "",
        "",
        "auto",
        (
            "us-east-1",
            "us-east-2",
            "us-west-1",
            "us-west-2",
            "eu-west-1",
            "eu-west-2",
            "eu-west-3",
            "eu-central-1",
            "eu-north-1",
            "ap-south-1",
            "ap-southeast-1",
            "ap-southeast-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ca-central-1",
            "sa-east-1",
        ),
        "Buckets in other regions are found automatically.",
    ),
    Preset(
        "minio",
        "MinIO",
        "url",
        "Server address",
        "http://127.0.0.1:9000",
        "",
        "us-east-1",
        "path",
        hint="The API port (9000 by default), not the web console's.",
    ),
    Preset(
        "r2",
        "Cloudflare R2",
        "account",
        "Account id",
        "",
        "https://{account}.r2.cloudflarestorage.com",
        "auto",
        "path",
        hint="Use an R2 API token's access key id and secret access key.",
    ),
    Preset(
        "wasabi",
        "Wasabi",
        "region",
        "Region",
        "us-east-1",
        "https://s3.{region}.wasabisys.com",
        "",
        "path",
        (
            "us-east-1",
            "us-east-2",
            "us-central-1",
            "us-west-1",
            "ca-central-1",
            "eu-central-1",
            "eu-central-2",
            "eu-west-1",
            "eu-west-2",
            "ap-northeast-1",
            "ap-northeast-2",
            "ap-southeast-1",
            "ap-southeast-2",
        ),
    ),
    Preset(
        "b2",
        "Backblaze B2",
        "region",
        "Region",
        "us-west-004",
        "https://s3.{region}.backblazeb2.com",
        "",
        "path",
        (
            "us-west-000",
            "us-west-001",
            "us-west-002",
            "us-west-004",
            "us-east-005",
            "eu-central-003",
        ),
        "The region is in the bucket's S3 endpoint, e.g. s3.us-west-004.backblazeb2.com.",
    ),
    Preset(
        "spaces",
        "DigitalOcean Spaces",
        "region",
        "Region",
        "nyc3",
        "https://{region}.digitaloceanspaces.com",
        "",
        "path",
        ("nyc3", "sfo2", "sfo3", "ams3", "sgp1", "fra1", "syd1", "blr1", "lon1", "tor1", "atl1"),
    ),
    Preset(
        "ceph",
        "Ceph (RADOS Gateway)",
        "url",
        "Gateway address",
        "http://127.0.0.1:7480",
        "",
        "us-east-1",
        "path",
        hint="Use the zonegroup's api_name as the region if the gateway checks it.",
    ),
    Preset(
        "custom",
        "Other S3-compatible",
        "url",
        "Endpoint URL",
        "",
        "",
        "us-east-1",
        "auto",
    ),
)

PRESETS_BY_ID = {p.id: p for p in PRESETS}


def preset(preset_id: str) -> Preset:
    """The preset with that id; unknown ids (from a newer version) fall back to "custom"."""
    return PRESETS_BY_ID.get(preset_id, PRESETS_BY_ID["custom"])


def guess_preset(endpoint_url: str) -> Preset:
    """Recognise the provider from an endpoint URL (for AWS config profiles)."""
    host = (urlsplit(endpoint_url).hostname or "") if endpoint_url else ""
    if not endpoint_url or host.endswith(".amazonaws.com"):
        return PRESETS_BY_ID["aws"]
    for suffix, pid in (
        (".r2.cloudflarestorage.com", "r2"),
        (".wasabisys.com", "wasabi"),
        (".backblazeb2.com", "b2"),
        (".digitaloceanspaces.com", "spaces"),
    ):
        if host.endswith(suffix):
            return PRESETS_BY_ID[pid]
    return PRESETS_BY_ID["custom"]

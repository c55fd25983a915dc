"""Profiles and presets: what the user picks turns into the right connection settings."""

from __future__ import annotations

import pytest

from s3browser.core.auth import ConnectionSettings, client_config
from s3browser.core.errors import InvalidInputError
from s3browser.credentials.presets import PRESETS_BY_ID, guess_preset, preset
from s3browser.credentials.profiles import Profile, ProfileKind, Secrets


def test_access_keys_profile_becomes_core_credentials() -> None:
    profile = Profile(
        name="prod",
        access_key_id="AKIAEXAMPLE12345",
        region="eu-west-1",
        endpoint_url="https://s3.example.com",
        addressing_style="path",
        verify="/etc/ssl/certs/ca-certificates.crt",
    )
    creds = profile.to_credentials(Secrets("the-secret", "the-token"))
    assert creds == {
        "aws_access_key_id": "AKIAEXAMPLE12345",
        "aws_secret_access_key": "the-secret",
        "aws_session_token": "the-token",
        "region_name": "eu-west-1",
        "endpoint_url": "https://s3.example.com",
        "addressing_style": "path",
        "verify": "/etc/ssl/certs/ca-certificates.crt",
    }
    settings = ConnectionSettings.from_dict(creds)
    assert settings.source == "access_keys"
    assert settings.session_token == "the-token"


@pytest.mark.parametrize(
    ("kind", "extra", "source"),
    [
        (ProfileKind.AWS_PROFILE, {"aws_profile": "analyst"}, "profile"),
        (ProfileKind.DEFAULT_CHAIN, {}, "default_chain"),
        (ProfileKind.ANONYMOUS, {}, "anonymous"),
    ],
)
def test_other_kinds_carry_no_keys(kind: ProfileKind, extra: dict[str, str], source: str) -> None:
    profile = Profile(name="p", kind=kind, access_key_id="leftover-from-editing", **extra)
    creds = profile.to_credentials(Secrets("s"))
    assert "aws_access_key_id" not in creds
    assert "aws_secret_access_key" not in creds
    assert ConnectionSettings.from_dict(creds).source == source


def test_secrets_never_show_in_repr() -> None:
    secrets = Secrets("wJalrXUtnFEMI-very-secret", "FwoGZXIvYXdzEJr-token")
    assert "very-secret" not in repr(secrets)
    assert "token" not in str(secrets).replace("session_token", "")
    assert "very-secret" not in repr(Profile(name="x"))


@pytest.mark.parametrize(
    ("profile", "sentence"),
    [
        (Profile(name=" "), "name"),
        (Profile(name="a", access_key_id=""), "access key id"),
        (Profile(name="a", kind=ProfileKind.AWS_PROFILE), "AWS config profile"),
        (Profile(name="a", access_key_id="k", endpoint_url="s3.example.com"), "full URL"),
    ],
)
def test_invalid_profiles_say_what_to_fix(profile: Profile, sentence: str) -> None:
    with pytest.raises(InvalidInputError, match=sentence):
        profile.validate()


def test_json_round_trip_keeps_everything_but_secrets() -> None:
    profile = Profile(name="lab", access_key_id="k", verify=False, preset="minio")
    data = profile.to_json()
    assert "secret" not in " ".join(data).lower().replace("secret_", "")
    assert Profile.from_json({**data, "added_in_a_later_version": 1}) == profile


def test_duplicate_gets_a_new_id_and_is_editable() -> None:
    original = Profile(
        name="analyst",
        kind=ProfileKind.AWS_PROFILE,
        aws_profile="analyst",
        id="aws-config:analyst",
        read_only=True,
    )
    copy = original.duplicate("analyst (copy)")
    assert copy.id != original.id
    assert not copy.read_only
    assert copy.aws_profile == "analyst"


# -- presets ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("preset_id", "value", "endpoint", "region", "style"),
    [
        ("aws", "eu-west-2", "", "eu-west-2", "auto"),
        ("minio", "localhost:9000", "http://localhost:9000", "us-east-1", "path"),
        (
            "r2",
            "0123456789abcdef0123456789ABCDEF",
            "https://0123456789abcdef0123456789abcdef.r2.cloudflarestorage.com",
            "auto",
            "path",
        ),
        ("wasabi", "eu-central-1", "https://s3.eu-central-1.wasabisys.com", "eu-central-1", "path"),
        ("b2", "us-west-004", "https://s3.us-west-004.backblazeb2.com", "us-west-004", "path"),
        ("spaces", "fra1", "https://fra1.digitaloceanspaces.com", "fra1", "path"),
        ("ceph", "https://rgw.lab:8443/", "https://rgw.lab:8443", "us-east-1", "path"),
    ],
)
def test_presets_build_endpoint_and_region(
    preset_id: str, value: str, endpoint: str, region: str, style: str
) -> None:
    result = PRESETS_BY_ID[preset_id].apply(value)
    assert (result.endpoint_url, result.region, result.addressing_style) == (
        endpoint,
        region,
        style,
    )
    # and the core accepts what the preset built
    ConnectionSettings.from_dict(
        {
            "endpoint_url": result.endpoint_url,
            "region_name": result.region,
            "addressing_style": result.addressing_style,
        }
    )


def test_r2_region_auto_is_accepted_by_the_client_config() -> None:
    result = preset("r2").apply("0123456789abcdef0123456789abcdef")
    settings = ConnectionSettings.from_dict(
        {"endpoint_url": result.endpoint_url, "region_name": result.region}
    )
    config = client_config(settings, settings.region_name or "")
    assert config.region_name == "auto"
    assert config.s3 == {"addressing_style": "path"}
    assert config.request_checksum_calculation == "when_required"


@pytest.mark.parametrize(
    ("preset_id", "value", "sentence"),
    [
        ("r2", "not-an-account", "32 letters"),
        ("wasabi", "EU Central", "region name"),
        ("custom", "", "endpoint url"),
        ("minio", "ftp://x", "server address"),
    ],
)
def test_preset_rejects_bad_values_with_a_sentence(
    preset_id: str, value: str, sentence: str
) -> None:
    with pytest.raises(InvalidInputError, match=sentence):
        preset(preset_id).apply(value)


def test_preset_recognised_from_endpoint() -> None:
    assert guess_preset("").id == "aws"
    assert guess_preset("https://abc.r2.cloudflarestorage.com").id == "r2"
    assert guess_preset("https://s3.us-west-004.backblazeb2.com").id == "b2"
    assert guess_preset("http://127.0.0.1:9000").id == "custom"
    r2 = preset("r2")
    assert r2.guess_value("https://abcd.r2.cloudflarestorage.com", "auto") == "abcd"

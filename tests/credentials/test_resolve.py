"""A saved profile plus its keyring secret connects to a real (moto) server."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from s3browser.core.session import S3Session
from s3browser.credentials import (
    MissingSecretError,
    Profile,
    ProfileKind,
    ProfileStore,
    Secrets,
    SecretStore,
    resolve_credentials,
    resolve_profile_for_cli,
)
from s3browser.credentials.presets import preset

from .conftest import MemoryKeyring


def _save(store: ProfileStore, profile: Profile, secrets: Secrets | None = None) -> None:
    store.put(profile)
    store.save()
    if secrets is not None:
        SecretStore().set_sync(profile.id, secrets)


async def test_saved_profile_connects_and_lists(
    store: ProfileStore, secret_store: SecretStore, s3_endpoint: str, s3_admin: Any
) -> None:
    s3_admin.create_bucket(Bucket="reports")
    profile = Profile(
        name="moto",
        access_key_id="testing-key-id",
        endpoint_url=s3_endpoint,
        region="us-east-1",
        preset="minio",
        addressing_style="path",
    )
    _save(store, profile, Secrets("testing-secret-key"))

    creds = await resolve_credentials(ProfileStore.load().profiles[0], SecretStore())
    async with S3Session(creds) as session:
        assert [b.name for b in await session.list_buckets()] == ["reports"]


async def test_r2_preset_region_auto_works_against_a_server(
    store: ProfileStore, s3_endpoint: str, s3_admin: Any, memory_keyring: MemoryKeyring
) -> None:
    """R2 signs for region ``auto``: the client config must accept it end to end."""
    s3_admin.create_bucket(Bucket="r2-data")
    s3_admin.put_object(Bucket="r2-data", Key="a/b.csv", Body=b"x,y\n")
    r2 = preset("r2").apply("0123456789abcdef0123456789abcdef")
    profile = Profile(
        name="r2",
        access_key_id="k",
        region=r2.region,
        endpoint_url=s3_endpoint,
        addressing_style=r2.addressing_style,
        preset="r2",
    )
    creds = profile.to_credentials(Secrets("s"))
    assert creds["region_name"] == "auto"
    async with S3Session(creds) as session:
        assert session.region == "auto"
        pages = [p async for p in session.iter_pages("r2-data", "")]
        assert [p.prefix for p in pages[0].prefixes] == ["a/"]
        assert await session.read("r2-data", "a/b.csv") == b"x,y\n"


async def test_missing_secret_is_a_sentence_not_a_crash(
    store: ProfileStore, secret_store: SecretStore
) -> None:
    profile = Profile(name="lost", access_key_id="k")
    _save(store, profile)
    with pytest.raises(MissingSecretError, match="type the secret key again"):
        await resolve_credentials(profile, secret_store)


async def test_profiles_without_secrets_never_touch_the_keyring(
    memory_keyring: MemoryKeyring, secret_store: SecretStore
) -> None:
    creds = await resolve_credentials(Profile(name="pub", kind=ProfileKind.ANONYMOUS), secret_store)
    assert creds["anonymous"] is True
    assert memory_keyring.calls == []


def test_cli_reads_the_same_store(
    store: ProfileStore, memory_keyring: MemoryKeyring, s3_endpoint: str
) -> None:
    profile = Profile(name="Lab MinIO", access_key_id="testing-key-id", endpoint_url=s3_endpoint)
    _save(store, profile, Secrets("testing-secret-key"))
    creds = resolve_profile_for_cli("Lab MinIO")
    assert creds is not None
    assert creds["aws_secret_access_key"] == "testing-secret-key"
    assert creds["endpoint_url"] == s3_endpoint
    assert resolve_profile_for_cli("lab minio") == creds  # names ignore case
    # not a saved connection: None, so the CLI falls back to an AWS config profile
    assert resolve_profile_for_cli("analyst") is None


async def test_aws_config_profile_connects_through_botocore(
    aws_config: Path, s3_endpoint: str, s3_admin: Any
) -> None:
    from s3browser.credentials.aws_config import discover_aws_profiles

    s3_admin.create_bucket(Bucket="from-profile")
    analyst = next(p for p in discover_aws_profiles() if p.name == "analyst")
    creds = analyst.to_credentials()
    creds["endpoint_url"] = s3_endpoint
    async with S3Session(creds) as session:
        assert session.region == "eu-central-1"
        assert [b.name for b in await session.list_buckets()] == ["from-profile"]
        # the key id is the profile's own (from ~/.aws/credentials), not the environment's
        credentials = await session.pool.session.get_credentials()
        assert credentials.access_key == "analyst-key"

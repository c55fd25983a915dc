"""The settings file: one file, atomic, private, never a secret, survives damage."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from s3browser.core.errors import InvalidInputError
from s3browser.credentials.aws_config import discover_aws_profiles
from s3browser.credentials.profiles import Profile, ProfileKind
from s3browser.credentials.store import FILE_NAME, ProfileStore, load_all


def test_round_trip_through_one_private_file(store: ProfileStore, config_dir: Path) -> None:
    store.put(Profile(name="aws", access_key_id="AKIA1", region="eu-west-1"))
    store.put(
        Profile(
            name="lab",
            access_key_id="minio",
            endpoint_url="http://127.0.0.1:9000",
            addressing_style="path",
            preset="minio",
        )
    )
    store.last_used = store.profiles[1].id
    store.save()

    assert sorted(os.listdir(config_dir)) == [FILE_NAME]  # no temp file left behind
    mode = stat.S_IMODE(os.stat(config_dir / FILE_NAME).st_mode)
    assert mode == 0o600

    again = ProfileStore.load()
    assert again.profiles == store.profiles
    assert again.last_used_profile is not None
    assert again.last_used_profile.name == "lab"


def test_names_are_unique_ignoring_case(store: ProfileStore) -> None:
    store.put(Profile(name="Prod", access_key_id="k"))
    with pytest.raises(InvalidInputError, match="already exists"):
        store.put(Profile(name="prod", access_key_id="k"))
    assert store.unique_name("Prod") == "Prod (2)"
    assert store.find("PROD") is store.profiles[0]


def test_editing_replaces_in_place(store: ProfileStore) -> None:
    p = Profile(name="a", access_key_id="k")
    store.put(p)
    store.put(p.edited(name="b"))
    assert [x.name for x in store.profiles] == ["b"]


def test_aws_config_profiles_cannot_be_saved(store: ProfileStore) -> None:
    with pytest.raises(InvalidInputError, match="duplicate"):
        store.put(Profile(name="x", kind=ProfileKind.AWS_PROFILE, aws_profile="x", read_only=True))


def test_removing_forgets_last_used(store: ProfileStore) -> None:
    p = Profile(name="a", access_key_id="k")
    store.put(p)
    store.last_used = p.id
    assert store.remove(p.id) == p
    assert store.last_used is None


def test_damaged_file_is_set_aside_not_overwritten(config_dir: Path) -> None:
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / FILE_NAME).write_text("{not json")
    store = ProfileStore.load()
    assert store.profiles == []
    assert "damaged" in store.load_warning
    backups = [n for n in os.listdir(config_dir) if n.startswith(FILE_NAME + ".broken-")]
    assert len(backups) == 1
    assert (config_dir / backups[0]).read_text() == "{not json"
    for name in backups:
        (config_dir / name).unlink()


def test_failed_write_keeps_the_old_file(
    store: ProfileStore, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put(Profile(name="kept", access_key_id="k"))
    store.save()
    before = (config_dir / FILE_NAME).read_text()

    def boom(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    store.put(Profile(name="new", access_key_id="k"))
    with pytest.raises(OSError):
        store.save()
    assert (config_dir / FILE_NAME).read_text() == before
    assert os.listdir(config_dir) == [FILE_NAME]


def test_aws_config_profiles_are_listed_with_their_region(
    aws_config: Path, store: ProfileStore
) -> None:
    found = {p.name: p for p in discover_aws_profiles()}
    assert set(found) == {"default", "analyst", "minio-lab"}
    assert found["analyst"].region == "eu-central-1"
    assert found["analyst"].read_only
    assert found["minio-lab"].endpoint_url == "http://127.0.0.1:9000"
    assert found["minio-lab"].addressing_style == "path"  # from its "s3 =" sub-section
    assert found["analyst"].to_credentials() == {
        "profile_name": "analyst",
        "region_name": "eu-central-1",
        "addressing_style": "auto",
        "verify": True,
    }
    # listed, never copied into the settings file
    store.save()
    assert "analyst" not in store.path.read_text()
    assert [p.name for p in load_all(store)] == ["analyst", "default", "minio-lab"]


def test_broken_aws_config_gives_no_profiles_not_a_crash(store: ProfileStore) -> None:
    config = Path(os.environ["AWS_CONFIG_FILE"])
    config.write_text("[profile x\nregion = \n")
    try:
        assert discover_aws_profiles() == []
    finally:
        config.unlink()


def test_file_is_plain_json_a_user_can_read(store: ProfileStore) -> None:
    store.put(Profile(name="aws", access_key_id="AKIA1"))
    store.save()
    data = json.loads(store.path.read_text())
    assert data["version"] == 1
    assert data["profiles"][0]["access_key_id"] == "AKIA1"

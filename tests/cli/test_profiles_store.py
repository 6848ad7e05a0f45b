"""The profile store (buzzoauth/profiles.py), in process.

File and folder modes, atomic replacement, symlinks, bad files, one
entry per provider + consumer + account, and environment overrides.
"""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from buzzoauth import profiles
from buzzoauth.profiles import Profile, ProfileError, ProfileStore


def _profile(name: str = "sandbox-alice", **changes: object) -> Profile:
    fields: dict[str, object] = {
        "name": name,
        "consumer_key": "ck-demo",
        "consumer_secret": "cs-secret-1234",
        "token_key": "tk-alice",
        "token_secret": "ts-secret-5678",
        "preset": "sandbox",
        "base_url": "http://127.0.0.1:9",
        "extra": {"screen_name": "alice", "user_id": "1"},
    }
    fields.update(changes)
    return Profile(**fields)  # type: ignore[arg-type]


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_default_path_follows_xdg(config_home: Path) -> None:
    assert (
        profiles.default_path() == config_home / "buzzoauth" / "profiles.json"
    )


def test_default_path_without_xdg(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/is/ignored")
    expected = tmp_path / ".config" / "buzzoauth" / "profiles.json"
    assert profiles.default_path() == expected


def test_round_trip_and_modes_under_a_loose_umask(profiles_file: Path) -> None:
    old = os.umask(0)
    try:
        store = ProfileStore()
        store.save(_profile())
    finally:
        os.umask(old)
    assert _mode(profiles_file) == 0o600
    assert _mode(profiles_file.parent) == 0o700
    loaded = store.get()
    assert loaded == _profile()
    assert store.default_name() == "sandbox-alice"
    provider = loaded.provider()
    assert provider is not None
    assert (
        provider.request_token_url == "http://127.0.0.1:9/oauth/request_token"
    )


def test_repr_masks_secrets() -> None:
    text = repr(_profile())
    assert "cs-secret-1234" not in text
    assert "ts-secret-5678" not in text
    assert "tk-alice" in text


def test_same_account_replaces_its_entry(config_home: Path) -> None:
    store = ProfileStore()
    store.save(_profile("first"))
    store.save(
        _profile("second", token_key="tk-new", token_secret="ts-new-0000")
    )
    assert [p.name for p in store.profiles()] == ["second"]
    assert store.default_name() == "second"
    store.save(_profile("bob", extra={"screen_name": "bob", "user_id": "2"}))
    assert [p.name for p in store.profiles()] == ["bob", "second"]
    assert store.default_name() == "second"


def test_default_and_remove(config_home: Path) -> None:
    store = ProfileStore()
    store.save(_profile("a"))
    store.save(_profile("b", extra={"user_id": "2"}))
    store.set_default("b")
    assert store.get().name == "b"
    assert store.remove("b").name == "b"
    assert store.default_name() == "a"
    with pytest.raises(ProfileError, match="no profile named 'zz'"):
        store.set_default("zz")
    with pytest.raises(ProfileError, match="no profile named 'b'"):
        store.remove("b")


def test_a_failed_write_keeps_the_old_file(
    profiles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProfileStore()
    store.save(_profile("a"))
    before = profiles_file.read_bytes()

    def broken_fsync(fd: int) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(ProfileError, match="cannot write"):
        store.save(_profile("b", extra={"user_id": "2"}))
    assert profiles_file.read_bytes() == before
    leftovers = [p.name for p in profiles_file.parent.iterdir()]
    assert sorted(leftovers) == [".profiles.json.lock", "profiles.json"]


def test_a_crash_between_write_and_rename_keeps_the_old_file(
    profiles_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = ProfileStore()
    store.save(_profile("a"))
    before = profiles_file.read_bytes()

    def broken_replace(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(KeyboardInterrupt):
        store.remove("a")
    assert profiles_file.read_bytes() == before
    assert not [
        p for p in profiles_file.parent.iterdir() if p.name.endswith(".tmp")
    ]
    assert len(list(profiles_file.parent.iterdir())) == 2


def test_a_symlink_is_replaced_not_followed(
    profiles_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "elsewhere.json"
    empty = '{"format": "buzzoauth-profiles", "version": 1, "profiles": {}}'
    target.write_text(empty)
    target.chmod(0o600)
    profiles_file.parent.mkdir(parents=True)
    profiles_file.symlink_to(target)
    ProfileStore().save(_profile())
    assert target.read_text() == empty
    assert not profiles_file.is_symlink()
    assert _mode(profiles_file) == 0o600


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"format": "something-else", "version": 1, "profiles": {}}',
        b'{"format": "buzzoauth-profiles", "version": 99, "profiles": {}}',
        b'{"format": "buzzoauth-profiles", "version": 1, "profiles": []}',
        b'{"format": "buzzoauth-profiles", "version": 1, '
        b'"profiles": {"x": {"consumer_key": 1, "consumer_secret": "s"}}}',
        b'{"format": "buzzoauth-profiles", "version": 1, '
        b'"profiles": {"x": {"consumer_key": "k", "consumer_secret": "s", '
        b'"evil": "yes"}}}',
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_a_bad_file_is_a_clear_error(
    profiles_file: Path, content: bytes
) -> None:
    profiles_file.parent.mkdir(parents=True)
    profiles_file.write_bytes(content)
    with pytest.raises(ProfileError, match="not a profile store") as caught:
        ProfileStore().profiles()
    assert str(profiles_file) in str(caught.value)


def test_a_file_others_can_read_is_warned_about(
    profiles_file: Path, caplog: pytest.LogCaptureFixture
) -> None:
    ProfileStore().save(_profile())
    profiles_file.chmod(0o644)
    assert ProfileStore().get().name == "sandbox-alice"
    assert "can be read by other users" in caplog.text


def test_a_huge_file_is_not_read(profiles_file: Path) -> None:
    profiles_file.parent.mkdir(parents=True)
    profiles_file.write_bytes(b" " * (profiles.MAX_BYTES + 1))
    with pytest.raises(ProfileError, match="larger than"):
        ProfileStore().profiles()


def test_file_holds_what_the_brief_lists(profiles_file: Path) -> None:
    ProfileStore().save(_profile(signature_method="HMAC-SHA256"))
    data = json.loads(profiles_file.read_text())
    assert data["format"] == "buzzoauth-profiles"
    entry = data["profiles"]["sandbox-alice"]
    assert entry["preset"] == "sandbox"
    assert entry["base_url"] == "http://127.0.0.1:9"
    assert entry["signature_method"] == "HMAC-SHA256"
    assert entry["token_secret"] == "ts-secret-5678"
    assert entry["extra"] == {"screen_name": "alice", "user_id": "1"}


def test_explicit_urls_describe_a_provider() -> None:
    urls = {
        "request_token_url": "https://api.example.com/rt",
        "authorize_url": "https://api.example.com/auth",
        "access_token_url": "https://api.example.com/at",
    }
    profile = _profile(preset=None, base_url=None, urls=urls)
    provider = profile.provider()
    assert provider is not None
    assert provider.access_token_url == "https://api.example.com/at"
    assert profile.provider_label == "api.example.com"
    assert profiles.suggest_name(profile) == "api.example.com-alice"


def test_environment_overrides_credentials() -> None:
    env = {
        "BUZZOAUTH_CONSUMER_KEY": "env-ck",
        "BUZZOAUTH_TOKEN_SECRET": "env-ts-0000",
    }
    changed = _profile().with_env(env)
    assert changed.consumer_key == "env-ck"
    assert changed.consumer_secret == "cs-secret-1234"
    assert changed.token_secret == "env-ts-0000"
    assert profiles.from_env(env) is None
    env["BUZZOAUTH_CONSUMER_SECRET"] = "env-cs-0000"
    alone = profiles.from_env(env)
    assert alone is not None
    assert (alone.consumer_key, alone.token_key) == ("env-ck", None)


@pytest.mark.parametrize("name", ["", "-x", "a b", "a/b", "x" * 65, "é"])
def test_bad_names_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="bad profile name"):
        profiles.check_name(name)

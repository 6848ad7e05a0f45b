"""``buzzoauth profiles`` and ``buzzoauth logout`` in a child process."""

from __future__ import annotations

import dataclasses
import json
import socket
from pathlib import Path
from typing import Any

from buzzoauth import BuzzOAuth
from buzzoauth.profiles import ProfileStore

FEED = "/buzz/v1/activities/@me/@consumption"


def test_listing_masks_secrets_and_marks_the_default(
    cli: Any, saved_profile: Any
) -> None:
    other = dataclasses.replace(
        saved_profile,
        name="second",
        token_key="tk-second",
        token_secret="ts-second-secret",
        extra={"user_id": "42", "screen_name": "zed"},
    )
    ProfileStore().save(other)
    result = cli.run("profiles", entry=True)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "* sandbox-test  (default)" in lines
    assert "  second" in lines
    assert "    consumer secret   ****" in lines
    assert "    token secret      ****" in lines
    assert "    account           zed" in lines
    assert saved_profile.token_key in result.stdout
    for secret in (
        saved_profile.consumer_secret,
        saved_profile.token_secret,
        "ts-second-secret",
    ):
        assert secret not in result.stdout + result.stderr

    chosen = cli.run("profiles", "--default", "second")
    assert chosen.returncode == 0
    assert ProfileStore().default_name() == "second"
    unknown = cli.run("profiles", "--default", "nobody")
    assert unknown.returncode == 7
    assert "no profile named 'nobody'" in unknown.stderr


def test_no_profiles_yet(cli: Any, profiles_file: Path) -> None:
    result = cli.run("profiles")
    assert result.returncode == 0
    assert f"No profiles in {profiles_file}" in result.stdout


def test_logout_revokes_then_forgets(
    cli: Any, sandbox: Any, saved_profile: Any
) -> None:
    result = cli.run("logout", "sandbox-test", entry=True)
    assert result.returncode == 0, result.stderr
    assert "Revoked the access token" in result.stdout
    assert ProfileStore().profiles() == []
    client = BuzzOAuth(
        saved_profile.consumer_key,
        saved_profile.consumer_secret,
        token=(saved_profile.token_key, saved_profile.token_secret),
    )
    status, body = client.request(sandbox.base_url + FEED)
    assert status == 401
    assert b"oauth_problem=token_revoked" in body


def test_logout_when_the_revoke_fails_only_warns(
    cli: Any, saved_profile: Any, profiles_file: Path
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    gone = dataclasses.replace(
        saved_profile, base_url=f"http://127.0.0.1:{port}"
    )
    ProfileStore().save(gone)
    result = cli.run("logout", "sandbox-test")
    assert result.returncode == 0
    assert result.stderr.startswith(
        "buzzoauth: warning: could not revoke the token at "
        f"http://127.0.0.1:{port}/oauth/revoke: "
    )
    assert "Removed profile sandbox-test." in result.stdout
    assert json.loads(profiles_file.read_text())["profiles"] == {}


def test_logout_of_an_unknown_profile_exits_7(cli: Any) -> None:
    result = cli.run("logout", "nobody")
    assert result.returncode == 7
    assert result.stderr.startswith("buzzoauth: no profile named 'nobody'")

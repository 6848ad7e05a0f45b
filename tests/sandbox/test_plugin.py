"""The pytest plugin, run in a child pytest on a test file of its own."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

USER_TESTS = """
import json


def test_the_sandbox_fixture(buzzoauth_sandbox):
    assert buzzoauth_sandbox.running
    assert buzzoauth_sandbox.base_url.startswith("http://127.0.0.1:")


def test_the_client_fixture_signs_two_legged(
    buzzoauth_client, buzzoauth_sandbox
):
    assert buzzoauth_client.token is None
    url = buzzoauth_sandbox.base_url + "/echo"
    status, body = buzzoauth_client.request(url)
    assert status == 200, body
    seen = json.loads(body)
    assert seen["consumer_key"] == buzzoauth_sandbox.consumer_key
    assert seen["token"] is None


def test_the_client_fixture_can_dance(buzzoauth_client, buzzoauth_sandbox):
    buzzoauth_client.fetch_request_token()
    verifier = buzzoauth_sandbox.approve(buzzoauth_client.authorize_url())
    buzzoauth_client.set_verifier(verifier)
    assert buzzoauth_client.fetch_access_token().extra["screen_name"]
"""


def test_the_plugin_fixtures_work_in_a_user_project(tmp_path: Path) -> None:
    (tmp_path / "test_user.py").write_text(USER_TESTS, encoding="utf-8")
    # The entry point may or may not be installed: block it by name and
    # load the module explicitly, so it is loaded exactly once.
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:buzzoauth",
        "-p",
        "buzzoauth.testing",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:hypothesispytest",
        str(tmp_path / "test_user.py"),
    ]
    result = subprocess.run(
        command,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 passed" in result.stdout

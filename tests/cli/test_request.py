"""``buzzoauth request``: signed calls to the sandbox, like curl.

The profile is made in this process (a real dance with the sandbox) and
saved to the test's XDG_CONFIG_HOME; the child reads it from there.
"""

from __future__ import annotations

import json
import os
import select
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

FEED = "/buzz/v1/activities/@me/@consumption"
POST = "/buzz/v1/activities/@me/@self"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_relative_get_prints_the_body(cli: Any, saved_profile: Any) -> None:
    result = cli.run("request", FEED)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    items = json.loads(result.stdout)["data"]["items"]
    assert items


def test_include_prints_status_and_headers_first(
    cli: Any, sandbox: Any, saved_profile: Any
) -> None:
    result = cli.run("request", "-i", sandbox.base_url + FEED, entry=True)
    assert result.returncode == 0, result.stderr
    head, _, body = result.stdout.partition("\n\n")
    lines = head.splitlines()
    assert lines[0] == "HTTP/1.1 200 OK"
    headers = dict(line.split(": ", 1) for line in lines[1:])
    assert headers["content-type"].startswith("application/json")
    assert int(headers["content-length"]) == len(body.encode())
    assert json.loads(body)["data"]["items"]


def test_form_post_then_json_post_show_up_in_the_feed(
    cli: Any, saved_profile: Any
) -> None:
    form = cli.run("request", "-d", "content=posted as a form", POST)
    assert form.returncode == 0, form.stderr
    assert json.loads(form.stdout)["data"]
    payload = json.dumps({"data": {"object": {"content": "posted as JSON"}}})
    sent = cli.run("request", "--json", payload, POST)
    assert sent.returncode == 0, sent.stderr
    feed = cli.run("request", FEED)
    assert "posted as a form" in feed.stdout
    assert "posted as JSON" in feed.stdout


def test_json_is_indented_on_a_terminal(
    cli: Any, saved_profile: Any, tmp_path: Path
) -> None:
    plain = cli.run("request", FEED)
    expected = json.dumps(
        json.loads(plain.stdout), indent=2, ensure_ascii=False
    )
    main, child = os.openpty()
    process = subprocess.Popen(
        cli.command(["request", FEED], entry=False),
        stdout=child,
        stderr=subprocess.PIPE,
        env=cli.env,
    )
    os.close(child)
    try:
        shown = _read_until_closed(main, timeout=30)
        assert process.wait(timeout=30) == 0
    finally:
        os.close(main)
        if process.poll() is None:
            process.kill()
        assert process.stderr is not None
        process.stderr.close()
    text = shown.decode("utf-8").replace("\r\n", "\n")
    assert text == expected + "\n"


def _read_until_closed(fd: int, timeout: float) -> bytes:
    chunks = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.5)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_refused_call_exits_4_and_names_the_problem(
    cli: Any, saved_profile: Any
) -> None:
    wrong = "wrong-token-secret-3141"
    result = cli.run("request", FEED, env={"BUZZOAUTH_TOKEN_SECRET": wrong})
    assert result.returncode == 4
    assert result.stderr == (
        "buzzoauth: provider answered 401 "
        "(signature_invalid: the signature does not match)\n"
    )
    assert "oauth_problem=signature_invalid" in result.stdout
    assert wrong not in result.stdout + result.stderr


def test_a_server_error_exits_5(
    cli: Any, sandbox: Any, saved_profile: Any
) -> None:
    sandbox.set_knobs(error_rate=1.0)
    try:
        result = cli.run("request", FEED)
    finally:
        sandbox.set_knobs(error_rate=0.0)
    assert result.returncode == 5
    assert result.stderr.startswith("buzzoauth: provider answered 503")


def test_credentials_from_the_environment_alone(
    cli: Any, sandbox: Any
) -> None:
    from buzzoauth import BuzzOAuth

    client = BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        provider=sandbox.provider,
    )
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    token = client.fetch_access_token()
    env = {
        "BUZZOAUTH_CONSUMER_KEY": sandbox.consumer_key,
        "BUZZOAUTH_CONSUMER_SECRET": sandbox.consumer_secret,
        "BUZZOAUTH_TOKEN": token.key,
        "BUZZOAUTH_TOKEN_SECRET": token.secret,
    }
    result = cli.run("request", sandbox.base_url + FEED, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["data"]["items"]
    relative = cli.run("request", FEED, env=env)
    assert relative.returncode == 2
    assert "is relative" in relative.stderr


def test_no_answer_exits_6(cli: Any, saved_profile: Any) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/x"
    result = cli.run("request", url)
    assert result.returncode == 6
    assert len(result.stderr.splitlines()) == 1


def test_no_credentials_exits_3(cli: Any) -> None:
    result = cli.run("request", "http://127.0.0.1:9/x")
    assert result.returncode == 3
    assert "no credentials" in result.stderr


def test_a_damaged_profile_store_exits_7(
    cli: Any, profiles_file: Path
) -> None:
    profiles_file.parent.mkdir(parents=True)
    profiles_file.write_text('{"format": "buzzoauth-profiles", "version": 1,')
    profiles_file.chmod(0o600)
    result = cli.run("request", FEED)
    assert result.returncode == 7
    assert result.stderr.startswith(
        f"buzzoauth: {profiles_file}: not a profile store: Expecting"
    )
    assert len(result.stderr.splitlines()) == 1

"""``buzzoauth authorize`` against a real sandbox, in a child process.

The test plays the user: it reads the printed authorize URL, presses
Allow or Deny on the sandbox's real page (``Sandbox.approve``) and
either types the PIN on stdin (oob) or follows the redirect to the
command's loopback listener.
"""

from __future__ import annotations

import json
import signal
import socket
import stat
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

PREFIX = "Open this URL to authorize: "
FEED = "/buzz/v1/activities/@me/@consumption"
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _follow(location: str) -> tuple[int, str]:
    """What a browser does with the provider's redirect."""
    try:
        with _OPENER.open(location, timeout=10) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def _args(sb: Any, *more: str, secret: str | None = None) -> list[str]:
    return [
        "authorize",
        "--provider",
        "sandbox",
        "--base-url",
        sb.base_url,
        "--consumer-key",
        sb.consumer_key,
        "--consumer-secret",
        secret or sb.consumer_secret,
        *more,
    ]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_oob_dance_then_request_and_profiles_show_no_secret(
    cli: Any, sandbox: Any, profiles_file: Path
) -> None:
    """A whole session: every secret it met is absent from every output."""
    key = "cli-masking-consumer"
    consumer_secret = sandbox.register_consumer(key)
    running = cli.start(
        "authorize",
        "--provider",
        "sandbox",
        "--base-url",
        sandbox.base_url,
        "--consumer-key",
        key,
        "--callback",
        "oob",
        "--profile",
        "masked",
        env={"BUZZOAUTH_CONSUMER_SECRET": consumer_secret},
    )
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    request_key = parse_qs(urlsplit(url).query)["oauth_token"][0]
    verifier = sandbox.approve(url)
    running.send(verifier + "\n")
    code, out, err = running.finish()
    assert code == 0, err
    assert "Saved profile masked" in out

    stored = json.loads(profiles_file.read_text())
    entry = stored["profiles"]["masked"]
    assert stored["default"] == "masked"
    assert stat.S_IMODE(profiles_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(profiles_file.parent.stat().st_mode) == 0o700

    feed = cli.run("request", FEED)
    assert feed.returncode == 0, feed.stderr
    assert json.loads(feed.stdout)["data"]["items"]
    listing = cli.run("profiles")
    assert listing.returncode == 0
    assert "masked" in listing.stdout
    assert entry["token_key"] in listing.stdout

    request_secret = sandbox.app.store.request_tokens[request_key].secret
    secrets = {
        "consumer secret": consumer_secret,
        "request token secret": request_secret,
        "access token secret": entry["token_secret"],
        "verifier": verifier,
    }
    assert entry["consumer_secret"] == consumer_secret
    everything = "".join(
        [out, err, feed.stdout, feed.stderr, listing.stdout, listing.stderr]
    )
    for what, secret in secrets.items():
        assert len(secret) >= 8, what
        assert secret not in everything, f"the {what} was printed"


def test_loopback_callback_through_the_entry_point(
    cli: Any, sandbox: Any, profiles_file: Path
) -> None:
    """Default callback: a listener on 127.0.0.1 catches the redirect;
    BROWSER=true stands in for the browser."""
    running = cli.start(*_args(sandbox), entry=True)
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    location = sandbox.approve(url)
    assert location.startswith("http://127.0.0.1:")
    assert urlsplit(location).path == "/callback"
    status, page = _follow(location)
    assert status == 200
    assert "You can close this tab" in page
    code, _, err = running.finish()
    assert code == 0, err
    profile = json.loads(profiles_file.read_text())["profiles"]
    assert list(profile) == ["sandbox-buzzdemo"]
    assert profile["sandbox-buzzdemo"]["base_url"] == sandbox.base_url
    # The listener is gone once the command is done.
    with pytest.raises(urllib.error.URLError):
        _OPENER.open(location, timeout=5)


def test_denial_exits_8(cli: Any, sandbox: Any, profiles_file: Path) -> None:
    running = cli.start(*_args(sandbox, "--no-browser"))
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    location = sandbox.approve(url, allow=False)
    assert "denied=" in location
    assert _follow(location)[0] == 200
    code, _, err = running.finish()
    assert code == 8
    assert (
        err == "buzzoauth: authorization was denied on the provider's page\n"
    )
    assert not profiles_file.exists()


def test_no_approval_times_out_with_8(cli: Any, sandbox: Any) -> None:
    result = cli.run(
        *_args(sandbox, "--no-browser", "--callback-timeout", "0.5")
    )
    assert result.returncode == 8
    assert "no authorization came back within 0.5 s" in result.stderr
    assert PREFIX in result.stdout


def test_ctrl_c_while_waiting_exits_130(cli: Any, sandbox: Any) -> None:
    running = cli.start(*_args(sandbox, "--no-browser"))
    running.wait_for("Waiting for the approval")
    running.process.send_signal(signal.SIGINT)
    code, _, err = running.finish()
    assert code == 130
    assert err == "buzzoauth: interrupted\n"


def test_no_pin_on_stdin_exits_8(cli: Any, sandbox: Any) -> None:
    result = cli.run(*_args(sandbox, "--callback", "oob"), input="")
    assert result.returncode == 8
    assert result.stderr.endswith("buzzoauth: no verifier was entered\n")


def test_wrong_consumer_secret_exits_4(cli: Any, sandbox: Any) -> None:
    wrong = "not-the-secret-9471"
    result = cli.run(*_args(sandbox, "--callback", "oob", secret=wrong))
    assert result.returncode == 4
    assert result.stderr == (
        "buzzoauth: provider answered 401 "
        "(signature_invalid: the signature does not match)\n"
    )
    assert wrong not in result.stdout + result.stderr


def test_no_provider_answer_exits_6(cli: Any, sandbox: Any) -> None:
    port = _closed_port()
    result = cli.run(
        "authorize",
        "--provider",
        "sandbox",
        "--base-url",
        f"http://127.0.0.1:{port}",
        "--consumer-key",
        "k",
        "--consumer-secret",
        "s",
    )
    assert result.returncode == 6
    assert result.stderr.startswith("buzzoauth: ")
    assert len(result.stderr.splitlines()) == 1


def test_explicit_endpoint_urls_and_a_profile_name(
    cli: Any, sandbox: Any, profiles_file: Path
) -> None:
    base = sandbox.base_url
    running = cli.start(
        "authorize",
        "--consumer-key",
        sandbox.consumer_key,
        "--consumer-secret",
        sandbox.consumer_secret,
        "--request-token-url",
        f"{base}/oauth/request_token",
        "--authorize-url",
        f"{base}/oauth/authorize",
        "--access-token-url",
        f"{base}/oauth/access_token",
        "--signature-method",
        "hmac-sha256",
        "--callback",
        "oob",
        "--profile",
        "by-urls",
    )
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    running.send(sandbox.approve(url) + "\n")
    code, _, err = running.finish()
    assert code == 0, err
    entry = json.loads(profiles_file.read_text())["profiles"]["by-urls"]
    assert "preset" not in entry
    assert entry["urls"]["access_token_url"] == f"{base}/oauth/access_token"
    assert entry["signature_method"] == "HMAC-SHA256"
    feed = cli.run("request", "--profile", "by-urls", base + FEED)
    assert feed.returncode == 0, feed.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--consumer-key", "k", "--consumer-secret", "s"], "say which"),
        (
            ["--provider", "sandbox", "--consumer-key", "k"],
            "is a template: give --base-url",
        ),
        (
            ["--provider", "nosuch", "--consumer-key", "k"],
            "no provider preset",
        ),
        (
            [
                "--provider",
                "google_buzz",
                "--consumer-key",
                "k",
                "--callback",
                "ftp://x",
            ],
            "--callback must be loopback, oob or an http(s) URL",
        ),
        (
            [
                "--provider",
                "google_buzz",
                "--consumer-key",
                "k",
                "--profile",
                "bad name",
            ],
            "bad profile name",
        ),
    ],
)
def test_usage_errors_exit_2(
    run_main: Any,
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: str,
) -> None:
    monkeypatch.setenv("BUZZOAUTH_CONSUMER_SECRET", "s")
    code, _, err = run_main("authorize", *args)
    assert code == 2
    assert words in err
    assert len(err.splitlines()) == 1


def test_a_callback_url_of_its_own_takes_the_pasted_redirect(
    cli: Any, sandbox: Any, profiles_file: Path
) -> None:
    """--callback URL: the user pastes the URL the browser landed on."""
    callback = "https://app.example/after-oauth"
    running = cli.start(*_args(sandbox, "--callback", callback))
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    landed = sandbox.approve(url)
    assert landed.startswith(callback + "?")
    running.send(landed + "\n")
    code, _, err = running.finish()
    assert code == 0, err
    assert "sandbox-buzzdemo" in profiles_file.read_text()


def test_a_pasted_denial_exits_8(cli: Any, sandbox: Any) -> None:
    running = cli.start(*_args(sandbox, "--callback", "https://app.example/"))
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    running.send(sandbox.approve(url, allow=False) + "\n")
    code, _, err = running.finish()
    assert code == 8
    assert "denied" in err


def test_an_rsa_consumer_needs_no_secret(
    cli: Any, sandbox: Any, tmp_path: Path, profiles_file: Path
) -> None:
    """RSA-SHA1 (RFC 5849 §3.4.3): the key file signs, is remembered by
    path, and the saved profile signs the next request too."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = tmp_path / "consumer.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    sandbox.register_consumer(
        "cli-rsa-consumer", rsa_public_key=public.decode()
    )
    running = cli.start(
        "authorize",
        "--provider",
        "sandbox",
        "--base-url",
        sandbox.base_url,
        "--consumer-key",
        "cli-rsa-consumer",
        "--signature-method",
        "RSA-SHA1",
        "--rsa-key",
        str(pem),
        "--callback",
        "oob",
    )
    url = running.wait_for(PREFIX)[len(PREFIX) :]
    running.send(sandbox.approve(url) + "\n")
    code, _, err = running.finish()
    assert code == 0, err
    entry = json.loads(profiles_file.read_text())["profiles"]
    (saved,) = entry.values()
    assert saved["rsa_key_file"] == str(pem)
    assert saved["signature_method"] == "RSA-SHA1"
    assert "consumer_secret" not in saved
    feed = cli.run("request", FEED)
    assert feed.returncode == 0, feed.stderr

"""The sandbox as a server and as an API: keep-alive, bodies, stopping,
the record of requests, consumers, presets, imports and logs."""

from __future__ import annotations

import http.client
import logging
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sandboxwire import Wire

from buzzoauth import providers
from buzzoauth.sandbox import Sandbox, defaults

FEED = "/buzz/v1/activities/@me/@consumption"


def _connect(sb: Sandbox) -> http.client.HTTPConnection:
    return http.client.HTTPConnection("127.0.0.1", sb.port, timeout=10)


def test_keep_alive_serves_two_requests_on_one_connection(
    sandbox: Sandbox,
) -> None:
    connection = _connect(sandbox)
    try:
        connection.request("GET", "/")
        first = connection.getresponse()
        first.read()
        socket_used = connection.sock
        connection.request("GET", "/nowhere")
        second = connection.getresponse()
        second.read()
        assert socket_used is not None
        assert connection.sock is socket_used
    finally:
        connection.close()
    assert (first.status, second.status) == (200, 404)
    assert first.getheader("Content-Length")
    assert second.getheader("Content-Length")
    assert first.getheader("Connection") is None


def test_every_answer_has_content_length(wire: Wire) -> None:
    token = wire.request_token()
    hop = wire.send(
        "GET",
        "/buzz/api/auth/OAuthAuthorizeToken?oauth_token="
        + token["oauth_token"],
    )
    assert hop.status == 302
    assert hop.headers["content-length"] == "0"


def test_a_chunked_body_is_read_whole(wire: Wire) -> None:
    body = '{"data": {"content": "' + "x" * 5000 + '"}}'
    url, headers, _ = wire.sign(
        "PUT", "/echo", body=body, headers={"Content-Type": "application/json"}
    )
    parts = urlsplit(url)
    connection = _connect(wire.sandbox)
    chunks = (body[i : i + 1000].encode() for i in range(0, len(body), 1000))
    try:
        connection.request(
            "PUT",
            parts.path,
            body=chunks,
            headers=headers,
            encode_chunked=True,
        )
        response = connection.getresponse()
        text = response.read().decode()
    finally:
        connection.close()
    assert response.status == 200, text
    assert '"x' in text and text.count("x") >= 5000


def test_a_body_over_the_limit_is_413(sandbox: Sandbox) -> None:
    connection = _connect(sandbox)
    try:
        connection.putrequest("POST", "/echo")
        connection.putheader("Content-Length", str(defaults.MAX_BODY + 1))
        connection.endheaders()
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    assert response.status == 413


@pytest.fixture
def short_lived() -> Iterator[Sandbox]:
    sb = Sandbox()
    yield sb
    sb.stop()


def test_stop_closes_idle_connections_and_the_port(
    short_lived: Sandbox,
) -> None:
    short_lived.start()
    connection = _connect(short_lived)
    connection.request("GET", "/")
    connection.getresponse().read()

    short_lived.stop()
    short_lived.stop()

    with pytest.raises((http.client.HTTPException, OSError)):
        connection.request("GET", "/")
        connection.getresponse()
    connection.close()
    with pytest.raises(OSError):
        again = _connect(short_lived)
        again.request("GET", "/")
    assert not short_lived.running


def test_base_url_needs_a_port(short_lived: Sandbox) -> None:
    with pytest.raises(RuntimeError, match="start"):
        _ = short_lived.base_url
    short_lived.start()
    assert short_lived.base_url == f"http://127.0.0.1:{short_lived.port}"


def test_repr_shows_no_secret(sandbox: Sandbox) -> None:
    assert sandbox.consumer_secret not in repr(sandbox)
    assert sandbox.base_url in repr(sandbox)


def test_received_counts_requests_with_their_nonces(wire: Wire) -> None:
    received = wire.sandbox.received
    before = received.count(method="POST", path="/echo")
    url, headers, body = wire.sign("POST", "/echo")
    wire.send("POST", url, body, headers)

    assert received.count(method="POST", path="/echo") == before + 1
    last = received[-1]
    assert (last.method, last.path) == ("POST", "/echo")
    assert last.nonce and last.nonce in headers["Authorization"]
    assert len(received) == len(list(received))


def test_a_registered_consumer_with_a_made_up_secret(wire: Wire) -> None:
    secret = wire.sandbox.register_consumer("made-up-secret", display_name="X")
    assert secret
    reply = wire.call(
        "GET", "/echo", client_key="made-up-secret", client_secret=secret
    )
    assert reply.status == 200


@pytest.mark.parametrize(
    "key", ["short", "has space in it", "x" * 129, "ümlaut-key"]
)
def test_bad_consumer_keys_are_refused(sandbox: Sandbox, key: str) -> None:
    with pytest.raises(ValueError, match="consumer key"):
        sandbox.register_consumer(key, "secret")


def test_a_bad_public_key_is_refused(sandbox: Sandbox) -> None:
    with pytest.raises(ValueError):
        sandbox.register_consumer("bad-pem-key", rsa_public_key="not a key")


def test_explicit_consumer_credentials() -> None:
    with Sandbox(consumer_key="my-own-key", consumer_secret="my-secret") as sb:
        assert (sb.consumer_key, sb.consumer_secret) == (
            "my-own-key",
            "my-secret",
        )
        assert Wire(sb).call("GET", "/echo").status == 200


def test_the_presets_point_at_the_sandbox(sandbox: Sandbox) -> None:
    base = sandbox.base_url
    local = sandbox.provider
    assert local.request_token_url == base + "/oauth/request_token"
    assert local.authorize_url == base + "/oauth/authorize"
    assert local.access_token_url == base + "/oauth/access_token"
    assert local.revoke_url == base + "/oauth/revoke"
    google = sandbox.google_provider
    assert google.request_token_url == base + "/accounts/OAuthGetRequestToken"
    assert google.authorize_url == base + "/buzz/api/auth/OAuthAuthorizeToken"
    assert google.access_token_url == base + "/accounts/OAuthGetAccessToken"
    assert google.api_base_url == base + "/buzz/v1/"


def test_the_scopes_match_the_provider_presets() -> None:
    assert defaults.BUZZ_SCOPE == providers.BUZZ_SCOPE
    assert defaults.BUZZ_READONLY_SCOPE == providers.BUZZ_READONLY_SCOPE


def _python(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_oauthlib_is_imported_only_when_the_sandbox_is_used() -> None:
    result = _python(
        "import sys, buzzoauth, buzzoauth.testing, buzzoauth.sandbox\n"
        "from buzzoauth.sandbox import DEMO_CONSUMER_KEY\n"
        "assert 'oauthlib' not in sys.modules, 'too early'\n"
        "assert 'buzzoauth.sandbox.provider' not in sys.modules\n"
        "from buzzoauth.sandbox import Sandbox\n"
        "assert 'oauthlib' in sys.modules\n"
    )
    assert result.returncode == 0, result.stderr


def test_without_oauthlib_the_sandbox_says_which_extra() -> None:
    result = _python(
        "import sys\n"
        "sys.modules['oauthlib'] = None\n"
        "from buzzoauth.errors import MissingDependencyError\n"
        "try:\n"
        "    from buzzoauth.sandbox import Sandbox\n"
        "except MissingDependencyError as exc:\n"
        "    print(exc)\n"
    )
    assert result.returncode == 0, result.stderr
    assert "buzzoauth[sandbox]" in result.stdout


def test_debug_logs_hold_no_signature_or_secret(
    wire: Wire, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="buzzoauth")
    access = wire.dance()
    url, headers, _ = wire.sign(
        "GET", FEED + "?bad=1", signature_type="QUERY", **wire.as_owner(access)
    )
    signature = parse_qs(urlsplit(url).query)["oauth_signature"][0]
    wire.send("GET", url.replace("bad=1", "bad=2"), None, headers)

    assert "/buzz/v1/activities" in caplog.text
    for secret in (
        signature,
        access["oauth_token_secret"],
        wire.sandbox.consumer_secret,
    ):
        assert secret not in caplog.text

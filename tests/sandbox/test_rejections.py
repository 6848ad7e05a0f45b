"""Each refusal of the sandbox: the right status, the right
``oauth_problem`` in a form body, and the ``WWW-Authenticate``
challenge (OAuth Problem Reporting)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import pytest
from sandboxwire import Reply, RSAPair, Wire

from buzzoauth.errors import ProviderError
from buzzoauth.sandbox.defaults import BUZZ_READONLY_SCOPE

FEED = "/buzz/v1/activities/@me/@consumption"
POST_BUZZ = "/buzz/v1/activities/@me/@self"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JSON = {"Content-Type": "application/json"}


def assert_refused(reply: Reply, status: int, problem: str) -> None:
    assert (reply.status, reply.problem) == (status, problem), reply.text
    assert reply.headers["content-type"] == "application/x-www-form-urlencoded"
    assert reply.form["oauth_problem_advice"]
    challenge = reply.headers["www-authenticate"]
    assert challenge.startswith('OAuth realm="buzzoauth-sandbox"')
    assert f'oauth_problem="{problem}"' in challenge


def test_a_wrong_consumer_secret(wire: Wire) -> None:
    reply = wire.call("GET", "/echo", client_secret="not-the-secret")
    assert_refused(reply, 401, "signature_invalid")


def test_a_parameter_changed_after_signing(wire: Wire) -> None:
    url, headers, _ = wire.sign("GET", "/echo?q=signed")
    reply = wire.send(
        "GET", url.replace("q=signed", "q=forged"), None, headers
    )
    assert_refused(reply, 401, "signature_invalid")


def test_a_replayed_nonce(wire: Wire) -> None:
    url, headers, body = wire.sign("GET", "/echo")
    assert wire.send("GET", url, body, headers).status == 200

    replay = wire.send("GET", url, body, headers)

    assert_refused(replay, 401, "nonce_used")


def test_a_stale_timestamp_names_the_acceptable_ones(wire: Wire) -> None:
    stale = str(int(time.time()) - 3600)
    reply = wire.call("GET", "/echo", timestamp=stale)

    assert_refused(reply, 401, "timestamp_refused")
    low, high = map(int, reply.form["oauth_acceptable_timestamps"].split("-"))
    assert low < time.time() < high
    assert high - low == 600


def test_a_wrong_verifier(wire: Wire) -> None:
    token = wire.request_token()
    wire.sandbox.approve(wire.authorize_url(token))
    reply = wire.access_token(token, "wrong-verifier-000")
    assert_refused(reply, 401, "verifier_invalid")


def test_a_verifier_before_the_user_approved(wire: Wire) -> None:
    token = wire.request_token()
    reply = wire.access_token(token, "guessed-verifier-000")
    assert_refused(reply, 401, "verifier_invalid")


def test_another_consumers_access_token(wire: Wire) -> None:
    secret = wire.sandbox.register_consumer("second-consumer")
    access = wire.dance()
    reply = wire.call(
        "GET",
        FEED,
        client_key="second-consumer",
        client_secret=secret,
        **wire.as_owner(access),
    )
    assert_refused(reply, 401, "token_rejected")


def test_another_consumers_request_token(wire: Wire) -> None:
    secret = wire.sandbox.register_consumer("third-consumer")
    token = wire.request_token()
    verifier = wire.sandbox.approve(wire.authorize_url(token))
    reply = wire.access_token(
        token, verifier, client_key="third-consumer", client_secret=secret
    )
    assert_refused(reply, 401, "token_rejected")


def test_a_request_token_used_as_an_access_token(wire: Wire) -> None:
    token = wire.request_token()
    reply = wire.call(
        "GET",
        FEED,
        resource_owner_key=token["oauth_token"],
        resource_owner_secret=token["oauth_token_secret"],
    )
    assert_refused(reply, 401, "token_rejected")


def test_read_only_scope_cannot_post(wire: Wire) -> None:
    access = wire.dance(scope=BUZZ_READONLY_SCOPE)
    owner = wire.as_owner(access)
    assert wire.call("GET", FEED, **owner).status == 200

    body = '{"data": {"object": {"content": "hello"}}}'
    reply = wire.call("POST", POST_BUZZ, body=body, headers=JSON, **owner)

    assert_refused(reply, 403, "permission_denied")


def test_a_revoked_token(wire: Wire) -> None:
    owner = wire.as_owner(wire.dance())
    assert wire.call("GET", FEED, **owner).status == 200

    revoked = wire.call("POST", "/oauth/revoke", **owner)
    assert revoked.status == 200, revoked.text

    assert_refused(wire.call("GET", FEED, **owner), 401, "token_revoked")


def test_revoke_needs_a_token(wire: Wire) -> None:
    reply = wire.call("POST", "/oauth/revoke")
    assert_refused(reply, 400, "parameter_absent")


def test_a_bad_csrf_token_is_refused(wire: Wire) -> None:
    token = wire.request_token()
    form = {"oauth_token": token["oauth_token"], "action": "allow"}
    for csrf in ("", "forged-csrf-token"):
        body = urlencode({**form, "csrf_token": csrf})
        reply = wire.send("POST", "/oauth/authorize", body, FORM)
        assert reply.status == 403
        challenge = reply.headers["www-authenticate"]
        assert 'oauth_problem="permission_denied"' in challenge
        assert "CSRF" in reply.text
    # the token is still pending: the real page still works
    assert wire.sandbox.approve(wire.authorize_url(token))


def test_approve_raises_provider_error_for_an_unknown_token(
    wire: Wire,
) -> None:
    url = wire.sandbox.base_url + "/oauth/authorize?oauth_token=unknown-token"
    with pytest.raises(ProviderError) as caught:
        wire.sandbox.approve(url)
    assert caught.value.status == 401
    assert caught.value.problem == "token_rejected"


def test_an_unknown_consumer(wire: Wire) -> None:
    reply = wire.call("GET", "/echo", client_key="nobody-knows-me")
    assert_refused(reply, 401, "consumer_key_unknown")


def test_missing_protocol_parameters(wire: Wire) -> None:
    reply = wire.send("GET", "/echo?oauth_consumer_key=buzzoauth-demo-key")
    assert_refused(reply, 400, "parameter_absent")
    assert "oauth_signature" in reply.form["oauth_parameters_absent"]


def test_an_unknown_signature_method(wire: Wire) -> None:
    url, headers, _ = wire.sign("GET", "/echo")
    headers["Authorization"] = headers["Authorization"].replace(
        "HMAC-SHA1", "HMAC-MD5"
    )
    reply = wire.send("GET", url, None, headers)
    assert_refused(reply, 400, "signature_method_rejected")


def test_rsa_for_a_consumer_without_a_public_key(
    wire: Wire, rsa_pair: RSAPair
) -> None:
    reply = wire.call(
        "GET",
        "/echo",
        signature_method="RSA-SHA1",
        rsa_key=rsa_pair.private_pem,
    )
    assert_refused(reply, 400, "signature_method_rejected")


def test_request_token_needs_a_callback(wire: Wire) -> None:
    reply = wire.call("POST", "/oauth/request_token")
    assert_refused(reply, 400, "parameter_absent")
    assert reply.form["oauth_parameters_absent"] == "oauth_callback"


def test_request_token_refuses_a_relative_callback(wire: Wire) -> None:
    reply = wire.call("POST", "/oauth/request_token", callback_uri="/back")
    assert_refused(reply, 400, "parameter_rejected")


def test_request_token_refuses_an_unknown_scope(wire: Wire) -> None:
    reply = wire.call(
        "POST",
        "/oauth/request_token",
        body="scope=https%3A%2F%2Fexample.com%2Fmail",
        headers=FORM,
        callback_uri="oob",
    )
    assert_refused(reply, 400, "parameter_rejected")
    assert reply.form["oauth_parameters_rejected"] == "scope"


def test_access_token_needs_a_verifier(wire: Wire) -> None:
    token = wire.request_token()
    reply = wire.call(
        "POST",
        "/oauth/access_token",
        resource_owner_key=token["oauth_token"],
        resource_owner_secret=token["oauth_token_secret"],
    )
    assert_refused(reply, 400, "parameter_absent")


def test_a_body_hash_that_does_not_match(wire: Wire) -> None:
    url, headers, _ = wire.sign("PUT", "/echo")
    headers["Authorization"] += (
        ', oauth_body_hash="2jmj7l5rSw0yVb%2FvlWAYkK%2FYBwk%3D"'
    )
    reply = wire.send("PUT", url, b'{"a": 1}', {**headers, **JSON})
    # The hash was added after signing, so either check could fail
    # first; the body hash is checked first.
    assert_refused(reply, 401, "body_hash_invalid")


def test_a_body_hash_on_a_form_body(wire: Wire) -> None:
    url, headers, body = wire.sign("POST", "/echo", body="a=1", headers=FORM)
    headers["Authorization"] += ', oauth_body_hash="abc"'
    reply = wire.send("POST", url, body, headers)
    assert_refused(reply, 400, "body_hash_invalid")


def test_a_wrong_oauth_version(wire: Wire) -> None:
    url, headers, _ = wire.sign("GET", "/echo")
    headers["Authorization"] = headers["Authorization"].replace(
        'oauth_version="1.0"', 'oauth_version="2.0"'
    )
    reply = wire.send("GET", url, None, headers)
    assert_refused(reply, 400, "version_rejected")


def test_protocol_parameters_in_two_places(wire: Wire) -> None:
    url, headers, _ = wire.sign("GET", "/echo")
    reply = wire.send("GET", url + "?oauth_nonce=12345678", None, headers)
    assert reply.status == 400
    assert reply.problem == "parameter_rejected"


def test_a_header_parameter_sent_twice(wire: Wire) -> None:
    url, headers, _ = wire.sign("GET", "/echo")
    headers["Authorization"] += ', oauth_nonce="another-nonce-1"'
    reply = wire.send("GET", url, None, headers)
    assert_refused(reply, 400, "parameter_rejected")
    assert reply.form["oauth_parameters_rejected"] == "oauth_nonce"

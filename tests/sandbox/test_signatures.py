"""Every signature method and every placement is accepted when right
(RFC 5849 §3.4, §3.5), and refused when the secret or key is wrong:
a false-positive matrix, so that "accepted" means something."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from typing import Any

import pytest
from oauthlib.oauth1 import (
    SIGNATURE_TYPE_AUTH_HEADER,
    SIGNATURE_TYPE_BODY,
    SIGNATURE_TYPE_QUERY,
)
from sandboxwire import RSAPair, Wire

from buzzoauth.sandbox import Sandbox

SHARED = ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "PLAINTEXT"]
RSA = ["RSA-SHA1", "RSA-SHA256"]
PLACEMENTS = {
    "header": SIGNATURE_TYPE_AUTH_HEADER,
    "query": SIGNATURE_TYPE_QUERY,
    "body": SIGNATURE_TYPE_BODY,
}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
RSA_KEY = "rsa-consumer-key"
BOTH_KEY = "rsa-and-hmac-consumer"


@pytest.fixture(scope="module")
def rsa_sandbox(rsa_pair: RSAPair) -> Iterator[Sandbox]:
    with Sandbox() as sb:
        sb.register_consumer(RSA_KEY, rsa_public_key=rsa_pair.public_pem)
        yield sb


def _echo(wire: Wire, placement: str, **options: Any) -> Any:
    """POST /echo with a form body, signed as asked."""
    reply = wire.call(
        "POST",
        "/echo?page=2",
        body="status=hello+world&n=1",
        headers=FORM,
        signature_type=PLACEMENTS[placement],
        **options,
    )
    assert reply.status == 200, reply.text
    return reply.json()


@pytest.mark.parametrize("placement", list(PLACEMENTS))
@pytest.mark.parametrize("method", SHARED)
def test_shared_secret_methods_in_every_placement(
    wire: Wire, method: str, placement: str
) -> None:
    seen = _echo(wire, placement, signature_method=method)
    assert seen["signature_method"] == method
    assert seen["placement"] == placement
    assert seen["query"].startswith("page=2")
    assert seen["consumer_key"] == wire.sandbox.consumer_key


@pytest.mark.parametrize("placement", list(PLACEMENTS))
@pytest.mark.parametrize("method", RSA)
def test_rsa_methods_in_every_placement(
    rsa_sandbox: Sandbox, rsa_pair: RSAPair, method: str, placement: str
) -> None:
    wire = Wire(rsa_sandbox)
    seen = _echo(
        wire,
        placement,
        client_key=RSA_KEY,
        signature_method=method,
        rsa_key=rsa_pair.private_pem,
    )
    assert seen["signature_method"] == method
    assert seen["placement"] == placement


@pytest.mark.parametrize("method", RSA)
def test_rsa_dance_and_api(
    rsa_sandbox: Sandbox, rsa_pair: RSAPair, method: str
) -> None:
    wire = Wire(rsa_sandbox)
    options: dict[str, Any] = {
        "client_key": RSA_KEY,
        "signature_method": method,
        "rsa_key": rsa_pair.private_pem,
    }
    access = wire.dance(**options)
    reply = wire.call(
        "GET", "/buzz/v1/people/@me/@self", **options, **wire.as_owner(access)
    )
    assert reply.status == 200, reply.text


@pytest.mark.parametrize("method", SHARED)
def test_a_wrong_consumer_secret_fails_every_method(
    wire: Wire, method: str
) -> None:
    reply = wire.call(
        "GET", "/echo", signature_method=method, client_secret="wrong-secret"
    )
    assert (reply.status, reply.problem) == (401, "signature_invalid")


@pytest.mark.parametrize("method", SHARED)
def test_a_wrong_token_secret_fails_every_method(
    wire: Wire, method: str
) -> None:
    access = wire.dance()
    reply = wire.call(
        "GET",
        "/echo",
        signature_method=method,
        resource_owner_key=access["oauth_token"],
        resource_owner_secret="wrong-token-secret",
    )
    assert (reply.status, reply.problem) == (401, "signature_invalid")


@pytest.mark.parametrize("method", RSA)
def test_a_wrong_rsa_key_fails(
    rsa_sandbox: Sandbox, other_rsa_pair: RSAPair, method: str
) -> None:
    reply = Wire(rsa_sandbox).call(
        "GET",
        "/echo",
        client_key=RSA_KEY,
        signature_method=method,
        rsa_key=other_rsa_pair.private_pem,
    )
    assert (reply.status, reply.problem) == (401, "signature_invalid")


def test_an_rsa_only_consumer_cannot_use_hmac(rsa_sandbox: Sandbox) -> None:
    reply = Wire(rsa_sandbox).call(
        "GET", "/echo", client_key=RSA_KEY, client_secret=""
    )
    assert (reply.status, reply.problem) == (400, "signature_method_rejected")


def test_a_consumer_with_key_and_secret_may_use_both(
    rsa_sandbox: Sandbox, rsa_pair: RSAPair
) -> None:
    rsa_sandbox.register_consumer(
        BOTH_KEY, "both-secret", rsa_public_key=rsa_pair.public_pem
    )
    wire = Wire(rsa_sandbox)
    hmac_reply = wire.call(
        "GET", "/echo", client_key=BOTH_KEY, client_secret="both-secret"
    )
    rsa_reply = wire.call(
        "GET",
        "/echo",
        client_key=BOTH_KEY,
        signature_method="RSA-SHA256",
        rsa_key=rsa_pair.private_pem,
    )
    assert (hmac_reply.status, rsa_reply.status) == (200, 200)


def test_the_demo_consumer_signs_with_a_query_and_get(wire: Wire) -> None:
    reply = wire.call(
        "GET",
        "/echo?a=1&a=2&b=%7E%20x",
        signature_type=SIGNATURE_TYPE_QUERY,
    )
    assert reply.status == 200, reply.text
    assert reply.json()["placement"] == "query"


def test_two_legged_requests_act_for_the_consumer(wire: Wire) -> None:
    seen = wire.call("GET", "/echo").json()
    assert seen["token"] is None
    assert "oauth_token" not in seen["oauth"]


def test_the_echo_never_repeats_a_signature(wire: Wire) -> None:
    reply = wire.call(
        "GET", "/echo", signature_type=SIGNATURE_TYPE_AUTH_HEADER
    )
    assert "oauth_signature" in reply.json()["oauth"]
    assert "oauth_signature=" not in reply.text


def _sha1_b64(data: bytes) -> str:
    digest = hashlib.sha1(data).digest()  # noqa: S324
    return base64.b64encode(digest).decode()


def test_a_signed_body_hash_that_matches_is_accepted(wire: Wire) -> None:
    body = '{"data": {"content": "hashed"}}'
    reply = wire.call(
        "PUT",
        "/echo",
        body=body,
        headers={"Content-Type": "application/json"},
        body_hash=_sha1_b64(body.encode()),
    )
    assert reply.status == 200, reply.text
    assert reply.json()["body"] == body
    assert "oauth_body_hash" in reply.json()["oauth"]


def test_a_signed_body_hash_of_another_body_is_refused(wire: Wire) -> None:
    reply = wire.call(
        "PUT",
        "/echo",
        body='{"a": 2}',
        headers={"Content-Type": "application/json"},
        body_hash=_sha1_b64(b'{"a": 1}'),
    )
    assert (reply.status, reply.problem) == (401, "body_hash_invalid")

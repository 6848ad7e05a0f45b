"""The whole dance and signed calls, over real HTTP, against the sandbox.

The sandbox checks every signature with oauthlib's provider endpoints,
so a request it accepts was signed right by an independent judge.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from buzzoauth import BuzzOAuth, FlowError, ProviderError, Token
from buzzoauth.sandbox import Sandbox
from buzzoauth.sandbox.defaults import BUZZ_READONLY_SCOPE, BUZZ_SCOPE

FEED = "/buzz/v1/activities/@me/@consumption"
POST_BUZZ = "/buzz/v1/activities/@me/@self"


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sb:
        yield sb


def _client(sb: Sandbox, **options: object) -> BuzzOAuth:
    options.setdefault("provider", sb.provider)
    return BuzzOAuth(sb.consumer_key, sb.consumer_secret, **options)  # type: ignore[arg-type]


def _dance(client: BuzzOAuth, sb: Sandbox) -> Token:
    client.fetch_request_token()
    verifier = sb.approve(client.authorize_url())
    if verifier.startswith("http"):
        verifier = parse_qs(urlsplit(verifier).query)["oauth_verifier"][0]
    client.set_verifier(verifier)
    return client.fetch_access_token()


def test_oob_dance_with_the_verifier_read_from_the_page(
    sandbox: Sandbox,
) -> None:
    """RFC 5849 §2.1-§2.3 with callback "oob"."""
    client = _client(sandbox, scope=BUZZ_SCOPE, display_name="flow tests")
    request_token = client.fetch_request_token()
    assert client.token == request_token
    page_url = client.authorize_url()
    assert page_url.startswith(sandbox.base_url + "/oauth/authorize?")
    verifier = sandbox.approve(page_url)
    assert verifier and not verifier.startswith("http")
    client.set_verifier(verifier)
    access = client.fetch_access_token()
    assert access != request_token
    assert client.token is access
    assert access.extra["screen_name"]
    assert access.extra["user_id"]

    status, body = client.request(sandbox.base_url + FEED)
    assert status == 200, body
    assert json.loads(body)["data"]["items"]


def test_callback_dance_returns_the_token_it_asked_for(
    sandbox: Sandbox,
) -> None:
    callback = "http://127.0.0.1:9/done?state=abc"
    client = _client(sandbox, callback=callback)
    request_token = client.fetch_request_token()
    location = sandbox.approve(client.authorize_url())
    assert location.startswith("http://127.0.0.1:9/done?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["abc"]
    assert query["oauth_token"] == [request_token.key]
    client.set_verifier(query["oauth_verifier"][0])
    client.fetch_access_token()
    assert client.request(sandbox.base_url + FEED)[0] == 200


def test_google_style_authorize_step_is_resolved_through_the_302(
    sandbox: Sandbox,
) -> None:
    """The seed's flow: Google answered the authorize URL with a 302."""
    provider = sandbox.google_provider
    assert provider.resolve_authorize_redirect
    client = _client(sandbox, provider=provider, scope=BUZZ_SCOPE)
    client.fetch_request_token()
    page_url = client.authorize_url()
    assert "/buzz/api/auth/" not in page_url
    assert page_url.startswith(sandbox.base_url + "/oauth/authorize?")
    client.set_verifier(sandbox.approve(page_url))
    client.fetch_access_token()
    assert client.request(sandbox.base_url + FEED)[0] == 200


def test_read_only_scope_cannot_post(sandbox: Sandbox) -> None:
    client = _client(sandbox, scope=BUZZ_READONLY_SCOPE)
    _dance(client, sandbox)
    assert client.request(sandbox.base_url + FEED)[0] == 200
    status, body = client.request(
        sandbox.base_url + POST_BUZZ, "POST", {"content": "hello"}
    )
    assert status == 403
    assert b"permission_denied" in body


# -- every signature method and placement, on every kind of request --

RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
RSA_PEM = RSA_KEY.private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
).decode()
RSA_PUBLIC = (
    RSA_KEY.public_key()
    .public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    .decode()
)
METHODS = [
    "HMAC-SHA1",
    "HMAC-SHA256",
    "HMAC-SHA512",
    "PLAINTEXT",
    "RSA-SHA1",
    "RSA-SHA256",
]
REQUESTS = {
    "GET": ("GET", None, None),
    "POST form": ("POST", {"status": "Hélló wörld ✓", "tags": "a b+c"}, None),
    "POST JSON": (
        "POST",
        json.dumps({"ünï": "cödé", "n": 1}),
        {"Content-Type": "application/json"},
    ),
    "PUT": ("PUT", b"raw \x00\xff bytes", {"Content-Type": "text/plain"}),
}
# A form body is the only body that may carry the protocol parameters
# (RFC 5849 §3.5.2), so the body placement goes with form POSTs only.
CASES = [
    (method, placement, kind)
    for method in METHODS
    for placement in ("header", "query", "body")
    for kind in REQUESTS
    if placement != "body" or kind == "POST form"
]


@pytest.fixture(scope="module")
def tokens(sandbox: Sandbox) -> dict[str, Token]:
    """One access token per signature method, from a real dance."""
    sandbox.register_consumer(
        "rsa-consumer-key", rsa_public_key=RSA_PUBLIC, display_name="RSA"
    )
    found = {}
    for method in METHODS:
        client = _method_client(sandbox, method, "header")
        found[method] = _dance(client, sandbox)
    return found


def _method_client(
    sb: Sandbox, method: str, placement: str, token: Token | None = None
) -> BuzzOAuth:
    if method.startswith("RSA"):
        return BuzzOAuth(
            "rsa-consumer-key",
            "",
            provider=sb.provider,
            signature_method=method,
            rsa_key=RSA_PEM,
            placement=placement,
            token=token,
        )
    return _client(
        sb, signature_method=method, placement=placement, token=token
    )


@pytest.mark.parametrize(("method", "placement", "kind"), CASES)
def test_signed_request_is_accepted(
    sandbox: Sandbox,
    tokens: dict[str, Token],
    method: str,
    placement: str,
    kind: str,
) -> None:
    client = _method_client(sandbox, method, placement, tokens[method])
    http_method, body, headers = REQUESTS[kind]
    url = sandbox.base_url + "/echo?q=a%20b&q=%2541&empty="
    status, answer = client.request(url, http_method, body, headers)
    assert status == 200, answer
    echoed = json.loads(answer)
    assert echoed["method"] == http_method


def test_a_wrong_secret_is_refused_with_the_providers_reason(
    sandbox: Sandbox,
) -> None:
    client = BuzzOAuth(
        sandbox.consumer_key, "not-the-secret", provider=sandbox.provider
    )
    with pytest.raises(ProviderError) as caught:
        client.fetch_request_token()
    assert caught.value.status == 401
    assert caught.value.problem == "signature_invalid"
    assert "not-the-secret" not in str(caught.value)
    assert client.token is None


def test_a_replayed_nonce_is_refused(sandbox: Sandbox) -> None:
    client = _client(sandbox, token=None)
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    client.fetch_access_token()
    url = sandbox.base_url + FEED
    signed = client.sign(url, nonce="0123456789abcdef0123456789abcdef")
    first = client.transport.send("GET", signed.url, None, dict(signed))
    again = client.transport.send("GET", signed.url, None, dict(signed))
    assert first.status == 200
    assert again.status == 401
    assert b"nonce_used" in again.body


# -- calls out of order ------------------------------------------------


def test_steps_out_of_order_raise_flow_error(sandbox: Sandbox) -> None:
    client = _client(sandbox)
    with pytest.raises(FlowError, match="fetch_request_token"):
        client.authorize_url()
    with pytest.raises(FlowError, match="fetch_request_token"):
        client.fetch_access_token()
    with pytest.raises(FlowError, match="no access token"):
        client.save_token("never.tok")
    client.fetch_request_token()
    with pytest.raises(FlowError, match="verifier"):
        client.fetch_access_token()
    with pytest.raises(FlowError, match="request token"):
        client.request(sandbox.base_url + FEED)


def test_token_steps_need_a_provider() -> None:
    client = BuzzOAuth("key", "secret")
    with pytest.raises(FlowError, match="provider"):
        client.fetch_request_token()


def test_template_provider_must_be_filled_in() -> None:
    client = BuzzOAuth("key", "secret", provider="sandbox")
    with pytest.raises(FlowError, match="template"):
        client.fetch_request_token()


def test_saved_token_signs_for_a_new_client(
    sandbox: Sandbox, tmp_path: object
) -> None:
    client = _client(sandbox)
    _dance(client, sandbox)
    for name in ("token.tok", "token.json"):
        path = f"{tmp_path}/{name}"
        client.save_token(path)
        again = _client(sandbox)
        loaded = again.load_token(path)
        assert loaded == client.token
        assert again.request(sandbox.base_url + FEED)[0] == 200

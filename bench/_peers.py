"""Each signer in the benchmark, behind one small adapter.

Map: a peer is a function ``(Workload) -> Prepared``.  ``Prepared.call``
is the timed part: one signing, as that library's users would do it,
with every object that is built once per session (client, consumer,
key) built outside it.  ``Prepared.wire`` turns what ``call`` returned
into a :class:`_check.Wire` so the result can be verified; it is never
timed.  A peer that cannot sign a workload raises :class:`NotApplicable`
with the reason, which the tables print.

Order of :data:`PEERS`: buzzoauth, the four published peers, then the
floor (bare ``hmac`` or RSA over a precomputed base string).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from _check import Wire, base_string, collect
from _workloads import (
    CONSUMER_KEY,
    CONSUMER_SECRET,
    FORM,
    TOKEN_KEY,
    TOKEN_SECRET,
    Workload,
    rsa_pem,
)


class NotApplicable(Exception):
    """The peer cannot sign this workload; ``str()`` says why."""


@dataclass
class Prepared:
    call: Callable[[], Any]
    wire: Callable[[Any], Wire]


def _text_headers(headers: Any) -> dict[str, str]:
    out = {}
    for key, value in dict(headers).items():
        k = key.decode() if isinstance(key, bytes) else str(key)
        out[k] = value.decode() if isinstance(value, bytes) else str(value)
    return out


def _bytes(body: Any) -> bytes | None:
    if body is None or body in (b"", ""):
        return None
    return body.encode("utf-8") if isinstance(body, str) else bytes(body)


# -- buzzoauth --------------------------------------------------------------


def buzzoauth(load: Workload) -> Prepared:
    try:
        from buzzoauth import BuzzOAuth
    except Exception as exc:  # a tree being written can fail in any way
        why = f"{type(exc).__name__}: {exc}"
        raise NotApplicable(f"buzzoauth does not import: {why}") from exc
    options: dict[str, Any] = {"token": (TOKEN_KEY, TOKEN_SECRET)}
    if load.rsa:
        options.update(signature_method="RSA-SHA1", rsa_key=rsa_pem())
    if load.body_hash:
        options["body_hash"] = True
    client = BuzzOAuth(CONSUMER_KEY, CONSUMER_SECRET, **options)
    pick, method, body = load.picker(), load.method, load.body

    def call() -> Any:
        return client.sign(pick(), method, body, load.headers())

    def wire(out: Any) -> Wire:
        return Wire(out.method, out.url, _text_headers(out), _bytes(out.body))

    return Prepared(call, wire)


# -- python-oauth2 (the path oauth2.Client.request takes) -------------------


def oauth2_raw(load: Workload) -> Prepared:
    if load.rsa:
        raise NotApplicable("python-oauth2 has no RSA-SHA1 signature method")
    from urllib.parse import parse_qs

    import oauth2

    consumer = oauth2.Consumer(CONSUMER_KEY, CONSUMER_SECRET)
    token = oauth2.Token(TOKEN_KEY, TOKEN_SECRET)
    method_obj = oauth2.SignatureMethod_HMAC_SHA1()
    is_form = load.content_type == FORM
    pick, method = load.picker(), load.method
    body = load.body or b""
    text = load.text_body()

    def call() -> Any:
        url = pick()
        params = parse_qs(text) if is_form and text else None
        req = oauth2.Request.from_consumer_and_token(
            consumer,
            token=token,
            http_method=method,
            http_url=url,
            parameters=params,
            body=body,
            is_form_encoded=is_form,
        )
        req.sign_request(method_obj, consumer, token)
        return url, req.to_header()

    def wire(out: Any) -> Wire:
        url, header = out
        headers = {**load.headers(), **_text_headers(header)}
        return Wire(method, url, headers, load.body)

    return Prepared(call, wire)


# -- oauthlib ---------------------------------------------------------------


def _jwt_missing() -> str | None:
    try:
        import jwt  # type: ignore[import-not-found]  # noqa: F401
    except ImportError:
        return "oauthlib signs RSA through PyJWT, which is not installed"
    return None


def oauthlib_client(load: Workload) -> Prepared:
    from oauthlib import oauth1

    options: dict[str, Any] = {}
    if load.rsa:
        reason = _jwt_missing()
        if reason:
            raise NotApplicable(reason)
        options.update(
            signature_method=oauth1.SIGNATURE_RSA, rsa_key=rsa_pem().decode()
        )
    client = oauth1.Client(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        resource_owner_key=TOKEN_KEY,
        resource_owner_secret=TOKEN_SECRET,
        **options,
    )
    pick, method, text = load.picker(), load.method, load.text_body()

    def call() -> Any:
        # oauthlib adds oauth_body_hash itself for a non-form body.
        return client.sign(pick(), method, text, load.headers())

    def wire(out: Any) -> Wire:
        uri, headers, body = out
        return Wire(method, uri, _text_headers(headers), _bytes(body))

    return Prepared(call, wire)


# -- Authlib ----------------------------------------------------------------


def authlib_client(load: Workload) -> Prepared:
    # Authlib ships no type information; import_module gives Any.
    ClientAuth = import_module("authlib.oauth1.rfc5849.client_auth").ClientAuth
    rsa_sha1 = import_module("authlib.oauth1").SIGNATURE_RSA_SHA1

    options: dict[str, Any] = {}
    if load.rsa:
        options.update(signature_method=rsa_sha1, rsa_key=rsa_pem())
    auth = ClientAuth(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        token=TOKEN_KEY,
        token_secret=TOKEN_SECRET,
        **options,
    )
    pick, method = load.picker(), load.method
    # ClientAuth.sign hashes a bytes body; a form body is parsed as text.
    body: Any = load.text_body() if load.content_type == FORM else load.body

    def call() -> Any:
        return auth.sign(method, pick(), load.headers(), body)

    def wire(out: Any) -> Wire:
        uri, headers, sent = out
        return Wire(method, uri, _text_headers(headers), _bytes(sent))

    return Prepared(call, wire)


# -- requests-oauthlib -------------------------------------------------------


def requests_oauthlib_auth(load: Workload) -> Prepared:
    if load.rsa:
        reason = _jwt_missing()
        if reason:
            raise NotApplicable("requests-oauthlib: " + reason)
    import requests
    from oauthlib.oauth1 import SIGNATURE_RSA
    from requests_oauthlib import OAuth1  # type: ignore[import-untyped]

    options: dict[str, Any] = {}
    if load.rsa:
        options.update(signature_method=SIGNATURE_RSA, rsa_key=rsa_pem())
    if load.body_hash:
        options["force_include_body"] = True
    auth = OAuth1(
        CONSUMER_KEY, CONSUMER_SECRET, TOKEN_KEY, TOKEN_SECRET, **options
    )
    template = requests.Request(
        load.method, load.url, headers=load.headers(), data=load.body
    ).prepare()

    pick = load.picker()

    def call() -> Any:
        # A copy is the cheapest fresh PreparedRequest; auth mutates it.
        # The URLs here are ASCII and already encoded, as prepare() makes.
        prepared = template.copy()
        prepared.url = pick()
        return auth(prepared)

    def wire(out: Any) -> Wire:
        return Wire(
            out.method, out.url, _text_headers(out.headers), _bytes(out.body)
        )

    return Prepared(call, wire)


# -- the floor --------------------------------------------------------------


def _fixed_wire(load: Workload) -> Wire:
    # A fully specified request whose base string the floor signs.
    oauth = [
        ("oauth_consumer_key", CONSUMER_KEY),
        ("oauth_nonce", "0123456789abcdef0123456789abcdef"),
        ("oauth_signature_method", "RSA-SHA1" if load.rsa else "HMAC-SHA1"),
        ("oauth_timestamp", "1700000000"),
        ("oauth_token", TOKEN_KEY),
        ("oauth_version", "1.0"),
    ]
    if load.body_hash:
        digest = hashlib.sha1(load.body or b"").digest()  # noqa: S324 (spec)
        oauth.append(("oauth_body_hash", base64.b64encode(digest).decode()))
    header = "OAuth " + ", ".join(f'{k}="{v}"' for k, v in oauth)
    headers = {**load.headers(), "Authorization": header}
    return Wire(load.method, load.url, headers, load.body)


def floor(load: Workload) -> Prepared:
    fixed = _fixed_wire(load)
    base = base_string(fixed, collect(fixed))
    if load.rsa:
        return _rsa_floor(fixed, base)
    key = f"{CONSUMER_SECRET}&{TOKEN_SECRET}".encode("ascii")
    sha1 = hashlib.sha1

    def call() -> Any:
        return base64.b64encode(hmac.new(key, base, sha1).digest())

    return Prepared(call, lambda out: _with_signature(fixed, out))


def _rsa_floor(fixed: Wire, base: bytes) -> Prepared:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding

    key: Any = serialization.load_pem_private_key(rsa_pem(), password=None)
    pad = padding.PKCS1v15()
    algo = hashes.SHA1()  # noqa: S303 (RSA-SHA1 is the RFC 5849 method)

    def call() -> Any:
        return base64.b64encode(key.sign(base, pad, algo))

    return Prepared(call, lambda out: _with_signature(fixed, out))


def _with_signature(fixed: Wire, signature: bytes) -> Wire:
    from urllib.parse import quote

    header = fixed.headers["Authorization"]
    header += f', oauth_signature="{quote(signature.decode(), safe="~")}"'
    return Wire(
        fixed.method,
        fixed.url,
        {**fixed.headers, "Authorization": header},
        fixed.body,
    )


PEERS: dict[str, Callable[[Workload], Prepared]] = {
    "buzzoauth": buzzoauth,
    "oauth2": oauth2_raw,
    "oauthlib": oauthlib_client,
    "authlib": authlib_client,
    "requests-oauthlib": requests_oauthlib_auth,
    "floor": floor,
}

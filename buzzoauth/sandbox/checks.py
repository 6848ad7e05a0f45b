"""Checks the sandbox makes before oauthlib sees a request.

oauthlib answers most bad requests with a bare 400 or 401; these checks
run first so that the answer names the problem (OAuth Problem
Reporting), and so that timestamps are judged by the sandbox clock,
which may run ahead of or behind real time.

In the order :func:`check_protocol` applies them:

1. the protocol parameters are all there, each once (RFC 5849 §3.1);
2. the signature method is one the sandbox knows (§3.4);
3. ``oauth_version``, if sent, is ``1.0`` (§3.1);
4. the timestamp is within the window of the sandbox clock (§3.3);
5. keys, nonce, token and verifier have a sane form;
6. the consumer can sign with the method it used (a shared secret for
   HMAC and PLAINTEXT, an RSA key for RSA);
7. ``oauth_body_hash``, if sent, matches the body (OAuth Request Body
   Hash).

:func:`check_callback` and :func:`requested_scopes` belong to the
request-token step (§2.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Any
from urllib.parse import urlsplit

from . import defaults, rsa_check
from .exchange import Call
from .problems import Problem, absent, rejected, unauthorized
from .store import ConsumerRecord

_HEADER_NAMES = re.compile(r'([A-Za-z0-9_.~%-]+)\s*=\s*"')

MANDATORY = (
    "oauth_consumer_key",
    "oauth_signature_method",
    "oauth_signature",
    "oauth_timestamp",
    "oauth_nonce",
)


def check_protocol(
    request: Any, call: Call, now: float, consumer: ConsumerRecord | None
) -> None:
    """Raise :class:`Problem` for the first failed check, in order."""
    _check_header_duplicates(call.header("Authorization"))
    params: dict[str, str] = request.oauth_params
    missing = [name for name in MANDATORY if not params.get(name)]
    if missing:
        raise absent(*missing)
    _check_method(params["oauth_signature_method"])
    _check_version(params.get("oauth_version"))
    _check_timestamp(params["oauth_timestamp"], now)
    _check_forms(params)
    _check_consumer_method(consumer, params["oauth_signature_method"])
    if "oauth_body_hash" in params:
        _check_body_hash(params["oauth_body_hash"], call)


def _check_header_duplicates(authorization: str) -> None:
    # RFC 5849 §3.5.1; oauthlib keeps the last of repeated names.
    names = _HEADER_NAMES.findall(authorization)
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise rejected(repeated[0], "sent more than once")


def _check_method(method: str) -> None:
    if method not in defaults.SIGNATURE_METHODS:
        known = ", ".join(defaults.SIGNATURE_METHODS)
        advice = f"unknown signature method {method!r}; use one of {known}"
        raise Problem(400, "signature_method_rejected", advice)


def _check_version(version: str | None) -> None:
    if version is not None and version != "1.0":
        extra = {"oauth_acceptable_versions": "1.0-1.0"}
        raise Problem(
            400, "version_rejected", "oauth_version must be 1.0", extra
        )


def _check_timestamp(text: str, now: float) -> None:
    # RFC 5849 §3.3: a positive integer, seconds since 1970
    if not text.isascii() or not text.isdigit():
        raise rejected("oauth_timestamp", "not a whole number of seconds")
    lowest = int(now) - defaults.TIMESTAMP_WINDOW
    highest = int(now) + defaults.TIMESTAMP_WINDOW
    if not lowest <= int(text) <= highest:
        extra = {"oauth_acceptable_timestamps": f"{lowest}-{highest}"}
        advice = f"timestamp {text} is outside {lowest}-{highest}"
        raise Problem(401, "timestamp_refused", advice, extra)


def _check_forms(params: dict[str, str]) -> None:
    if not _sane(params["oauth_consumer_key"]):
        raise unauthorized("consumer_key_unknown", "no such consumer key")
    if not _sane(params["oauth_nonce"]):
        low, high = defaults.KEY_LENGTH
        why = f"{low}-{high} letters, digits, '-', '_' or '.'"
        raise rejected("oauth_nonce", why)
    if "oauth_token" in params and not _sane(params["oauth_token"]):
        raise unauthorized("token_rejected", "no such token")
    if "oauth_verifier" in params and not _sane(params["oauth_verifier"]):
        raise unauthorized("verifier_invalid", "wrong oauth_verifier")


def _sane(value: str) -> bool:
    low, high = defaults.KEY_LENGTH
    fits = low <= len(value) <= high
    return fits and set(value) <= defaults.SAFE_CHARACTERS


def _check_consumer_method(
    consumer: ConsumerRecord | None, method: str
) -> None:
    if consumer is None:
        return  # reported later, after the same work as for a known one
    if method in defaults.RSA_METHODS:
        if not rsa_check.available():
            _refuse_method("RSA needs the cryptography package here")
        if not consumer.rsa_public_key:
            _refuse_method("this consumer has no RSA public key")
    elif consumer.secret is None:
        _refuse_method("this consumer has no shared secret; sign with RSA")


def _refuse_method(advice: str) -> None:
    raise Problem(400, "signature_method_rejected", advice)


def _check_body_hash(claimed: str, call: Call) -> None:
    # OAuth Request Body Hash §3.2: never with a form-encoded body
    if call.is_form:
        advice = "oauth_body_hash must not be sent with a form-encoded body"
        raise Problem(400, "body_hash_invalid", advice)
    # The body-hash extension fixes SHA-1 (for HMAC-SHA1 requests).
    sha1 = hashlib.sha1(call.body)  # noqa: S324
    digest = base64.b64encode(sha1.digest()).decode()
    if not hmac.compare_digest(digest.encode(), claimed.encode()):
        advice = "oauth_body_hash is not the base64 SHA-1 of the body"
        raise Problem(401, "body_hash_invalid", advice)


def check_callback(callback: str | None) -> None:
    """``oauth_callback`` is required: ``oob`` or an absolute URL (§2.1)."""
    if not callback:
        raise absent("oauth_callback")
    if callback == "oob":
        return
    parts = urlsplit(callback)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise rejected("oauth_callback", "must be 'oob' or an absolute URL")


def requested_scopes(params: list[tuple[str, str]]) -> tuple[str, ...]:
    """The scopes of a request-token call; full Buzz when none is asked."""
    text = " ".join(value for name, value in params if name == "scope")
    asked = tuple(dict.fromkeys(text.split()))
    unknown = [scope for scope in asked if scope not in defaults.SCOPES]
    if unknown:
        known = " ".join(defaults.SCOPES)
        raise rejected("scope", f"unknown scope {unknown[0]}; known: {known}")
    return asked or (defaults.BUZZ_SCOPE,)

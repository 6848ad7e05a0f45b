"""An independent check that a peer really signed what it was given.

A benchmark that times a signer which skipped work would flatter it, so
before timing, every peer's output for every workload passes
:func:`verify`: it rebuilds the signature base string from what would
go on the wire (RFC 5849 §3.4.1) and checks the signature (§3.4.2
HMAC-SHA1 or §3.4.3 RSA-SHA1) and, when the workload asks for one, the
body hash (OAuth Request Body Hash, §3.1).  This code shares nothing
with any peer.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from _workloads import CONSUMER_SECRET, FORM, TOKEN_SECRET, Workload


@dataclass
class Wire:
    """What a signer says to send: method, URL, headers and body."""

    method: str
    url: str
    headers: dict[str, str]
    body: bytes | None


class CheckError(AssertionError):
    """A peer's output does not verify; the message says why."""


def _enc(value: str) -> str:
    # RFC 5849 §3.6: unreserved characters stay, all else is %XX.
    return quote(value.encode("utf-8"), safe="~")


def _header_params(headers: dict[str, str]) -> list[tuple[str, str]]:
    value = next(
        (v for k, v in headers.items() if k.lower() == "authorization"), ""
    )
    if not value.startswith("OAuth "):
        return []
    out = []
    for part in value[6:].split(","):
        name, _, quoted = part.strip().partition("=")
        # RFC 5849 §3.4.1.3.1: realm is not a signed parameter.
        if name != "realm":
            out.append((unquote(name), unquote(quoted.strip('"'))))
    return out


def _base_uri(url: str) -> str:
    # RFC 5849 §3.4.1.2: lowercase scheme and host, no default port.
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}[scheme]
    port = "" if parts.port in (None, default) else f":{parts.port}"
    return f"{scheme}://{host}{port}{parts.path or '/'}"


def _is_form(wire: Wire) -> bool:
    ctype = next(
        (v for k, v in wire.headers.items() if k.lower() == "content-type"), ""
    )
    return ctype.split(";")[0].strip() == FORM


def collect(wire: Wire) -> list[tuple[str, str]]:
    """RFC 5849 §3.4.1.3.1: query, OAuth header and form body parameters."""
    params = parse_qsl(urlsplit(wire.url).query, keep_blank_values=True)
    params += _header_params(wire.headers)
    if wire.body and _is_form(wire):
        params += parse_qsl(wire.body.decode("utf-8"), keep_blank_values=True)
    return params


def base_string(wire: Wire, params: list[tuple[str, str]]) -> bytes:
    """RFC 5849 §3.4.1.1 and §3.4.1.3.2."""
    pairs = sorted(
        (_enc(k), _enc(v)) for k, v in params if k != "oauth_signature"
    )
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    parts = [wire.method.upper(), _base_uri(wire.url), normalized]
    return "&".join(_enc(p) for p in parts).encode("ascii")


def _check_hmac(base: bytes, signature: str) -> None:
    # RFC 5849 §3.4.2: key is the two secrets, encoded, joined by "&".
    key = f"{_enc(CONSUMER_SECRET)}&{_enc(TOKEN_SECRET)}".encode("ascii")
    want = base64.b64encode(hmac.new(key, base, hashlib.sha1).digest())
    if not hmac.compare_digest(want, signature.encode("ascii")):
        raise CheckError("HMAC-SHA1 signature does not verify")


def _check_rsa(base: bytes, signature: str, pem: bytes) -> None:
    # RFC 5849 §3.4.3: RSASSA-PKCS1-v1_5 with SHA-1.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = serialization.load_pem_private_key(pem, password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    try:
        key.public_key().verify(
            base64.b64decode(signature),
            base,
            padding.PKCS1v15(),
            hashes.SHA1(),  # noqa: S303 (RSA-SHA1 is the RFC method),
        )
    except InvalidSignature as exc:
        raise CheckError("RSA-SHA1 signature does not verify") from exc


def _check_body_hash(
    wire: Wire, params: dict[str, str], load: Workload
) -> None:
    sent = params.get("oauth_body_hash")
    if not load.body_hash:
        return
    if sent is None:
        raise CheckError("oauth_body_hash missing")
    digest = hashlib.sha1(wire.body or b"").digest()  # noqa: S324 (spec)
    if base64.b64encode(digest).decode("ascii") != sent:
        raise CheckError("oauth_body_hash does not match the body")


def verify(wire: Wire, load: Workload, *, pem: bytes | None = None) -> None:
    """Raise :class:`CheckError` unless ``wire`` is a valid signing of
    ``load``."""
    if wire.method.upper() != load.method:
        raise CheckError(f"method changed to {wire.method}")
    if (wire.body or None) != (load.body or None):
        raise CheckError("body changed")
    params = collect(wire)
    named = dict(params)
    want = "RSA-SHA1" if load.rsa else "HMAC-SHA1"
    if named.get("oauth_signature_method") != want:
        raise CheckError(f"signature method is not {want}")
    for name in ("oauth_consumer_key", "oauth_token", "oauth_nonce"):
        if not named.get(name):
            raise CheckError(f"{name} missing")
    base = base_string(wire, params)
    if load.rsa:
        assert pem is not None
        _check_rsa(base, named["oauth_signature"], pem)
    else:
        _check_hmac(base, named["oauth_signature"])
    _check_body_hash(wire, named, load)

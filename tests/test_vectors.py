"""Published OAuth 1.0 test vectors, one named pytest case each.

The vectors live in ``tests/data/oauth1_vectors.json``; every entry keeps
its ``source`` (RFC 5849, OAuth Core 1.0 Appendix A and §9.4.1, the
wiki.oauth.net TestCases page).  Each entry runs through
:func:`test_vector`, which hands it to the check for its ``kind``:

- ``signature``: signed with the public API, ``BuzzOAuth.sign`` (with
  ``oauth_params=`` for ``oauth_callback`` and ``oauth_verifier``, which
  only the token steps send), and with ``signing.Signer`` below it; the
  ``Authorization`` header is read back and its ``oauth_signature``,
  decoded, must equal the published one.  RSA signatures are also
  verified with the certificate's public key.
- ``signature_from_base_string``: the signature of a given base string.
- ``base_string``, ``base_string_uri``, ``normalization``,
  ``percent_encoding``: one step of RFC 5849 §3.4.1 or §3.6 each.

RFC 5849 §3.1 prints a signature that does not belong to its own POST
request (an erratum): :func:`test_rfc5849_section_3_1_erratum` checks the
corrected value and shows that the printed one signs the GET variant.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlencode, urlsplit
from urllib.request import parse_http_list, parse_keqv_list

import oauth2
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from buzzoauth import BuzzOAuth, signing

VECTORS_PATH = Path(__file__).parent / "data" / "oauth1_vectors.json"
VECTORS: list[dict[str, Any]] = json.loads(
    VECTORS_PATH.read_text(encoding="utf-8")
)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# Protocol parameters that only the token steps send (RFC 5849 §2.1, §2.3).
TOKEN_STEP_PARAMS = ("oauth_callback", "oauth_verifier")
# What the header must carry besides the signature (RFC 5849 §3.1).
PROTOCOL_PARAMS = (
    "oauth_consumer_key",
    "oauth_token",
    "oauth_signature_method",
    "oauth_timestamp",
    "oauth_nonce",
    "oauth_version",
    *TOKEN_STEP_PARAMS,
)


def same(got: str, expected: str) -> bool:
    """Signatures are compared in constant time, even in tests."""
    return hmac.compare_digest(got.encode(), expected.encode())


def header_fields(value: str) -> dict[str, str]:
    """The fields of an ``Authorization: OAuth ...`` header, decoded
    (RFC 5849 §3.5.1), parsed with the standard library."""
    scheme, _, rest = value.partition(" ")
    assert scheme == "OAuth"
    fields = parse_keqv_list(parse_http_list(rest))
    return {name: unquote(v) for name, v in fields.items()}


def vector_secret(vector: dict[str, Any], field: str) -> str:
    return vector[field] or ""


# -- kind: signature ----------------------------------------------------------


def sign_with_client(vector: dict[str, Any], params: dict[str, str]) -> str:
    """The ``Authorization`` header ``BuzzOAuth.sign`` makes."""
    token = None
    if "oauth_token" in params:
        token = (params["oauth_token"], vector_secret(vector, "token_secret"))
    client = BuzzOAuth(
        params["oauth_consumer_key"],
        vector_secret(vector, "consumer_secret"),
        token=token,
        signature_method=vector["method"],
        rsa_key=vector["rsa_private_key"],
        realm=vector["realm"],
        oauth_version=params.get("oauth_version"),
    )
    body = vector["body"]
    signed = client.sign(
        vector["url"],
        vector["http_method"],
        body=body,
        headers=FORM if body is not None else None,
        nonce=params.get("oauth_nonce"),
        timestamp=params.get("oauth_timestamp"),
        oauth_params=[
            (k, params[k]) for k in TOKEN_STEP_PARAMS if k in params
        ],
    )
    if vector["expected_base_string"]:
        assert signed.base_string == vector["expected_base_string"]
    return signed["Authorization"]


def sign_with_signer(vector: dict[str, Any], params: dict[str, str]) -> str:
    """The same header from the layer below, ``signing.Signer``."""
    method = signing.get_signature_method(
        vector["method"], vector["rsa_private_key"]
    )
    signer = signing.Signer(
        params["oauth_consumer_key"],
        vector_secret(vector, "consumer_secret"),
        params.get("oauth_token"),
        vector_secret(vector, "token_secret"),
        method=method,
        oauth_version=params.get("oauth_version"),
    )
    extra = [(k, params[k]) for k in TOKEN_STEP_PARAMS if k in params]
    body = (vector["body"] or "").encode("utf-8")
    parts = signer.sign(
        vector["http_method"],
        signing.split_url(signing.prepare_url(vector["url"])),
        form=signing.form_parameters(body),
        extra=extra,
        nonce=params.get("oauth_nonce"),
        timestamp=params.get("oauth_timestamp"),
    )
    return signing.authorization_header(parts.oauth, vector["realm"])


def check_signature(vector: dict[str, Any]) -> None:
    if vector["url"] is None:
        check_bare_plaintext(vector)
        return
    params = dict(vector["params"])
    fields = header_fields(sign_with_client(vector, params))
    below = header_fields(sign_with_signer(vector, params))
    if "oauth_nonce" in params:
        # The layer below makes the very same header.
        assert same(below.pop("oauth_signature"), fields["oauth_signature"])
        assert below == {
            k: v for k, v in fields.items() if k != "oauth_signature"
        }

    # The whole header: realm (§3.5.1) and every protocol parameter.
    assert fields.get("realm") == vector["realm"]
    for name in PROTOCOL_PARAMS:
        if name in params:
            assert fields[name] == params[name], name

    expected = (
        vector.get("expected_signature_correct")
        or vector["expected_signature"]
    )
    got = fields["oauth_signature"]
    assert same(got, expected), f"{got!r} != {expected!r}"
    if vector.get("rsa_certificate"):
        check_rsa_with_certificate(vector, got)


def check_bare_plaintext(vector: dict[str, Any]) -> None:
    """OAuth Core 1.0 §9.4.1: PLAINTEXT examples without a request."""
    method = signing.get_signature_method("PLAINTEXT")
    key = method.signing_key(
        vector["consumer_secret"], vector_secret(vector, "token_secret")
    )
    got = method.sign_base("", key)
    assert same(got, vector["expected_signature"])

    # The same value must come out of a signed request over TLS.
    client = BuzzOAuth(
        "key",
        vector["consumer_secret"],
        token=("token", vector_secret(vector, "token_secret")),
        signature_method="PLAINTEXT",
    )
    header = client.sign("https://example.com/")["Authorization"]
    assert same(header_fields(header)["oauth_signature"], got)


def check_rsa_with_certificate(vector: dict[str, Any], signature: str) -> None:
    """RFC 5849 §3.4.3: the certificate's public key verifies it."""
    certificate = x509.load_pem_x509_certificate(
        vector["rsa_certificate"].encode("ascii")
    )
    # Raises InvalidSignature when it does not verify.
    certificate.public_key().verify(
        base64.b64decode(signature),
        vector["expected_base_string"].encode("ascii"),
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303  # RSA-SHA1 is the method under test
    )


# -- the other kinds ----------------------------------------------------------


def check_signature_from_base_string(vector: dict[str, Any]) -> None:
    method = signing.get_signature_method(vector["method"])
    key = method.signing_key(
        vector["consumer_secret"], vector_secret(vector, "token_secret")
    )
    got = method.sign_base(vector["expected_base_string"], key)
    assert same(got, vector["expected_signature"])


def check_base_string(vector: dict[str, Any]) -> None:
    # Through the python-oauth2 bridge: the parameters as a Request's.
    request = oauth2.Request(
        vector["http_method"], vector["url"], dict(vector["params"])
    )
    bridged = signing.base_string_of_oauth2_request(request)
    assert bridged == vector["expected_base_string"]

    # As the wiki page poses it: every parameter in the URL's query;
    # oauth_signature is left out (RFC 5849 §3.4.1.3.1).
    url = vector["url"] + "?" + urlencode([tuple(p) for p in vector["params"]])
    request = oauth2.Request(vector["http_method"], url)
    bridged = signing.base_string_of_oauth2_request(request)
    assert bridged == vector["expected_base_string"]


def check_base_string_uri(vector: dict[str, Any]) -> None:
    parts = urlsplit(vector["url"])
    uri = signing.base_string_uri(
        parts.scheme, parts.hostname or "", parts.port, parts.path
    )
    assert uri == vector["expected_base_string"]
    split = signing.split_url(signing.prepare_url(vector["url"]))
    assert split.escaped_base_uri == signing.escape(uri)


def check_normalization(vector: dict[str, Any]) -> None:
    if "input" in vector:
        # The wiki's input is a form-encoded string (RFC 5849 §3.4.1.3.1).
        pairs = signing.query_parameters(vector["input"])
        assert signing.normalize_parameters(pairs) == vector["expected"]
        return
    # RFC 5849 §3.4.1.3.2: the §3.1 request, normalized by the client.
    params = dict(vector["params"])
    client = BuzzOAuth(
        params["oauth_consumer_key"],
        "secret",
        token=(params["oauth_token"], "secret"),
        oauth_version=None,
    )
    signed = client.sign(
        vector["url"],
        vector["http_method"],
        body=vector["body"],
        headers=FORM,
        nonce=params["oauth_nonce"],
        timestamp=params["oauth_timestamp"],
    )
    assert signed.normalized == vector["expected_base_string"]


def check_percent_encoding(vector: dict[str, Any]) -> None:
    # RFC 5849 §3.6 (OAuth Core 1.0 §5.1).
    assert signing.escape(vector["input"]) == vector["expected"]


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "signature": check_signature,
    "signature_from_base_string": check_signature_from_base_string,
    "base_string": check_base_string,
    "base_string_uri": check_base_string_uri,
    "normalization": check_normalization,
    "percent_encoding": check_percent_encoding,
}


@pytest.mark.parametrize("vector", VECTORS, ids=[v["name"] for v in VECTORS])
def test_vector(vector: dict[str, Any]) -> None:
    CHECKS[vector["kind"]](vector)


def test_every_vector_is_complete() -> None:
    """No vector may pass by having nothing to check."""
    assert len(VECTORS) == 38
    assert len({v["name"] for v in VECTORS}) == len(VECTORS)
    for vector in VECTORS:
        assert vector["source"], vector["name"]
        assert vector["kind"] in CHECKS, vector["name"]
        if vector["kind"] in ("percent_encoding",):
            assert "input" in vector and "expected" in vector
        elif vector["kind"] == "normalization":
            assert "input" in vector or vector["expected_base_string"]
        elif vector["kind"].startswith("signature"):
            assert vector["expected_signature"], vector["name"]
        else:
            assert vector["expected_base_string"], vector["name"]


def test_rfc5849_section_3_1_erratum() -> None:
    """RFC 5849 §3.1 prints a signature for its POST request that is the
    HMAC-SHA1 of the same base string starting with ``GET``; the POST
    base string itself is printed correctly."""
    (vector,) = [v for v in VECTORS if v.get("erratum")]
    key = b"j49sk3j29djd&dh893hdasih9"
    base = vector["expected_base_string"]
    assert base.startswith("POST&")

    def mac(text: str) -> str:
        digest = hmac.new(key, text.encode("ascii"), hashlib.sha1).digest()
        return base64.b64encode(digest).decode("ascii")

    assert same(
        mac("GET&" + base[len("POST&") :]), vector["expected_signature"]
    )
    assert same(mac(base), vector["expected_signature_correct"])
    assert not same(mac(base), vector["expected_signature"])

"""The signature methods of :mod:`buzzoauth.signing`, one by one.

Map:

- HMAC-SHA1, HMAC-SHA256, HMAC-SHA512 (RFC 5849 §3.4.2): the signing
  key and the signature agree with oauthlib's signers, for secrets
  holding reserved and non-ASCII characters; a wrong secret changes
  the signature.
- PLAINTEXT (§3.4.4): the encoded secrets, as oauthlib makes them.
- RSA-SHA1 (§3.4.3) and RSA-SHA256: verified with the certificate of
  the published test key; another key's signature does not verify;
  the key is never shown; bad keys are refused clearly.
- The body hash (OAuth Request Body Hash): SHA-1 for every method that
  sends one, checked against the extension's example; none for
  PLAINTEXT.
- Lookup by name, and the python-oauth2 bridge: our methods sign an
  ``oauth2.Request`` so that oauthlib accepts it where oauth2's own
  HMAC-SHA1 does not.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlsplit

import oauth2
import pytest
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

from buzzoauth import signing

VECTORS = json.loads(
    (Path(__file__).parent / "data" / "oauth1_vectors.json").read_text(
        encoding="utf-8"
    )
)
(RSA_VECTOR,) = [v for v in VECTORS if v["name"] == "wiki-testcases-rsa-sha1"]
RSA_KEY = RSA_VECTOR["rsa_private_key"]
RSA_CERT = x509.load_pem_x509_certificate(
    RSA_VECTOR["rsa_certificate"].encode("ascii")
)
BASE = RSA_VECTOR["expected_base_string"]

OAUTHLIB_SIGNERS = {
    "HMAC-SHA1": oauthlib_signature.sign_hmac_sha1_with_client,
    "HMAC-SHA256": oauthlib_signature.sign_hmac_sha256_with_client,
    "HMAC-SHA512": oauthlib_signature.sign_hmac_sha512_with_client,
}
SECRETS = [
    ("kd94hf93k423kf44", "pfkkdhi9sl3r4s00"),
    ("kd94hf93k423kf44", ""),
    ("", ""),
    ("a&b=c%d+e f", "~tilde/slash?"),
    ("sécret", "日本語"),
]


def same(got: str, expected: str) -> bool:
    """Signatures are compared in constant time, even in tests."""
    return hmac.compare_digest(got.encode(), expected.encode())


def sign(name: str, base: str, consumer: str, token: str) -> str:
    method = signing.get_signature_method(name)
    return method.sign_base(base, method.signing_key(consumer, token))


# -- HMAC and PLAINTEXT -------------------------------------------------------


@pytest.mark.parametrize("secrets", SECRETS, ids=repr)
@pytest.mark.parametrize("name", sorted(OAUTHLIB_SIGNERS))
def test_hmac_agrees_with_oauthlib(
    name: str, secrets: tuple[str, str]
) -> None:
    """RFC 5849 §3.4.2: key = encoded secrets joined by "&"."""
    consumer, token = secrets
    client = SimpleNamespace(
        client_secret=consumer, resource_owner_secret=token
    )
    expected = OAUTHLIB_SIGNERS[name](BASE, client)
    assert same(sign(name, BASE, consumer, token), expected)


@pytest.mark.parametrize("name", sorted(OAUTHLIB_SIGNERS))
def test_hmac_digest_sizes(name: str) -> None:
    sizes = {"HMAC-SHA1": 20, "HMAC-SHA256": 32, "HMAC-SHA512": 64}
    raw = base64.b64decode(sign(name, BASE, "cs", "ts"))
    assert len(raw) == sizes[name]


@pytest.mark.parametrize("name", sorted(OAUTHLIB_SIGNERS))
def test_hmac_depends_on_every_input(name: str) -> None:
    good = sign(name, BASE, "cs", "ts")
    assert not same(sign(name, BASE, "cs", "tS"), good)
    assert not same(sign(name, BASE, "cS", "ts"), good)
    assert not same(sign(name, BASE + "x", "cs", "ts"), good)


def test_signing_key_keeps_the_ampersand() -> None:
    """§3.4.2: the "&" stays even when the token secret is empty, and
    each secret is encoded (§3.6) first."""
    method = signing.get_signature_method("HMAC-SHA1")
    assert method.signing_key("cs", "") == b"cs&"
    assert method.signing_key("a&b", "c d") == b"a%26b&c%20d"


@pytest.mark.parametrize("secrets", SECRETS, ids=repr)
def test_plaintext_agrees_with_oauthlib(secrets: tuple[str, str]) -> None:
    """§3.4.4: the signature is the key itself; the base string plays
    no part."""
    consumer, token = secrets
    expected = oauthlib_signature.sign_plaintext(consumer, token)
    assert same(sign("PLAINTEXT", BASE, consumer, token), expected)
    assert same(sign("PLAINTEXT", "", consumer, token), expected)


# -- RSA ----------------------------------------------------------------------


def verify_rsa(
    signature: str, base: str, algorithm: hashes.HashAlgorithm
) -> None:
    RSA_CERT.public_key().verify(
        base64.b64decode(signature),
        base.encode("ascii"),
        padding.PKCS1v15(),
        algorithm,
    )


@pytest.mark.parametrize(
    ("name", "algorithm"),
    [
        ("RSA-SHA1", hashes.SHA1()),  # noqa: S303  # what RSA-SHA1 means
        ("RSA-SHA256", hashes.SHA256()),
    ],
)
def test_rsa_verifies_with_the_certificate(
    name: str, algorithm: hashes.HashAlgorithm
) -> None:
    """§3.4.3: PKCS #1 v1.5 over the base string, checked with the
    public key of the test certificate (CN=Test Principal)."""
    method = signing.get_signature_method(name, RSA_KEY)
    signature = method.sign_base(BASE, method.signing_key("", ""))
    verify_rsa(signature, BASE, algorithm)
    with pytest.raises(InvalidSignature):
        verify_rsa(signature, BASE.replace("GET&", "PUT&"), algorithm)


def test_rsa_sha1_and_sha256_differ() -> None:
    sha1 = signing.get_signature_method("RSA-SHA1", RSA_KEY)
    sha256 = signing.get_signature_method("RSA-SHA256", RSA_KEY)
    one = sha1.sign_base(BASE, sha1.signing_key("", ""))
    other = sha256.sign_base(BASE, sha256.signing_key("", ""))
    assert not same(one, other)
    with pytest.raises(InvalidSignature):
        verify_rsa(other, BASE, hashes.SHA1())  # noqa: S303


def test_rsa_signature_of_another_key_fails() -> None:
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    method = signing.get_signature_method("RSA-SHA1", other_key)
    signature = method.sign_base(BASE, method.signing_key("", ""))
    with pytest.raises(InvalidSignature):
        verify_rsa(signature, BASE, hashes.SHA1())  # noqa: S303


def test_rsa_key_forms() -> None:
    """PEM text, PEM bytes and a loaded key all sign alike."""
    loaded = serialization.load_pem_private_key(
        RSA_KEY.encode("ascii"), password=None
    )
    signatures = set()
    for key in (RSA_KEY, RSA_KEY.encode("ascii"), loaded):
        method = signing.get_signature_method("RSA-SHA1", key)
        signatures.add(method.sign_base(BASE, method.signing_key("", "")))
    assert signatures == {RSA_VECTOR["expected_signature"]}


def test_rsa_key_never_shown() -> None:
    method = signing.get_signature_method("RSA-SHA1", RSA_KEY)
    body = RSA_KEY.splitlines()[1]
    for text in (repr(method), str(method), f"{method!r}"):
        assert body not in text
        assert "PRIVATE" not in text


@pytest.mark.parametrize(
    ("key", "error", "message"),
    [
        ("not a key", ValueError, "PEM RSA private key"),
        (
            b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
            ValueError,
            "PEM RSA private key",
        ),
        (12345, TypeError, "PEM"),
    ],
)
def test_rsa_bad_keys_are_refused(
    key: object, error: type, message: str
) -> None:
    with pytest.raises(error, match=message):
        signing.get_signature_method("RSA-SHA1", key)


def test_rsa_refuses_a_key_that_is_not_rsa() -> None:
    ec_key = ec.generate_private_key(ec.SECP256R1())
    pem = ec_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    with pytest.raises(ValueError, match="not an RSA private key"):
        signing.get_signature_method("RSA-SHA256", pem)


def test_rsa_needs_a_key() -> None:
    with pytest.raises(ValueError, match="rsa_key"):
        signing.get_signature_method("RSA-SHA1")
    with pytest.raises(ValueError, match="rsa_key"):
        signing.RsaSha1().signing_key("", "")


# -- body hash ----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["HMAC-SHA1", "HMAC-SHA256", "HMAC-SHA512", "RSA-SHA1", "RSA-SHA256"],
)
def test_body_hash_is_sha1(name: str) -> None:
    """The body hash extension's example: "Hello World!" hashes to
    Lve95gjOVATpfV8EL5X4nxwjKHE=."""
    method = signing.get_signature_method(name, RSA_KEY)
    assert method.body_hash(b"Hello World!") == "Lve95gjOVATpfV8EL5X4nxwjKHE="
    nothing = hashlib.sha1(b"").digest()  # noqa: S324  # as specified
    assert method.body_hash(b"") == base64.b64encode(nothing).decode()


def test_plaintext_has_no_body_hash() -> None:
    with pytest.raises(ValueError, match="PLAINTEXT"):
        signing.get_signature_method("PLAINTEXT").body_hash(b"x")


# -- lookup -------------------------------------------------------------------


def test_every_method_by_name() -> None:
    assert sorted(signing.signature_methods()) == [
        "HMAC-SHA1",
        "HMAC-SHA256",
        "HMAC-SHA512",
        "PLAINTEXT",
        "RSA-SHA1",
        "RSA-SHA256",
    ]
    for name in signing.signature_methods():
        method = signing.get_signature_method(name.lower(), RSA_KEY)
        assert method.name == name


def test_unknown_method_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="HMAC-SHA1") as caught:
        signing.get_signature_method("HMAC-MD5")
    assert "HMAC-MD5" in str(caught.value)


# -- the python-oauth2 bridge -------------------------------------------------


def oauth2_request(url: str, method: oauth2.SignatureMethod) -> str:
    """A GET signed the way ``oauth2.Client.request`` signs one; the URL
    it would send (protocol parameters in the query)."""
    consumer = oauth2.Consumer("key", "consumer-secret")
    token = oauth2.Token("token", "token-secret")
    request = oauth2.Request.from_consumer_and_token(
        consumer, token=token, http_method="GET", http_url=url
    )
    request.sign_request(method, consumer, token)
    return str(request.to_url())


def oauthlib_accepts_query(url: str) -> bool:
    """oauthlib's server-side check of a query-signed GET."""
    request = OauthlibRequest(url, "GET")
    every = oauthlib_signature.collect_parameters(
        uri_query=urlsplit(url).query, exclude_oauth_signature=False
    )
    (request.signature,) = [v for k, v in every if k == "oauth_signature"]
    request.params = [(k, v) for k, v in every if k != "oauth_signature"]
    return bool(
        oauthlib_signature.verify_hmac_sha1(
            request, "consumer-secret", "token-secret"
        )
    )


@pytest.mark.parametrize(
    "url",
    [
        "http://Photos.Example.NET/photos?size=original",
        "http://photos.example.net",
        "http://photos.example.net/p?q=%2541",
        "http://photos.example.net/p?a=%3D&a=-",
    ],
)
def test_our_methods_sign_oauth2_requests_right(url: str) -> None:
    """Handed to python-oauth2, our HMAC-SHA1 signs RFC 5849 base
    strings (§3.4.1.2, §3.4.1.3); oauth2's own does not."""
    assert oauthlib_accepts_query(oauth2_request(url, signing.HmacSha1()))
    raw = oauth2_request(url, oauth2.SignatureMethod_HMAC_SHA1())
    assert not oauthlib_accepts_query(raw)


def test_check_on_oauth2_requests() -> None:
    consumer = oauth2.Consumer("key", "consumer-secret")
    request = oauth2.Request.from_consumer_and_token(
        consumer, http_method="GET", http_url="http://example.com/a?b=c"
    )
    method = signing.HmacSha256()
    request.sign_request(method, consumer, None)
    signature = request["oauth_signature"]
    assert method.check(request, consumer, None, signature)
    assert method.check(request, consumer, None, signature.decode())
    assert not method.check(request, consumer, None, b"x" + signature)
    other = oauth2.Consumer("key", "other-secret")
    assert not method.check(request, other, None, signature)

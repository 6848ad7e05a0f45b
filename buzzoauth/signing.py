"""RFC 5849 signatures: base strings, signature methods and placement.

This module is pure: it never touches the network.  The steps, in the
order a request is signed:

1. :func:`prepare_url` makes the URL that will be sent (fragment dropped,
   non-ASCII percent-encoded) and :func:`split_url` cuts it into the base
   string URI (§3.4.1.2) and its encoded query parameters (§3.4.1.3.1).
2. :func:`form_parameters` adds a form body's parameters (§3.4.1.3.1).
3. :class:`Signer` adds the protocol parameters (§3.1), normalizes
   everything (§3.4.1.3.2), builds the base string (§3.4.1.1) and signs
   it with a :class:`SignatureMethod` (§3.4.2 to §3.4.4).
4. :func:`authorization_header` or :func:`encoded_pairs` place the
   result in the header, the query or the body (§3.5).

Parameters travel through here already percent-encoded (§3.6), as
``(name, value)`` pairs of ``str``: each is encoded once, and the
normalized string turns into its base-string form by escaping only the
three characters that encoding leaves behind.

The signature methods subclass ``oauth2.SignatureMethod``, so they also
sign python-oauth2 ``Request`` objects, correctly.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import logging
import re
import secrets
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import (
    quote,
    unquote,
    urlsplit,
    urlunsplit,
)

import oauth2

from .errors import MissingDependencyError

log = logging.getLogger(__name__)

Pairs = list[tuple[str, str]]

HMAC_SHA1 = "HMAC-SHA1"
HMAC_SHA256 = "HMAC-SHA256"
HMAC_SHA512 = "HMAC-SHA512"
RSA_SHA1 = "RSA-SHA1"
RSA_SHA256 = "RSA-SHA256"
PLAINTEXT = "PLAINTEXT"

# Characters a URL may carry unescaped in its path and query (RFC 3986
# §3.3, §3.4); anything else is percent-encoded as UTF-8 before sending.
_PATH_SAFE = "/%:@!$&'()*+,;=-._~"
_QUERY_SAFE = _PATH_SAFE + "?"
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})


# RFC 5849 §3.6: percent-encode all but the unreserved characters
# ALPHA, DIGIT, "-", ".", "_", "~", from the UTF-8 octets.
@lru_cache(maxsize=8192)
def escape(value: str) -> str:
    """Percent-encode ``value`` as RFC 5849 §3.6 asks."""
    return quote(value, safe="")


def escape_signature(signature: str) -> str:
    """:func:`escape` for a signature.  Base64 leaves only "+", "/" and
    "=" to encode, which is quicker done by hand; PLAINTEXT signatures
    (already encoded keys, §3.4.4) also hold "%" and "&"."""
    if "%" in signature or "&" in signature:
        return escape(signature)
    return (
        signature.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    )


def make_nonce() -> str:
    """128 random bits from :mod:`secrets`, as 32 hex digits (§3.3)."""
    return secrets.token_hex(16)


def make_timestamp(offset: float = 0.0) -> str:
    """Seconds since the epoch, moved by ``offset`` (§3.3)."""
    return str(int(time.time() + offset))


# -- URLs ---------------------------------------------------------------


@lru_cache(maxsize=512)
def prepare_url(url: str) -> str:
    """The URL as it goes on the wire.

    The fragment is dropped, the host IDNA-encoded, and characters that
    may not stand in a path or query are percent-encoded as UTF-8, so
    that what is signed is exactly what is sent.  ``ValueError`` for a URL
    that is not absolute http(s).
    """
    scheme, netloc, path, query, _ = urlsplit(url)
    if scheme.lower() not in ("http", "https") or not netloc:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    if not netloc.isascii():
        # IDNA maps some characters to others, a space among them
        # (U+FFE3 becomes " " and a macron): check what comes out.
        netloc = netloc.encode("idna").decode("ascii")
    _check_url_text(url, netloc)
    path = quote(path, safe=_PATH_SAFE) or "/"
    query = quote(query, safe=_QUERY_SAFE)
    return urlunsplit((scheme, netloc, path, query, ""))


def refuse_control_characters(text: str) -> None:
    # A raw CR or LF would split the request line (header injection).
    if any(ch in text for ch in "\r\n\0"):
        raise ValueError("control characters (CR, LF, NUL) are not allowed")


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_SPACE = re.compile(r"\s")


def _check_url_text(url: str, netloc: str) -> None:
    # urlsplit() silently drops tabs and newlines; refuse them, and any
    # other control character, instead of signing a different URL.
    if _CONTROL.search(url):
        raise ValueError(f"control characters in URL: {url!r}")
    if _SPACE.search(netloc) or _CONTROL.search(netloc):
        raise ValueError(f"white space in the host of URL: {url!r}")


@dataclass(frozen=True)
class SplitURL:
    """A prepared URL, cut up for signing."""

    url: str
    #: RFC 5849 §3.4.1.2, already escaped for the base string.
    escaped_base_uri: str
    #: The query's parameters, percent-encoded (§3.4.1.3.1, §3.6).
    query: tuple[tuple[str, str], ...]
    scheme: str
    host: str
    port: int


@lru_cache(maxsize=512)
def split_url(url: str) -> SplitURL:
    """Cut a URL into what the signature needs.  ``url`` should have been
    through :func:`prepare_url`."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if not host:
        raise ValueError(f"URL has no host: {url!r}")
    port = parts.port or (443 if scheme == "https" else 80)
    return SplitURL(
        url=url,
        escaped_base_uri=escape(
            base_string_uri(scheme, host, parts.port, parts.path)
        ),
        query=tuple(query_parameters(parts.query)),
        scheme=scheme,
        host=host,
        port=port,
    )


def base_string_uri(
    scheme: str, host: str, port: int | None, path: str
) -> str:
    """The base string URI of RFC 5849 §3.4.1.2."""
    # §3.4.1.2: scheme and host in lower case; an empty path is "/".
    scheme = scheme.lower()
    host = host.lower()
    if ":" in host:
        host = f"[{host}]"
    # §3.4.1.2: the port only when it is not the scheme's default.
    if port is not None and (scheme, port) not in (
        ("http", 80),
        ("https", 443),
    ):
        host = f"{host}:{port}"
    return f"{scheme}://{host}{path or '/'}"


def is_loopback(host: str) -> bool:
    """True for hosts that never leave this machine."""
    return host in _LOOPBACK or host.startswith("127.")


# -- Parameters ----------------------------------------------------------


# RFC 5849 §3.4.1.3.1: the query is decoded as
# application/x-www-form-urlencoded ("+" is a space), once, then every
# name and value is encoded again by §3.6 (§3.4.1.3.2 step 1).  Working
# on bytes keeps octets that are not UTF-8 exactly as sent.
def query_parameters(query: str) -> Pairs:
    """Encoded ``(name, value)`` pairs from a URL's query."""
    if not query:
        return []
    return _decode_form(query.encode("latin-1"))


def form_parameters(body: bytes) -> Pairs:
    """Encoded pairs from an ``application/x-www-form-urlencoded`` body,
    which §3.4.1.3.1 includes in the signature."""
    if not body:
        return []
    return _decode_form(body)


def _decode_form(data: bytes) -> Pairs:
    # Latin-1 maps each octet to one character and back, so the octets
    # that arrive are the octets encoded, UTF-8 or not.  The splitting
    # is parse_qsl's with blank values kept: on "&", empty pieces
    # skipped, each cut at its first "=".
    pairs = []
    for piece in data.decode("latin-1").split("&"):
        if piece:
            name, _, value = piece.partition("=")
            pairs.append((_reencode(name), _reencode(value)))
    return pairs


# Already in RFC 5849 §3.6 form: unreserved characters and upper-case
# %XX escapes, none of them escaping an unreserved character.
_CANONICAL = re.compile(r"(?:[A-Za-z0-9._~-]|%[0-9A-F]{2})*")
_NEEDLESS_ESCAPE = re.compile(
    r"%(?:[46][1-9A-F]|[57][0-9A]|3[0-9]|2[DE]|5F|7E)"
)


def _reencode(token: str) -> str:
    """One form-encoded name or value, decoded once (a "+" is a space)
    and encoded by §3.6; a token already in that form is kept as is."""
    token = token.replace("+", "%20")
    if _CANONICAL.fullmatch(token) and not _NEEDLESS_ESCAPE.search(token):
        return token
    return _escape_octets(unquote(token, encoding="latin-1"))


def _escape_octets(value: str) -> str:
    return quote(value, safe="", encoding="latin-1")


def encode_pairs(pairs: Iterable[tuple[str, str]]) -> Pairs:
    """Percent-encode plain ``(name, value)`` pairs (§3.6)."""
    return [(escape(name), escape(value)) for name, value in pairs]


# RFC 5849 §3.4.1.3.2: sort the encoded pairs by name, then by value,
# in byte order; join each with "=" and all with "&".
def normalize_parameters(encoded: Sequence[tuple[str, str]]) -> str:
    """The normalized parameter string of already-encoded pairs."""
    return "&".join([f"{name}={value}" for name, value in sorted(encoded)])


# RFC 5849 §3.4.1.1: METHOD "&" escaped base URI "&" escaped parameters.
# The normalized string holds only unreserved characters and "%", "="
# and "&", so escaping it (§3.6) means escaping those three.
def base_string(method: str, escaped_base_uri: str, normalized: str) -> str:
    """The signature base string."""
    escaped = _escape_normalized(normalized)
    return f"{method.upper()}&{escaped_base_uri}&{escaped}"


def _escape_normalized(normalized: str) -> str:
    # §3.6 applied to a normalized string (or a piece of one).
    escaped = normalized.replace("%", "%25").replace("&", "%26")
    return escaped.replace("=", "%3D")


# -- Signature methods ---------------------------------------------------


class SignatureMethod(oauth2.SignatureMethod):  # type: ignore[misc]
    """A signature method, in python-oauth2's model and RFC 5849's."""

    name: str = ""
    #: Whether the method needs the consumer secret (HMAC, PLAINTEXT) or
    #: a private key (RSA).
    uses_rsa_key = False
    #: The body hash extension is meant for signed requests; PLAINTEXT
    #: gains nothing from it, so it sends none.
    has_body_hash = True

    def signing_key(self, consumer_secret: str, token_secret: str) -> Any:
        """What :meth:`sign_base` needs besides the base string."""
        # RFC 5849 §3.4.2: the encoded secrets joined by "&", the "&"
        # kept even when the token secret is empty.
        return f"{escape(consumer_secret)}&{escape(token_secret)}"

    def sign_base(self, base: str, key: Any) -> str:
        """The ``oauth_signature`` value of a base string."""
        raise NotImplementedError

    def body_hash(self, body: bytes) -> str:
        """``oauth_body_hash`` of a body: base64 of its SHA-1.

        The OAuth Request Body Hash extension defines SHA-1 only, and
        the peers that send one (Authlib, Ruby's oauth) use it with
        every signature method, so the SHA-2 methods do too.
        """
        if not self.has_body_hash:
            raise ValueError(f"{self.name} sends no body hash")
        digest = hashlib.sha1(body).digest()  # noqa: S324
        return base64.b64encode(digest).decode("ascii")

    # python-oauth2's interface, computed our (RFC 5849) way.
    def signing_base(
        self, request: oauth2.Request, consumer: oauth2.Consumer, token: Any
    ) -> tuple[bytes, bytes]:
        secret = token.secret if token is not None else ""
        key = self.signing_key(consumer.secret, secret)
        raw = base_string_of_oauth2_request(request)
        key_bytes = key.encode("ascii") if isinstance(key, str) else b""
        return key_bytes, raw.encode("ascii")

    def sign(
        self, request: oauth2.Request, consumer: oauth2.Consumer, token: Any
    ) -> bytes:
        secret = token.secret if token is not None else ""
        key = self.signing_key(consumer.secret, secret)
        base = base_string_of_oauth2_request(request)
        return self.sign_base(base, key).encode("ascii")

    def check(
        self,
        request: oauth2.Request,
        consumer: oauth2.Consumer,
        token: Any,
        signature: str | bytes,
    ) -> bool:
        built = self.sign(request, consumer, token)
        if isinstance(signature, str):
            signature = signature.encode("ascii")
        return hmac.compare_digest(built, signature)


class HmacSignature(SignatureMethod):
    """HMAC-SHA1 (RFC 5849 §3.4.2) and its SHA-2 siblings."""

    digest = "sha1"

    def signing_key(self, consumer_secret: str, token_secret: str) -> bytes:
        key: str = super().signing_key(consumer_secret, token_secret)
        return key.encode("ascii")

    def sign_base(self, base: str, key: Any) -> str:
        mac = hmac.digest(key, base.encode("ascii"), self.digest)
        return binascii.b2a_base64(mac, newline=False).decode("ascii")


class HmacSha1(HmacSignature):
    name = HMAC_SHA1
    digest = "sha1"


class HmacSha256(HmacSignature):
    name = HMAC_SHA256
    digest = "sha256"


class HmacSha512(HmacSignature):
    name = HMAC_SHA512
    digest = "sha512"


class Plaintext(SignatureMethod):
    """PLAINTEXT (RFC 5849 §3.4.4): the key itself is the signature, so
    it may only travel over TLS (or to this machine)."""

    name = PLAINTEXT
    has_body_hash = False

    def sign_base(self, base: str, key: Any) -> str:
        return str(key)


class RsaSignature(SignatureMethod):
    """RSA-SHA1 (RFC 5849 §3.4.3) and RSA-SHA256, PKCS #1 v1.5.

    Needs ``cryptography`` (``pip install "buzzoauth[rsa]"``).  The
    private key is given as PEM text or bytes, or as a loaded key.
    """

    uses_rsa_key = True
    digest_name = "sha1"

    def __init__(self, private_key: Any = None) -> None:
        self._private_key = (
            load_rsa_private_key(private_key)
            if private_key is not None
            else None
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(private_key=****)"

    def signing_key(self, consumer_secret: str, token_secret: str) -> Any:
        if self._private_key is None:
            raise ValueError(
                f"{self.name} needs an RSA private key (rsa_key=)"
            )
        return self._private_key

    def sign_base(self, base: str, key: Any) -> str:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        # SHA-1 is what RSA-SHA1 means (RFC 5849 §3.4.3), not a choice.
        sha1 = hashes.SHA1()  # noqa: S303
        algorithm = sha1 if self.digest_name == "sha1" else hashes.SHA256()
        raw = key.sign(base.encode("ascii"), padding.PKCS1v15(), algorithm)
        return base64.b64encode(raw).decode("ascii")


class RsaSha1(RsaSignature):
    name = RSA_SHA1
    digest_name = "sha1"


class RsaSha256(RsaSignature):
    name = RSA_SHA256
    digest_name = "sha256"


_METHODS: dict[str, type[SignatureMethod]] = {
    cls.name: cls
    for cls in (
        HmacSha1,
        HmacSha256,
        HmacSha512,
        Plaintext,
        RsaSha1,
        RsaSha256,
    )
}


def signature_methods() -> list[str]:
    """The names of the signature methods buzzoauth can sign with."""
    return list(_METHODS)


def get_signature_method(name: str, rsa_key: Any = None) -> SignatureMethod:
    """A signature method by its RFC 5849 name, e.g. ``"HMAC-SHA1"``."""
    try:
        cls = _METHODS[name.upper()]
    except KeyError:
        known = ", ".join(_METHODS)
        raise ValueError(
            f"unknown signature method {name!r}; known: {known}"
        ) from None
    if issubclass(cls, RsaSignature):
        if rsa_key is None:
            raise ValueError(f"{cls.name} needs an RSA private key (rsa_key=)")
        return cls(rsa_key)
    return cls()


def load_rsa_private_key(key: Any) -> Any:
    """A ``cryptography`` RSA private key from PEM text or bytes."""
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import (
            load_pem_private_key,
        )
    except ImportError as exc:
        raise MissingDependencyError(
            'RSA signatures need the "rsa" extra: pip install "buzzoauth[rsa]"'
        ) from exc
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if isinstance(key, str):
        key = key.encode("ascii")
    if not isinstance(key, bytes):
        raise TypeError("rsa_key must be PEM text, PEM bytes or an RSA key")
    try:
        loaded = load_pem_private_key(key, password=None)
    except ValueError:
        raise ValueError("rsa_key is not a PEM RSA private key") from None
    if not isinstance(loaded, rsa.RSAPrivateKey):
        raise ValueError("rsa_key is not an RSA private key")
    return loaded


# -- Signing a request ---------------------------------------------------


class SignedParts(NamedTuple):
    """The outcome of signing: the protocol parameters, encoded, with
    ``oauth_signature`` last, the base string that was signed and the
    normalized parameters in it."""

    oauth: Pairs
    base_string: str
    normalized: str


class Signer:
    """Signs requests for one consumer and, optionally, one token.

    Everything that does not change between requests (the encoded keys,
    the signing key, the ``Authorization`` fields they make) is computed
    once, here.  For a URL signed again and again with no body
    parameters, the normalized parameters and the base string are kept
    as a template with two holes, the nonce and the timestamp, which
    need no encoding (ASCII letters and digits): signing is then
    filling the holes and one HMAC.
    """

    _TEMPLATES = 256

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        token_key: str | None = None,
        token_secret: str | None = None,
        *,
        method: SignatureMethod | None = None,
        oauth_version: str | None = "1.0",
    ) -> None:
        self.method = method or HmacSha1()
        self._key = self.method.signing_key(
            consumer_secret, token_secret or ""
        )
        fixed = [
            ("oauth_consumer_key", escape(consumer_key)),
            ("oauth_signature_method", escape(self.method.name)),
        ]
        # RFC 5849 §3.1: oauth_version is optional; "1.0" if sent.
        if oauth_version is not None:
            fixed.append(("oauth_version", escape(oauth_version)))
        if token_key is not None:
            fixed.append(("oauth_token", escape(token_key)))
        self._fixed = tuple(fixed)
        self._fixed_header = ", ".join([f'{k}="{v}"' for k, v in fixed])
        self._templates: dict[tuple[str, str], object] = {}

    def __repr__(self) -> str:
        return f"Signer(method={self.method.name!r})"

    def sign(
        self,
        method: str,
        url: SplitURL,
        *,
        form: Sequence[tuple[str, str]] = (),
        extra: Sequence[tuple[str, str]] = (),
        nonce: str | None = None,
        timestamp: str | None = None,
    ) -> SignedParts:
        """Sign a request.

        ``form`` holds the encoded parameters of a form body; ``extra``
        holds further protocol parameters (``oauth_callback``,
        ``oauth_verifier``, ``oauth_body_hash``), not yet encoded.
        """
        # RFC 5849 §3.3: a nonce and timestamp for each request.
        nonce = make_nonce() if nonce is None else nonce
        timestamp = make_timestamp() if timestamp is None else timestamp
        if not form and not extra and _plain(nonce) and _plain(timestamp):
            template = self._template(method, url)
            if template is not None:
                return self._fill(template, nonce, timestamp)
        oauth = [
            *self._fixed,
            ("oauth_nonce", escape(nonce)),
            ("oauth_timestamp", escape(timestamp)),
        ]
        oauth.extend([(name, escape(value)) for name, value in extra])
        normalized = normalize_parameters([*url.query, *form, *oauth])
        base = base_string(method, url.escaped_base_uri, normalized)
        return self._finish(oauth, base, normalized)

    def _finish(self, oauth: Pairs, base: str, normalized: str) -> SignedParts:
        if log.isEnabledFor(logging.DEBUG):
            log.debug("signature base string: %s", _loggable(base))
        signature = self.method.sign_base(base, self._key)
        oauth.append(("oauth_signature", escape_signature(signature)))
        return SignedParts(oauth, base, normalized)

    def _template(self, method: str, url: SplitURL) -> _Template | None:
        # A template pays off from the second request to the same URL;
        # the first is only noted.
        key = (method, url.url)
        template = self._templates.get(key, _UNSEEN)
        if template is _UNSEEN:
            if len(self._templates) >= self._TEMPLATES:
                self._templates.clear()
            self._templates[key] = None if _Template.never(url) else _ONCE
            return None
        if template is _ONCE:
            template = _Template.build(method, url, self._fixed)
            self._templates[key] = template
        return template if isinstance(template, _Template) else None

    def _fill(self, t: _Template, nonce: str, timestamp: str) -> SignedParts:
        oauth = [*self._fixed, ("oauth_nonce", nonce)]
        oauth.append(("oauth_timestamp", timestamp))
        base = t.base_head + nonce + t.base_middle + timestamp + t.base_tail
        normalized = t.head + nonce + t.middle + timestamp + t.tail
        return self._finish(oauth, base, normalized)

    def authorization_header(self, oauth: Pairs, realm: str | None) -> str:
        """:func:`authorization_header` for pairs this signer made,
        reusing the fields that never change."""
        fixed = len(self._fixed)
        if tuple(oauth[:fixed]) != self._fixed:
            return authorization_header(oauth, realm)
        rest = ", ".join([f'{k}="{v}"' for k, v in oauth[fixed:]])
        return _header(f"{self._fixed_header}, {rest}", realm)


# In a base string the verifier stands as oauth_verifier%3D<value>, its
# value encoded twice; everything up to the next "%26" is the value.
_VERIFIER_IN_BASE = re.compile(r"(oauth_verifier%3D).*?(?=%26|$)")


def _loggable(base: str) -> str:
    """The base string with the verifier masked: it is the one secret a
    base string can hold."""
    return _VERIFIER_IN_BASE.sub(r"\1****", base)


def _plain(text: str) -> bool:
    # Needs no percent-encoding at any depth: ASCII letters and digits.
    return text.isascii() and text.isalnum()


# Markers in Signer._templates: a URL not seen yet, and one seen once.
_UNSEEN = object()
_ONCE = object()

# Stand-ins for the nonce and the timestamp while a template is built;
# NUL never survives percent-encoding, so they cannot clash.
_HOLES = ("\x00nonce\x00", "\x00timestamp\x00")


@dataclass(frozen=True)
class _Template:
    """Normalized parameters and base string, cut at the nonce and the
    timestamp (see :class:`Signer`)."""

    head: str
    middle: str
    tail: str
    base_head: str
    base_middle: str
    base_tail: str

    @staticmethod
    def never(url: SplitURL) -> bool:
        """True when the URL's own query holds a nonce or timestamp, whose
        place in the order would then depend on their values."""
        names = {name for name, _ in url.query}
        return bool(names & {"oauth_nonce", "oauth_timestamp"})

    @classmethod
    def build(
        cls, method: str, url: SplitURL, fixed: Sequence[tuple[str, str]]
    ) -> _Template:
        holes = [("oauth_nonce", _HOLES[0]), ("oauth_timestamp", _HOLES[1])]
        norm = _cut(normalize_parameters([*url.query, *fixed, *holes]))
        head = f"{method.upper()}&{url.escaped_base_uri}&"
        first, second, third = (_escape_normalized(part) for part in norm)
        return cls(*norm, head + first, second, third)


def _cut(text: str) -> tuple[str, str, str]:
    first, rest = text.split(_HOLES[0])
    second, third = rest.split(_HOLES[1])
    return first, second, third


# RFC 5849 §3.5.1: 'OAuth ' then name="value" pairs, comma-separated;
# the realm (§3.5.1) is never part of the signature (§3.4.1.3.1).
def authorization_header(
    oauth: Sequence[tuple[str, str]], realm: str | None
) -> str:
    """The ``Authorization`` header value for encoded protocol pairs."""
    return _header(", ".join([f'{k}="{v}"' for k, v in oauth]), realm)


def _header(fields: str, realm: str | None) -> str:
    if realm is None:
        return "OAuth " + fields
    refuse_control_characters(realm)
    return f'OAuth realm="{_quoted_string(realm)}", {fields}'


def _quoted_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


# RFC 5849 §3.5.2 and §3.5.3: in the body or the query, the protocol
# parameters are form-encoded pairs added after the others.
def encoded_pairs(oauth: Sequence[tuple[str, str]]) -> str:
    """Encoded pairs joined as a form body or query would hold them."""
    return "&".join([f"{name}={value}" for name, value in oauth])


def add_to_query(url: str, oauth: Sequence[tuple[str, str]]) -> str:
    """``url`` with the protocol parameters appended to its query."""
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}{encoded_pairs(oauth)}"


# -- python-oauth2 Request objects ---------------------------------------


def base_string_of_oauth2_request(request: oauth2.Request) -> str:
    """The RFC 5849 base string of a python-oauth2 ``Request``.

    Its parameters (a dict, values possibly lists) are taken as plain
    text; the query of ``request.url`` is added unless the parameters
    already hold it, as ``oauth2.Request.from_request`` does.
    """
    url = split_url(prepare_url(request.url))
    pairs: Pairs = []
    for name, value in request.items():
        if name == "oauth_signature":
            continue
        values = value if isinstance(value, list) else [value]
        pairs.extend((_as_text(name), _as_text(v)) for v in values)
    encoded = encode_pairs(pairs)
    # RFC 5849 §3.4.1.3.1: oauth_signature is never signed, wherever
    # it stands (a query-placed request carries it in the URL).
    query = [
        pair
        for pair in url.query
        if pair[0] != "oauth_signature" and pair not in encoded
    ]
    normalized = normalize_parameters([*query, *encoded])
    return base_string(request.method, url.escaped_base_uri, normalized)


def _as_text(value: object) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return str(value)

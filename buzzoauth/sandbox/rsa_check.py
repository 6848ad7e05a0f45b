"""RSA signature checks (RFC 5849 §3.4.3) done with ``cryptography``.

oauthlib verifies RSA signatures through PyJWT, which buzzoauth does not
depend on.  The sandbox keeps oauthlib's signature base string and does
the RSASSA-PKCS1-v1_5 check itself, with the ``cryptography`` package
of the ``rsa`` extra.

- :func:`load_public_key` checks a PEM key when a consumer registers.
- :func:`verify` recomputes the base string of an oauthlib request and
  checks its ``oauth_signature`` against the consumer's public key.
"""

from __future__ import annotations

import binascii
from typing import Any

from oauthlib.oauth1.rfc5849 import signature as rfc

from ..errors import MissingDependencyError

_HASHES = {"RSA-SHA1": "SHA1", "RSA-SHA256": "SHA256"}


def available() -> bool:
    """True when ``cryptography`` can be imported."""
    try:
        import cryptography  # noqa: F401
    except ImportError:
        return False
    return True


def load_public_key(pem: str) -> Any:
    """The key in ``pem``; ``ValueError`` if it is not an RSA public key."""
    try:
        from cryptography.hazmat.primitives.asymmetric import rsa
        from cryptography.hazmat.primitives.serialization import (
            load_pem_public_key,
        )
    except ImportError as exc:
        raise MissingDependencyError(
            'RSA consumers need cryptography: pip install "buzzoauth[rsa]"'
        ) from exc
    key = load_pem_public_key(pem.encode("ascii"))
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("rsa_public_key must be an RSA public key in PEM")
    return key


def base_string(request: Any) -> str:
    """The signature base string of an oauthlib request (§3.4.1)."""
    # RFC 5849 §3.4.1.3.2: normalized parameters, without the signature
    params = rfc.normalize_parameters(request.params)
    # RFC 5849 §3.4.1.2: scheme, host and path of the request
    uri = rfc.base_string_uri(request.uri)
    return str(rfc.signature_base_string(request.http_method, uri, params))


def verify(request: Any, public_pem: str | None) -> bool:
    """True if ``request.signature`` is valid for ``public_pem``."""
    if not public_pem or request.signature_method not in _HASHES:
        return False
    try:
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding
    except ImportError:
        return False
    algorithm = getattr(hashes, _HASHES[request.signature_method])()
    try:
        key = load_public_key(public_pem)
        signed = binascii.a2b_base64(request.signature.encode("ascii"))
        message = base_string(request).encode("ascii")
        # RFC 5849 §3.4.3.2: RSASSA-PKCS1-V1_5-VERIFY((n, e), M, S)
        key.verify(signed, message, padding.PKCS1v15(), algorithm)
    except (InvalidSignature, ValueError, UnicodeError, binascii.Error):
        return False
    return True

"""Sign with an independent client, send over loopback: the tools of
the sandbox tests.

Requests are signed by ``oauthlib.oauth1.Client`` (RSA through
``cryptography``, as oauthlib's own RSA signing needs PyJWT) and sent by
``http.client``, never by buzzoauth's own client, so the sandbox is
judged by a second implementation of RFC 5849.

- :class:`TestClient`: oauthlib's client with RSA-SHA1/RSA-SHA256;
- :class:`Wire`: ``call()`` signs and sends, ``dance()`` runs the three
  steps; :class:`Reply` is what came back;
- :func:`make_rsa_pair`: a fresh RSA key pair in PEM.
"""

from __future__ import annotations

import base64
import functools
import http.client
import json
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import parse_qsl, urlencode, urlsplit

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from oauthlib.oauth1 import Client

from buzzoauth.sandbox import Sandbox

FORM = "application/x-www-form-urlencoded"
TIMEOUT = 10.0


@functools.cache
def _private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def _rsa_signer(algorithm: hashes.HashAlgorithm) -> Any:
    def sign(base_string: str, client: Client) -> str:
        key = _private_key(client.rsa_key)
        signed = key.sign(
            base_string.encode("ascii"), padding.PKCS1v15(), algorithm
        )
        return base64.b64encode(signed).decode("ascii")

    return sign


class TestClient(Client):  # type: ignore[misc]
    """oauthlib's client, with RSA signing done by ``cryptography``."""

    __test__ = False
    SIGNATURE_METHODS: ClassVar[dict[str, Any]] = {
        **Client.SIGNATURE_METHODS,
        "RSA-SHA1": _rsa_signer(hashes.SHA1()),  # noqa: S303
        "RSA-SHA256": _rsa_signer(hashes.SHA256()),
    }
    #: An ``oauth_body_hash`` to send and sign, when set.
    body_hash: str | None = None

    def get_oauth_params(self, request: Any) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = super().get_oauth_params(request)
        if self.body_hash is None:
            return params
        # oauthlib adds its own hash for bodies that are not forms
        kept = [(k, v) for k, v in params if k != "oauth_body_hash"]
        return [*kept, ("oauth_body_hash", self.body_hash)]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    @property
    def form(self) -> dict[str, str]:
        return dict(parse_qsl(self.text, keep_blank_values=True))

    @property
    def problem(self) -> str | None:
        return self.form.get("oauth_problem")

    def json(self) -> Any:
        return json.loads(self.text)


@dataclass(frozen=True)
class RSAPair:
    private_pem: str
    public_pem: str


def make_rsa_pair() -> RSAPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM,
        serialization.PublicFormat.SubjectPublicKeyInfo,
    )
    return RSAPair(private.decode("ascii"), public.decode("ascii"))


class Wire:
    """Sign with oauthlib and send with ``http.client``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def url(self, path: str) -> str:
        return (
            path if path.startswith("http") else self.sandbox.base_url + path
        )

    def send(
        self,
        method: str,
        url: str,
        body: str | bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Reply:
        parts = urlsplit(self.url(url))
        assert parts.hostname == "127.0.0.1"
        connection = http.client.HTTPConnection(
            parts.hostname, parts.port, timeout=TIMEOUT
        )
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        if isinstance(body, str):
            body = body.encode("utf-8")  # http.client would use Latin-1
        try:
            connection.request(
                method, target, body=body, headers=headers or {}
            )
            response = connection.getresponse()
            text = response.read().decode("utf-8", "replace")
            found = {k.lower(): v for k, v in response.getheaders()}
            return Reply(response.status, found, text)
        finally:
            connection.close()

    def sign(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        **client_options: Any,
    ) -> tuple[str, dict[str, str], str | None]:
        body_hash = client_options.pop("body_hash", None)
        client_options.setdefault("client_key", self.sandbox.consumer_key)
        if "rsa_key" not in client_options:
            client_options.setdefault(
                "client_secret", self.sandbox.consumer_secret
            )
        client = TestClient(**client_options)
        client.body_hash = body_hash
        url, signed_headers, signed_body = client.sign(
            self.url(path), method, body=body, headers=headers
        )
        return url, dict(signed_headers), signed_body

    def call(
        self,
        method: str,
        path: str,
        *,
        body: str | None = None,
        headers: dict[str, str] | None = None,
        **client_options: Any,
    ) -> Reply:
        """Sign with ``TestClient(**client_options)`` and send."""
        url, signed_headers, signed_body = self.sign(
            method, path, body=body, headers=headers, **client_options
        )
        return self.send(method, url, signed_body, signed_headers)

    def request_token(
        self,
        callback: str = "oob",
        scope: str | None = None,
        path: str = "/oauth/request_token",
        **options: Any,
    ) -> dict[str, str]:
        body = urlencode({"scope": scope}) if scope else None
        headers = {"Content-Type": FORM} if body else None
        reply = self.call(
            "POST",
            path,
            body=body,
            headers=headers,
            callback_uri=callback,
            **options,
        )
        assert reply.status == 200, reply.text
        return reply.form

    def access_token(
        self,
        token: dict[str, str],
        verifier: str,
        path: str = "/oauth/access_token",
        **options: Any,
    ) -> Reply:
        return self.call(
            "POST",
            path,
            resource_owner_key=token["oauth_token"],
            resource_owner_secret=token["oauth_token_secret"],
            verifier=verifier,
            **options,
        )

    def dance(
        self, scope: str | None = None, **options: Any
    ) -> dict[str, str]:
        """The three steps with ``oob``; the access token's fields."""
        token = self.request_token(scope=scope, **options)
        verifier = self.sandbox.approve(self.authorize_url(token))
        reply = self.access_token(token, verifier, **options)
        assert reply.status == 200, reply.text
        return reply.form

    def authorize_url(self, token: dict[str, str]) -> str:
        query = urlencode({"oauth_token": token["oauth_token"]})
        return f"{self.sandbox.base_url}/oauth/authorize?{query}"

    def as_owner(self, access: dict[str, str]) -> dict[str, Any]:
        """Client options that sign with an access token."""
        return {
            "resource_owner_key": access["oauth_token"],
            "resource_owner_secret": access["oauth_token_secret"],
        }

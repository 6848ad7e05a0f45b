"""The :class:`BuzzOAuth` client: the three-step dance, then signed calls.

RFC 5849 §2 in three calls, then any number of signed requests::

    fetch_request_token()   §2.1  temporary credentials ("request token")
    authorize_url()         §2.2  the user approves, a verifier comes back
    set_verifier(code)
    fetch_access_token()    §2.3  token credentials ("access token")
    request(url, ...)       §3    a signed call -> (status, body)

Signing itself lives in :mod:`buzzoauth.signing`, HTTP in
:mod:`buzzoauth.transport`; this module decides what to sign and what to
do with the answer: follow a same-origin redirect, retry a request that
never reached the server, learn the provider's clock, raise
:class:`~buzzoauth.errors.ProviderError` for a failed token step.
"""

from __future__ import annotations

import logging
import time
import webbrowser
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any, Union
from urllib.parse import urlencode, urljoin, urlsplit

from . import providers, responses, signing, tokens
from .credentials import Consumer, Token, TokenLike, as_token
from .errors import FlowError, ProviderError, TokenResponseError
from .redact import redact_text, remember
from .transport import DEFAULT_TIMEOUT, Response, StaleConnection, Transport

log = logging.getLogger(__name__)

Body = Union[  # noqa: UP007 (a runtime alias; | needs 3.10 types)
    bytes, str, Mapping[str, Any], Iterable[tuple[str, Any]], None
]

FORM_TYPE = "application/x-www-form-urlencoded"
PLACEMENTS = ("header", "query", "body")
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS"})
REDIRECTS = frozenset({301, 302, 303, 307, 308})
RETRY_STATUSES = frozenset({500, 502, 503, 504})
MAX_REDIRECTS = 5
#: The longest a ``Retry-After`` is obeyed, in seconds.
MAX_RETRY_WAIT = 30.0
#: Stands in for the provider's defaults when there is none.
_NO_PROVIDER = providers.Provider("none", "", "", "")


class Signed(dict[str, str]):
    """What :meth:`BuzzOAuth.sign` returns: the headers to send.

    It is a ``dict`` of header names to values, ``Authorization``
    included when the placement is ``"header"``, so it can be handed to
    requests, httpx or urllib as it is.  Its attributes say what else to
    send: ``url`` (with the protocol parameters in its query when the
    placement is ``"query"``), ``body`` (``bytes`` or ``None``; holds them
    when the placement is ``"body"``) and ``method``.  ``base_string``
    is the signature base string that was signed (RFC 5849 §3.4.1).
    """

    def __init__(
        self,
        headers: Mapping[str, str],
        method: str,
        url: str,
        body: bytes | None,
        base_string: str,
        normalized: str,
    ) -> None:
        super().__init__(headers)
        self.method = method
        self.url = url
        self.body = body
        self.base_string = base_string
        self.normalized = normalized

    @property
    def headers(self) -> dict[str, str]:
        return dict(self)

    def __repr__(self) -> str:
        return (
            f"Signed(method={self.method!r}, url={redact_text(self.url)!r}, "
            f"headers={redact_text(repr(dict(self)))})"
        )


class BuzzOAuth:
    """An OAuth 1.0a client for one consumer and one token at a time.

    ``provider`` is a :class:`~buzzoauth.providers.Provider` or a preset
    name; it is needed for the three token steps, not for signing.
    ``token`` is an access token from an earlier dance, as an
    ``oauth2.Token`` or a ``(key, secret)`` pair.  Without a token the
    client signs two-legged requests (consumer only).

    ``body_hash``: ``None`` sends ``oauth_body_hash`` for non-empty,
    non-form bodies; ``True`` also for empty ones; ``False`` never.
    ``oauth_version``: the ``oauth_version`` sent, or ``None`` to leave
    it out (it is optional, RFC 5849 §3.1).

    ``signature_method`` (default ``"HMAC-SHA1"``), ``placement``
    (default ``"header"``) and ``realm`` default to the provider's.
    """

    def __init__(
        self,
        consumer_key: str,
        consumer_secret: str,
        *,
        provider: providers.Provider | str | None = None,
        token: TokenLike | None = None,
        callback: str | None = "oob",
        scope: str | Iterable[str] | None = None,
        display_name: str | None = None,
        signature_method: str | None = None,
        rsa_key: Any = None,
        realm: str | None = None,
        placement: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        body_hash: bool | None = None,
        ca_certs: str | None = None,
        oauth_version: str | None = "1.0",
        fix_clock_skew: bool = True,
    ) -> None:
        self.consumer = Consumer(consumer_key, consumer_secret)
        self.provider = providers.resolve(provider)
        # What the caller leaves out, the provider's preset decides.
        preset = self.provider or _NO_PROVIDER
        self.method = signing.get_signature_method(
            signature_method or preset.signature_method, rsa_key
        )
        self.callback = callback
        self.scope = _scope_text(scope)
        self.display_name = display_name
        self.realm = _check_realm(realm if realm is not None else preset.realm)
        self.placement = _check_placement(placement or preset.placement)
        self.body_hash = body_hash
        self.oauth_version = oauth_version
        self.fix_clock_skew = fix_clock_skew
        #: Seconds added to our clock for timestamps, learnt from the
        #: provider when it refuses one (see :meth:`request`).
        self.clock_offset = 0.0
        self.transport = Transport(timeout=timeout, ca_certs=ca_certs)
        self._is_request_token = False
        self._verifier: str | None = None
        self._signer: signing.Signer
        self.token = as_token(token)

    def __repr__(self) -> str:
        name = self.provider.name if self.provider else None
        token = self._token.key if self._token else None
        return (
            f"BuzzOAuth(consumer_key={self.consumer.key!r}, provider={name!r}, "
            f"token={token!r}, signature_method={self.method.name!r})"
        )

    def close(self) -> None:
        """Close the kept-alive connections of the calling thread."""
        self.transport.close()

    def __enter__(self) -> BuzzOAuth:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the token in use -------------------------------------------------

    @property
    def token(self) -> Token | None:
        """The token requests are signed with: ``None`` (two-legged), the
        request token during the dance, or the access token after it."""
        return self._token

    @token.setter
    def token(self, token: TokenLike | None) -> None:
        self._use_token(as_token(token), is_request_token=False)

    def _use_token(
        self, token: Token | None, *, is_request_token: bool
    ) -> None:
        self._token = token
        self._is_request_token = is_request_token
        self._verifier = None
        self._signer = self._make_signer(token)

    def _make_signer(self, token: Token | None) -> signing.Signer:
        return signing.Signer(
            self.consumer.key,
            self.consumer.secret,
            token.key if token else None,
            token.secret if token else None,
            method=self.method,
            oauth_version=self.oauth_version,
        )

    # -- step 1: request token (RFC 5849 §2.1) ---------------------------

    def fetch_request_token(self) -> Token:
        """Ask the provider for a request token (temporary credentials)."""
        provider = self._require_provider()
        params: list[tuple[str, str]] = list(
            provider.request_token_params.items()
        )
        if self.scope and provider.scope_param:
            params.append((provider.scope_param, self.scope))
        if self.display_name and provider.display_name_param:
            params.append((provider.display_name_param, self.display_name))
        extra = [("oauth_callback", self.callback)] if self.callback else []
        fields = self._token_step(
            provider.request_token_method,
            provider.request_token_url,
            params,
            extra,
            signer=self._make_signer(None),
        )
        # OAuth 1.0a §6.1.2, RFC 5849 §2.1: the provider must confirm it
        # took the callback, or the verifier step cannot be trusted.
        if self.callback and fields.get("oauth_callback_confirmed") != "true":
            raise TokenResponseError(
                "the provider did not confirm the callback "
                "(oauth_callback_confirmed is not 'true')"
            )
        token = _token_from_fields(fields)
        self._use_token(token, is_request_token=True)
        return token

    # -- step 2: the user approves (RFC 5849 §2.2) -----------------------

    def authorize_url(self, **extra: str) -> str:
        """The page where the user approves the request token.

        For providers that answer that page with a redirect (Google's
        OAuth 1.0), the redirect's target is fetched and returned.
        """
        provider = self._require_provider()
        token = self._require_request_token()
        query = {provider.authorize_token_param: token.key}
        if provider.authorize_consumer_key_param:
            query[provider.authorize_consumer_key_param] = self.consumer.key
        query.update(provider.authorize_params)
        query.update(extra)
        url = provider.authorize_url
        url += ("&" if "?" in url else "?") + urlencode(query)
        if provider.resolve_authorize_redirect:
            url = self._resolve_redirect(url)
        return url

    def _resolve_redirect(self, url: str) -> str:
        response = self.transport.send("GET", url, None, {})
        if response.status in REDIRECTS and "location" in response.headers:
            return urljoin(url, response.headers["location"])
        if response.ok:
            return url
        raise responses.provider_error(
            response.status, response.body, response.headers, url
        )

    def open_authorize_page(self, **extra: str) -> str:
        """Open :meth:`authorize_url` in the user's browser; returns it."""
        url = self.authorize_url(**extra)
        if not webbrowser.open(url):
            log.info("no browser could be opened for the authorize page")
        return url

    def set_verifier(self, verifier: str) -> None:
        """The code the user brings back from the authorize page (the PIN,
        or ``oauth_verifier`` from the callback)."""
        verifier = verifier.strip()
        if not verifier:
            raise ValueError("the verifier is empty")
        signing.refuse_control_characters(verifier)
        remember(verifier)
        self._verifier = verifier

    # -- step 3: access token (RFC 5849 §2.3) ----------------------------

    def fetch_access_token(self, verifier: str | None = None) -> Token:
        """Trade the approved request token for an access token."""
        provider = self._require_provider()
        request_token = self._require_request_token()
        if verifier is not None:
            self.set_verifier(verifier)
        if self._verifier is None:
            raise FlowError(
                "no verifier: call set_verifier() with the code the user "
                "got from the authorize page"
            )
        fields = self._token_step(
            provider.access_token_method,
            provider.access_token_url,
            [],
            [("oauth_verifier", self._verifier)],
            signer=self._make_signer(request_token),
        )
        token = _token_from_fields(fields)
        self._use_token(token, is_request_token=False)
        return token

    def _token_step(
        self,
        method: str,
        url: str,
        params: list[tuple[str, str]],
        extra: list[tuple[str, str]],
        *,
        signer: signing.Signer,
    ) -> dict[str, str]:
        body: Body = None
        if method.upper() in ("POST", "PUT") and params:
            body = params
        elif params:
            url += ("&" if "?" in url else "?") + urlencode(params)
        response = self._exchange(
            method.upper(), url, body, None, extra=extra, signer=signer
        )
        if not response.ok:
            raise responses.provider_error(
                response.status, response.body, response.headers, url
            )
        return responses.parse_token_response(response.body)

    # -- tokens on disk ---------------------------------------------------

    def save_token(self, path: str | PathLike[str] = "token.tok") -> None:
        """Save the access token (pickle, or JSON for a ``.json`` path)."""
        if self._token is None or self._is_request_token:
            raise FlowError("there is no access token to save yet")
        tokens.save_token(self._token, path)

    def load_token(self, path: str | PathLike[str] = "token.tok") -> Token:
        """Load an access token saved earlier and use it."""
        token = tokens.load_token(path)
        self.token = token
        return token

    # -- signing ----------------------------------------------------------

    def sign(
        self,
        url: str,
        method: str = "GET",
        body: Body = None,
        headers: Mapping[str, str] | None = None,
        *,
        nonce: str | None = None,
        timestamp: str | int | None = None,
        oauth_params: Iterable[tuple[str, str]] = (),
    ) -> Signed:
        """Sign a request without sending it; see :class:`Signed`.

        ``oauth_params`` adds protocol parameters such as
        ``oauth_callback`` or ``oauth_verifier`` (plain, not encoded).
        """
        return self._sign(
            method,
            url,
            body,
            headers,
            extra=oauth_params,
            nonce=nonce,
            timestamp=timestamp,
        )

    def signature_base_string(
        self,
        url: str,
        method: str = "GET",
        body: Body = None,
        headers: Mapping[str, str] | None = None,
        *,
        nonce: str | None = None,
        timestamp: str | int | None = None,
        oauth_params: Iterable[tuple[str, str]] = (),
    ) -> str:
        """The RFC 5849 §3.4.1 base string this client would sign."""
        signed = self.sign(
            url,
            method,
            body,
            headers,
            nonce=nonce,
            timestamp=timestamp,
            oauth_params=oauth_params,
        )
        return signed.base_string

    def _sign(
        self,
        method: str,
        url: str,
        body: Body,
        headers: Mapping[str, str] | None,
        *,
        extra: Iterable[tuple[str, str]] = (),
        signer: signing.Signer | None = None,
        nonce: str | None = None,
        timestamp: str | int | None = None,
    ) -> Signed:
        method = _check_method(method)
        sent_headers = _check_headers(headers) if headers else {}
        raw, form = _encode_body(body, sent_headers)
        parts = signing.split_url(signing.prepare_url(url))
        self._check_plaintext(parts)
        oauth_extra = self._body_hash(raw, form is not None)
        if extra:
            oauth_extra = [*extra, *oauth_extra]
        if timestamp is None:
            timestamp = signing.make_timestamp(self.clock_offset)
        signer = signer or self._signer
        signed = signer.sign(
            method,
            parts,
            form=form or (),
            extra=oauth_extra,
            nonce=nonce,
            timestamp=str(timestamp),
        )
        sent_url, raw = self._place(
            signer, signed, parts.url, raw, sent_headers
        )
        return Signed(
            sent_headers,
            method,
            sent_url,
            raw,
            signed.base_string,
            signed.normalized,
        )

    def _place(
        self,
        signer: signing.Signer,
        signed: signing.SignedParts,
        url: str,
        raw: bytes | None,
        headers: dict[str, str],
    ) -> tuple[str, bytes | None]:
        # RFC 5849 §3.5: header (§3.5.1), body (§3.5.2) or query (§3.5.3).
        oauth = signed.oauth
        if self.placement == "header":
            headers["Authorization"] = signer.authorization_header(
                oauth, self.realm
            )
            return url, raw
        if self.placement == "query":
            return signing.add_to_query(url, oauth), raw
        pairs = signing.encoded_pairs(oauth).encode("ascii")
        headers.setdefault("Content-Type", FORM_TYPE)
        if _content_type(headers) != FORM_TYPE:
            raise ValueError("placement='body' needs a form-encoded body")
        return url, (raw + b"&" + pairs) if raw else pairs

    def _body_hash(
        self, raw: bytes | None, is_form: bool
    ) -> list[tuple[str, str]]:
        # OAuth Request Body Hash: never on form bodies, whose parameters
        # are signed already; by default only for non-empty bodies.
        if is_form or self.body_hash is False:
            return []
        if self.body_hash is None and (
            not raw or not self.method.has_body_hash
        ):
            return []
        return [("oauth_body_hash", self.method.body_hash(raw or b""))]

    def _check_plaintext(self, url: signing.SplitURL) -> None:
        # RFC 5849 §3.4.4: PLAINTEXT sends the secrets; TLS only.
        if (
            isinstance(self.method, signing.Plaintext)
            and url.scheme != "https"
            and not signing.is_loopback(url.host)
        ):
            raise ValueError(
                "PLAINTEXT signatures need https:// (RFC 5849 §3.4.4)"
            )

    # -- sending ----------------------------------------------------------

    def request(
        self,
        url: str,
        method: str = "GET",
        body: Body = None,
        headers: Mapping[str, str] | None = None,
        *,
        retries: int = 0,
    ) -> tuple[int, bytes]:
        """Send a signed request; returns ``(status, body)`` whatever the
        status.  See :meth:`request_full` for the headers too."""
        response = self.request_full(
            url, method, body, headers, retries=retries
        )
        return response.status, response.body

    def request_full(
        self,
        url: str,
        method: str = "GET",
        body: Body = None,
        headers: Mapping[str, str] | None = None,
        *,
        retries: int = 0,
    ) -> Response:
        """Send a signed request and return the whole :class:`Response`.

        ``retries`` (idempotent methods only) resends after a 500, 502,
        503 or 504, waiting as ``Retry-After`` says (at most
        :data:`MAX_RETRY_WAIT` seconds), signed afresh each time.
        """
        if self._is_request_token:
            raise FlowError(
                "the client holds a request token, not an access token: "
                "finish the dance with fetch_access_token() first"
            )
        return self._exchange(method, url, body, headers, retries=retries)

    def _exchange(
        self,
        method: str,
        url: str,
        body: Body,
        headers: Mapping[str, str] | None,
        *,
        extra: Iterable[tuple[str, str]] = (),
        signer: signing.Signer | None = None,
        retries: int = 0,
    ) -> Response:
        method = _check_method(method)
        attempt = _Attempt(method, retries)
        while True:
            signed = self._sign(
                method, url, body, headers, extra=extra, signer=signer
            )
            response = self._send_once(signed, attempt)
            if response is None:
                continue
            next_url = self._next_step(signed, response, attempt)
            if next_url is None:
                return response
            url = next_url

    def _send_once(self, signed: Signed, attempt: _Attempt) -> Response | None:
        """Send; ``None`` when a stale connection may be retried."""
        try:
            response = self.transport.send(
                signed.method, signed.url, signed.body, dict(signed)
            )
        except StaleConnection:
            if not attempt.may_resend():
                raise
            log.info(
                "%s %s: connection went stale, retrying once",
                signed.method,
                _origin_path(signed.url),
            )
            return None
        if log.isEnabledFor(logging.INFO):
            log.info(
                "%s %s -> %s",
                signed.method,
                _origin_path(signed.url),
                response.status,
            )
        return response

    def _next_step(
        self, signed: Signed, response: Response, attempt: _Attempt
    ) -> str | None:
        """Where to send the request again, or ``None`` to return."""
        if response.ok:
            return None
        if self._learn_clock(response, attempt):
            return _unsigned_url(signed, self.placement)
        target = self._redirect_target(signed, response, attempt)
        if target is not None:
            return target
        if attempt.may_retry_status(response):
            time.sleep(_retry_wait(response, attempt.count))
            return _unsigned_url(signed, self.placement)
        return None

    def _learn_clock(self, response: Response, attempt: _Attempt) -> bool:
        if not self.fix_clock_skew or attempt.clock_fixed or response.ok:
            return False
        offset = responses.clock_correction(
            response.status, response.body, response.headers
        )
        if offset is None:
            return False
        attempt.clock_fixed = True
        log.info(
            "provider refused our timestamp; clock offset now %.0f s", offset
        )
        self.clock_offset = offset
        return True

    def _redirect_target(
        self, signed: Signed, response: Response, attempt: _Attempt
    ) -> str | None:
        # Follow only same-origin redirects of GET and HEAD: credentials
        # never go to another origin, nor from https down to http.
        if response.status not in REDIRECTS:
            return None
        location = response.headers.get("location")
        if not location:
            return None
        if (
            signed.method not in ("GET", "HEAD")
            or attempt.redirects >= MAX_REDIRECTS
        ):
            return None
        target = urljoin(signed.url, location)
        if _origin_of(target) != _origin_of(signed.url):
            log.info("not following a redirect to another origin")
            return None
        attempt.redirects += 1
        return (
            _strip_oauth_from(target) if self.placement == "query" else target
        )

    def _require_provider(self) -> providers.Provider:
        if self.provider is None:
            raise FlowError("the token steps need a provider (provider=...)")
        if self.provider.is_template:
            raise FlowError(
                f"provider {self.provider.name!r} is a template: "
                "fill it in with .with_base_url(...)"
            )
        return self.provider

    def _require_request_token(self) -> Token:
        if self._token is None or not self._is_request_token:
            raise FlowError(
                "no request token: call fetch_request_token() first"
            )
        return self._token


class _Attempt:
    """Bookkeeping for one call of :meth:`BuzzOAuth._exchange`."""

    def __init__(self, method: str, retries: int) -> None:
        self.method = method
        self.retries = max(0, retries)
        self.count = 0
        self.resent = False
        self.clock_fixed = False
        self.redirects = 0

    def may_resend(self) -> bool:
        # A request that got no answer may have been processed: only
        # idempotent methods go again, and only once.
        if self.method not in IDEMPOTENT or self.resent:
            return False
        self.resent = True
        return True

    def may_retry_status(self, response: Response) -> bool:
        if (
            response.status not in RETRY_STATUSES
            or self.method not in IDEMPOTENT
        ):
            return False
        if self.count >= self.retries:
            return False
        self.count += 1
        return True


def _retry_wait(response: Response, attempt: int) -> float:
    value = response.headers.get("retry-after", "").strip()
    # ASCII digits only: str.isdigit() also takes "²", float() does not.
    seconds = value.isascii() and value.isdigit()
    wait = float(value) if seconds else 0.5 * 2 ** (attempt - 1)
    return min(wait, MAX_RETRY_WAIT)


def _unsigned_url(signed: Signed, placement: str) -> str:
    if placement == "query":
        return _strip_oauth_from(signed.url)
    return signed.url


def _strip_oauth_from(url: str) -> str:
    # The query placement appended the protocol parameters; they are
    # made afresh for the next request.
    base, sep, query = url.partition("?")
    if not sep:
        return url
    kept = [p for p in query.split("&") if not p.startswith("oauth_")]
    return f"{base}?{'&'.join(kept)}" if kept else base


def _origin_of(url: str) -> tuple[str, str, int]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    port = parts.port or (443 if scheme == "https" else 80)
    return scheme, (parts.hostname or "").lower(), port


def _origin_path(url: str) -> str:
    # For logs: never the query, which may hold protocol parameters.
    return url.split("?", 1)[0]


def _token_from_fields(fields: dict[str, str]) -> Token:
    extra = {
        k: v
        for k, v in fields.items()
        if k not in ("oauth_token", "oauth_token_secret")
    }
    token = Token(fields["oauth_token"], fields["oauth_token_secret"], extra)
    token.callback_confirmed = fields.get("oauth_callback_confirmed")
    return token


def _check_method(method: str) -> str:
    method = method.upper()
    if not method.isalpha():
        raise ValueError(f"not an HTTP method: {method!r}")
    return method


def _check_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    checked: dict[str, str] = {}
    for name, value in (headers or {}).items():
        # A CR or LF would start a new header line (header injection).
        signing.refuse_control_characters(name)
        signing.refuse_control_characters(value)
        checked[name] = value
    return checked


def _check_realm(realm: str | None) -> str | None:
    if realm is not None:
        signing.refuse_control_characters(realm)
    return realm


def _check_placement(placement: str) -> str:
    if placement not in PLACEMENTS:
        raise ValueError(
            f"placement must be one of {PLACEMENTS}, not {placement!r}"
        )
    return placement


def _content_type(headers: Mapping[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return ""


def _encode_body(
    body: Body, headers: dict[str, str]
) -> tuple[bytes | None, signing.Pairs | None]:
    """The body as bytes, and its encoded form parameters when it is a
    form (RFC 5849 §3.4.1.3.1), else ``None``."""
    if body is None or isinstance(body, (bytes, str)):
        raw = body.encode("utf-8") if isinstance(body, str) else body
        if _content_type(headers) != FORM_TYPE:
            return raw, None
        return raw, signing.form_parameters(raw or b"")
    pairs = list(body.items() if isinstance(body, Mapping) else body)
    if not _content_type(headers):
        headers["Content-Type"] = FORM_TYPE
    if any(isinstance(item, bytes) for pair in pairs for item in pair):
        raw = urlencode(pairs).encode("ascii")
        form = signing.form_parameters(raw)
    else:
        # RFC 5849 §3.6 encoding is also valid form encoding (a space
        # as %20 rather than "+"), so one encoding serves the body and
        # the signature.
        form = signing.encode_pairs([(str(n), str(v)) for n, v in pairs])
        raw = signing.encoded_pairs(form).encode("ascii")
    return raw, form if _content_type(headers) == FORM_TYPE else None


def _scope_text(scope: str | Iterable[str] | None) -> str | None:
    if scope is None or isinstance(scope, str):
        return scope
    return " ".join(scope)


__all__ = ["BuzzOAuth", "ProviderError", "Signed"]

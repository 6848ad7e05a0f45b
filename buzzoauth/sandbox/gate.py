"""Where signed requests are judged: oauthlib's provider endpoints,
wrapped so that every refusal names its ``oauth_problem``.

:class:`Gate` holds one oauthlib endpoint of each kind, all on the
:class:`~.validator.SandboxValidator`, and runs each step the same way:

1. :meth:`Gate.parse` turns a :class:`~.exchange.Call` into an oauthlib
   request (RFC 5849 §3.5: header, form body or query);
2. :func:`~.checks.check_protocol` refuses it early with a precise
   problem;
3. the oauthlib endpoint validates it (nonce, consumer, token,
   verifier, scope, signature);
4. a "no" is explained from the validator's notes and
   ``request.validator_log``.

The steps: :meth:`Gate.request_token` (§2.1), :meth:`Gate.approve`
(§2.2), :meth:`Gate.access_token` (§2.3) and :meth:`Gate.resource`
(§3, a protected resource, with or without a token).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from oauthlib.oauth1 import (
    AccessTokenEndpoint,
    AuthorizationEndpoint,
    RequestTokenEndpoint,
    ResourceEndpoint,
    SignatureOnlyEndpoint,
)
from oauthlib.oauth1.rfc5849 import errors as oauth_errors

from . import checks, defaults, rsa_check
from .exchange import Call
from .knobs import Knobs
from .problems import Problem, absent, rejected, unauthorized
from .store import Store
from .validator import SIGNATURE, SandboxValidator, note, worst_note

log = logging.getLogger(__name__)


class _RSACheck:
    """Endpoint mixin: RSA signatures are checked with ``cryptography``
    (RFC 5849 §3.4.3); the other methods by oauthlib itself."""

    request_validator: SandboxValidator

    def _check_signature(
        self, request: Any, is_token_request: bool = False
    ) -> bool:
        if request.signature_method in defaults.RSA_METHODS:
            key = self.request_validator.get_rsa_key(
                request.client_key, request
            )
            return rsa_check.verify(request, key)
        checked: bool = super()._check_signature(  # type: ignore[misc]
            request, is_token_request
        )
        return checked


class _RequestTokens(_RSACheck, RequestTokenEndpoint):  # type: ignore[misc]
    pass


class _AccessTokens(_RSACheck, AccessTokenEndpoint):  # type: ignore[misc]
    pass


class _Resources(_RSACheck, ResourceEndpoint):  # type: ignore[misc]
    pass


class _SignatureOnly(_RSACheck, SignatureOnlyEndpoint):  # type: ignore[misc]
    pass


@dataclass(frozen=True)
class Grant:
    """Who a verified resource request acts for."""

    consumer_key: str
    #: ``None`` for a two-legged request (signed without a token).
    token: str | None
    scopes: tuple[str, ...]
    signature_method: str
    #: Names of the protocol parameters sent (RFC 5849 §3.1).
    oauth_names: tuple[str, ...]


class Gate:
    """The four steps of the provider, over oauthlib."""

    def __init__(self, store: Store, knobs: Knobs) -> None:
        self.store = store
        self.knobs = knobs
        self.validator = SandboxValidator(store, knobs)
        self.request_tokens = _RequestTokens(self.validator)
        self.authorization = AuthorizationEndpoint(self.validator)
        self.access_tokens = _AccessTokens(self.validator)
        self.resources = _Resources(self.validator)
        self.signature_only = _SignatureOnly(self.validator)

    def parse(self, call: Call) -> Any:
        """An oauthlib request with the protocol parameters of ``call``,
        checked by :func:`~.checks.check_protocol`."""
        try:
            request = self.resources._create_request(*_oauthlib_args(call))
        except oauth_errors.OAuth1Error as exc:
            raise _translate(exc) from None
        except ValueError:
            why = "the query or form body is not valid percent-encoding"
            raise rejected("query", why) from None
        consumer = self.store.consumer(request.client_key)
        checks.check_protocol(request, call, self.knobs.now(), consumer)
        return request

    def request_token(self, call: Call) -> str:
        """RFC 5849 §2.1: a form body with new temporary credentials."""
        request = self.parse(call)
        checks.check_callback(request.redirect_uri)
        request.sandbox_scopes = checks.requested_scopes(request.params)
        request.sandbox_display_name = dict(request.params).get(
            "xoauth_displayname"
        )
        endpoint = self.request_tokens
        _validate(endpoint.validate_request_token_request, request)
        return str(endpoint.create_request_token(request, {}))

    def access_token(self, call: Call) -> str:
        """RFC 5849 §2.3: a form body with token credentials."""
        request = self.parse(call)
        for name in ("oauth_token", "oauth_verifier"):
            if not request.oauth_params.get(name):
                raise absent(name)
        endpoint = self.access_tokens
        _validate(endpoint.validate_access_token_request, request)
        # Claimed before the access token is made, so that two racing
        # exchanges of one request token cannot both succeed.
        self.validator.invalidate_request_token(
            request.client_key, request.resource_owner_key, request
        )
        user = {
            "user_id": defaults.DEMO_USER_ID,
            "screen_name": defaults.DEMO_SCREEN_NAME,
        }
        return str(endpoint.create_access_token(request, user))

    def approve(self, uri: str) -> str | None:
        """RFC 5849 §2.2: the user allowed access to the request token in
        ``uri``'s query.  Returns the callback URL to redirect to, with
        ``oauth_token`` and ``oauth_verifier``; ``None`` for ``oob``."""
        try:
            headers, _, _ = self.authorization.create_authorization_response(
                uri, credentials={}
            )
        except oauth_errors.OAuth1Error:
            raise unauthorized(
                "token_rejected", "no such request token"
            ) from None
        location: str | None = headers.get("Location")
        return location

    def resource(self, call: Call, scopes: Iterable[str] = ()) -> Grant:
        """RFC 5849 §3.2: verify a request for a protected resource.

        ``scopes`` lists the scopes of which the token must hold one.
        A request without ``oauth_token`` is two-legged: the consumer
        acts for itself, with every scope.
        """
        parsed = self.parse(call)
        if parsed.resource_owner_key:
            validate = functools.partial(
                self.resources.validate_protected_resource_request,
                realms=list(scopes),
            )
        else:
            validate = self.signature_only.validate_request
        request = _validate_call(validate, call)
        token = request.resource_owner_key or None
        record = self.store.access_token(token)
        granted = record.scopes if record else defaults.SCOPES
        return Grant(
            consumer_key=request.client_key,
            token=token,
            scopes=granted,
            signature_method=request.signature_method,
            oauth_names=tuple(sorted(request.oauth_params)),
        )


def _oauthlib_args(call: Call) -> tuple[str, str, str, dict[str, str]]:
    headers = dict(call.headers)
    for name in list(headers):
        if name.lower() == "content-type":
            # oauthlib matches the media type case-sensitively
            headers[name] = headers[name].lower()
    body = ""
    if call.is_form:
        try:
            body = call.body.decode("utf-8")
        except UnicodeDecodeError:
            raise rejected("body", "a form body must be UTF-8") from None
    return call.uri, call.method, body, headers


def _validate(step: Callable[[Any], tuple[bool, Any]], request: Any) -> None:
    try:
        valid, _ = step(request)
    except oauth_errors.OAuth1Error as exc:
        raise _translate(exc) from None
    if not valid:
        raise _explain(request)


def _validate_call(step: Callable[..., tuple[bool, Any]], call: Call) -> Any:
    valid, request = step(*_oauthlib_args(call))
    if request is None:
        raise rejected("request", "could not be parsed")
    if not valid:
        raise _explain(request)
    return request


def _explain(request: Any) -> Problem:
    if request.validator_log.get("signature") is False:
        problem = unauthorized(
            "signature_invalid", "the signature does not match"
        )
        note(request, SIGNATURE, problem)
    problem = worst_note(request) or unauthorized(
        "signature_invalid", "the request could not be verified"
    )
    log.debug("oauthlib said no: %s", problem.code)
    return problem


def _translate(exc: Any) -> Problem:
    description = str(exc.description)
    if isinstance(exc, oauth_errors.InvalidSignatureMethodError):
        return Problem(400, "signature_method_rejected", description)
    if isinstance(exc, oauth_errors.InvalidClientError):
        return unauthorized("token_rejected", "no such request token")
    if "Missing mandatory" in description:
        return absent(*checks.MANDATORY)
    return Problem(exc.status_code or 400, "parameter_rejected", description)

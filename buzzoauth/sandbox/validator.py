"""The oauthlib ``RequestValidator`` of the sandbox, over a :class:`Store`.

oauthlib's endpoints ask the validator questions in a fixed order
(formats, nonce, client, token, verifier, realms, secrets, signature)
and keep going with dummy values after a wrong answer, so that a reply
takes about as long whichever check failed.  When an answer is "no",
this validator also leaves a note on the request (:func:`note`), which
:mod:`.gate` reads to say *why* with an ``oauth_problem`` code.

Groups of methods, in the order oauthlib uses them:

1. formats and limits: ``check_*``, lengths, ``safe_characters``,
   ``timestamp_lifetime``, ``enforce_ssl`` (off: the sandbox is plain
   HTTP on loopback);
2. ``validate_timestamp_and_nonce`` (RFC 5849 §3.3);
3. ``validate_client_key``, ``validate_request_token``,
   ``validate_access_token``, ``validate_verifier``, ``validate_realms``;
4. secrets and keys: ``get_client_secret``, ``get_*_token_secret``,
   ``get_rsa_key``, and the ``dummy_*`` stand-ins;
5. saving: ``save_request_token``, ``save_verifier``,
   ``save_access_token``, ``invalidate_request_token``.

oauthlib's *realms* carry the Buzz scopes here.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable
from typing import Any

from oauthlib.oauth1 import RequestValidator

from . import defaults
from .knobs import Knobs
from .problems import Problem, unauthorized
from .store import (
    APPROVED,
    DENIED,
    USED,
    AccessTokenRecord,
    RequestTokenRecord,
    Store,
)

# Rank of each kind of note: the lowest one found is reported.
CONSUMER, TOKEN, VERIFIER, SIGNATURE, SCOPE = range(5)

_DUMMY_SECRET = secrets.token_hex(16)


def note(request: Any, rank: int, problem: Problem) -> None:
    """Leave ``problem`` on an oauthlib request, for :func:`worst_note`."""
    found = getattr(request, "sandbox_notes", None)
    if found is None:
        found = []
        request.sandbox_notes = found
    found.append((rank, problem))


def worst_note(request: Any) -> Problem | None:
    """The most telling problem noted on ``request``, if any."""
    found: list[tuple[int, Problem]] = getattr(request, "sandbox_notes", [])
    if not found:
        return None
    return min(found, key=lambda pair: pair[0])[1]


class SandboxValidator(RequestValidator):  # type: ignore[misc]
    """Answers oauthlib's questions from a :class:`Store`."""

    def __init__(self, store: Store, knobs: Knobs) -> None:
        super().__init__()
        self.store = store
        self.knobs = knobs

    # 1. formats and limits

    @property
    def allowed_signature_methods(self) -> tuple[str, ...]:
        return defaults.SIGNATURE_METHODS

    @property
    def safe_characters(self) -> frozenset[str]:
        return defaults.SAFE_CHARACTERS

    @property
    def client_key_length(self) -> tuple[int, int]:
        return defaults.KEY_LENGTH

    @property
    def request_token_length(self) -> tuple[int, int]:
        return defaults.KEY_LENGTH

    @property
    def access_token_length(self) -> tuple[int, int]:
        return defaults.KEY_LENGTH

    @property
    def nonce_length(self) -> tuple[int, int]:
        return defaults.KEY_LENGTH

    @property
    def verifier_length(self) -> tuple[int, int]:
        return defaults.KEY_LENGTH

    @property
    def timestamp_lifetime(self) -> float:
        # The real check is against the sandbox clock (see gate.py);
        # oauthlib's own check against time.time() must not be stricter.
        return defaults.TIMESTAMP_WINDOW + abs(self.knobs.clock_offset) + 1

    @property
    def enforce_ssl(self) -> bool:
        return False

    def check_realms(self, realms: Iterable[str]) -> bool:
        # The realm of an Authorization header is an opaque label
        # (RFC 5849 §3.5.1); scopes come in the ``scope`` parameter.
        return True

    # 2. nonce

    def validate_timestamp_and_nonce(
        self,
        client_key: str,
        timestamp: str,
        nonce: str,
        request: Any,
        request_token: str | None = None,
        access_token: str | None = None,
    ) -> bool:
        # RFC 5849 §3.3: unique per timestamp, client and token.
        token = request_token or access_token or ""
        oldest = int(self.knobs.now()) - defaults.TIMESTAMP_WINDOW
        key = (client_key, token, timestamp, nonce)
        if self.store.first_use(key, int(timestamp), oldest):
            return True
        note(
            request, CONSUMER, unauthorized("nonce_used", "nonce seen before")
        )
        return False

    # 3. who is asking

    def validate_client_key(self, client_key: str, request: Any) -> bool:
        if self.store.consumer(client_key) is not None:
            return True
        problem = unauthorized("consumer_key_unknown", "no such consumer key")
        note(request, CONSUMER, problem)
        return False

    def validate_request_token(
        self, client_key: str, token: str, request: Any
    ) -> bool:
        record = self.store.request_token(token)
        problem = _request_token_problem(record, client_key)
        if problem is None:
            return True
        note(request, TOKEN, problem)
        return False

    def validate_access_token(
        self, client_key: str, token: str, request: Any
    ) -> bool:
        record = self.store.access_token(token)
        problem = _access_token_problem(record, client_key)
        if problem is None:
            return True
        note(request, TOKEN, problem)
        return False

    def validate_verifier(
        self, client_key: str, token: str, verifier: str, request: Any
    ) -> bool:
        record = self.store.request_token(token)
        expected = record.verifier if record else None
        if expected and hmac.compare_digest(expected, verifier):
            return True
        problem = unauthorized("verifier_invalid", "wrong oauth_verifier")
        note(request, VERIFIER, problem)
        return False

    def validate_redirect_uri(
        self, client_key: str, redirect_uri: str, request: Any
    ) -> bool:
        # Checked before oauthlib runs (gate.py), to say what is wrong.
        return True

    def validate_requested_realms(
        self, client_key: str, realms: list[str], request: Any
    ) -> bool:
        return True

    def validate_realms(
        self,
        client_key: str,
        token: str,
        request: Any,
        uri: str | None = None,
        realms: list[str] | None = None,
    ) -> bool:
        # ``realms`` lists the scopes of which the resource needs any one.
        if not realms:
            return True
        record = self.store.access_token(token)
        if record is not None and set(record.scopes) & set(realms):
            return True
        advice = "this token's scope does not allow that; needs " + (
            " or ".join(realms)
        )
        note(request, SCOPE, Problem(403, "permission_denied", advice))
        return False

    # 4. secrets, keys and dummies

    @property
    def dummy_client(self) -> str:
        return "dummy-client-key"

    @property
    def dummy_request_token(self) -> str:
        return "dummy-request-token"

    @property
    def dummy_access_token(self) -> str:
        return "dummy-access-token"

    def get_client_secret(self, client_key: str, request: Any) -> str:
        record = self.store.consumer(client_key)
        if record is None or record.secret is None:
            return _DUMMY_SECRET
        return record.secret

    def get_request_token_secret(
        self, client_key: str, token: str, request: Any
    ) -> str:
        record = self.store.request_token(token)
        if record is None or record.consumer_key != client_key:
            return _DUMMY_SECRET
        return record.secret

    def get_access_token_secret(
        self, client_key: str, token: str, request: Any
    ) -> str:
        record = self.store.access_token(token)
        if record is None or record.consumer_key != client_key:
            return _DUMMY_SECRET
        return record.secret

    def get_rsa_key(self, client_key: str, request: Any) -> str | None:
        record = self.store.consumer(client_key)
        return record.rsa_public_key if record else None

    def get_default_realms(self, client_key: str, request: Any) -> list[str]:
        return [defaults.BUZZ_SCOPE]

    def get_realms(self, token: str, request: Any) -> list[str]:
        record = self.store.request_token(token)
        return list(record.scopes) if record else []

    def get_redirect_uri(self, token: str, request: Any) -> str:
        record = self.store.request_token(token)
        return record.callback if record else "oob"

    # The authorize page (RFC 5849 §2.2) is not signed: only the token.

    def verify_request_token(self, token: str, request: Any) -> bool:
        record = self.store.request_token(token)
        return record is not None and record.state not in (DENIED, USED)

    def verify_realms(
        self, token: str, realms: list[str], request: Any
    ) -> bool:
        record = self.store.request_token(token)
        return record is not None and set(realms) <= set(record.scopes)

    # 5. saving

    def save_request_token(self, token: dict[str, str], request: Any) -> None:
        consumer = self.store.consumer(request.client_key)
        shown = request.sandbox_display_name or (
            consumer.display_name if consumer else request.client_key
        )
        record = RequestTokenRecord(
            key=token["oauth_token"],
            secret=token["oauth_token_secret"],
            consumer_key=request.client_key,
            callback=request.redirect_uri,
            scopes=tuple(request.sandbox_scopes),
            display_name=shown,
            csrf=secrets.token_urlsafe(24),
        )
        self.store.add_request_token(record)

    def save_verifier(
        self, token: str, verifier: dict[str, str], request: Any
    ) -> None:
        self.store.decide(token, APPROVED, verifier["oauth_verifier"])

    def save_access_token(self, token: dict[str, str], request: Any) -> None:
        record = AccessTokenRecord(
            key=token["oauth_token"],
            secret=token["oauth_token_secret"],
            consumer_key=request.client_key,
            scopes=tuple(request.realms),
            user_id=defaults.DEMO_USER_ID,
            screen_name=defaults.DEMO_SCREEN_NAME,
        )
        self.store.add_access_token(record)

    def invalidate_request_token(
        self, client_key: str, request_token: str, request: Any
    ) -> None:
        if not self.store.use_request_token(request_token):
            raise unauthorized("token_used", "request token already exchanged")


def _request_token_problem(
    record: RequestTokenRecord | None, client_key: str
) -> Problem | None:
    if record is None or record.consumer_key != client_key:
        return unauthorized("token_rejected", "no such request token")
    if record.state == USED:
        return unauthorized("token_used", "request token already exchanged")
    if record.state == DENIED:
        return unauthorized("permission_denied", "the user denied access")
    return None


def _access_token_problem(
    record: AccessTokenRecord | None, client_key: str
) -> Problem | None:
    if record is None or record.consumer_key != client_key:
        return unauthorized("token_rejected", "no such access token")
    if record.revoked:
        return unauthorized("token_revoked", "the access token was revoked")
    return None

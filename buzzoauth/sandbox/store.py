"""In-memory records of the sandbox provider, behind one lock.

- :class:`ConsumerRecord`: client credentials (RFC 5849 §1.1), a shared
  secret, an RSA public key, or both.
- :class:`RequestTokenRecord`: temporary credentials (§2.1) with the
  callback, the scopes asked for, the CSRF token of the authorize page
  and, once the user has decided, the verifier (§2.2).
- :class:`AccessTokenRecord`: token credentials (§2.3) with the scopes
  granted, the user they act for, and whether they were revoked.
- nonces seen, keyed as RFC 5849 §3.3 asks: the same nonce may not come
  twice with the same timestamp, client and token.

:class:`Store` holds them all; every method takes the lock, so the
threaded HTTP server can share one store.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

PENDING = "pending"
APPROVED = "approved"
DENIED = "denied"
USED = "used"


@dataclass
class ConsumerRecord:
    key: str
    secret: str | None
    rsa_public_key: str | None
    display_name: str


@dataclass
class RequestTokenRecord:
    key: str
    secret: str
    consumer_key: str
    callback: str
    scopes: tuple[str, ...]
    display_name: str
    csrf: str
    state: str = PENDING
    verifier: str | None = None


@dataclass
class AccessTokenRecord:
    key: str
    secret: str
    consumer_key: str
    scopes: tuple[str, ...]
    user_id: str
    screen_name: str
    revoked: bool = False


NonceKey = tuple[str, str, str, str]


@dataclass
class Store:
    """Consumers, tokens and nonces of one sandbox."""

    consumers: dict[str, ConsumerRecord] = field(default_factory=dict)
    request_tokens: dict[str, RequestTokenRecord] = field(default_factory=dict)
    access_tokens: dict[str, AccessTokenRecord] = field(default_factory=dict)
    nonces: dict[NonceKey, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_consumer(self, record: ConsumerRecord) -> None:
        with self.lock:
            self.consumers[record.key] = record

    def consumer(self, key: str | None) -> ConsumerRecord | None:
        with self.lock:
            return self.consumers.get(key or "")

    def add_request_token(self, record: RequestTokenRecord) -> None:
        with self.lock:
            self.request_tokens[record.key] = record

    def request_token(self, key: str | None) -> RequestTokenRecord | None:
        with self.lock:
            return self.request_tokens.get(key or "")

    def decide(self, key: str, state: str, verifier: str | None) -> None:
        """Record the user's answer on the authorize page (§2.2)."""
        with self.lock:
            record = self.request_tokens[key]
            record.state = state
            record.verifier = verifier

    def use_request_token(self, key: str) -> bool:
        """Mark an approved request token used; False if it was not
        approved or already used: one exchange only (§2.3)."""
        with self.lock:
            record = self.request_tokens.get(key)
            if record is None or record.state != APPROVED:
                return False
            record.state = USED
            return True

    def add_access_token(self, record: AccessTokenRecord) -> None:
        with self.lock:
            self.access_tokens[record.key] = record

    def access_token(self, key: str | None) -> AccessTokenRecord | None:
        with self.lock:
            return self.access_tokens.get(key or "")

    def revoke(self, key: str) -> None:
        with self.lock:
            self.access_tokens[key].revoked = True

    def first_use(self, key: NonceKey, timestamp: int, oldest: int) -> bool:
        """Note a nonce; False if it was seen before (RFC 5849 §3.3).

        Entries with timestamps before ``oldest`` are forgotten: such
        timestamps are refused before a nonce is looked at.
        """
        with self.lock:
            if key in self.nonces:
                return False
            self.nonces[key] = timestamp
            if len(self.nonces) % 256 == 0:
                self._forget_nonces_before(oldest)
            return True

    def _forget_nonces_before(self, oldest: int) -> None:
        stale = [k for k, ts in self.nonces.items() if ts < oldest]
        for key in stale:
            del self.nonces[key]

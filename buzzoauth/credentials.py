"""Client credentials and tokens, in python-oauth2's object model.

RFC 5849 names three credential pairs (§1.1): *client credentials*
(python-oauth2's ``Consumer``), *temporary credentials* (the request
token) and *token credentials* (the access token); the last two are
both an ``oauth2.Token``.

The subclasses here behave as their parents do, except that ``str()``
and ``repr()`` never show a secret (python-oauth2's own ``__str__``
returns the secret as a query string).  A token also keeps the extra
fields a provider sends with it, such as ``user_id`` or
``screen_name``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeAlias

import oauth2

from .redact import mask, remember

TokenLike: TypeAlias = "oauth2.Token | tuple[str, str]"

_TOKEN_FIELDS = ("callback", "callback_confirmed", "verifier")


class Consumer(oauth2.Consumer):  # type: ignore[misc]
    """Client credentials: the key and secret a provider issued to an
    application (RFC 5849 §1.1)."""

    key: str
    secret: str

    def __init__(self, key: str, secret: str) -> None:
        super().__init__(
            _text("consumer key", key), _text("consumer secret", secret)
        )
        remember(self.secret)

    def __str__(self) -> str:
        return f"oauth_consumer_key={self.key}"

    def __repr__(self) -> str:
        return f"Consumer(key={self.key!r}, secret={mask(self.secret)!r})"


class Token(oauth2.Token):  # type: ignore[misc]
    """A request token or an access token (RFC 5849 §2.1, §2.3).

    ``extra`` holds whatever else the provider sent along with it.
    """

    key: str
    secret: str
    callback: str | None
    callback_confirmed: str | None
    verifier: str | None

    def __init__(
        self,
        key: str,
        secret: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(
            _text("token key", key), _text("token secret", secret)
        )
        self.extra: dict[str, str] = dict(extra or {})
        remember(self.secret)

    def set_verifier(self, verifier: str | None = None) -> None:
        if verifier is None:
            raise ValueError(
                "a verifier is needed; this client never makes one"
            )
        remember(verifier)
        super().set_verifier(verifier)

    def __str__(self) -> str:
        return f"oauth_token={self.key}"

    def __repr__(self) -> str:
        return f"Token(key={self.key!r}, secret={mask(self.secret)!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, oauth2.Token):
            return NotImplemented
        return (self.key, self.secret) == (other.key, other.secret)

    def __hash__(self) -> int:
        return hash((self.key, self.secret))

    def state(self) -> dict[str, Any]:
        """Everything worth saving, as plain strings."""
        data: dict[str, Any] = {"key": self.key, "secret": self.secret}
        for name in _TOKEN_FIELDS:
            value = getattr(self, name, None)
            if value is not None:
                data[name] = value
        if self.extra:
            data["extra"] = dict(self.extra)
        return data


def as_token(token: TokenLike | None) -> Token | None:
    """Our :class:`Token` from an ``oauth2.Token``, a ``(key, secret)``
    pair, or ``None``."""
    if token is None or isinstance(token, Token):
        return token
    if isinstance(token, oauth2.Token):
        converted = Token(
            token.key, token.secret, getattr(token, "extra", None)
        )
        for name in _TOKEN_FIELDS:
            value = getattr(token, name, None)
            if value is not None:
                setattr(converted, name, value)
        return converted
    if isinstance(token, tuple) and len(token) == 2:
        return Token(*token)
    raise TypeError(
        f"token must be an oauth2.Token or a (key, secret) pair, "
        f"not {type(token).__name__}"
    )


def _text(what: str, value: object) -> str:
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if not isinstance(value, str):
        raise TypeError(f"{what} must be str, not {type(value).__name__}")
    return value

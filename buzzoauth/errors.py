"""Every error buzzoauth raises on purpose, in one tree.

::

    BuzzOAuthError                 root; catch this to catch them all
    ├── FlowError                  a step called out of order, no token
    ├── MissingDependencyError     an optional extra is not installed
    ├── TransportError             no HTTP answer at all (socket, TLS, DNS)
    ├── ProviderError              the provider answered with an error
    ├── TokenResponseError         a 2xx token answer that holds no token
    ├── TokenFileError             a token file that cannot be trusted
    ├── ProfileError               the CLI's profile store is unusable
    └── CallbackError              a bad redirect to the loopback listener

Bad arguments raise the built-in ``ValueError`` or ``TypeError``, as
they would anywhere else in Python.

Messages never hold a secret: bodies are cut short and passed through
:func:`buzzoauth.redact.redact_text` before they are stored.
"""

from __future__ import annotations

from collections.abc import Mapping

from .redact import redact_text

#: How much of an answer's body an error keeps, in characters.
BODY_EXCERPT = 300


def excerpt(body: bytes | str, limit: int = BODY_EXCERPT) -> str:
    """A short, printable, redacted piece of ``body`` for a message."""
    if isinstance(body, bytes):
        body = body[: limit * 4].decode("utf-8", "replace")
    text = " ".join(body[:limit].split())
    if len(body) > limit:
        text += " ..."
    return redact_text(text)


class BuzzOAuthError(Exception):
    """Root of every error raised by buzzoauth."""


class FlowError(BuzzOAuthError):
    """A step of the OAuth dance was called out of order.

    For example the access-token exchange without a verifier, or a
    signed request that needs a token before one was obtained.
    """


class MissingDependencyError(BuzzOAuthError, ImportError):
    """An optional extra is needed, e.g. ``pip install "buzzoauth[rsa]"``."""


class TransportError(BuzzOAuthError):
    """No HTTP answer came: connection refused or reset, a timeout, a TLS
    failure, a DNS failure or a truncated answer.

    The original exception is kept as ``__cause__``.
    """


class ProviderError(BuzzOAuthError):
    """The provider answered a token or API call with an error.

    Attributes carry the evidence:

    ``status``
        the HTTP status code
    ``problem``, ``advice``
        ``oauth_problem`` and ``oauth_problem_advice`` (OAuth Problem
        Reporting), from the form body or a ``WWW-Authenticate: OAuth``
        header; ``None`` when the provider gave none
    ``body``
        a short, redacted excerpt of the answer
    ``parameters``
        every problem-reporting parameter found, e.g.
        ``oauth_acceptable_timestamps``
    """

    def __init__(
        self,
        status: int,
        body: bytes | str = b"",
        *,
        problem: str | None = None,
        advice: str | None = None,
        parameters: Mapping[str, str] | None = None,
        url: str | None = None,
    ) -> None:
        self.status = status
        self.body = excerpt(body)
        self.problem = problem
        self.advice = advice
        self.parameters = dict(parameters or {})
        self.url = url
        super().__init__(self._message())

    def _message(self) -> str:
        detail = self.problem or self.body or "no details given"
        if self.problem and self.advice:
            detail = f"{self.problem}: {redact_text(self.advice)}"
        return f"provider answered {self.status} ({detail})"


class TokenResponseError(BuzzOAuthError):
    """A token endpoint answered 2xx with something that is not a token:
    an HTML page, JSON, an empty body, a missing secret, or a refused
    callback confirmation."""

    def __init__(self, reason: str, body: bytes | str = b"") -> None:
        self.reason = reason
        self.body = excerpt(body)
        message = reason
        if self.body:
            message += f"; the answer began: {self.body!r}"
        super().__init__(message)


class TokenFileError(BuzzOAuthError):
    """A token file is missing, truncated, foreign or crafted."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


class ProfileError(BuzzOAuthError):
    """The profile store cannot be read or written, or holds no such
    profile."""


class CallbackError(BuzzOAuthError):
    """The loopback callback listener got a bad or no redirect: a wrong
    ``oauth_token``, no verifier, a denial or a timeout."""


__all__ = [
    "BuzzOAuthError",
    "CallbackError",
    "FlowError",
    "MissingDependencyError",
    "ProfileError",
    "ProviderError",
    "TokenFileError",
    "TokenResponseError",
    "TransportError",
]

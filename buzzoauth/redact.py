"""Keeping secrets out of text: the one place where masking happens.

Everything buzzoauth prints, logs, raises or shows in a ``repr`` passes
through here first.  Two nets catch a secret:

1. :func:`redact_text` blanks the value of every parameter whose name
   says it is secret (``oauth_token_secret``, ``oauth_signature``,
   ``oauth_verifier``, ...), wherever it stands in a form body, a query,
   an ``Authorization`` header or JSON.
2. Secrets the library handles are remembered with :func:`remember`, and
   :func:`redact_text` replaces any of them found anywhere in the text.
"""

from __future__ import annotations

import re
import threading

MASK = "****"

SECRET_NAMES = (
    "oauth_token_secret",
    "oauth_consumer_secret",
    "oauth_signature",
    "oauth_verifier",
    "consumer_secret",
    "token_secret",
    "client_secret",
    "secret",
    "password",
)

_NAMES = "|".join(re.escape(name) for name in SECRET_NAMES)
# name=value, name="value", "name": "value", name: value
_PARAM = re.compile(
    r"""(?P<name>["']?\b(?:""" + _NAMES + r""")\b["']?)(?P<sep>\s*[=:]\s*)"""
    r"""(?P<quote>["']?)(?P<value>[^"'&,;\s}]+)""",
    re.IGNORECASE,
)
# Shorter strings are too likely to occur by chance to be worth masking.
_MIN_REMEMBERED = 4
_MAX_REMEMBERED = 4096

_lock = threading.Lock()
_remembered: dict[str, None] = {}
_pattern: re.Pattern[str] | None = None


def mask(secret: str | None) -> str:
    """What to show in place of a secret: nothing of it, not its length."""
    return "" if not secret else MASK


def remember(*secrets: str | None) -> None:
    """Note secrets in use, so that :func:`redact_text` finds them even in
    text that does not name them (an echoed body, a URL, a traceback)."""
    global _pattern
    fresh = [s for s in secrets if s and len(s) >= _MIN_REMEMBERED]
    if not fresh:
        return
    with _lock:
        for secret in fresh:
            _remembered[secret] = None
        while len(_remembered) > _MAX_REMEMBERED:
            del _remembered[next(iter(_remembered))]
        _pattern = None


def _remembered_pattern() -> re.Pattern[str] | None:
    global _pattern
    with _lock:
        if _pattern is None and _remembered:
            # Longest first, so that a secret containing another is
            # masked whole.
            ordered = sorted(_remembered, key=len, reverse=True)
            _pattern = re.compile("|".join(map(re.escape, ordered)))
        return _pattern


def redact_text(text: str) -> str:
    """``text`` with every secret value replaced by :data:`MASK`."""
    text = _PARAM.sub(_blank_value, text)
    pattern = _remembered_pattern()
    if pattern is not None:
        text = pattern.sub(MASK, text)
    return text


def _blank_value(match: re.Match[str]) -> str:
    return f"{match['name']}{match['sep']}{match['quote']}{MASK}"


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    """A copy of ``headers`` safe to show: ``Authorization`` is redacted."""
    return {
        name: redact_text(value) if name.lower() == "authorization" else value
        for name, value in headers.items()
    }

"""Reading what a provider answers: tokens and problems.

- :func:`parse_token_response` reads the form-encoded body of a token
  endpoint (RFC 5849 §2.1, §2.3) and refuses anything that is not one.
- :func:`parse_problem` finds OAuth Problem Reporting parameters
  (``oauth_problem``, ``oauth_problem_advice``,
  ``oauth_acceptable_timestamps``, ...) in a form body or a
  ``WWW-Authenticate: OAuth`` header.
- :func:`provider_error` turns an error answer into a
  :class:`~buzzoauth.errors.ProviderError`.
- :func:`clock_correction` tells, from a refused timestamp, how far the
  provider's clock is from ours.

Every function takes untrusted bytes and raises only the errors it
documents.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
from collections.abc import Mapping
from urllib.parse import parse_qsl, unquote

from .errors import ProviderError, TokenResponseError

#: A token answer is a few hundred bytes; anything this large is not one.
MAX_TOKEN_RESPONSE = 64 * 1024

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_AUTH_PARAM = re.compile(
    r"""([A-Za-z0-9_]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,"]*))"""
)
_TIMESTAMP_RANGE = re.compile(r"\s*([0-9]{1,15})\s*-\s*([0-9]{1,15})\s*")
#: The largest clock correction believed, in seconds: a week covers a
#: machine whose clock is wrong by days; more smells of a bad answer.
MAX_CLOCK_CORRECTION = 7 * 24 * 3600
#: X (Twitter) answers a refused timestamp with this error code.
_X_TIMESTAMP_ERROR = 135


def parse_token_response(body: bytes) -> dict[str, str]:
    """The fields of a token answer; ``oauth_token`` and
    ``oauth_token_secret`` are sure to be there, non-empty and clean.

    :raises TokenResponseError: anything else, saying what arrived.
    """
    text = _token_text(body)
    try:
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise TokenResponseError(
            "the answer is not form-encoded", body
        ) from None
    fields: dict[str, str] = {}
    for name, value in pairs:
        if name in fields and name.startswith("oauth_"):
            raise TokenResponseError(f"the answer repeats {name}", body)
        fields.setdefault(name, value)
    for name in ("oauth_token", "oauth_token_secret"):
        _check_field(fields, name, body)
    return fields


def _token_text(body: bytes) -> str:
    if len(body) > MAX_TOKEN_RESPONSE:
        raise TokenResponseError(
            f"the answer is {len(body)} bytes, too large to be a token"
        )
    try:
        text = body.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise TokenResponseError(
            "the answer is not UTF-8 text", body
        ) from None
    if not text:
        raise TokenResponseError("the answer is empty")
    if text[0] in "<{[":
        kind = "an HTML or XML page" if text[0] == "<" else "JSON"
        raise TokenResponseError(f"the answer is {kind}, not a token", body)
    return text


def _check_field(fields: Mapping[str, str], name: str, body: bytes) -> None:
    value = fields.get(name)
    if not value:
        raise TokenResponseError(f"the answer has no {name}", body)
    if _CONTROL.search(value):
        raise TokenResponseError(f"{name} holds control characters", body)


def parse_www_authenticate(header: str) -> dict[str, str]:
    """The parameters of an ``OAuth`` challenge (RFC 5849 §3.5.1 syntax),
    percent-decoded.  Other schemes give an empty dict."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return {}
    params: dict[str, str] = {}
    for match in _AUTH_PARAM.finditer(rest):
        name, quoted, token = match.groups()
        raw = quoted if quoted is not None else token
        value = re.sub(r"\\(.)", r"\1", raw)
        params.setdefault(name, unquote(value, errors="replace"))
    return params


def parse_problem(body: bytes, headers: Mapping[str, str]) -> dict[str, str]:
    """OAuth Problem Reporting parameters from a body or a header.

    Form-encoded ``oauth_*`` fields of the body win over the header's.
    """
    found = parse_www_authenticate(headers.get("www-authenticate", ""))
    found.pop("realm", None)
    text = body[:MAX_TOKEN_RESPONSE].decode("utf-8", "replace")
    if "oauth_problem" in text:
        for name, value in parse_qsl(text.strip(), keep_blank_values=True):
            if name.startswith("oauth_"):
                found[name] = value
    return {k: v for k, v in found.items() if k.startswith("oauth_")}


def provider_error(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    url: str | None = None,
) -> ProviderError:
    """A :class:`ProviderError` carrying what the answer says."""
    problem = parse_problem(body, headers)
    return ProviderError(
        status,
        body,
        problem=problem.get("oauth_problem"),
        advice=problem.get("oauth_problem_advice"),
        parameters=problem,
        url=url,
    )


def clock_correction(
    status: int,
    body: bytes,
    headers: Mapping[str, str],
    now: float | None = None,
) -> float | None:
    """Seconds to add to our clock to match the provider's, when the
    answer says our timestamp was refused; ``None`` otherwise.

    Three signals are understood: ``oauth_problem=timestamp_refused``
    with ``oauth_acceptable_timestamps=a-b`` (the middle of the range is
    taken), the same without the range (the ``Date`` header is used),
    and X's error code 135 (also with the ``Date`` header).  An offset
    larger than :data:`MAX_CLOCK_CORRECTION` is not believed.
    """
    if status not in (400, 401, 403):
        return None
    now = time.time() if now is None else now
    offset = _claimed_offset(body, headers, status, now)
    if offset is None or abs(offset) > MAX_CLOCK_CORRECTION:
        return None
    return offset


def _claimed_offset(
    body: bytes, headers: Mapping[str, str], status: int, now: float
) -> float | None:
    problem = parse_problem(body, headers)
    if problem.get("oauth_problem") == "timestamp_refused":
        window = _acceptable_range(problem.get("oauth_acceptable_timestamps"))
        if window is not None:
            return (window[0] + window[1]) / 2 - now
        return _date_offset(headers, now)
    if status == 401 and _x_error_codes(body) & {_X_TIMESTAMP_ERROR}:
        return _date_offset(headers, now)
    return None


def _acceptable_range(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    # ASCII digits only (str.isdigit() also takes "²", which int()
    # refuses), and few enough of them for a float.
    match = _TIMESTAMP_RANGE.fullmatch(value)
    if match is None:
        return None
    first, last = int(match[1]), int(match[2])
    return (first, last) if first <= last else None


def _date_offset(headers: Mapping[str, str], now: float) -> float | None:
    date = headers.get("date")
    if not date:
        return None
    try:
        when = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError, IndexError):
        return None
    return when.timestamp() - now


def _x_error_codes(body: bytes) -> set[int]:
    try:
        data = json.loads(body[:MAX_TOKEN_RESPONSE])
    except (ValueError, UnicodeDecodeError, RecursionError):
        return set()
    errors = data.get("errors") if isinstance(data, dict) else None
    if not isinstance(errors, list):
        return set()
    return {
        e["code"]
        for e in errors
        if isinstance(e, dict) and isinstance(e.get("code"), int)
    }

"""Fuzz target: the parsers of what a provider answers.

Feeds arbitrary bytes to :func:`buzzoauth.responses.parse_token_response`
(may raise only ``TokenResponseError``), and to ``parse_problem``,
``parse_www_authenticate``, ``provider_error`` and ``clock_correction``
(may raise nothing).  A token that is returned must have a non-empty key
and secret without control characters; a clock correction must be
finite.

Run: ``python fuzz/fuzz_token_response.py -runs=100000`` (or
``python fuzz/run.py``).
"""

from __future__ import annotations

import math
import sys

import atheris

with atheris.instrument_imports():
    from buzzoauth.errors import ProviderError, TokenResponseError
    from buzzoauth.responses import (
        clock_correction,
        parse_problem,
        parse_token_response,
        parse_www_authenticate,
        provider_error,
    )

STATUSES = (200, 400, 401, 403, 500)


def check_token(body: bytes) -> None:
    try:
        fields = parse_token_response(body)
    except TokenResponseError:
        return
    for name in ("oauth_token", "oauth_token_secret"):
        value = fields[name]
        if not value or any(ord(c) < 32 or ord(c) == 127 for c in value):
            raise AssertionError(f"unclean {name} accepted: {value!r}")


def check_problem(body: bytes, headers: dict[str, str], status: int) -> None:
    parse_www_authenticate(headers.get("www-authenticate", ""))
    parse_problem(body, headers)
    if not isinstance(provider_error(status, body, headers), ProviderError):
        raise AssertionError("provider_error returned something else")
    offset = clock_correction(status, body, headers, now=1_700_000_000.0)
    if offset is not None and not math.isfinite(offset):
        raise AssertionError(f"clock correction is not finite: {offset!r}")


def test_one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    status = STATUSES[fdp.ConsumeIntInRange(0, len(STATUSES) - 1)]
    headers = {
        "www-authenticate": fdp.ConsumeUnicodeNoSurrogates(80),
        "date": fdp.ConsumeUnicodeNoSurrogates(40),
    }
    body = fdp.ConsumeBytes(fdp.remaining_bytes())
    check_token(body)
    check_problem(body, headers, status)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

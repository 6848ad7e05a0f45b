"""Arbitrary bytes into the parsers of provider answers (hypothesis).

Each parser in :mod:`buzzoauth.responses` takes untrusted input and may
raise only what it documents: :func:`parse_token_response` raises
:class:`TokenResponseError` or returns a clean token; the others never
raise.  :func:`clock_correction` returns ``None`` or a finite number.

The ``@example`` cases are inputs that once crashed a parser.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from urllib.parse import quote

from hypothesis import example, given, settings
from hypothesis import strategies as st

from buzzoauth import ProviderError, TokenResponseError
from buzzoauth.responses import (
    clock_correction,
    parse_problem,
    parse_token_response,
    parse_www_authenticate,
    provider_error,
)

EXAMPLES = 400
NAMES = (
    "oauth_token",
    "oauth_token_secret",
    "oauth_callback_confirmed",
    "oauth_problem",
    "oauth_acceptable_timestamps",
    "oauth_problem_advice",
    "user_id",
)
REFUSED = b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps="


def _form(pairs: list[tuple[str, str]]) -> bytes:
    return "&".join(f"{quote(k)}={quote(v)}" for k, v in pairs).encode()


forms = st.lists(
    st.tuples(st.sampled_from(NAMES) | st.text(max_size=8), st.text()),
    max_size=6,
).map(_form)
tokens = st.tuples(st.text(), st.text(), forms).map(
    lambda t: (
        _form([("oauth_token", t[0]), ("oauth_token_secret", t[1])])
        + b"&"
        + t[2]
    )
)
bodies = st.binary(max_size=600) | forms | st.text().map(str.encode)
ranges = st.text(max_size=30).map(lambda t: REFUSED + quote(t).encode())
headers = st.fixed_dictionaries(
    {},
    optional={
        "www-authenticate": st.text(max_size=80)
        | st.text(max_size=60).map(lambda t: "OAuth " + t),
        "date": st.text(max_size=40)
        | st.datetimes().map(
            lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT")
        ),
    },
)


def test_parse_token_response_raises_only_token_response_error(
    figure: Callable[..., None],
) -> None:
    seen = {"tokens": 0, "refused": 0}

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(bodies | tokens)
    @example(b"oauth_token=abc&oauth_token_secret=def&user_id=1")
    @example(b"oauth_token=a&oauth_token=b&oauth_token_secret=c")
    @example(b"oauth_token=%0d%0a&oauth_token_secret=s")
    @example(b"\xff" * 10)
    def check(body: bytes) -> None:
        try:
            fields = parse_token_response(body)
        except TokenResponseError as exc:
            seen["refused"] += 1
            assert str(exc)
            return
        seen["tokens"] += 1
        for name in ("oauth_token", "oauth_token_secret"):
            assert fields[name]
            assert not any(
                ord(ch) < 32 or ord(ch) == 127 for ch in fields[name]
            )

    check()
    assert seen["tokens"] > 0, "no input reached the success path"
    figure(
        "parser: parse_token_response (hypothesis)",
        tried="arbitrary bytes, form bodies, text",
        cases=sum(seen.values()),
        saw=(
            f"{seen['refused']} TokenResponseError, "
            f"{seen['tokens']} clean tokens, no other exception"
        ),
    )


def test_problem_parsers_never_raise(figure: Callable[..., None]) -> None:
    count = [0]

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(
        bodies | ranges, headers, st.sampled_from([200, 400, 401, 403, 500])
    )
    def check(body: bytes, found: dict[str, str], status: int) -> None:
        count[0] += 1
        problem = parse_problem(body, found)
        assert all(k.startswith("oauth_") for k in problem)
        parse_www_authenticate(found.get("www-authenticate", ""))
        error = provider_error(status, body, found, "http://127.0.0.1/x")
        assert isinstance(error, ProviderError)
        assert str(error)

    check()
    figure(
        "parser: parse_problem / parse_www_authenticate / provider_error",
        tried="arbitrary bodies and WWW-Authenticate headers (hypothesis)",
        cases=count[0],
        saw="no exception",
    )


def test_clock_correction_is_none_or_finite(
    figure: Callable[..., None],
) -> None:
    count = [0]

    @settings(max_examples=EXAMPLES, deadline=None)
    @given(bodies | ranges, headers, st.sampled_from([400, 401, 403]))
    # Unicode digits: str.isdigit() says yes, int() says no.
    @example(REFUSED + quote("²-³").encode(), {}, 401)
    # Timestamps too large for a float.
    @example(REFUSED + b"9" * 400 + b"-" + b"9" * 400, {}, 401)
    @example(
        b"oauth_problem=timestamp_refused",
        {"date": "Fri, 31 Dec 9999 23:59:59 +2359"},
        401,
    )
    def check(body: bytes, found: dict[str, str], status: int) -> None:
        count[0] += 1
        offset = clock_correction(status, body, found, now=1_700_000_000.0)
        assert offset is None or math.isfinite(offset)

    check()
    figure(
        "parser: clock_correction",
        tried="refused-timestamp bodies with arbitrary ranges and Dates",
        cases=count[0],
        saw="None or a finite offset, no exception",
    )

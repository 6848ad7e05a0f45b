"""Inputs that once broke something, found by fuzzing, kept as tests.

Sources: ``fuzz/fuzz_token_response.py`` and ``fuzz/fuzz_url.py``
(atheris), and the hypothesis tests in ``test_parsers_property.py``.
Each case names what it found.  The checks are the fuzz targets' own
(copied here so these tests run without atheris).
"""

from __future__ import annotations

import math

import pytest

from buzzoauth import signing
from buzzoauth.responses import clock_correction

REFUSED = b"oauth_problem=timestamp_refused&oauth_acceptable_timestamps="

# clock_correction raised ValueError and OverflowError on these.
CLOCK_CASES = {
    # str.isdigit() accepts superscript digits; int() refuses them.
    "superscript digits": REFUSED + b"%C2%B2-%C2%B3",
    "Arabic-Indic digits": REFUSED + b"%D9%A1-%D9%A2",
    # Integers too large to become a float.
    "400-digit timestamps": REFUSED + b"9" * 400 + b"-" + b"9" * 400,
    "reversed range": REFUSED + b"200-100",
    "range without high end": REFUSED + b"100-",
}


@pytest.mark.parametrize("case", list(CLOCK_CASES))
def test_clock_correction_survives(case: str) -> None:
    offset = clock_correction(401, CLOCK_CASES[case], {}, now=0.0)
    assert offset is None or math.isfinite(offset)


def test_clock_correction_still_reads_a_good_range() -> None:
    body = REFUSED + b"1000-1600"
    assert clock_correction(401, body, {}, now=300.0) == 1000.0


# fuzz_url: a non-ASCII host with a space became an IDNA host holding
# the space; the check was narrowed to what reaches the request line.
URL_CASES = [
    "http://h\u00e9/p\u00e4th with space?q=\u00fc&r=a b",
    "http://127.0.0.1/%zz?%zz=%",
    "https://EXAMPLE.com:443/a/../b/./c?x",
    "http://127.0.0.1/#fragment only",
]
# White space in the host, and control characters anywhere (urlsplit
# would drop tabs silently), are refused rather than signed.
REFUSED_URLS = [
    "http://\u00e9 x/",
    "http://127.0.0.1/\x7f\x01?\x1f=\x0b",
    "http://example.com/a\tb",
    # fuzz_url: IDNA turns U+FFE3 into a space and a macron, so the host
    # had a space only after encoding.
    "http://127.0.0.1\u0297\uffe3",
]


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_url_with_control_characters_or_spaced_host_is_refused(
    url: str,
) -> None:
    with pytest.raises(ValueError):
        signing.prepare_url(url)


@pytest.mark.parametrize("url", URL_CASES)
def test_prepared_url_is_safe_and_stable(url: str) -> None:
    prepared = signing.prepare_url(url)
    target = prepared.split("://", 1)[1].partition("/")[2]

    assert prepared.isascii()
    assert not any(c in prepared for c in "\r\n\0#")
    assert not any(ord(c) <= 32 or ord(c) == 127 for c in target)
    assert signing.prepare_url(prepared) == prepared
    parts = signing.split_url(prepared)
    normalized = signing.normalize_parameters(list(parts.query))
    base = signing.base_string("GET", parts.escaped_base_uri, normalized)
    assert base.isascii() and base.count("&") == 2

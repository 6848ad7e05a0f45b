"""Fuzz target: URLs on their way into a signature.

Builds a URL from fuzzer bytes and runs it through
:func:`buzzoauth.signing.prepare_url`, :func:`~buzzoauth.signing.split_url`
and the base string (RFC 5849 §3.4.1), directly and through
``BuzzOAuth.signature_base_string``.  Allowed: ``ValueError`` for a URL
that is not absolute http(s) or holds CR, LF or NUL.  Checked:

- the prepared URL is ASCII, has no CR, LF, NUL or fragment, and its
  path and query no space or other control character;
- preparing it again changes nothing (what is signed is what is sent);
- the base string is ASCII and has exactly two unescaped ``&``.

Run: ``python fuzz/fuzz_url.py -runs=100000`` (or ``python fuzz/run.py``).
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from buzzoauth import signing
    from buzzoauth.client import BuzzOAuth

SCHEMES = ("http://", "https://", "HTTP://", "", "ftp://")
HOSTS = ("127.0.0.1", "example.com", "EXAMPLE.com:8080", "[::1]:443", "")
CLIENT = BuzzOAuth("fuzz-consumer", "fuzz-secret", token=("tok", "tsec"))


def build_url(fdp: atheris.FuzzedDataProvider) -> str:
    scheme = SCHEMES[fdp.ConsumeIntInRange(0, len(SCHEMES) - 1)]
    if fdp.ConsumeBool():
        host = HOSTS[fdp.ConsumeIntInRange(0, len(HOSTS) - 1)]
    else:
        host = fdp.ConsumeUnicodeNoSurrogates(20)
    return scheme + host + fdp.ConsumeUnicodeNoSurrogates(200)


def check(url: str) -> None:
    try:
        prepared = signing.prepare_url(url)
        parts = signing.split_url(prepared)
    except ValueError:
        return
    target = prepared.split("://", 1)[1].partition("/")[2]
    if not prepared.isascii() or any(c in prepared for c in "\r\n\0#"):
        raise AssertionError(f"unsafe prepared URL: {prepared!r}")
    if any(ord(c) <= 32 or ord(c) == 127 for c in target):
        raise AssertionError(f"raw control or space in path: {prepared!r}")
    if signing.prepare_url(prepared) != prepared:
        raise AssertionError(f"prepare_url is not idempotent: {url!r}")
    normalized = signing.normalize_parameters(list(parts.query))
    base = signing.base_string("GET", parts.escaped_base_uri, normalized)
    if not base.isascii() or base.count("&") != 2:
        raise AssertionError(f"malformed base string: {base!r}")
    CLIENT.signature_base_string(url, nonce="n" * 32, timestamp=1)


def test_one_input(data: bytes) -> None:
    check(build_url(atheris.FuzzedDataProvider(data)))


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()

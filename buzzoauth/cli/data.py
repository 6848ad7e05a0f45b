"""Request bodies and headers from the command line, as curl spells them.

* ``-d name=value`` (repeatable): form parameters.  They go in the query
  for GET, HEAD and DELETE, else in an
  ``application/x-www-form-urlencoded`` body (whose parameters are
  signed, RFC 5849 §3.4.1.3.1).
* ``--data-raw BODY``: a body sent as it is (form-encoded unless a
  ``-H 'Content-Type: ...'`` says otherwise).
* ``--json BODY``: a JSON body, checked, sent as ``application/json``
  (signed through ``oauth_body_hash``).
* ``-H 'Name: value'`` (repeatable): extra headers.
"""

from __future__ import annotations

import argparse
import json
from urllib.parse import urlencode

from ..client import FORM_TYPE

_QUERY_METHODS = frozenset({"GET", "HEAD", "DELETE"})
Pairs = list[tuple[str, str]]


def add_form_option(parser: argparse.ArgumentParser) -> None:
    """-d/--data name=value, repeatable."""
    parser.add_argument(
        "-d",
        "--data",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="a form parameter (repeatable); in the query for GET",
    )


def add_body_options(parser: argparse.ArgumentParser) -> None:
    """--data-raw, --json and -H."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--data-raw", metavar="BODY", help="a body, sent as is")
    group.add_argument("--json", metavar="BODY", help="a JSON body")
    parser.add_argument(
        "-H",
        "--header",
        metavar="'NAME: VALUE'",
        action="append",
        default=[],
        help="an extra header (repeatable)",
    )


def request_method(explicit: str | None, has_body: object) -> str:
    """-X if given, else POST when there is a body, else GET."""
    if explicit:
        return explicit.upper()
    return "POST" if has_body else "GET"


def parse_pairs(items: list[str]) -> Pairs:
    """``name=value`` strings as pairs; ``ValueError`` for any other."""
    pairs = []
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"-d wants NAME=VALUE, not {item!r}")
        pairs.append((name, value))
    return pairs


def form_pairs(
    method: str, url: str, items: list[str]
) -> tuple[str, Pairs | None]:
    """The URL and the form body for ``-d`` items and ``method``."""
    pairs = parse_pairs(items)
    if not pairs:
        return url, None
    if method in _QUERY_METHODS:
        joiner = "&" if "?" in url else "?"
        return url + joiner + urlencode(pairs), None
    return url, pairs


def parse_headers(items: list[str]) -> dict[str, str]:
    """``Name: value`` strings as a dict; ``ValueError`` for any other."""
    headers: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition(":")
        name = name.strip()
        if not sep or not name or " " in name:
            raise ValueError(f"-H wants 'Name: value', not {item!r}")
        headers[name] = value.strip()
    return headers


def raw_body(
    data_raw: str | None, json_text: str | None, headers: dict[str, str]
) -> bytes | None:
    """The body of --data-raw or --json; sets a Content-Type if none."""
    if json_text is not None:
        try:
            json.loads(json_text)
        except ValueError as exc:
            raise ValueError(f"--json is not valid JSON: {exc}") from None
        _default_type(headers, "application/json")
        headers.setdefault("Accept", "application/json")
        return json_text.encode("utf-8")
    if data_raw is not None:
        _default_type(headers, FORM_TYPE)
        return data_raw.encode("utf-8")
    return None


def _default_type(headers: dict[str, str], content_type: str) -> None:
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = content_type

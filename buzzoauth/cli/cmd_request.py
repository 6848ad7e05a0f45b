"""``buzzoauth request``: a signed API call, in the manner of curl.

The body of the answer goes to stdout as it came (JSON is indented when
stdout is a terminal); ``-i`` puts the status line and the headers
first.  A 2xx answer exits 0; 4xx and 5xx exit 4 and 5 with one line on
stderr naming the OAuth problem, if the provider gave one.  A URL that
starts with ``/`` is resolved against the profile's API host.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from ..profiles import Profile
from ..responses import provider_error
from ..transport import Response
from . import exits
from .data import (
    add_body_options,
    add_form_option,
    form_pairs,
    parse_headers,
    raw_body,
    request_method,
)
from .options import (
    add_profile_option,
    make_client,
    new_command,
    resolve_profile,
    seconds,
)
from .output import error_line

if TYPE_CHECKING:
    from .options import Commands

#: Entries httplib2 adds to a response's headers that the server never
#: sent; its other additions start with "-".
_PSEUDO_HEADERS = frozenset({"status"})
_EXAMPLE = """\
  buzzoauth request /buzz/v1/activities/@me/@consumption
  buzzoauth request -d content='Hello from the terminal' \\
      /buzz/v1/activities/@me/@self
  buzzoauth request -i --json '{"data": {"object": {"content": "hi"}}}' \\
      --profile sandbox-alice http://127.0.0.1:8080/buzz/v1/activities/@me/@self"""


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "request",
        help="send a signed request and print the answer's body",
        example=_EXAMPLE,
    )
    parser.add_argument(
        "url", metavar="URL", help="absolute, or /path on the API host"
    )
    parser.add_argument("-X", "--method", metavar="METHOD", help="HTTP method")
    add_form_option(parser)
    add_body_options(parser)
    parser.add_argument(
        "-i",
        "--include",
        action="store_true",
        help="print the status line and headers before the body",
    )
    add_profile_option(parser)
    parser.add_argument(
        "--timeout",
        metavar="S",
        type=seconds,
        default=30.0,
        help="seconds to wait for the answer (default: 30)",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.data and (args.data_raw is not None or args.json is not None):
        raise ValueError("-d cannot be combined with --data-raw or --json")
    profile = resolve_profile(args, need_token=False)
    headers = parse_headers(args.header)
    raw = raw_body(args.data_raw, args.json, headers)
    method = request_method(args.method, args.data or raw is not None)
    url, form = form_pairs(method, absolute_url(args.url, profile), args.data)
    client = make_client(profile, timeout=args.timeout)
    response = client.request_full(url, method, form or raw, headers)
    show(response, include=args.include)
    code = exits.for_status(response.status)
    if code != exits.OK:
        error = provider_error(
            response.status, response.body, response.headers, url
        )
        error_line(str(error))
    return code


def absolute_url(url: str, profile: Profile) -> str:
    """``url``, resolved against the API host when it starts with ``/``."""
    if not url.startswith("/"):
        return url
    provider = profile.provider()
    base = None
    if provider is not None:
        base = provider.api_base_url or provider.request_token_url
    if not base:
        raise ValueError(
            f"{url} is relative, and profile {profile.name!r} has no provider "
            "to resolve it against; give an absolute URL"
        )
    parts = urlsplit(base)
    return urljoin(f"{parts.scheme}://{parts.netloc}/", url)


def show(response: Response, *, include: bool) -> None:
    """Write the answer to stdout: headers if asked, then the body."""
    out = sys.stdout.buffer
    if include:
        reason = response.reason or ""
        lines = [f"HTTP/1.1 {response.status} {reason}".rstrip()]
        lines += [
            f"{name}: {value}"
            for name, value in response.headers.items()
            if name not in _PSEUDO_HEADERS and not name.startswith("-")
        ]
        out.write(
            ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace")
        )
    body = response.body
    if sys.stdout.isatty():
        body = _pretty(body, response.headers.get("content-type", ""))
    out.write(body)
    out.flush()


def _pretty(body: bytes, content_type: str) -> bytes:
    if "json" not in content_type.lower():
        return body
    try:
        data = json.loads(body)
    except ValueError:
        return body
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode(
        "utf-8"
    )

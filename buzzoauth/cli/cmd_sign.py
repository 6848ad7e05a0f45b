"""``buzzoauth sign``: sign a request without sending it.

Prints what the placement puts on the wire: the ``Authorization``
header (RFC 5849 §3.5.1), the signed URL (§3.5.3) or the signed form
body (§3.5.2).  ``-v`` adds the normalized parameters (§3.4.1.3.2), the
signature base string (§3.4.1.1) and the signature itself, which is
what to compare when a provider answers ``signature_invalid``.

This command prints a signature on purpose: it is its output.  With
``--nonce`` and ``--timestamp`` the output is reproducible, so it can be
held against published test vectors.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from ..client import Signed
from ..responses import parse_www_authenticate
from . import exits
from .data import add_form_option, form_pairs, request_method
from .options import (
    add_credential_options,
    add_profile_option,
    make_client,
    new_command,
    read_rsa_key,
    resolve_profile,
    signature_method,
)
from .output import say

if TYPE_CHECKING:
    from .options import Commands

_EXAMPLE = """\
  # RFC 5849 §1.2: GET /photos, with the spec's credentials
  buzzoauth sign --consumer-key dpf43f3p2l4k3l03 \\
      --consumer-secret kd94hf93k423kf44 \\
      --token nnch734d00sl2jdk --token-secret pfkkdhi9sl3r4s00 \\
      --nonce chapoH --timestamp 137131202 --realm Photos --no-version -v \\
      'http://photos.example.net/photos?file=vacation.jpg&size=original'"""


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "sign",
        help="sign a request and print the header, URL or body (not sent)",
        example=_EXAMPLE,
    )
    parser.add_argument("url", metavar="URL")
    parser.add_argument("-X", "--method", metavar="METHOD", help="HTTP method")
    add_form_option(parser)
    parser.add_argument("--nonce", metavar="N", help="fixed oauth_nonce")
    parser.add_argument(
        "--timestamp", metavar="T", help="fixed oauth_timestamp"
    )
    parser.add_argument(
        "--placement",
        choices=("header", "query", "body"),
        default="header",
        help="where the OAuth parameters go (default: header)",
    )
    parser.add_argument("--realm", metavar="R", help="realm of the header")
    parser.add_argument(
        "--no-version",
        action="store_true",
        help="leave oauth_version out (it is optional, RFC 5849 §3.1)",
    )
    parser.add_argument(
        "--signature-method", metavar="M", type=signature_method
    )
    parser.add_argument(
        "--rsa-key", metavar="FILE", help="PEM RSA private key"
    )
    add_credential_options(parser)
    add_profile_option(parser)
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="also print the normalized parameters and the base string",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.timestamp is not None and not args.timestamp.isdigit():
        raise ValueError(
            f"--timestamp must be whole seconds: {args.timestamp!r}"
        )
    profile = resolve_profile(
        args, need_token=False, secret_optional=bool(args.rsa_key)
    )
    options: dict[str, object] = {
        "placement": args.placement,
        "realm": args.realm,
        "rsa_key": read_rsa_key(args.rsa_key),
        "oauth_version": None if args.no_version else "1.0",
    }
    if args.signature_method:
        options["signature_method"] = args.signature_method
    client = make_client(profile, provider=None, **options)
    method = request_method(args.method, args.data)
    url, body = form_pairs(method, args.url, args.data)
    signed = client.sign(
        url, method, body, nonce=args.nonce, timestamp=args.timestamp
    )
    if args.verbose:
        _explain(signed.normalized, signed.base_string, _signature(signed))
    say(_result(signed, args.placement))
    return exits.OK


def _result(signed: Signed, placement: str) -> str:
    if placement == "header":
        return f"Authorization: {signed['Authorization']}"
    if placement == "query":
        return signed.url
    return (signed.body or b"").decode("ascii")


def _signature(signed: Signed) -> str:
    if "Authorization" in signed:
        return parse_www_authenticate(signed["Authorization"])[
            "oauth_signature"
        ]
    text = signed.url.partition("?")[2]
    if signed.body and b"oauth_signature=" in signed.body:
        text = signed.body.decode("ascii")
    return dict(parse_qsl(text))["oauth_signature"]


def _explain(normalized: str, base_string: str, signature: str) -> None:
    say("Normalized parameters:")
    say(f"  {normalized}")
    say("Signature base string:")
    say(f"  {base_string}")
    say("Signature:")
    say(f"  {signature}")
    say("")

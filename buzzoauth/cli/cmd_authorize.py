"""``buzzoauth authorize``: the three-legged dance, then a saved profile.

1. Request token (RFC 5849 §2.1), with ``oauth_callback`` set by
   ``--callback``: ``loopback`` (default; a listener on 127.0.0.1 catches
   the redirect, see :mod:`buzzoauth.callback`), ``oob`` (the user types
   the PIN the provider shows), or any URL (the user pastes the verifier,
   or the whole URL they were sent to).
2. The authorize URL is printed on a line of its own, prefixed with
   :data:`URL_PREFIX`, and opened in a browser unless ``--no-browser``.
3. Access token (§2.3), saved as a profile (:mod:`buzzoauth.profiles`).

Nothing secret is printed: the token secret and verifier never show.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import webbrowser
from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from ..callback import AuthorizationDenied, LoopbackCallback
from ..client import BuzzOAuth
from ..credentials import Token
from ..errors import CallbackError
from ..profiles import (
    ENV_CONSUMER_KEY,
    ENV_CONSUMER_SECRET,
    Profile,
    ProfileStore,
    check_name,
    suggest_name,
)
from ..providers import Provider
from . import exits
from .options import (
    add_provider_options,
    add_signing_options,
    new_command,
    provider_from_args,
    read_rsa_key,
    seconds,
)
from .output import say

if TYPE_CHECKING:
    from .options import Commands

URL_PREFIX = "Open this URL to authorize: "
_EXAMPLE = """\
  # against the local sandbox ('buzzoauth sandbox' in another terminal)
  buzzoauth authorize --provider sandbox --base-url http://127.0.0.1:8080 \\
      --consumer-key buzzoauth-demo-key --consumer-secret ...
  # any provider, by its endpoints, with a PIN
  buzzoauth authorize --consumer-key K --consumer-secret S --callback oob \\
      --request-token-url https://api.example.com/oauth/request_token \\
      --authorize-url https://api.example.com/oauth/authorize \\
      --access-token-url https://api.example.com/oauth/access_token"""


def register(commands: Commands) -> None:
    parser = new_command(
        commands,
        "authorize",
        help="get an access token through the browser and save a profile",
        example=_EXAMPLE,
    )
    parser.add_argument(
        "--consumer-key", metavar="K", help="(or set BUZZOAUTH_CONSUMER_KEY)"
    )
    parser.add_argument(
        "--consumer-secret",
        metavar="S",
        help="better: set BUZZOAUTH_CONSUMER_SECRET, which other users "
        "cannot see in the process list; not needed for RSA",
    )
    parser.add_argument(
        "--scope",
        metavar="SCOPE",
        action="append",
        help="a scope to ask for (repeatable)",
    )
    parser.add_argument(
        "--callback",
        metavar="loopback|oob|URL",
        default="loopback",
        help="where the provider sends the user back (default: loopback)",
    )
    parser.add_argument(
        "--callback-timeout",
        metavar="S",
        type=seconds,
        default=300.0,
        help="seconds to wait for the user to approve (default: 300)",
    )
    parser.add_argument(
        "--profile", metavar="NAME", help="name to save it under"
    )
    parser.add_argument(
        "--no-browser", action="store_true", help="only print the URL"
    )
    add_provider_options(parser)
    add_signing_options(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.profile:
        check_name(args.profile)
    _check_callback(args.callback)
    provider = provider_from_args(args)
    args.consumer_key = args.consumer_key or os.environ.get(ENV_CONSUMER_KEY)
    if not args.consumer_key:
        raise ValueError("give --consumer-key (or BUZZOAUTH_CONSUMER_KEY)")
    secret = _consumer_secret(args)

    with _listener(args.callback) as listener:
        client = _client(args, provider, secret, listener)
        _steps_1_and_2(args, client, listener)
    token = client.fetch_access_token()

    store = ProfileStore()
    profile = _save(store, args, provider, secret, token)
    say(f"Got an access token: {token.key} (RFC 5849 §2.3)")
    say(f"Saved profile {profile.name} in {store.path}")
    if store.default_name() != profile.name:
        say(
            f"Make it the default with: buzzoauth profiles --default {profile.name}"
        )
    return exits.OK


def _steps_1_and_2(
    args: argparse.Namespace,
    client: BuzzOAuth,
    listener: LoopbackCallback | None,
) -> None:
    """Get a request token, have the user approve it, keep the verifier."""
    request_token = client.fetch_request_token()
    say(f"Got a request token: {request_token.key} (RFC 5849 §2.1)")
    if listener is not None:
        listener.expect(request_token.key)
    url = client.authorize_url()
    say(URL_PREFIX + url)
    if not args.no_browser:
        _open(url)
    client.set_verifier(_verifier(args, listener))


def _consumer_secret(args: argparse.Namespace) -> str:
    secret = args.consumer_secret or os.environ.get(ENV_CONSUMER_SECRET)
    if secret:
        return str(secret)
    if args.rsa_key:
        return ""
    raise ValueError("give --consumer-secret (or BUZZOAUTH_CONSUMER_SECRET)")


def _check_callback(callback: str) -> None:
    if callback in ("loopback", "oob"):
        return
    if urlsplit(callback).scheme not in ("http", "https"):
        raise ValueError(
            f"--callback must be loopback, oob or an http(s) URL: {callback!r}"
        )


@contextlib.contextmanager
def _listener(callback: str) -> Iterator[LoopbackCallback | None]:
    if callback != "loopback":
        yield None
        return
    with LoopbackCallback() as listener:
        yield listener


def _client(
    args: argparse.Namespace,
    provider: Provider,
    secret: str,
    listener: LoopbackCallback | None,
) -> BuzzOAuth:
    options: dict[str, object] = {}
    if args.signature_method:
        options["signature_method"] = args.signature_method
    return BuzzOAuth(
        args.consumer_key,
        secret,
        provider=provider,
        callback=listener.url if listener is not None else args.callback,
        scope=" ".join(args.scope) if args.scope else None,
        rsa_key=read_rsa_key(args.rsa_key),
        timeout=args.timeout,
        **options,  # type: ignore[arg-type]
    )


def _open(url: str) -> None:
    try:
        opened = webbrowser.open(url)
    except webbrowser.Error:
        opened = False
    if not opened:
        say("(No browser could be opened: copy the URL above into one.)")


def _verifier(
    args: argparse.Namespace, listener: LoopbackCallback | None
) -> str:
    if listener is not None:
        say(f"Waiting for the approval at {listener.url} ...")
        verifier = listener.wait(args.callback_timeout)
        say("Approval received.")
        return verifier
    if args.callback == "oob":
        return _ask("Enter the PIN (verifier) the provider showed: ")
    answer = _ask("Paste the oauth_verifier, or the whole URL you landed on: ")
    return verifier_from_answer(answer)


def _ask(prompt: str) -> str:
    try:
        answer = input(prompt)
    except EOFError:
        raise CallbackError("no verifier was entered") from None
    finally:
        if not sys.stdin.isatty():
            say()  # a terminal would have echoed the newline
    if not answer.strip():
        raise CallbackError("no verifier was entered")
    return answer.strip()


def verifier_from_answer(answer: str) -> str:
    """The verifier itself, or ``oauth_verifier`` out of a pasted URL."""
    if "oauth_verifier=" not in answer and "denied=" not in answer:
        return answer
    params = parse_qs(urlsplit(answer).query or answer)
    if "denied" in params:
        raise AuthorizationDenied(
            "authorization was denied on the provider's page"
        )
    return params["oauth_verifier"][0]


def _save(
    store: ProfileStore,
    args: argparse.Namespace,
    provider: Provider,
    secret: str,
    token: Token,
) -> Profile:
    preset, base_url, urls = _describe_provider(args, provider)
    profile = Profile(
        name="pending",
        consumer_key=args.consumer_key,
        consumer_secret=secret,
        token_key=token.key,
        token_secret=token.secret,
        preset=preset,
        base_url=base_url,
        urls=urls,
        signature_method=args.signature_method or provider.signature_method,
        rsa_key_file=os.path.abspath(args.rsa_key) if args.rsa_key else None,
        extra={k: v for k, v in token.extra.items() if isinstance(v, str)},
    )
    name = args.profile or suggest_name(profile)
    return store.save(replace(profile, name=name))


def _describe_provider(
    args: argparse.Namespace, provider: Provider
) -> tuple[str | None, str | None, dict[str, str]]:
    """How to store the provider: preset + base URL, or its URLs."""
    urls = {
        name: getattr(args, name)
        for name in ("request_token_url", "authorize_url", "access_token_url")
        if getattr(args, name)
    }
    if args.provider:
        return args.provider, args.base_url, urls
    if provider.revoke_url:
        urls["revoke_url"] = provider.revoke_url
    return None, None, urls

"""The PIN flow (``oauth_callback=oob``) against X, formerly Twitter.

X shows a PIN after the user clicks "Authorize app"; that PIN is the
verifier of RFC 5849 §2.2.  The script fetches a request token, prints
the authorize URL, reads the PIN (without echo on a terminal), trades it
for an access token, which X sends with ``user_id`` and ``screen_name``,
and makes one signed call with it::

    export TWITTER_CONSUMER_KEY=... TWITTER_CONSUMER_SECRET=...
    python examples/twitter_pin.py

It uses the ``twitter`` preset's real endpoints (``api.x.com``) and
reads ``https://api.x.com/2/users/me``.

``--base-url URL`` re-hosts the preset on another host, such as a
``buzzoauth sandbox``.  The sandbox serves X's three token paths
(``/oauth/request_token``, ``/oauth/authorize``,
``/oauth/access_token``), so the dance there is the same one, but it
does not serve X's API: with ``--base-url`` the signed call reads the
sandbox's own profile resource instead (``--api-url`` overrides
either).  Without keys in the environment ``--base-url`` uses the
sandbox's demo consumer; the tests run it that way, PIN fed on stdin.

With no arguments and no keys in the environment it starts an
in-process sandbox and approves there by script.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from collections.abc import Callable
from typing import Any

from buzzoauth import BuzzOAuth, BuzzOAuthError, Provider, providers

X_ME = "https://api.x.com/2/users/me"
SANDBOX_ME = "/buzz/v1/people/@me/@self"
ENV_KEY = "TWITTER_CONSUMER_KEY"
ENV_SECRET = "TWITTER_CONSUMER_SECRET"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="re-host the preset here")
    parser.add_argument("--api-url", help="the resource to read at the end")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    keys = keys_from_env()
    try:
        if args.base_url is not None:
            base = args.base_url.rstrip("/")
            key, secret = keys or sandbox_demo_keys()
            provider = providers.get("twitter").with_base_url(base)
            pin_flow(key, secret, provider, args.api_url or base + SANDBOX_ME)
        elif keys is not None:
            pin_flow(*keys, providers.get("twitter"), args.api_url or X_ME)
        else:
            run_in_sandbox()
    except BuzzOAuthError as exc:
        print(f"twitter_pin: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ntwitter_pin: interrupted", file=sys.stderr)
        return 130
    return 0


def keys_from_env() -> tuple[str, str] | None:
    key, secret = os.environ.get(ENV_KEY), os.environ.get(ENV_SECRET)
    return (key, secret) if key and secret else None


def sandbox_demo_keys() -> tuple[str, str]:
    from buzzoauth.sandbox import defaults

    print(f"{ENV_KEY} is not set: using the sandbox's demo consumer")
    return defaults.DEMO_CONSUMER_KEY, defaults.DEMO_CONSUMER_SECRET


def pin_flow(
    key: str,
    secret: str,
    provider: Provider,
    api_url: str,
    approve: Callable[[str], str] | None = None,
) -> None:
    """Request token, PIN, access token, one signed call (RFC 5849 §2)."""
    client = BuzzOAuth(key, secret, provider=provider, callback="oob")
    client.fetch_request_token()
    url = client.authorize_url()
    print(f"Open this URL, authorize the app, and type the PIN shown:\n{url}")

    client.set_verifier(approve(url) if approve else read_pin())
    token = client.fetch_access_token()
    name = token.extra.get("screen_name", "?")
    print(f"authorized as @{name} (user id {token.extra.get('user_id', '?')})")

    status, body = client.request(api_url)
    print(f"GET {api_url} -> {status}")
    if status == 200:
        print(f"  {summary(json.loads(body))}")


def read_pin() -> str:
    # The PIN is the verifier, a secret: no echo on a terminal.
    if sys.stdin.isatty():
        pin = getpass.getpass("PIN: ")
    else:
        print("PIN: ", end="", flush=True)
        pin = sys.stdin.readline()
        print()
    if not pin.strip():
        raise SystemExit("twitter_pin: no PIN given")
    return pin.strip()


def summary(data: dict[str, Any]) -> str:
    """X answers ``{"data": {"username": ...}}``; the sandbox answers
    ``{"data": {"screenName": ...}}``."""
    user = data.get("data", {})
    name = user.get("username") or user.get("screenName", "?")
    return f"@{name}: {user.get('name') or user.get('displayName', '')}"


def run_in_sandbox() -> None:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox:
        print(
            "No provider given: started an in-process sandbox at "
            f"{sandbox.base_url} with its demo consumer "
            f"({ENV_KEY} is not set)."
        )
        provider = providers.get("twitter").with_base_url(sandbox.base_url)

        def approve(url: str) -> str:
            print("approving by script (Sandbox.approve) instead of a PIN")
            pin: str = sandbox.approve(url)
            return pin

        pin_flow(
            sandbox.consumer_key,
            sandbox.consumer_secret,
            provider,
            sandbox.base_url + SANDBOX_ME,
            approve,
        )


if __name__ == "__main__":
    sys.exit(main())

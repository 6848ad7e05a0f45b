"""Sign with buzzoauth, send with something else: ``requests`` and
``urllib.request``.

``BuzzOAuth.sign()`` returns the headers to send (a dict, with
``Authorization`` for the header placement) and says in ``.method``,
``.url`` and ``.body`` what else to send.  The protocol parameters go
where RFC 5849 §3.5 allows: the ``Authorization`` header (§3.5.1), a
form body (§3.5.2) or the query string (§3.5.3).  This script signs one
request for each placement, sends it with each library to the sandbox's
``/echo`` resource (which checks the signature and says where it found
the parameters) and prints the statuses::

    python examples/sign_with_requests.py

With no arguments it starts an in-process sandbox and gets an access
token from it (approved by script).  ``--base-url URL --token-file
token.tok`` uses a running ``buzzoauth sandbox`` and a token saved by
``buzz_feed.py`` instead.  Without ``requests`` installed only
``urllib.request`` is used.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from buzzoauth import BuzzOAuth, BuzzOAuthError, Signed, Token

PLACEMENTS = ("header", "query", "body")
TIMEOUT = 10.0

#: Sends a signed request; returns the status and the body.
Sender = Callable[[Signed], tuple[int, bytes]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running sandbox")
    parser.add_argument("--token-file", type=Path, default=Path("token.tok"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.base_url is None:
            run_in_sandbox()
        else:
            from buzzoauth import load_token
            from buzzoauth.sandbox import defaults

            key = defaults.DEMO_CONSUMER_KEY
            secret = defaults.DEMO_CONSUMER_SECRET
            token = load_token(args.token_file)
            show(key, secret, token, args.base_url.rstrip("/"))
    except (BuzzOAuthError, OSError) as exc:
        # OSError: what urllib and requests raise when nothing answers.
        print(f"sign_with_requests: {exc}", file=sys.stderr)
        return 1
    return 0


def run_in_sandbox() -> None:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox:
        print(
            "No provider given: started an in-process sandbox at "
            f"{sandbox.base_url} with its demo consumer."
        )
        key, secret = sandbox.consumer_key, sandbox.consumer_secret
        token = access_token(sandbox, key, secret)
        show(key, secret, token, sandbox.base_url)


def access_token(sandbox: Any, key: str, secret: str) -> Token:
    client = BuzzOAuth(key, secret, provider=sandbox.provider)
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    return client.fetch_access_token()


def show(key: str, secret: str, token: Token, base_url: str) -> None:
    """Sign and send one request per library and placement."""
    senders: dict[str, Sender] = {"urllib": send_with_urllib}
    requests_sender = requests_or_none()
    if requests_sender is None:
        print(
            "requests is not installed (pip install requests): "
            "showing urllib.request only"
        )
    else:
        senders = {"requests": requests_sender, **senders}

    for placement in PLACEMENTS:
        client = BuzzOAuth(key, secret, token=token, placement=placement)
        for name, send in senders.items():
            signed = sign_for(client, placement, f"{base_url}/echo")
            status, body = send(signed)
            where = json.loads(body).get("placement") if status == 200 else "-"
            print(
                f"{name:<9} {placement:<7} {signed.method:<5} /echo "
                f"-> {status} (parameters found in: {where})"
            )


def sign_for(client: BuzzOAuth, placement: str, url: str) -> Signed:
    # The body placement needs a form body to travel in (RFC 5849 §3.5.2).
    if placement == "body":
        return client.sign(url, "POST", {"note": "signed by buzzoauth"})
    return client.sign(f"{url}?note=signed+by+buzzoauth")


def requests_or_none() -> Sender | None:
    try:
        import requests
    except ImportError:
        return None

    def send(signed: Signed) -> tuple[int, bytes]:
        answer = requests.request(
            signed.method,
            signed.url,
            data=signed.body,
            headers=dict(signed),
            timeout=TIMEOUT,
        )
        return answer.status_code, answer.content

    return send


def send_with_urllib(signed: Signed) -> tuple[int, bytes]:
    # urllib would also open file: and ftp: URLs; only HTTP is meant.
    if not signed.url.startswith(("http://", "https://")):
        raise ValueError("only http:// and https:// URLs are sent")
    request = urllib.request.Request(  # noqa: S310 (checked above)
        signed.url,
        data=signed.body,
        headers=dict(signed),
        method=signed.method,
    )
    # The sandbox is on loopback: no proxy between us.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=TIMEOUT) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


if __name__ == "__main__":
    sys.exit(main())

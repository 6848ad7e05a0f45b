"""Read your Buzz feed, authorizing only once: the program buzzoauth grew
from.

The first run does the OAuth 1.0a dance (RFC 5849 §2), saves the access
token to ``token.tok`` and prints the consumption feed; every later run
loads ``token.tok`` and goes straight to the feed.  A saved token the
provider refuses (401) is replaced by a new dance.

With no arguments it starts an in-process sandbox (Google-style paths,
its demo consumer) and approves on the sandbox's authorize page by
script.  Such a sandbox forgets its tokens when the process ends, so the
script then does the second run in the same process, to show the saved
token being reused::

    python examples/buzz_feed.py

To see two separate runs, serve a sandbox that outlives them::

    buzzoauth sandbox --port 8080                       # another terminal
    python examples/buzz_feed.py --base-url http://127.0.0.1:8080
    python examples/buzz_feed.py --base-url http://127.0.0.1:8080

The first of these prints the authorize URL and asks for the verifier
the page shows after Allow; the second reads ``token.tok``.  Google's
own Buzz API is gone (2011), so ``--base-url`` is needed; the consumer
key and secret default to the sandbox's demo consumer.

Needs ``pip install "buzzoauth[sandbox]"`` for the in-process sandbox.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from buzzoauth import BuzzOAuth, BuzzOAuthError, Provider, providers

FEED = "activities/@me/@consumption"

#: Turns an authorize URL into the verifier the user brings back.
Approver = Callable[[str], str]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running sandbox or mirror")
    parser.add_argument(
        "--provider",
        default="google_buzz",
        choices=("google_buzz", "sandbox"),
        help="which paths the provider serves (default: google_buzz)",
    )
    parser.add_argument("--consumer-key", help="default: the sandbox's")
    parser.add_argument("--consumer-secret", help="default: the sandbox's")
    parser.add_argument("--token-file", type=Path, default=Path("token.tok"))
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.base_url is None:
            run_in_sandbox(args.token_file)
        else:
            provider = providers.get(args.provider)
            client = make_client(
                *consumer(args), provider.with_base_url(args.base_url)
            )
            read_feed(client, args.token_file, ask_for_verifier)
    except BuzzOAuthError as exc:
        print(f"buzz_feed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nbuzz_feed: interrupted", file=sys.stderr)
        return 130
    return 0


def run_in_sandbox(token_file: Path) -> None:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox:
        print(
            "No provider given: started an in-process sandbox at "
            f"{sandbox.base_url} with its demo consumer."
        )
        for run in ("first", "second"):
            print(f"--- {run} run ---")
            client = make_client(
                sandbox.consumer_key,
                sandbox.consumer_secret,
                sandbox.google_provider,
            )
            read_feed(client, token_file, scripted_approval(sandbox))


def consumer(args: argparse.Namespace) -> tuple[str, str]:
    """The keys given, else the demo consumer of every sandbox."""
    if args.consumer_key and args.consumer_secret:
        return args.consumer_key, args.consumer_secret
    if args.consumer_key or args.consumer_secret:
        raise SystemExit("buzz_feed: give both consumer key and secret")
    from buzzoauth.sandbox import defaults

    return defaults.DEMO_CONSUMER_KEY, defaults.DEMO_CONSUMER_SECRET


def make_client(key: str, secret: str, provider: Provider) -> BuzzOAuth:
    return BuzzOAuth(
        key,
        secret,
        provider=provider,
        scope=providers.BUZZ_SCOPE,
        display_name="buzz_feed example",
    )


def read_feed(client: BuzzOAuth, token_file: Path, approve: Approver) -> None:
    """Load or fetch the access token, then print the feed."""
    if token_file.exists():
        client.load_token(token_file)
        print(f"loaded {token_file}, not asking again")
        status, body = get_feed(client)
        if status != 401:
            print_feed(status, body)
            return
        print(f"the provider refused the token in {token_file} (401)")

    authorize(client, approve)
    client.save_token(token_file)
    print(f"saved the access token to {token_file}")
    print_feed(*get_feed(client))


def authorize(client: BuzzOAuth, approve: Approver) -> None:
    """The three steps of RFC 5849 §2."""
    request_token = client.fetch_request_token()
    print(f"step 1 (RFC 5849 §2.1): request token {request_token.key}")

    client.set_verifier(approve(client.authorize_url()))
    print("step 2 (RFC 5849 §2.2): approved, verifier received")

    access_token = client.fetch_access_token()
    who = access_token.extra.get("screen_name", "?")
    print(f"step 3 (RFC 5849 §2.3): access token {access_token.key} for {who}")


def scripted_approval(sandbox: Any) -> Approver:
    def approve(url: str) -> str:
        print(f"authorize page: {url}")
        print("clicking Allow on it by script (Sandbox.approve)")
        verifier: str = sandbox.approve(url)
        return verifier

    return approve


def ask_for_verifier(url: str) -> str:
    print("Open this URL, click Allow, then enter the verifier shown:")
    print(f"  {url}")
    return read_secret("verifier: ")


def read_secret(prompt: str) -> str:
    # A verifier is a secret: no echo on a terminal.
    if sys.stdin.isatty():
        answer = getpass.getpass(prompt)
    else:
        print(prompt, end="", flush=True)
        answer = sys.stdin.readline()
        print()
    if not answer.strip():
        raise SystemExit("buzz_feed: no verifier given")
    return answer.strip()


def get_feed(client: BuzzOAuth) -> tuple[int, bytes]:
    # Every Buzz preset names its API root; the feed hangs off it.
    api = client.provider.api_base_url if client.provider else None
    return client.request(f"{api}{FEED}")


def print_feed(status: int, body: bytes) -> None:
    if status != 200:
        raise SystemExit(f"buzz_feed: the feed answered {status}")
    items: list[dict[str, Any]] = json.loads(body)["data"]["items"]
    print(f"GET {FEED} -> {status}: {len(items)} buzzes")
    for item in items:
        count = item.get("replies", {}).get("totalItems", 0)
        comments = "1 comment" if count == 1 else f"{count} comments"
        print(
            f"  {item['actor']['displayName']}: {item['title']} [{comments}]"
        )


if __name__ == "__main__":
    sys.exit(main())

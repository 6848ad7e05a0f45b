"""Watch a Buzz feed and print the buzzes and comments that are new since
the last poll.

Each poll reads the consumption feed with a saved access token and
compares it with a small JSON state file (the ids seen last time).  The
state is written atomically: a temporary file in the same folder,
flushed to disk, then renamed over the old one, so a crash never leaves
half a file.  The first poll only records what is already there.

With no arguments it runs a demonstration against an in-process sandbox:
authorize (approved by script), poll once, post a buzz and a comment
through the API, poll again and print exactly those two::

    python examples/buzz_notifier.py

Against a sandbox that keeps running, with a token saved by
``buzz_feed.py``::

    buzzoauth sandbox --port 8080                       # another terminal
    python examples/buzz_feed.py --base-url http://127.0.0.1:8080
    python examples/buzz_notifier.py --base-url http://127.0.0.1:8080 \\
        --token-file token.tok --interval 30

``--once`` polls a single time (for cron); ``--state FILE`` picks the
state file (default ``buzz_notifier.json``).  Ctrl-C stops the loop.
Needs ``pip install "buzzoauth[sandbox]"`` for the in-process sandbox.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from buzzoauth import BuzzOAuth, BuzzOAuthError, providers

FEED = "activities/@me/@consumption"
STATE_FORMAT = "buzz_notifier-state"


class NotifierError(Exception):
    """The feed or the state file cannot be read or written."""


#: Ids seen in the last poll: ``{"buzzes": [...], "comments": [...]}``.
State = dict[str, list[str]]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="a running sandbox")
    parser.add_argument(
        "--provider", default="google_buzz", choices=("google_buzz", "sandbox")
    )
    parser.add_argument("--consumer-key", help="default: the sandbox's")
    parser.add_argument("--consumer-secret", help="default: the sandbox's")
    parser.add_argument("--token-file", type=Path, default=Path("token.tok"))
    parser.add_argument(
        "--state", type=Path, default=Path("buzz_notifier.json")
    )
    parser.add_argument("--once", action="store_true", help="poll once")
    parser.add_argument(
        "--interval", type=positive, default=60.0, help="seconds (60)"
    )
    return parser.parse_args(argv)


def positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be more than 0 seconds")
    return value


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.base_url is None:
            demo()
        else:
            watch(connect(args), args.state, args.once, args.interval)
    except (BuzzOAuthError, NotifierError) as exc:
        print(f"buzz_notifier: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("stopped")
    return 0


def connect(args: argparse.Namespace) -> Feed:
    key, secret = args.consumer_key, args.consumer_secret
    if not (key and secret):
        from buzzoauth.sandbox import defaults

        key = defaults.DEMO_CONSUMER_KEY
        secret = defaults.DEMO_CONSUMER_SECRET
    provider = providers.get(args.provider).with_base_url(args.base_url)
    client = BuzzOAuth(key, secret, provider=provider)
    client.load_token(args.token_file)
    return Feed(client, f"{provider.api_base_url}{FEED}")


def watch(feed: Feed, state: Path, once: bool, interval: float) -> None:
    while True:
        poll(feed, state)
        if once:
            return
        time.sleep(interval)


class Feed:
    """The consumption feed, read with one client."""

    def __init__(self, client: BuzzOAuth, url: str) -> None:
        self.client = client
        self.url = url

    def items(self) -> list[dict[str, Any]]:
        # A 5xx is tried again (twice), as Retry-After says.
        status, body = self.client.request(self.url, retries=2)
        if status != 200:
            raise NotifierError(f"the feed answered {status}")
        items: list[dict[str, Any]] = json.loads(body)["data"]["items"]
        return items


# -- one poll --------------------------------------------------------------


def poll(feed: Feed, state_file: Path) -> None:
    """Print what is new since the state file was written; update it."""
    items = feed.items()
    seen = load_state(state_file)
    now = ids_of(items)
    if seen is None:
        buzzes = counted(len(now["buzzes"]), "buzz", "buzzes")
        comments = counted(len(now["comments"]), "comment", "comments")
        print(f"first poll: {buzzes} and {comments} already there")
    else:
        news = report(items, seen)
        print(f"poll: {news} new" if news else "poll: nothing new")
    save_state(state_file, now)


def counted(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def ids_of(items: list[dict[str, Any]]) -> State:
    return {
        "buzzes": [item["id"] for item in items],
        "comments": [c["id"] for item in items for c in comments_of(item)],
    }


def comments_of(item: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = item.get("comments", [])
    return found


def report(items: list[dict[str, Any]], seen: State) -> int:
    """Print each new buzz and comment; return how many there were."""
    count = 0
    old_buzzes, old_comments = set(seen["buzzes"]), set(seen["comments"])
    # Oldest first, as they happened.
    for item in reversed(items):
        if item["id"] not in old_buzzes:
            count += 1
            print(f"new buzz {item['id']} from {who(item)}: {text(item)}")
        for comment in comments_of(item):
            if comment["id"] not in old_comments:
                count += 1
                print(
                    f"new comment {comment['id']} on {item['id']} "
                    f"from {who(comment)}: {text(comment)}"
                )
    return count


def who(entry: dict[str, Any]) -> str:
    return str(entry["actor"]["displayName"])


def text(entry: dict[str, Any]) -> str:
    return " ".join(str(entry["content"]).split())[:70]


# -- the state file --------------------------------------------------------


def load_state(path: Path) -> State | None:
    """The ids seen last time, or ``None`` before the first poll."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise NotifierError(
            f"{path}: not a readable state file ({exc})"
        ) from exc
    if not (isinstance(data, dict) and data.get("format") == STATE_FORMAT):
        raise NotifierError(f"{path}: not a buzz_notifier state file")
    return {
        name: list(map(str, data[name])) for name in ("buzzes", "comments")
    }


def save_state(path: Path, state: State) -> None:
    """Replace the state file in one step (write, fsync, rename)."""
    data = json.dumps({"format": STATE_FORMAT, **state}, indent=1)
    folder = path.parent if str(path.parent) else Path(".")
    fd, temp = tempfile.mkstemp(prefix=".state-", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(data + "\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except BaseException:
        os.unlink(temp)
        raise


# -- the demonstration -----------------------------------------------------


def demo() -> None:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox, tempfile.TemporaryDirectory() as folder:
        print(
            "No provider given: started an in-process sandbox at "
            f"{sandbox.base_url} with its demo consumer."
        )
        client = authorized_client(sandbox)
        api = sandbox.google_provider.api_base_url
        feed = Feed(client, f"{api}{FEED}")
        state = Path(folder, "state.json")

        poll(feed, state)
        buzz = post(
            client, f"{api}activities/@me/@self", "Hello from a poller"
        )
        first = feed.items()[-1]["id"]
        post(client, f"{api}activities/@me/@self/{first}/@comments", "+1")
        print(f"posted buzz {buzz} and a comment on {first} through the API")
        poll(feed, state)


def authorized_client(sandbox: Any) -> BuzzOAuth:
    """A client holding an access token, approved by script."""
    client = BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        provider=sandbox.google_provider,
    )
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    token = client.fetch_access_token()
    print(f"authorized: access token {token.key}")
    return client


def post(client: BuzzOAuth, url: str, content: str) -> str:
    body = json.dumps({"data": {"object": {"content": content}}})
    status, answer = client.request(
        url, "POST", body, {"Content-Type": "application/json"}
    )
    if status != 201:
        raise NotifierError(f"POST {url} answered {status}")
    return str(json.loads(answer)["data"]["id"])


if __name__ == "__main__":
    sys.exit(main())

"""The offline demo behind ``buzzoauth demo``: the dance, told step by step.

It starts a :class:`~buzzoauth.sandbox.Sandbox` on a free loopback port
and walks through OAuth 1.0a with the real client, printing each step
with its RFC 5849 name and section:

1. request token (§2.1, temporary credentials), with the loopback
   callback of :mod:`buzzoauth.callback`;
2. the user's approval (§2.2): scripted through the sandbox's real page
   by default, or in a real browser with ``browser=True``;
3. access token (§2.3, token credentials);
4. the token saved to a file and read back;
5. a signed read of the Buzz feed (§3);
6. a signed post;
7. a second dance with only the read-only scope, whose post the
   provider refuses with 403.

Secrets are shown masked; keys are shown, since they are not secret.
"""

from __future__ import annotations

import json
import tempfile
import time
import urllib.request
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from .callback import LoopbackCallback
from .client import BuzzOAuth
from .errors import BuzzOAuthError
from .providers import BUZZ_READONLY_SCOPE, BUZZ_SCOPE
from .redact import MASK, mask

if TYPE_CHECKING:
    from .sandbox import Sandbox

Write = Callable[[str], None]

FEED = "/buzz/v1/activities/@me/@consumption"
POST = "/buzz/v1/activities/@me/@self"
#: How long to wait for the user in ``browser`` mode, in seconds.
BROWSER_WAIT = 300.0
_SCRIPTED_WAIT = 10.0
_SHOWN_BUZZES = 3


class DemoError(BuzzOAuthError):
    """The sandbox did not behave as the demo expects."""


def _print(line: str) -> None:
    print(line, flush=True)


def run(*, browser: bool = False, write: Write = _print) -> int:
    """Run the whole demo; returns 0, or raises what went wrong."""
    from .sandbox import Sandbox

    started = time.monotonic()
    with (
        Sandbox("127.0.0.1", 0) as sandbox,
        tempfile.TemporaryDirectory(prefix="buzzoauth-demo-") as folder,
    ):
        tour = _Tour(sandbox, write, browser=browser)
        tour.introduce()
        client = tour.dance(BUZZ_SCOPE, first=True)
        client = tour.keep(client, Path(folder) / "token.tok")
        tour.read_feed(client)
        tour.post(client)
        tour.read_only()
    write("")
    write(f"Done in {time.monotonic() - started:.1f} s.")
    write(
        "Next: 'buzzoauth sandbox' in one terminal, then "
        "'buzzoauth authorize --help'."
    )
    return 0


class _Tour:
    """The demo's steps, sharing the sandbox and the output."""

    def __init__(
        self, sandbox: Sandbox, write: Write, *, browser: bool
    ) -> None:
        self.sandbox = sandbox
        self.write = write
        self.browser = browser
        self.step = 0

    def heading(self, title: str, section: str = "") -> None:
        self.step += 1
        self.write("")
        suffix = f" ({section})" if section else ""
        self.write(f"Step {self.step}. {title}{suffix}")

    def say(self, text: str) -> None:
        self.write(f"   {text}")

    def introduce(self) -> None:
        self.write(
            "buzzoauth demo: OAuth 1.0a, step by step, against a "
            "sandbox provider"
        )
        self.write(f"running on this machine at {self.sandbox.base_url}.")
        self.say(f"consumer key     {self.sandbox.consumer_key}")
        self.say(
            f"consumer secret  {mask(self.sandbox.consumer_secret)}"
            "  (secrets are never shown)"
        )

    # -- the dance ---------------------------------------------------

    def dance(self, scope: str, *, first: bool) -> BuzzOAuth:
        """Steps 1 to 3; quieter when ``first`` is false."""
        sandbox = self.sandbox
        with LoopbackCallback() as listener:
            client = BuzzOAuth(
                sandbox.consumer_key,
                sandbox.consumer_secret,
                provider=sandbox.provider,
                callback=listener.url,
                scope=scope,
                display_name="buzzoauth demo",
            )
            request_token = client.fetch_request_token()
            listener.expect(request_token.key)
            if first:
                self._told_request_token(request_token.key, listener.url)
            url = client.authorize_url()
            verifier = self._approve(url, listener, verbose=first)
        client.set_verifier(verifier)
        access = client.fetch_access_token()
        if first:
            self._told_access_token(access.key, access.extra)
        return client

    def _told_request_token(self, key: str, callback: str) -> None:
        provider = self.sandbox.provider
        self.heading(
            "Get a request token", "RFC 5849 §2.1, temporary credentials"
        )
        self.say(f"POST {provider.request_token_url}")
        self.say(f"     oauth_callback={callback}")
        self.say(f"     scope={BUZZ_SCOPE}")
        self.say(f"<-   oauth_token={key}  oauth_token_secret={MASK}")

    def _approve(
        self, url: str, listener: LoopbackCallback, *, verbose: bool
    ) -> str:
        if verbose:
            self.heading(
                "The user approves",
                "RFC 5849 §2.2, resource owner authorization",
            )
            self.say("the page where the user says yes:")
            self.say(f"  {url}")
        if self.browser and verbose:
            self.say("opening it in your browser: press Allow there ...")
            webbrowser.open(url)
            verifier = listener.wait(BROWSER_WAIT)
        else:
            location = self.sandbox.approve(url, allow=True)
            _follow(location)
            verifier = listener.wait(_SCRIPTED_WAIT)
            if verbose:
                self.say(
                    "the demo presses Allow on that page for you "
                    "(--browser lets you do it)"
                )
        if verbose:
            self.say(f"<-   302 to the callback, oauth_verifier={MASK}")
            self.say(f"     caught by the listener at {listener.url}")
        return verifier

    def _told_access_token(self, key: str, extra: dict[str, str]) -> None:
        provider = self.sandbox.provider
        self.heading(
            "Trade it for an access token", "RFC 5849 §2.3, token credentials"
        )
        self.say(f"POST {provider.access_token_url}")
        self.say(f"     oauth_verifier={MASK}, signed with the request token")
        self.say(f"<-   oauth_token={key}  oauth_token_secret={MASK}")
        who = [
            f"{k}={extra[k]}" for k in ("screen_name", "user_id") if k in extra
        ]
        if who:
            self.say("     " + "  ".join(who))

    # -- using the token ---------------------------------------------

    def keep(self, client: BuzzOAuth, path: Path) -> BuzzOAuth:
        self.heading("Save the access token and load it again")
        client.save_token(path)
        mode = path.stat().st_mode & 0o777
        fresh = BuzzOAuth(
            self.sandbox.consumer_key,
            self.sandbox.consumer_secret,
            provider=self.sandbox.provider,
        )
        token = fresh.load_token(path)
        self.say(f"saved to {path} (mode {mode:04o})")
        self.say(f"loaded: {token!r}")
        return fresh

    def read_feed(self, client: BuzzOAuth) -> None:
        self.heading(
            "Read the Buzz feed", "RFC 5849 §3, authenticated requests"
        )
        status, body = client.request(self.sandbox.base_url + FEED)
        self.say(f"GET {FEED} -> {status}")
        _expect(status, 200, "reading the feed")
        items = json.loads(body).get("data", {}).get("items", [])
        for item in items[:_SHOWN_BUZZES]:
            self.say(f"  * {_author(item)}: {_content(item)}")
        if len(items) > _SHOWN_BUZZES:
            self.say(f"  ... and {len(items) - _SHOWN_BUZZES} more")

    def post(self, client: BuzzOAuth) -> None:
        self.heading("Post a buzz", "RFC 5849 §3 and oauth_body_hash")
        text = "Hello from buzzoauth demo"
        payload = {"data": {"object": {"content": text}}}
        status, _ = client.request(
            self.sandbox.base_url + POST,
            "POST",
            json.dumps(payload),
            {"Content-Type": "application/json"},
        )
        self.say(f"POST {POST} -> {status}")
        _expect(status, 201, "posting a buzz")
        status, body = client.request(self.sandbox.base_url + FEED)
        _expect(status, 200, "reading the feed again")
        if text not in body.decode("utf-8", "replace"):
            raise DemoError("the new buzz is not in the feed")
        self.say(f"GET {FEED} -> {status}, and it is there:")
        self.say(f"  * {text}")

    def read_only(self) -> None:
        self.heading("A read-only token may not post")
        self.say("the same three steps, asking only for the scope")
        self.say(f"  {BUZZ_READONLY_SCOPE}")
        client = self.dance(BUZZ_READONLY_SCOPE, first=False)
        status, body = client.request(
            self.sandbox.base_url + POST, "POST", {"content": "not allowed"}
        )
        problem = _problem(body)
        self.say(f"POST {POST} -> {status} ({problem})")
        self.say("refused, as it should be")
        _expect(status, 403, "posting with a read-only token")


def _follow(location: str) -> None:
    """Do what the browser does with the provider's redirect."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(location, timeout=_SCRIPTED_WAIT) as answer:
        answer.read()


def _expect(status: int, wanted: int, what: str) -> None:
    if status != wanted:
        raise DemoError(f"{what} answered {status}, not {wanted}")


def _author(item: dict[str, Any]) -> str:
    actor = item.get("actor") or {}
    if isinstance(actor, dict):
        return str(actor.get("name") or actor.get("displayName") or "someone")
    return str(actor)


def _content(item: dict[str, Any]) -> str:
    obj = item.get("object")
    text = item.get("content") or item.get("title") or ""
    if not text and isinstance(obj, dict):
        text = obj.get("content", "")
    text = " ".join(str(text).split())
    return text if len(text) <= 60 else text[:57] + "..."


def _problem(body: bytes) -> str:
    fields = parse_qs(body.decode("utf-8", "replace"))
    return fields.get("oauth_problem", ["no oauth_problem"])[0]

"""The loopback callback listener: catching the provider's redirect.

After the user approves (RFC 5849 §2.2), the provider sends the browser
to the callback URL with ``oauth_token`` and ``oauth_verifier``.  When
that URL is ``http://127.0.0.1:PORT/callback``, this module is the
small web server that receives it.

Use, in order::

    with LoopbackCallback() as listener:      # binds 127.0.0.1, port 0
        client = BuzzOAuth(..., callback=listener.url)
        token = client.fetch_request_token()
        listener.expect(token.key)
        ...open client.authorize_url() in a browser...
        verifier = listener.wait(timeout=300)  # or CallbackError

What it accepts and refuses:

* it binds 127.0.0.1 only, never another interface, and answers only
  connections from 127.0.0.1;
* a redirect whose ``oauth_token`` is not the one asked for, or that
  has no ``oauth_verifier``, gets 400 and the listener keeps waiting
  (the last such problem is told if the wait then times out);
* ``denied=<token>`` (or ``oauth_problem=user_refused``) for our token
  ends the wait with :class:`AuthorizationDenied`;
* after one good redirect, any further request gets 410;
* the browser is answered with a short page saying it can close the tab.

The verifier never reaches a log line: request lines are redacted.
"""

from __future__ import annotations

import hmac
import html
import logging
import threading
import time
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from .errors import CallbackError
from .redact import redact_text, remember

log = logging.getLogger(__name__)

HOST = "127.0.0.1"
DEFAULT_PATH = "/callback"
#: How long an idle browser connection may stay open, in seconds.
IDLE_TIMEOUT = 10.0
_REFUSALS = ("user_refused", "permission_denied")


class AuthorizationDenied(CallbackError):
    """The user pressed Deny (or the provider refused) on the
    authorization page."""


@dataclass
class _Outcome:
    """What the handler threads tell the waiting thread."""

    expected: str | None = None
    verifier: str | None = None
    failure: CallbackError | None = None
    last_problem: str | None = None


class LoopbackCallback:
    """A one-shot HTTP listener on 127.0.0.1 for the authorize redirect."""

    def __init__(self, *, port: int = 0, path: str = DEFAULT_PATH) -> None:
        if not path.startswith("/"):
            raise ValueError(f"callback path must start with '/': {path!r}")
        self.path = path
        self._port = port
        self._outcome = _Outcome()
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        return f"LoopbackCallback(url={self.url!r})"

    def __enter__(self) -> LoopbackCallback:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- life cycle -----------------------------------------------------

    def start(self) -> LoopbackCallback:
        """Bind 127.0.0.1 and serve in a background thread."""
        if self._server is not None:
            return self
        server = _Server((HOST, self._port), _Handler)
        server.listener = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="buzzoauth-callback",
            daemon=True,
        )
        self._thread.start()
        log.debug("callback listener on %s", self.url)
        return self

    def close(self) -> None:
        """Stop listening; later connections are refused.

        Never waits on a browser: handler threads still reading an idle
        connection are daemons and are left to end by themselves.
        """
        server, self._server = self._server, None
        if server is None:
            return
        server.block_on_close = False
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    @property
    def address(self) -> tuple[str, int]:
        """The (host, port) the listener is bound to."""
        if self._server is None:
            raise CallbackError("the callback listener is not running")
        host, port = self._server.server_address[:2]
        return str(host), int(port)

    @property
    def url(self) -> str:
        """The callback URL to send as ``oauth_callback``."""
        if self._server is None:
            return f"http://{HOST}:<not started>{self.path}"
        return f"http://{HOST}:{self.address[1]}{self.path}"

    # -- the wait -------------------------------------------------------

    def expect(self, token_key: str) -> None:
        """Accept redirects for this request token only."""
        with self._lock:
            self._outcome.expected = token_key

    def wait(self, timeout: float) -> str:
        """Block until a good redirect, a denial or ``timeout`` seconds.

        Returns the verifier; raises :class:`AuthorizationDenied` or
        :class:`~buzzoauth.errors.CallbackError`.
        """
        if timeout <= 0:
            raise ValueError("timeout must be positive")
        # Short waits, so that Ctrl-C is seen at once wherever it lands.
        deadline = time.monotonic() + timeout
        while not self._done.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._done.wait(min(left, 0.25))
        with self._lock:
            outcome = self._outcome
            if outcome.failure is not None:
                raise outcome.failure
            if outcome.verifier is not None:
                return outcome.verifier
            message = f"no authorization came back within {timeout:g} s"
            if outcome.last_problem:
                message += (
                    f"; the last redirect was refused: {outcome.last_problem}"
                )
            raise CallbackError(message)

    # -- called by the handler threads ----------------------------------

    def _judge(self, query: str) -> tuple[HTTPStatus, str]:
        """Decide on one redirect: the status and the page's message."""
        params = {
            k: v[0] for k, v in parse_qs(query, keep_blank_values=True).items()
        }
        remember(params.get("oauth_verifier"))
        with self._lock:
            status, message = self._decide(params)
            if status is not HTTPStatus.OK:
                self._outcome.last_problem = message
        return status, message

    def _settled(self) -> None:
        """The decisive redirect has been answered: wake the waiter.

        Only now, so that the program cannot exit (taking the handler
        thread with it) before the browser has its page; a browser whose
        connection closes unanswered retries, and finds nobody there.
        """
        self._done.set()

    def _decide(self, params: dict[str, str]) -> tuple[HTTPStatus, str]:
        outcome = self._outcome
        if outcome.verifier is not None or outcome.failure is not None:
            return HTTPStatus.GONE, "this authorization was already received"
        if outcome.expected is None:
            return HTTPStatus.BAD_REQUEST, "no authorization is awaited yet"
        if _denied(params, outcome.expected):
            outcome.failure = AuthorizationDenied(
                "authorization was denied on the provider's page"
            )
            return (
                HTTPStatus.OK,
                "Authorization denied. You can close this tab.",
            )
        token = params.get("oauth_token", "")
        if not _same(token, outcome.expected):
            return (
                HTTPStatus.BAD_REQUEST,
                "oauth_token is not the one asked for",
            )
        verifier = params.get("oauth_verifier", "")
        if not verifier:
            return HTTPStatus.BAD_REQUEST, "the redirect has no oauth_verifier"
        outcome.verifier = verifier
        return HTTPStatus.OK, "Authorization received. You can close this tab."


def _same(given: str, expected: str) -> bool:
    return hmac.compare_digest(given.encode(), expected.encode())


def _denied(params: dict[str, str], expected: str) -> bool:
    # Providers tell a denial either as denied=<token> or with the
    # OAuth Problem Reporting code user_refused.
    if "denied" in params:
        return _same(params["denied"], expected)
    if params.get("oauth_problem") in _REFUSALS:
        return _same(params.get("oauth_token", ""), expected)
    return False


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = False
    listener: LoopbackCallback


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    timeout = IDLE_TIMEOUT
    server_version = "buzzoauth-callback"
    sys_version = ""

    def do_GET(self) -> None:
        if self.client_address[0] != HOST:
            self._answer(
                HTTPStatus.FORBIDDEN, "Only this computer may call back."
            )
            return
        parts = urlsplit(self.path)
        if parts.path != self.server.listener.path:
            self._answer(HTTPStatus.NOT_FOUND, "Nothing here.")
            return
        listener = self.server.listener
        status, message = listener._judge(parts.query)
        try:
            self._answer(status, message)
            self.wfile.flush()
        finally:
            if status is HTTPStatus.OK:
                listener._settled()

    def do_POST(self) -> None:
        self._answer(
            HTTPStatus.METHOD_NOT_ALLOWED, "Only GET is expected here."
        )

    do_PUT = do_DELETE = do_HEAD = do_POST

    def _answer(self, status: HTTPStatus, message: str) -> None:
        body = _page(status, message).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        log.debug("callback: %s", redact_text(format % args))


def _page(status: HTTPStatus, message: str) -> str:
    title = (
        "buzzoauth"
        if status is HTTPStatus.OK
        else f"{status.value} {status.phrase}"
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title>"
        "<style>body{font:16px system-ui,sans-serif;margin:4em auto;"
        "max-width:32em;color:#222}</style></head>"
        f"<body><h1>{html.escape(title)}</h1>"
        f"<p>{html.escape(message)}</p></body></html>"
    )


__all__ = ["AuthorizationDenied", "LoopbackCallback"]

"""HTTP for buzzoauth: httplib2, held (not inherited), made safe.

:class:`Transport` sends one already-signed request and returns a
:class:`Response`.  It adds what plain ``httplib2.Http`` lacks:

- a default timeout, and one ``httplib2.Http`` per thread, since an
  ``Http`` object may not be shared between threads;
- every socket, TLS, DNS and ``http.client`` failure wrapped once as
  :class:`~buzzoauth.errors.TransportError` (``raise ... from``);
- no silent resending: httplib2 would resend a request on a connection
  that went stale, with the same nonce and even for a POST.  Here such a
  failure comes back as a :class:`StaleConnection` error instead, and
  the client decides whether the request may be signed and sent again;
- no redirects followed: the client decides (see ``client.py``);
- TLS certificates always checked; ``ca_certs`` names another bundle.
"""

from __future__ import annotations

import http.client
import logging
import select
import socket
import ssl
import threading
from collections.abc import Iterator, Mapping
from typing import Any

import httplib2

from .errors import TransportError

log = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 30.0


class Response:
    """An HTTP answer: ``status``, ``headers`` (names in lower case),
    ``body``, the ``url`` asked for and the ``reason`` phrase.

    The headers are tidied from httplib2's answer only when first read:
    most successful calls never look at them.
    """

    def __init__(
        self,
        status: int,
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
        url: str = "",
        reason: str = "",
        *,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        self.status = status
        self.body = body
        self.url = url
        self.reason = reason
        self._headers = dict(headers) if headers is not None else None
        self._raw = raw

    @property
    def headers(self) -> dict[str, str]:
        if self._headers is None:
            self._headers = _tidy_headers(self._raw or {}, self.url)
        return self._headers

    def __iter__(self) -> Iterator[Any]:
        # Unpacks as the (status, body) pair that request() returns.
        return iter((self.status, self.body))

    def __repr__(self) -> str:
        return f"Response(status={self.status}, body={len(self.body)} bytes)"

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class StaleConnection(TransportError):
    """The server closed the connection without answering: a kept-alive
    connection that went stale, or a dropped request.  Nothing came back,
    so the request may or may not have been processed."""


class _NoAnswer(ConnectionError):
    """Raised inside httplib2 so that it does not retry on its own."""


class _GuardedResponse:
    """A connection that checks itself before use and reports 'no
    answer' in a way httplib2 will not retry on its own."""

    sock: socket.socket | None

    def request(self, *args: Any, **kwargs: Any) -> None:
        # A kept-alive connection the server has closed meanwhile reads
        # as ready (end of file): open a new one before sending, so that
        # even a POST survives an idle connection being dropped.
        if self.sock is not None and _closed_by_peer(self.sock):
            self.close()  # type: ignore[attr-defined]
        try:
            super().request(*args, **kwargs)  # type: ignore[misc]
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise _NoAnswer(str(exc) or type(exc).__name__) from exc

    def getresponse(self) -> http.client.HTTPResponse:
        try:
            return super().getresponse()  # type: ignore[misc,no-any-return]
        except (
            http.client.BadStatusLine,
            http.client.ResponseNotReady,
            ConnectionResetError,
        ) as exc:
            raise _NoAnswer(str(exc) or type(exc).__name__) from exc


def _closed_by_peer(sock: socket.socket) -> bool:
    try:
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


class _HTTPConnection(_GuardedResponse, httplib2.HTTPConnectionWithTimeout):  # type: ignore[misc]
    pass


class _HTTPSConnection(_GuardedResponse, httplib2.HTTPSConnectionWithTimeout):  # type: ignore[misc]
    pass


_CONNECTIONS = {"http": _HTTPConnection, "https": _HTTPSConnection}


class Transport:
    """Sends requests with httplib2, one ``Http`` per thread."""

    def __init__(
        self,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        ca_certs: str | None = None,
    ) -> None:
        self.timeout = timeout
        self.ca_certs = ca_certs
        self._local = threading.local()

    def __repr__(self) -> str:
        return f"Transport(timeout={self.timeout!r})"

    def _http(self) -> httplib2.Http:
        http = getattr(self._local, "http", None)
        if http is None:
            http = httplib2.Http(timeout=self.timeout, ca_certs=self.ca_certs)
            http.follow_redirects = False
            http.follow_all_redirects = False
            self._local.http = http
        return http

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Response:
        """Send one request; :class:`TransportError` if no answer came."""
        scheme = url.split(":", 1)[0].lower()
        try:
            answer, content = self._http().request(
                url,
                method=method,
                body=body,
                headers=headers,
                redirections=0,
                connection_type=_CONNECTIONS[scheme],
            )
        except _NoAnswer as exc:
            raise StaleConnection(
                f"{method} {_origin(url)}: connection closed without an answer"
            ) from exc
        except (
            OSError,
            ssl.SSLError,
            http.client.HTTPException,
            httplib2.HttpLib2Error,
        ) as exc:
            self._forget_connection(url)
            raise TransportError(_describe(method, url, exc)) from exc
        return _response(answer, content, url)

    def _forget_connection(self, url: str) -> None:
        # An answer cut short leaves the connection half-read; httplib2
        # would reuse it for the next request to this origin.
        http = self._http()
        scheme, authority, _, _ = httplib2.urlnorm(url)
        conn = http.connections.pop(f"{scheme}:{authority}", None)
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """Close this thread's connections."""
        http = getattr(self._local, "http", None)
        if http is not None:
            http.close()


def _response(answer: Any, content: bytes, url: str) -> Response:
    return Response(
        int(answer.status),
        None,
        content,
        url,
        str(getattr(answer, "reason", "")),
        raw=answer,
    )


def _tidy_headers(raw: Mapping[str, Any], url: str) -> dict[str, str]:
    # httplib2 adds a "status" entry and "-x" entries of its own.
    headers = {
        str(name).lower(): str(value)
        for name, value in raw.items()
        if not str(name).startswith("-") and name != "status"
    }
    # It also makes up a Content-Location holding the request URL (and
    # so, for the query placement, the signature) when none came.
    if headers.get("content-location") == url:
        del headers["content-location"]
    return headers


def _origin(url: str) -> str:
    # Only scheme and authority: a query may hold protocol parameters.
    scheme, _, rest = url.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0].split('?', 1)[0]}"


def _describe(method: str, url: str, exc: BaseException) -> str:
    if isinstance(exc, (socket.timeout, TimeoutError)):
        what = "timed out"
    elif isinstance(exc, ssl.SSLError):
        what = f"TLS failed ({exc.reason or exc})"
    elif isinstance(exc, http.client.IncompleteRead):
        what = "the answer was cut short"
    elif isinstance(exc, httplib2.ServerNotFoundError):
        what = "the server's name was not found"
    else:
        what = str(exc) or type(exc).__name__
    return f"{method} {_origin(url)}: {what}"

"""The HTTP side of the sandbox: a threaded stdlib server.

- :class:`Handler` reads one request (``Content-Length`` or chunked
  body, at most :data:`~.defaults.MAX_BODY` bytes), notes it in
  :class:`Received`, applies the fault knobs (drop, latency, 503) and
  sends what :meth:`~.app.App.dispatch` answers.  It speaks HTTP/1.1
  with keep-alive and always sends ``Content-Length``; the ``Date``
  header comes from the sandbox clock.
- :class:`SandboxHTTPServer` is a ``ThreadingHTTPServer`` that remembers
  its open connections, so that stopping it ends them too.
- :class:`Received` is the thread-safe record of requests seen, for
  tests: method, path and ``oauth_nonce`` of each.

Request lines go to the DEBUG log without their query string, where a
signature may travel.
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import re
import socket
import socketserver
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, unquote, urlsplit

from ..redact import redact_text
from . import defaults
from .app import App
from .exchange import Answer, Call, text_answer

log = logging.getLogger(__name__)

_NONCE_IN_HEADER = re.compile(r'oauth_nonce="([^"]*)"')


class Seen(NamedTuple):
    """One request the sandbox received."""

    method: str
    path: str
    nonce: str | None


class Received:
    """Requests seen so far, oldest first; safe to read while the
    sandbox serves."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: list[Seen] = []

    def add(self, seen: Seen) -> None:
        with self._lock:
            self._seen.append(seen)

    def snapshot(self) -> list[Seen]:
        with self._lock:
            return list(self._seen)

    def count(self, method: str | None = None, path: str | None = None) -> int:
        """How many requests matched ``method`` and ``path`` (either may
        be ``None`` for any)."""
        return sum(
            1
            for seen in self.snapshot()
            if method in (None, seen.method) and path in (None, seen.path)
        )

    def clear(self) -> None:
        with self._lock:
            self._seen.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._seen)

    def __iter__(self) -> Iterator[Seen]:
        return iter(self.snapshot())

    def __getitem__(self, index: int) -> Seen:
        with self._lock:
            return self._seen[index]

    def __repr__(self) -> str:
        return f"<Received {len(self)} requests>"


class _BadRequest(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class SandboxHTTPServer(ThreadingHTTPServer):
    """A threaded HTTP server for one :class:`~.app.App`."""

    daemon_threads = True
    block_on_close = False

    def __init__(
        self, address: tuple[str, int], app: App, received: Received
    ) -> None:
        self.app = app
        self.received = received
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        super().__init__(address, Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's FQDN, which may wait
        # on DNS; the sandbox needs only the address.
        socketserver.TCPServer.server_bind(self)
        self.server_name = str(self.server_address[0])
        self.server_port = int(self.server_address[1])

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection, idle keep-alive ones included."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class Handler(BaseHTTPRequestHandler):
    """Serves one connection of the sandbox."""

    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes; with Nagle's algorithm
    # the second waits for the client's delayed ACK (about 40 ms).
    disable_nagle_algorithm = True
    server_version = "buzzoauth-sandbox"
    sys_version = ""
    #: Seconds an idle keep-alive connection is kept.
    timeout = 30
    server: SandboxHTTPServer

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET

    def _serve(self) -> None:
        try:
            body = self._read_body()
        except _BadRequest as exc:
            path = urlsplit(self.path).path
            self.server.received.add(Seen(self.command, path, None))
            self.close_connection = True
            self._send(text_answer(str(exc), exc.status))
            return
        call = self._call(body)
        self.server.received.add(Seen(call.method, call.path, nonce_of(call)))
        answer = self._answer(call)
        if answer is None:
            self.close_connection = True
            log.debug("dropped %s %s", call.method, call.path)
            return
        self._send(answer)

    def _answer(self, call: Call) -> Answer | None:
        """The answer, or ``None`` to close without one."""
        knobs = self.server.app.knobs
        if knobs.roll(knobs.drop_rate):
            return None
        if knobs.latency > 0:
            time.sleep(knobs.latency)
        if knobs.roll(knobs.error_rate):
            answer = text_answer(
                "the sandbox is unavailable (error_rate)", 503
            )
            answer.headers["Retry-After"] = "1"
            return answer
        try:
            return self.server.app.dispatch(call)
        except Exception:
            log.exception("sandbox failed on %s %s", call.method, call.path)
            return text_answer("internal error in the sandbox", 500)

    def _call(self, body: bytes) -> Call:
        target = urlsplit(self.path)
        server = self.server
        fallback = f"{server.server_name}:{server.server_port}"
        host = self.headers.get("Host") or fallback
        return Call(
            method=self.command,
            path=target.path or "/",
            query=target.query,
            headers=dict(self.headers.items()),
            body=body,
            base_url=f"http://{host}",
        )

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._read_chunks()
        text = self.headers.get("Content-Length", "0").strip() or "0"
        if not text.isdigit():
            raise _BadRequest(400, "bad Content-Length")
        length = int(text)
        if length > defaults.MAX_BODY:
            raise _BadRequest(413, "body too large")
        return self.rfile.read(length)

    def _read_chunks(self) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024).split(b";")[0].strip()
            try:
                size = int(line, 16)
            except ValueError:
                raise _BadRequest(400, "bad chunk size") from None
            total += size
            if total > defaults.MAX_BODY:
                raise _BadRequest(413, "body too large")
            if size == 0:
                self._skip_trailers()
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline(8)

    def _skip_trailers(self) -> None:
        for _ in range(100):
            if self.rfile.readline(8192) in (b"\r\n", b"\n", b""):
                return

    def _send(self, answer: Answer) -> None:
        self.send_response(answer.status)
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(answer.body)))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(answer.body)

    def version_string(self) -> str:
        return self.server_version

    def date_time_string(self, timestamp: float | None = None) -> str:
        # The Date header follows the sandbox clock (clock_offset).
        when = self.server.app.knobs.now() if timestamp is None else timestamp
        return email.utils.formatdate(when, usegmt=True)

    def log_request(
        self, code: int | str = "-", size: int | str = "-"
    ) -> None:
        path = urlsplit(self.path).path
        log.debug("%s %s -> %s", self.command, path, code)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s", redact_text(format % args))


def nonce_of(call: Call) -> str | None:
    """The ``oauth_nonce`` of a request, wherever it travelled."""
    found = _NONCE_IN_HEADER.search(call.header("Authorization"))
    if found:
        return unquote(found.group(1))
    for name, value in parse_qsl(call.query, keep_blank_values=True):
        if name == "oauth_nonce":
            return value
    return call.form_params().get("oauth_nonce")

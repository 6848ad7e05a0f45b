"""A raw-socket HTTP/1.1 server on 127.0.0.1 that misbehaves on purpose.

Fault tests need a server that can do what no well-behaved framework
will: accept and never answer, reset in the middle of an answer, send
half a body, close a kept-alive connection between two requests.

- :class:`FaultServer` binds 127.0.0.1 on port 0, sets ``ready`` once
  it listens, and hands each accepted connection to a *handler* in its
  own thread.  It accepts at most ``max_connections`` connections, and
  every socket has a timeout, so nothing it does can hang a test.
- :class:`Conn` is what a handler gets: :meth:`Conn.read_request`,
  :meth:`Conn.respond`, :meth:`Conn.send`, :meth:`Conn.reset`.
- :class:`Seen` is one request as it arrived; the server keeps them all
  in ``requests`` (and counts connections in ``connections``).
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

HOST = "127.0.0.1"
#: The longest any socket of the server waits for anything.
SOCKET_TIMEOUT = 10.0
MAX_HEAD = 64 * 1024

REASONS = {
    200: "OK",
    201: "Created",
    204: "No Content",
    302: "Found",
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


@dataclass
class Seen:
    """One request as the server read it."""

    method: str
    target: str
    headers: dict[str, str]
    body: bytes
    connection: int
    #: ``time.monotonic()`` when the request had been read.
    arrived: float = 0.0

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> str:
        return urlsplit(self.target).query

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass
class Conn:
    """One accepted connection, as a handler sees it."""

    sock: socket.socket
    number: int
    server: FaultServer
    _buffer: bytes = field(default=b"", repr=False)

    def read_request(self) -> Seen | None:
        """The next request, or ``None`` when the peer closed or went
        quiet.  The request is added to ``server.requests``."""
        head = self._read_head()
        if head is None:
            return None
        lines = head.decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", "0") or "0")
        body = self._read_exactly(length)
        seen = Seen(
            method, target, headers, body, self.number, time.monotonic()
        )
        self.server.note(seen)
        return seen

    def _read_head(self) -> bytes | None:
        while b"\r\n\r\n" not in self._buffer:
            chunk = self._recv()
            if not chunk or len(self._buffer) > MAX_HEAD:
                return None
            self._buffer += chunk
        head, _, self._buffer = self._buffer.partition(b"\r\n\r\n")
        return head

    def _read_exactly(self, length: int) -> bytes:
        while len(self._buffer) < length:
            chunk = self._recv()
            if not chunk:
                break
            self._buffer += chunk
        body, self._buffer = self._buffer[:length], self._buffer[length:]
        return body

    def _recv(self) -> bytes:
        try:
            return self.sock.recv(65536)
        except (OSError, ssl.SSLError):
            return b""

    def send(self, data: bytes) -> None:
        with contextlib.suppress(OSError):
            self.sock.sendall(data)

    def respond(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        close: bool = False,
    ) -> None:
        """Send a whole answer with a correct ``Content-Length``."""
        self.send(answer(status, body, headers, close=close))

    def reset(self) -> None:
        """Close with a TCP reset (RST) instead of an orderly FIN."""
        with contextlib.suppress(OSError):
            self.sock.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
        self.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()

    def shut(self) -> None:
        """Wake a handler blocked in ``recv`` (used when stopping)."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)


def answer(
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    *,
    close: bool = False,
) -> bytes:
    """The bytes of an HTTP/1.1 answer."""
    lines = [f"HTTP/1.1 {status} {REASONS.get(status, 'Status')}"]
    fields = {"Content-Length": str(len(body)), **(headers or {})}
    if close:
        fields["Connection"] = "close"
    lines += [f"{name}: {value}" for name, value in fields.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


Handler = Callable[[Conn], None]


class FaultServer:
    """Serves each connection with ``handler`` in a thread of its own."""

    def __init__(
        self,
        handler: Handler,
        *,
        max_connections: int = 64,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.handler = handler
        self.max_connections = max_connections
        self.tls = tls
        self.requests: list[Seen] = []
        self.connections = 0
        self.ready = threading.Event()
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []
        self._open: list[Conn] = []
        self._listener = socket.create_server((HOST, 0))
        self._listener.settimeout(0.1)
        self.port = self._listener.getsockname()[1]

    @property
    def url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{HOST}:{self.port}"

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def note(self, seen: Seen) -> None:
        with self._lock:
            self.requests.append(seen)

    def seen(self, method: str | None = None) -> list[Seen]:
        """The requests read so far, of one method or all."""
        with self._lock:
            found = list(self.requests)
        return [r for r in found if method is None or r.method == method]

    def start(self) -> FaultServer:
        thread = threading.Thread(target=self._accept_loop, daemon=True)
        thread.start()
        self._threads.append(thread)
        if not self.ready.wait(5):
            raise RuntimeError("fault server did not start")
        return self

    def stop(self) -> None:
        self.stopping.set()
        with contextlib.suppress(OSError):
            self._listener.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            still_open = list(self._open)
        for conn in still_open:
            conn.shut()
        for thread in list(self._threads):
            thread.join(timeout=SOCKET_TIMEOUT + 1)

    def _accept_loop(self) -> None:
        self.ready.set()
        while not self.stopping.is_set():
            if self.connections >= self.max_connections:
                break
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                break
            self.connections += 1
            self._serve_in_thread(sock, self.connections)
        with contextlib.suppress(OSError):
            self._listener.close()

    def _serve_in_thread(self, sock: socket.socket, number: int) -> None:
        thread = threading.Thread(
            target=self._serve, args=(sock, number), daemon=True
        )
        with self._lock:
            self._threads.append(thread)
        thread.start()

    def _serve(self, sock: socket.socket, number: int) -> None:
        sock.settimeout(SOCKET_TIMEOUT)
        if self.tls is not None:
            try:
                sock = self.tls.wrap_socket(sock, server_side=True)
            except (OSError, ssl.SSLError):
                sock.close()
                return
        conn = Conn(sock, number, self)
        with self._lock:
            self._open.append(conn)
        try:
            self.handler(conn)
        finally:
            conn.close()


# -- handlers used by several tests -----------------------------------


def keep_answering(
    reply: Callable[[Seen], tuple[int, bytes, dict[str, str]]],
) -> Handler:
    """A handler that answers every request on a connection with
    ``reply(request)`` and keeps the connection open."""

    def handle(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            status, body, headers = reply(seen)
            conn.respond(status, body, headers)

    return handle


def ok_reply(seen: Seen) -> tuple[int, bytes, dict[str, str]]:
    return 200, b"fine", {"Content-Type": "text/plain"}

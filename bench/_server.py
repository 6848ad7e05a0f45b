"""A minimal HTTP/1.1 keep-alive server for the end-to-end benchmarks.

Run as a separate process (``python bench/_server.py``) so it never
competes with the client for the GIL.  It binds 127.0.0.1 on port 0,
prints the port on its first line of stdout, answers every request with
a small fixed 200 and exits when its lifetime runs out or stdin closes.

It does not check signatures (the signing benchmark does that); it only
says in the body whether the request carried OAuth parameters, so a
client that silently stopped signing shows up:
``{"ok":true,"oauth":true}`` or ``{"ok":true,"oauth":false}``.

Map: :class:`Handler` parses requests off a connection (request line,
headers, ``Content-Length`` body) and writes the answers; :func:`serve`
runs the loop; :func:`start` and :func:`stop` are what the benchmarks
call from the parent process.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path

SIGNED = b'{"ok":true,"oauth":true}'
UNSIGNED = b'{"ok":true,"oauth":false}'
MAX_HEAD = 64 * 1024


def _answer(body: bytes) -> bytes:
    head = (
        "HTTP/1.1 200 OK\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Connection: keep-alive\r\n\r\n"
    )
    return head.encode("ascii") + body


ANSWERS = {True: _answer(SIGNED), False: _answer(UNSIGNED)}


def _signed(head: bytes) -> bool:
    lower = head.lower()
    return b"authorization: oauth " in lower or b"oauth_signature=" in lower


def _content_length(head: bytes) -> int:
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value.strip())
    return 0


class Handler(asyncio.Protocol):
    """Answers each complete request on one keep-alive connection."""

    def __init__(self) -> None:
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while self._one():
            pass
        if len(self.buffer) > MAX_HEAD and self.transport is not None:
            self.transport.close()

    def _one(self) -> bool:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return False
        head = self.buffer[:end]
        total = end + 4 + _content_length(head)
        if len(self.buffer) < total:
            return False
        self.buffer = self.buffer[total:]
        assert self.transport is not None
        self.transport.write(ANSWERS[_signed(head)])
        return True


async def serve(lifetime: float) -> None:
    loop = asyncio.get_running_loop()
    server = await loop.create_server(Handler, "127.0.0.1", 0, backlog=64)
    port = server.sockets[0].getsockname()[1]
    print(port, flush=True)
    done = loop.create_future()
    # Stop when the parent goes away (stdin closes) or time runs out.
    threading.Thread(
        target=_watch_stdin, args=(loop, done), daemon=True
    ).start()
    loop.call_later(lifetime, _finish, done)
    async with server:
        await done


def _finish(done: asyncio.Future[None]) -> None:
    if not done.done():
        done.set_result(None)


def _watch_stdin(
    loop: asyncio.AbstractEventLoop, done: asyncio.Future[None]
) -> None:
    sys.stdin.read()
    loop.call_soon_threadsafe(_finish, done)


# -- used by the parent process ----------------------------------------------


class Server:
    """A running server process and its base URL."""

    def __init__(self, proc: subprocess.Popen[str], port: int) -> None:
        self.proc = proc
        self.url = f"http://127.0.0.1:{port}/1.1/statuses/home_timeline.json"

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc: object) -> None:
        stop(self)


def start(lifetime: float = 900.0, wait: float = 15.0) -> Server:
    """Start the server process; return once it listens."""
    proc = subprocess.Popen(
        [sys.executable, str(Path(__file__)), "--lifetime", str(lifetime)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stdout = proc.stdout
    assert stdout is not None
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(stdout.readline()))
    reader.start()
    reader.join(wait)
    if not got or not got[0].strip().isdigit():
        proc.kill()
        proc.wait(5)
        raise RuntimeError("the benchmark server did not start")
    return Server(proc, int(got[0]))


def stop(server: Server) -> None:
    """Close its stdin (it exits), then make sure it has."""
    proc = server.proc
    if proc.stdin is not None:
        proc.stdin.close()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def clear_proxies() -> None:
    """Loopback must never go through a proxy taken from the environment."""
    for name in list(os.environ):
        if name.lower() in (
            "http_proxy",
            "https_proxy",
            "all_proxy",
            "no_proxy",
        ):
            del os.environ[name]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lifetime", type=float, default=900.0)
    asyncio.run(serve(parser.parse_args().lifetime))


if __name__ == "__main__":
    main()

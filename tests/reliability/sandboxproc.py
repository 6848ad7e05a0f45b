"""The sandbox in a process of its own, for the load tests.

With the sandbox in the test's own process, client and server threads
share one interpreter lock, and a throughput figure would measure that
contention more than either side.  :class:`SandboxProcess` starts a
``spawn`` child that runs a :class:`buzzoauth.sandbox.Sandbox`, does the
three-legged dance there (approval scripted through the real page), and
hands back the base URL, the consumer and the access token.  Later it
answers one question: the nonces the sandbox received on a path (its
own server-side record).  Every wait on the child has a timeout.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from typing import Any

WAIT = 60.0


def _serve(conn: Connection) -> None:
    from buzzoauth import BuzzOAuth
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox:
        client = BuzzOAuth(
            sandbox.consumer_key,
            sandbox.consumer_secret,
            provider=sandbox.provider,
        )
        client.fetch_request_token()
        client.set_verifier(sandbox.approve(client.authorize_url()))
        token = client.fetch_access_token()
        conn.send(
            {
                "base_url": sandbox.base_url,
                "consumer": (sandbox.consumer_key, sandbox.consumer_secret),
                "token": (token.key, token.secret),
            }
        )
        while conn.poll(600):
            command, path = conn.recv()
            if command != "nonces":
                break
            seen = sandbox.received.snapshot()
            sandbox.received.clear()
            conn.send([s.nonce for s in seen if s.path == path])


class SandboxProcess:
    """A sandbox with an access token, served by a child process."""

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child_end = context.Pipe()
        self._child = context.Process(
            target=_serve, args=(child_end,), daemon=True
        )
        self.info: dict[str, Any] = {}

    def start(self) -> SandboxProcess:
        self._child.start()
        self.info = self._receive()
        return self

    @property
    def base_url(self) -> str:
        return str(self.info["base_url"])

    def nonces(self, path: str) -> list[str | None]:
        """Nonces received on ``path`` since the last call."""
        self._conn.send(("nonces", path))
        return list(self._receive())

    def _receive(self) -> Any:
        if not self._conn.poll(WAIT):
            raise TimeoutError("the sandbox process did not answer")
        return self._conn.recv()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self._conn.send(("stop", ""))
        self._child.join(10)
        if self._child.is_alive():
            self._child.kill()
            self._child.join(10)

"""Load: many threads signing and sending at once against the sandbox.

Every request must be accepted (200), no nonce may repeat (the sandbox
records each one it receives, and refuses a replay), and no thread may
see an error.  Throughput is printed and recorded for
``docs/reliability.md``; it is measured, never asserted.

Every loop is bounded: a fixed number of requests, and a deadline
after which the threads stop (the test then fails on the count).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from buzzoauth import BuzzOAuth
from buzzoauth.credentials import Token

DEADLINE = 120.0
API = "/buzz/v1/people/@me/@self"


@dataclass
class Tally:
    statuses: Counter[int] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, status: int | None, error: str | None = None) -> None:
        with self.lock:
            if error is not None:
                self.errors.append(error)
            else:
                self.statuses[status or 0] += 1


@pytest.fixture(scope="module")
def provider_and_token() -> Any:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as sandbox:
        client = BuzzOAuth(
            sandbox.consumer_key,
            sandbox.consumer_secret,
            provider=sandbox.provider,
        )
        client.fetch_request_token()
        client.set_verifier(sandbox.approve(client.authorize_url()))
        yield sandbox, client.fetch_access_token()


def new_client(sandbox: Any, token: Token) -> BuzzOAuth:
    return BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        token=(token.key, token.secret),
        timeout=10,
    )


def hammer(
    clients: list[BuzzOAuth], url: str, per_thread: int
) -> tuple[Tally, float]:
    """Each client in its own thread sends ``per_thread`` GETs."""
    tally = Tally()
    deadline = time.monotonic() + DEADLINE
    start = threading.Barrier(len(clients) + 1)

    def work(client: BuzzOAuth) -> None:
        start.wait()
        for _ in range(per_thread):
            if time.monotonic() > deadline:
                tally.add(None, "deadline passed")
                return
            try:
                status, _ = client.request(url)
            except Exception as exc:  # every failure counts, whatever it is
                tally.add(None, f"{type(exc).__name__}: {exc}")
            else:
                tally.add(status)

    threads = [
        threading.Thread(target=work, args=(c,), daemon=True) for c in clients
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in threads:
        thread.join(DEADLINE + 10)
    return tally, time.perf_counter() - began


LOADS = [
    ("shared client", 16, 5000, True),
    ("client per thread", 16, 5000, False),
    ("shared client, library-issue figure", 8, 1600, True),
]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("name", "threads", "total", "shared"),
    LOADS,
    ids=[load[0] for load in LOADS],
)
def test_concurrent_signed_requests(
    provider_and_token: Any,
    figure: Callable[..., None],
    name: str,
    threads: int,
    total: int,
    shared: bool,
) -> None:
    sandbox, token = provider_and_token
    sandbox.received.clear()
    if shared:
        one = new_client(sandbox, token)
        clients = [one] * threads
    else:
        clients = [new_client(sandbox, token) for _ in range(threads)]

    tally, elapsed = hammer(clients, sandbox.base_url + API, total // threads)

    assert tally.errors == []
    assert dict(tally.statuses) == {200: total}
    nonces = [seen.nonce for seen in sandbox.received if seen.path == API]
    assert len(nonces) == total
    assert len(set(nonces)) == total
    rate = total / elapsed
    print(f"\n{name}: {total} requests, {threads} threads, {rate:.0f} req/s")
    figure(
        f"load: {threads} threads, {name}",
        tried=f"{total} signed GETs against the sandbox",
        cases=total,
        saw=(
            f"{tally.statuses[200]} x 200, 0 errors, "
            f"{len(set(nonces))} distinct nonces; {rate:.0f} req/s"
        ),
        throughput=round(rate),
        seconds=round(elapsed, 2),
    )

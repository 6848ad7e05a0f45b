"""Load: many threads signing and sending at once against the sandbox.

The sandbox runs in a process of its own (``sandboxproc.py``), so the
figures are not those of client and server sharing one interpreter
lock.  Every request must be accepted (200), no nonce may repeat (the
sandbox records each one it receives, and refuses a replay), and no
thread may see an error.  Throughput is printed and recorded for
``docs/reliability.md``; it is measured, never asserted.

Every loop is bounded: a fixed number of requests, and a deadline
after which the threads stop (the test then fails on the count).
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from sandboxproc import SandboxProcess

from buzzoauth import BuzzOAuth

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
def sandbox_process() -> Iterator[SandboxProcess]:
    child = SandboxProcess()
    try:
        yield child.start()
    finally:
        child.stop()


def new_client(sandbox: SandboxProcess) -> BuzzOAuth:
    key, secret = sandbox.info["consumer"]
    return BuzzOAuth(
        key, secret, token=tuple(sandbox.info["token"]), timeout=10
    )


def hammer(
    clients: list[BuzzOAuth], url: str, total: int
) -> tuple[Tally, float]:
    """Each client in its own thread sends its share of ``total`` GETs."""
    tally = Tally()
    deadline = time.monotonic() + DEADLINE
    start = threading.Barrier(len(clients) + 1)
    share, extra = divmod(total, len(clients))
    counts = [share + (i < extra) for i in range(len(clients))]

    def work(client: BuzzOAuth, count: int) -> None:
        start.wait()
        for _ in range(count):
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
        threading.Thread(target=work, args=(c, n), daemon=True)
        for c, n in zip(clients, counts, strict=True)
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
    sandbox_process: SandboxProcess,
    figure: Callable[..., None],
    name: str,
    threads: int,
    total: int,
    shared: bool,
) -> None:
    sandbox = sandbox_process
    sandbox.nonces(API)
    if shared:
        one = new_client(sandbox)
        clients = [one] * threads
    else:
        clients = [new_client(sandbox) for _ in range(threads)]

    tally, elapsed = hammer(clients, sandbox.base_url + API, total)

    assert tally.errors == []
    assert dict(tally.statuses) == {200: total}
    nonces = sandbox.nonces(API)
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

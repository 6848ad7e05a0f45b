"""End to end: signed GETs per second over keep-alive loopback.

``python bench/e2e.py [--quick]``.  A local server (:mod:`_server`, its
own process) answers a small fixed 200.  Each client keeps one
connection open and sends GETs; every round runs each client once for
the same number of requests, the order rotating, so drift on a shared
machine hits all alike.

Map: :data:`CLIENTS` builds one ``call()`` per client (buzzoauth's
``request``, requests-oauthlib and Authlib ``OAuth1Session.get``,
python-oauth2's ``Client.request`` for reference, unsigned
``httplib2.Http.request`` as the floor); :func:`check` sends one request
and makes sure the server saw what it should; :func:`run` times them;
:func:`render` prints requests per second, ratios and targets.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module

from _report import ratio, table, use_checkout, verdict
from _server import SIGNED, UNSIGNED, Server, clear_proxies, start
from _timing import Stats, alternate, clock, paired
from _workloads import CONSUMER_KEY, CONSUMER_SECRET, TOKEN_KEY, TOKEN_SECRET

TIMEOUT = 10.0
BUZZ = "buzzoauth"
FLOOR = "httplib2 (unsigned)"
Call = Callable[[], bytes]


class Unavailable(Exception):
    """This client cannot run here; ``str()`` says why."""


@dataclass(frozen=True)
class Settings:
    requests: int  # per client per round
    rounds: int


FULL = Settings(requests=2000, rounds=5)
QUICK = Settings(requests=200, rounds=2)


def _ok(status: int, body: bytes) -> bytes:
    if status != 200:
        raise RuntimeError(f"unexpected HTTP status {status}")
    return body


def buzzoauth_client(url: str) -> Call:
    try:
        from buzzoauth import BuzzOAuth
    except Exception as exc:  # a tree being written can fail in any way
        raise Unavailable(f"buzzoauth does not import: {exc}") from exc
    client = BuzzOAuth(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        token=(TOKEN_KEY, TOKEN_SECRET),
        timeout=TIMEOUT,
    )
    return lambda: _ok(*client.request(url))


def requests_oauthlib_client(url: str) -> Call:
    from requests_oauthlib import OAuth1Session  # type: ignore[import-untyped]

    session = OAuth1Session(
        CONSUMER_KEY,
        client_secret=CONSUMER_SECRET,
        resource_owner_key=TOKEN_KEY,
        resource_owner_secret=TOKEN_SECRET,
    )

    def call() -> bytes:
        answer = session.get(url, timeout=TIMEOUT)
        return _ok(answer.status_code, answer.content)

    return call


def authlib_client(url: str) -> Call:
    # Authlib ships no type information; import_module gives Any.
    OAuth1Session = import_module(
        "authlib.integrations.requests_client"
    ).OAuth1Session

    session = OAuth1Session(
        CONSUMER_KEY,
        CONSUMER_SECRET,
        token=TOKEN_KEY,
        token_secret=TOKEN_SECRET,
    )

    def call() -> bytes:
        answer = session.get(url, timeout=TIMEOUT)
        return _ok(answer.status_code, answer.content)

    return call


def oauth2_client(url: str) -> Call:
    import oauth2

    client = oauth2.Client(
        oauth2.Consumer(CONSUMER_KEY, CONSUMER_SECRET),
        oauth2.Token(TOKEN_KEY, TOKEN_SECRET),
        timeout=TIMEOUT,
    )

    def call() -> bytes:
        head, body = client.request(url)
        return _ok(head.status, body)

    return call


def httplib2_client(url: str) -> Call:
    import httplib2

    http = httplib2.Http(timeout=TIMEOUT)

    def call() -> bytes:
        head, body = http.request(url)
        return _ok(head.status, body)

    return call


CLIENTS: dict[str, Callable[[str], Call]] = {
    BUZZ: buzzoauth_client,
    "requests-oauthlib": requests_oauthlib_client,
    "authlib": authlib_client,
    "oauth2.Client": oauth2_client,
    FLOOR: httplib2_client,
}


@dataclass
class Outcome:
    settings: Settings
    stats: dict[str, Stats] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)

    def over(self, top: str, bottom: str) -> float | None:
        """``top / bottom``, paired round by round."""
        a, b = self.stats.get(top), self.stats.get(bottom)
        return None if a is None or b is None else paired(a, b)


def check(name: str, call: Call) -> None:
    """One request; the server must have seen OAuth exactly when it
    should."""
    want = UNSIGNED if name == FLOOR else SIGNED
    got = call()
    if got != want:
        raise RuntimeError(f"{name}: server answered {got!r}, wanted {want!r}")


def _rate(call: Call, count: int) -> float:
    start = clock()
    for _ in range(count):
        call()
    return count / (clock() - start)


def build(url: str, out: Outcome) -> dict[str, Call]:
    ready = {}
    for name, make in CLIENTS.items():
        try:
            ready[name] = make(url)
        except Unavailable as exc:
            out.skipped[name] = str(exc)
            continue
        check(name, ready[name])
    return ready


def run(settings: Settings, server: Server) -> Outcome:
    out = Outcome(settings)
    ready = build(server.url, out)
    count = settings.requests
    for call in ready.values():
        _rate(call, min(count, 200))  # warm the connection and caches
    measures = {n: (lambda c=c: _rate(c, count)) for n, c in ready.items()}
    out.stats = alternate(measures, settings.rounds)
    return out


def measure(settings: Settings) -> Outcome:
    clear_proxies()
    with start() as server:
        return run(settings, server)


# -- tables ----------------------------------------------------------------


def _cell(out: Outcome, name: str) -> str:
    found = out.stats.get(name)
    if found is None:
        return "n/a"
    return f"{found.median:,.0f} ±{found.spread * 100:.0f}%"


def rates_table(out: Outcome) -> str:
    rows = []
    for name in CLIENTS:
        cost = out.over(FLOOR, name)
        rows.append(
            [name, _cell(out, name), ratio(out.over(BUZZ, name)), ratio(cost)]
        )
    headers = ["client", "requests/s", "buzzoauth speed-up", "floor / client"]
    return table(headers, rows)


def targets(out: Outcome) -> list[tuple[str, float | None, bool | None]]:
    gain = out.over(BUZZ, "requests-oauthlib")
    cost = out.over(FLOOR, BUZZ)
    return [
        (
            "e2e buzzoauth / requests-oauthlib >= 1.5",
            gain,
            None if gain is None else gain >= 1.5,
        ),
        (
            "e2e httplib2 floor / buzzoauth <= 1.25",
            cost,
            None if cost is None else cost <= 1.25,
        ),
    ]


def render(out: Outcome) -> str:
    s = out.settings
    head = (
        f"{s.requests} keep-alive GETs per client per round, {s.rounds} "
        "rounds, clients rotating; median requests/s, ±: half the range. "
        "'buzzoauth speed-up' = buzzoauth rate / client rate; "
        "'floor / client' = unsigned httplib2 rate / client rate; "
        "ratios are medians of the per-round ratios."
    )
    rows = [[n, ratio(v), verdict(ok)] for n, v, ok in targets(out)]
    parts = [
        head,
        rates_table(out),
        table(["e2e target", "measured", "verdict"], rows),
    ]
    if out.skipped:
        parts.append(
            "Not measured:\n"
            + "\n".join(f"- {n}: {w}" for n, w in out.skipped.items())
        )
    return "\n\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="few requests (smoke test)"
    )
    args = parser.parse_args(argv)
    use_checkout()
    print(render(measure(QUICK if args.quick else FULL)))
    return 0


if __name__ == "__main__":
    sys.exit(main())

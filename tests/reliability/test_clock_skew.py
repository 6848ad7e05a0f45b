"""Clock skew: the client learns the provider's clock once, and keeps it.

Against the sandbox with its clock an hour ahead or behind, the whole
dance and later requests work, and only the first request is refused.
Then each signal the client understands is played by a small server
whose clock is off: ``oauth_acceptable_timestamps``, a ``Date`` header
with a bare ``timestamp_refused`` (in the body or in
``WWW-Authenticate``), and X's error code 135.  A provider that keeps
refusing gets exactly two requests.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from typing import Any

import pytest
from faultserver import Conn, FaultServer, Seen
from oauthcheck import Verifier

from buzzoauth import BuzzOAuth, Provider, ProviderError

Serve = Callable[..., FaultServer]
CONSUMER = ("skew-consumer", "skew-consumer-secret")
TOKEN = ("skew-token", "skew-token-secret")
WINDOW = 300


@pytest.mark.parametrize("offset", [3600.0, -3600.0])
def test_sandbox_dance_learns_the_clock_once(
    sandbox_factory: Callable[..., Any],
    figure: Callable[..., None],
    offset: float,
) -> None:
    sandbox = sandbox_factory(clock_offset=offset)
    received = sandbox.received
    client = BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        provider=sandbox.provider,
    )

    client.fetch_request_token()
    assert received.count("POST", "/oauth/request_token") == 2
    assert abs(client.clock_offset - offset) < 30

    client.set_verifier(sandbox.approve(client.authorize_url()))
    client.fetch_access_token()
    assert received.count("POST", "/oauth/access_token") == 1

    api = sandbox.base_url + "/buzz/v1/people/@me/@self"
    for expected in (1, 2):
        status, _ = client.request(api)
        assert status == 200
        assert received.count("GET", "/buzz/v1/people/@me/@self") == expected

    nonces = [seen.nonce for seen in received if seen.nonce]
    assert len(nonces) == len(set(nonces))
    figure(
        f"clock skew: sandbox clock {offset:+.0f} s",
        tried="request token, approve, access token, 2 signed GETs",
        cases=5,
        saw=(
            f"all succeeded; 1 refusal in all; offset learnt "
            f"{client.clock_offset:+.0f} s"
        ),
    )


# -- each signal, from a server whose clock is off --------------------


def http_date(when: float) -> str:
    return email.utils.formatdate(when, usegmt=True)


def refusal(signal: str, clock: float) -> tuple[bytes, dict[str, str]]:
    """The 401 a provider with this clock sends for a bad timestamp."""
    date = {"Date": http_date(clock)}
    if signal == "acceptable_timestamps":
        low, high = int(clock) - WINDOW, int(clock) + WINDOW
        body = (
            "oauth_problem=timestamp_refused"
            f"&oauth_acceptable_timestamps={low}-{high}"
        )
        return body.encode(), {}
    if signal == "Date, problem in body":
        return b"oauth_problem=timestamp_refused", date
    if signal == "Date, problem in WWW-Authenticate":
        challenge = 'OAuth realm="skew", oauth_problem="timestamp_refused"'
        return b"", {**date, "WWW-Authenticate": challenge}
    if signal == "X error 135":
        errors = {
            "errors": [{"code": 135, "message": "Timestamp out of bounds."}]
        }
        return json.dumps(errors).encode(), {
            **date,
            "Content-Type": "application/json",
        }
    raise AssertionError(signal)


SIGNALS = [
    "acceptable_timestamps",
    "Date, problem in body",
    "Date, problem in WWW-Authenticate",
    "X error 135",
]


def skewed_server(
    serve: Serve, signal: str, skew: float, *, always_refuse: bool = False
) -> tuple[FaultServer, Verifier]:
    holder: list[Verifier] = []

    def handle(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            conn.respond(*judge(seen))

    def judge(seen: Seen) -> tuple[int, bytes, dict[str, str]]:
        verdict = holder[0].check(seen)
        clock = time.time() + skew
        stamp = int(verdict.params.get("oauth_timestamp", "0"))
        if always_refuse or abs(stamp - clock) > WINDOW:
            return (401, *refusal(signal, clock))
        status = 200 if verdict.valid else 401
        return status, b"on time", {"Date": http_date(clock)}

    server = serve(handle)
    holder.append(Verifier(CONSUMER[1], TOKEN[1], port=server.port))
    return server, holder[0]


@pytest.mark.parametrize("skew", [7200.0, -7200.0])
@pytest.mark.parametrize("signal", SIGNALS)
def test_each_refusal_signal_is_learnt(
    serve: Serve, figure: Callable[..., None], signal: str, skew: float
) -> None:
    server, verifier = skewed_server(serve, signal, skew)
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    assert client.request(server.url + "/api") == (200, b"on time")
    assert len(verifier.verdicts) == 2
    assert abs(client.clock_offset - skew) < 30

    assert client.request(server.url + "/api") == (200, b"on time")
    assert len(verifier.verdicts) == 3
    assert all(v.valid for v in verifier.verdicts)
    assert len(set(verifier.nonces)) == 3
    figure(
        f"clock skew: {signal}",
        tried="2 signed GETs to a provider whose clock is 2 h off",
        cases=2,
        saw=(
            f"{skew:+.0f} s: 200, 200 in 3 requests, "
            f"offset learnt {client.clock_offset:+.0f} s"
        ),
    )


@pytest.mark.parametrize("signal", SIGNALS)
def test_a_second_refusal_is_not_retried(
    serve: Serve, figure: Callable[..., None], signal: str
) -> None:
    server, verifier = skewed_server(serve, signal, 0.0, always_refuse=True)
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    status, _ = client.request(server.url + "/api")

    assert status == 401
    assert len(verifier.verdicts) == 2
    figure(
        "clock skew: provider always refuses (1 signed GET per signal)",
        tried=signal,
        cases=1,
        saw="401 returned after exactly 2 requests",
    )


def test_token_step_refused_twice_raises_provider_error(serve: Serve) -> None:
    server, verifier = skewed_server(
        serve, "acceptable_timestamps", 0.0, always_refuse=True
    )
    provider = Provider(
        name="skewed",
        request_token_url=server.url + "/request_token",
        authorize_url=server.url + "/authorize",
        access_token_url=server.url + "/access_token",
    )
    client = BuzzOAuth(*CONSUMER, provider=provider)

    with pytest.raises(ProviderError) as caught:
        client.fetch_request_token()

    assert caught.value.problem == "timestamp_refused"
    assert len(verifier.verdicts) == 2


def test_fix_clock_skew_off_sends_once(serve: Serve) -> None:
    server, verifier = skewed_server(serve, "acceptable_timestamps", 7200.0)
    client = BuzzOAuth(*CONSUMER, token=TOKEN, fix_clock_skew=False)

    assert client.request(server.url + "/api")[0] == 401
    assert len(verifier.verdicts) == 1
    assert client.clock_offset == 0.0

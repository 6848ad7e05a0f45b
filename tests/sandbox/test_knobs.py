"""The fault knobs: clock offset, latency, 503s and dropped connections,
set at construction or while running."""

from __future__ import annotations

import email.utils
import http.client
import time

import pytest
from sandboxwire import Wire

from buzzoauth.sandbox import Sandbox


def test_clock_offset_moves_the_date_header_and_the_window(wire: Wire) -> None:
    offset = -7200
    wire.sandbox.set_knobs(clock_offset=offset)
    real_now = time.time()

    refused = wire.call("GET", "/echo")
    shifted = str(int(real_now) + offset)
    accepted = wire.call("GET", "/echo", timestamp=shifted)

    assert (refused.status, refused.problem) == (401, "timestamp_refused")
    low, high = map(
        int, refused.form["oauth_acceptable_timestamps"].split("-")
    )
    assert low <= int(shifted) <= high < real_now
    assert accepted.status == 200, accepted.text
    date = email.utils.parsedate_to_datetime(accepted.headers["date"])
    assert abs(date.timestamp() - (real_now + offset)) < 60


def test_clock_offset_from_the_constructor() -> None:
    with Sandbox(clock_offset=3600) as sb:
        reply = Wire(sb).call("GET", "/echo")
        assert reply.problem == "timestamp_refused"
        ahead = str(int(time.time()) + 3600)
        assert Wire(sb).call("GET", "/echo", timestamp=ahead).status == 200


def test_latency_delays_each_answer(wire: Wire) -> None:
    wire.sandbox.set_knobs(latency=0.3)
    started = time.monotonic()
    reply = wire.send("GET", "/")
    waited = time.monotonic() - started
    assert reply.status == 200
    assert waited >= 0.3  # a floor the knob promises, not a speed limit


def test_error_rate_one_answers_503_without_using_the_nonce(
    wire: Wire,
) -> None:
    url, headers, body = wire.sign("GET", "/echo")
    wire.sandbox.set_knobs(error_rate=1.0)

    failed = wire.send("GET", url, body, headers)

    assert failed.status == 503
    assert failed.headers["retry-after"] == "1"
    wire.sandbox.set_knobs(error_rate=0.0)
    assert wire.send("GET", url, body, headers).status == 200


def _statuses(seed: int, count: int) -> list[int]:
    with Sandbox(error_rate=0.5, seed=seed) as sb:
        wire = Wire(sb)
        return [wire.send("GET", "/").status for _ in range(count)]


def test_a_seed_makes_the_errors_repeatable() -> None:
    first = _statuses(seed=7, count=16)
    assert first == _statuses(seed=7, count=16)
    assert set(first) == {200, 503}


def test_drop_rate_one_closes_without_an_answer(wire: Wire) -> None:
    wire.sandbox.set_knobs(drop_rate=1.0)
    before = wire.sandbox.received.count(path="/dropped")

    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        wire.send("GET", "/dropped")

    assert wire.sandbox.received.count(path="/dropped") == before + 1
    wire.sandbox.set_knobs(drop_rate=0.0)
    assert wire.send("GET", "/").status == 200


@pytest.mark.parametrize(
    ("knob", "value", "error"),
    [
        ("error_rate", 1.5, ValueError),
        ("drop_rate", -0.1, ValueError),
        ("latency", -1.0, ValueError),
        ("clock_offset", float("nan"), ValueError),
        ("latency", "1", TypeError),
        ("error_rate", True, TypeError),
    ],
)
def test_bad_knob_values_are_refused(
    sandbox: Sandbox, knob: str, value: object, error: type[Exception]
) -> None:
    with pytest.raises(error, match=knob):
        sandbox.set_knobs(**{knob: value})  # type: ignore[arg-type]
    with pytest.raises(error, match=knob):
        Sandbox(**{knob: value})  # type: ignore[arg-type]


def test_none_leaves_a_knob_as_it_is(sandbox: Sandbox) -> None:
    sandbox.set_knobs(latency=0.25)
    sandbox.set_knobs(error_rate=None, latency=None)
    assert sandbox.knobs.latency == 0.25
    sandbox.set_knobs(latency=0)

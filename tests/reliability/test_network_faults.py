"""Network faults, one test each: what the caller of ``request()`` sees.

A raw-socket server on 127.0.0.1 plays each fault: silence, a reset or
a cut in the middle of an answer, a kept-alive connection closed under
the client, a dropped request, 500 and 503 answers.  Where a request is
sent again, the server checks every signature with oauthlib and records
every nonce.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest
from faultserver import Conn, FaultServer, answer, keep_answering
from oauthcheck import Verifier

from buzzoauth import BuzzOAuth, TransportError
from buzzoauth import client as client_module
from buzzoauth.transport import StaleConnection

Serve = Callable[..., FaultServer]
CONSUMER = ("fault-consumer", "fault-consumer-secret")
TOKEN = ("fault-token", "fault-token-secret")
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def make_client(**options: object) -> BuzzOAuth:
    return BuzzOAuth(*CONSUMER, token=TOKEN, **options)


def verifier_for(server: FaultServer) -> Verifier:
    return Verifier(CONSUMER[1], TOKEN[1], port=server.port)


def good_server(serve: Serve) -> FaultServer:
    return serve(keep_answering(lambda seen: (200, b"fine", {})))


# -- silence ----------------------------------------------------------


def test_silent_server_times_out_and_client_recovers(
    serve: Serve, figure: Callable[..., None]
) -> None:
    def never_answer(conn: Conn) -> None:
        conn.read_request()
        conn.server.stopping.wait(15)

    silent = serve(never_answer)
    good = good_server(serve)
    client = make_client(timeout=1)
    outcome: dict[str, object] = {}

    def call() -> None:
        started = time.monotonic()
        try:
            client.request(silent.url + "/slow")
        except TransportError as exc:
            outcome["error"] = exc
        outcome["elapsed"] = time.monotonic() - started

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(timeout=1 + 1)

    assert not worker.is_alive(), "request() hung past timeout + 1 s"
    assert isinstance(outcome.get("error"), TransportError)
    assert "timed out" in str(outcome["error"])
    assert client.request(good.url + "/after") == (200, b"fine")
    figure(
        "network: server accepts, never answers",
        tried="timeout=1, one request, then one to a good server",
        cases=1,
        saw=(
            f"TransportError after {outcome['elapsed']:.2f} s; "
            "next request 200"
        ),
    )


def test_late_answer_is_not_taken_for_the_next_request(
    serve: Serve,
) -> None:
    # The first answer comes after the client gave up; the next request
    # on the same origin must get its own answer, never the late one.
    def slow_then_fast(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            if seen.path == "/slow":
                conn.server.stopping.wait(1.5)
                conn.respond(200, b"late answer to /slow")
            else:
                conn.respond(200, b"answer to " + seen.path.encode())

    server = serve(slow_then_fast)
    client = make_client(timeout=1)

    with pytest.raises(TransportError):
        client.request(server.url + "/slow")
    assert client.request(server.url + "/next") == (200, b"answer to /next")


# -- answers cut short ------------------------------------------------


def reset_mid_body(conn: Conn) -> None:
    if conn.read_request() is not None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"x" * 20
        )
        conn.reset()


def short_body(conn: Conn) -> None:
    if conn.read_request() is not None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n" + b"y" * 100
        )


def chunked_cut(conn: Conn) -> None:
    if conn.read_request() is not None:
        conn.send(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            b"10\r\n0123456789abcdef\r\n40\r\nonly part"
        )


def reset_before_answer(conn: Conn) -> None:
    if conn.read_request() is not None:
        conn.reset()


CUTS = {
    "reset mid-body": reset_mid_body,
    "Content-Length 1000, 100 sent, close": short_body,
    "chunked body cut off": chunked_cut,
    "reset before any answer": reset_before_answer,
}


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("cut", list(CUTS))
def test_cut_answer_is_an_error_never_a_partial_body(
    serve: Serve, figure: Callable[..., None], cut: str, method: str
) -> None:
    broken = serve(CUTS[cut])
    client = make_client(timeout=5)

    with pytest.raises(TransportError) as caught:
        client.request(broken.url + "/cut", method, body=b"data")

    # A GET that got no answer at all is sent once more; nothing else is.
    resent = method == "GET" and cut == "reset before any answer"
    assert len(broken.seen(method)) == 1 + resent
    figure(
        f"network: {cut}",
        tried="GET and POST to a server that cuts its answer",
        cases=1,
        saw=f"{method}: {type(caught.value).__name__}",
        lost="no partial body returned",
    )


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_next_request_after_a_cut_answer_works(
    serve: Serve, method: str
) -> None:
    def first_cut_then_fine(conn: Conn) -> None:
        if conn.number == 1:
            short_body(conn)
            return
        keep_answering(lambda seen: (200, b"fine", {}))(conn)

    server = serve(first_cut_then_fine)
    client = make_client(timeout=5)

    with pytest.raises(TransportError):
        client.request(server.url + "/cut")
    assert client.request(server.url + "/next", method, body=b"x") == (
        200,
        b"fine",
    )
    assert len(server.seen(method)) == 1 + (method == "GET")


# -- stale connections ------------------------------------------------


def close_after_first_answer(
    verifier: list[Verifier], closed: threading.Event
) -> Callable[[Conn], None]:
    """Connection 1 answers one request and closes; later ones answer
    everything, each request checked by the verifier."""

    def handle(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            ok = verifier[0].check(seen).valid
            conn.respond(200 if ok else 401, b"fine" if ok else b"bad")
            if conn.number == 1:
                conn.close()
                closed.set()
                return

    return handle


def test_stale_keep_alive_get_is_resent_once_signed_afresh(
    serve: Serve, figure: Callable[..., None]
) -> None:
    holder: list[Verifier] = []
    closed = threading.Event()
    server = serve(close_after_first_answer(holder, closed))
    holder.append(verifier_for(server))
    client = make_client(timeout=5)

    assert client.request(server.url + "/one") == (200, b"fine")
    assert closed.wait(5)
    assert client.request(server.url + "/two?x=1") == (200, b"fine")

    verdicts = holder[0].verdicts
    assert [v.valid for v in verdicts] == [True, True]
    assert server.connections == 2
    figure(
        "network: kept-alive connection closed by server (GET)",
        tried="GET, server closes, GET again",
        cases=1,
        saw="200 after one resend on a new connection",
    )


def drop_every_request(conn: Conn) -> None:
    while conn.read_request() is not None:
        conn.close()
        return


def test_dropped_get_is_resent_once_with_new_nonce(
    serve: Serve, figure: Callable[..., None]
) -> None:
    # Connection 1 reads the request and closes without an answer;
    # connection 2 answers.  Both attempts reach the server.
    holder: list[Verifier] = []

    def drop_first(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            holder[0].check(seen)
            if conn.number == 1:
                return
            conn.respond(200, b"second try")

    server = serve(drop_first)
    holder.append(verifier_for(server))
    client = make_client(timeout=5)

    assert client.request(server.url + "/feed?q=a+b") == (200, b"second try")

    verdicts = holder[0].verdicts
    assert len(verdicts) == 2
    assert all(v.valid for v in verdicts)
    assert verdicts[0].nonce != verdicts[1].nonce
    assert verdicts[0].signature != verdicts[1].signature
    figure(
        "network: request read, connection closed unanswered (GET)",
        tried="GET; server drops the first attempt",
        cases=1,
        saw="200; 2 attempts, 2 nonces, both signatures valid",
    )


def test_get_dropped_every_time_is_sent_exactly_twice(serve: Serve) -> None:
    server = serve(drop_every_request)
    client = make_client(timeout=5)

    with pytest.raises(StaleConnection):
        client.request(server.url + "/gone")
    assert len(server.seen("GET")) == 2


@pytest.mark.parametrize("method", UNSAFE)
def test_dropped_unsafe_request_is_never_sent_twice(
    serve: Serve, figure: Callable[..., None], method: str
) -> None:
    server = serve(drop_every_request)
    client = make_client(timeout=5)

    with pytest.raises(StaleConnection):
        client.request(server.url + "/thing", method, body=b"payload")

    assert len(server.seen(method)) == 1
    assert server.connections == 1
    figure(
        "network: request read, connection closed unanswered "
        "(unsafe methods, with a body)",
        tried=method,
        cases=1,
        saw="StaleConnection; the server got it exactly once",
    )


@pytest.mark.parametrize("method", UNSAFE)
def test_unsafe_request_after_idle_close_goes_once_on_a_new_connection(
    serve: Serve, figure: Callable[..., None], method: str
) -> None:
    """The server closed the kept-alive connection while it sat idle:
    the client sees that before sending, so the request goes out once,
    on a new connection, and succeeds."""
    holder: list[Verifier] = []
    closed = threading.Event()
    server = serve(close_after_first_answer(holder, closed))
    holder.append(verifier_for(server))
    client = make_client(timeout=5)

    assert client.request(server.url + "/one") == (200, b"fine")
    assert closed.wait(5)
    time.sleep(0.05)  # let the server's FIN reach the client's socket
    assert client.request(server.url + "/two", method, body=b"payload") == (
        200,
        b"fine",
    )

    assert len(server.seen(method)) == 1
    assert server.connections == 2
    assert [v.valid for v in holder[0].verdicts] == [True, True]
    figure(
        "network: kept-alive connection closed by server (unsafe methods)",
        tried=method,
        cases=1,
        saw="200 on a new connection; the server got it exactly once",
    )


# -- 500 and 503 ------------------------------------------------------


def scripted(
    statuses: list[tuple[int, dict[str, str]]], verifier: list[Verifier]
) -> Callable[[Conn], None]:
    """Answers the n-th request with ``statuses[n]`` (the last one
    repeats), each request checked by the verifier."""
    lock = threading.Lock()
    count = [0]

    def handle(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            verifier[0].check(seen)
            with lock:
                index = min(count[0], len(statuses) - 1)
                count[0] += 1
            status, headers = statuses[index]
            body = b"busy" if status >= 500 else b"done"
            conn.respond(status, body, headers)

    return handle


def scripted_server(
    serve: Serve, statuses: list[tuple[int, dict[str, str]]]
) -> tuple[FaultServer, Verifier]:
    holder: list[Verifier] = []
    server = serve(scripted(statuses, holder))
    holder.append(verifier_for(server))
    return server, holder[0]


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_is_returned_as_is_by_default(
    serve: Serve, figure: Callable[..., None], status: int
) -> None:
    server, verifier = scripted_server(
        serve, [(status, {"Retry-After": "1"}), (200, {})]
    )
    client = make_client(timeout=5)

    assert client.request(server.url + "/api") == (status, b"busy")
    assert len(verifier.verdicts) == 1
    figure(
        "server error: 500 or 503, default (no retries)",
        tried=f"GET answered {status}",
        cases=1,
        saw="(status, body) returned; sent once",
    )


def test_503_retry_after_is_honoured_and_resigned(
    serve: Serve, figure: Callable[..., None]
) -> None:
    server, verifier = scripted_server(
        serve, [(503, {"Retry-After": "1"}), (200, {})]
    )
    client = make_client(timeout=5)

    assert client.request(server.url + "/api", retries=3) == (200, b"done")

    arrivals = [seen.arrived for seen in server.seen()]
    gap = arrivals[1] - arrivals[0]
    assert gap >= 1.0, "Retry-After: 1 was not waited for"
    assert [v.valid for v in verifier.verdicts] == [True, True]
    assert len(set(verifier.nonces)) == 2
    figure(
        "server error: 503 Retry-After: 1, retries=3 (GET)",
        tried="GET; 503 then 200",
        cases=1,
        saw=f"200 after one retry, waited {gap:.2f} s, new nonce",
    )


def test_retry_after_is_capped(
    serve: Serve, monkeypatch: pytest.MonkeyPatch
) -> None:
    cap = 0.2
    monkeypatch.setattr(client_module, "MAX_RETRY_WAIT", cap)
    server, _ = scripted_server(
        serve, [(503, {"Retry-After": "3600"}), (200, {})]
    )
    client = make_client(timeout=5)

    assert client.request(server.url + "/api", retries=1) == (200, b"done")

    arrivals = [seen.arrived for seen in server.seen()]
    # Far below the 3600 s asked for, and below the default cap of 30 s.
    assert cap <= arrivals[1] - arrivals[0] < cap + 5


def test_500_without_retry_after_is_retried_with_backoff(
    serve: Serve,
) -> None:
    server, verifier = scripted_server(serve, [(500, {}), (200, {})])
    client = make_client(timeout=5)

    assert client.request(server.url + "/api", retries=1) == (200, b"done")
    assert [v.valid for v in verifier.verdicts] == [True, True]
    assert len(set(verifier.nonces)) == 2


def test_retries_stop_after_the_last_one(serve: Serve) -> None:
    server, verifier = scripted_server(serve, [(503, {"Retry-After": "0"})])
    client = make_client(timeout=5)

    assert client.request(server.url + "/api", retries=3) == (503, b"busy")
    assert len(verifier.verdicts) == 4
    assert len(set(verifier.nonces)) == 4


@pytest.mark.parametrize("method", UNSAFE)
def test_unsafe_methods_are_not_retried_on_503(
    serve: Serve, method: str
) -> None:
    server, _ = scripted_server(
        serve, [(503, {"Retry-After": "0"}), (200, {})]
    )
    client = make_client(timeout=5)

    status, _ = client.request(
        server.url + "/api", method, body=b"once", retries=3
    )
    assert status == 503
    assert len(server.seen(method)) == 1


def test_answer_helper_sets_content_length() -> None:
    # The fault servers' own answers must be well-formed, or the tests
    # above would prove nothing.
    raw = answer(200, b"abc", {"X-A": "1"})
    assert raw.startswith(b"HTTP/1.1 200 OK\r\n")
    assert b"Content-Length: 3\r\n" in raw
    assert raw.endswith(b"\r\n\r\nabc")


@pytest.mark.parametrize(
    "retry_after",
    ["\u00b2", "Wed, 21 Oct 2015 07:28:00 GMT", "-1", "1.5", "", "9" * 400],
)
def test_odd_retry_after_values_do_not_break_retries(
    serve: Serve, monkeypatch: pytest.MonkeyPatch, retry_after: str
) -> None:
    monkeypatch.setattr(client_module, "MAX_RETRY_WAIT", 0.2)
    server, verifier = scripted_server(
        serve, [(503, {"Retry-After": retry_after}), (200, {})]
    )
    client = make_client(timeout=5)

    assert client.request(server.url + "/api", retries=1) == (200, b"done")
    assert len(verifier.verdicts) == 2

"""The loopback callback listener (buzzoauth/callback.py), in process.

Real HTTP over 127.0.0.1; every wait has a timeout.
"""

from __future__ import annotations

import logging
import socket
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from buzzoauth.callback import AuthorizationDenied, LoopbackCallback
from buzzoauth.errors import CallbackError

_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _get(url: str) -> tuple[int, str]:
    try:
        with _OPENER.open(url, timeout=5) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def listener() -> Iterator[LoopbackCallback]:
    with LoopbackCallback() as running:
        running.expect("request-token-1")
        yield running


def test_binds_127_0_0_1_only(listener: LoopbackCallback) -> None:
    host, port = listener.address
    assert host == "127.0.0.1"
    assert listener.url == f"http://127.0.0.1:{port}/callback"
    # 127.0.0.2 is loopback too: a listener on 0.0.0.0 would answer it.
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.2", port), timeout=2).close()


def test_a_good_redirect_gives_the_verifier(
    listener: LoopbackCallback,
) -> None:
    status, page = _get(
        listener.url + "?oauth_token=request-token-1&oauth_verifier=v-123456"
    )
    assert status == 200
    assert "You can close this tab" in page
    assert listener.wait(timeout=5) == "v-123456"


def test_wrong_token_is_refused_and_the_wait_goes_on(
    listener: LoopbackCallback,
) -> None:
    status, _ = _get(listener.url + "?oauth_token=other&oauth_verifier=v-1")
    assert status == 400
    status, _ = _get(
        listener.url + "?oauth_token=request-token-1&oauth_verifier=v-2"
    )
    assert status == 200
    assert listener.wait(timeout=5) == "v-2"


def test_missing_verifier_is_refused_and_told_at_timeout(
    listener: LoopbackCallback,
) -> None:
    status, _ = _get(listener.url + "?oauth_token=request-token-1")
    assert status == 400
    with pytest.raises(CallbackError, match="has no oauth_verifier"):
        listener.wait(timeout=0.3)


def test_denial_ends_the_wait(listener: LoopbackCallback) -> None:
    status, page = _get(listener.url + "?denied=request-token-1")
    assert status == 200
    assert "denied" in page
    with pytest.raises(AuthorizationDenied):
        listener.wait(timeout=5)


def test_a_denial_for_another_token_is_ignored(
    listener: LoopbackCallback,
) -> None:
    status, _ = _get(listener.url + "?denied=someone-else")
    assert status == 400
    with pytest.raises(CallbackError) as caught:
        listener.wait(timeout=0.3)
    assert not isinstance(caught.value, AuthorizationDenied)


def test_problem_reporting_refusal_is_a_denial(
    listener: LoopbackCallback,
) -> None:
    _get(
        listener.url
        + "?oauth_token=request-token-1&oauth_problem=user_refused"
    )
    with pytest.raises(AuthorizationDenied):
        listener.wait(timeout=5)


def test_a_second_request_after_success_is_refused(
    listener: LoopbackCallback,
) -> None:
    good = listener.url + "?oauth_token=request-token-1&oauth_verifier=v-1"
    assert _get(good)[0] == 200
    assert _get(good)[0] == 410
    assert (
        _get(listener.url + "?oauth_token=request-token-1&oauth_verifier=v-9")[
            0
        ]
        == 410
    )
    assert listener.wait(timeout=5) == "v-1"


def test_timeout_without_any_request() -> None:
    with LoopbackCallback() as running:
        running.expect("t")
        with pytest.raises(CallbackError, match=r"within 0\.2 s"):
            running.wait(timeout=0.2)


def test_closed_listener_refuses_connections() -> None:
    running = LoopbackCallback().start()
    port = running.address[1]
    running.close()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=2).close()


def test_other_paths_and_methods(listener: LoopbackCallback) -> None:
    assert _get(listener.url.replace("/callback", "/favicon.ico"))[0] == 404
    request = urllib.request.Request(listener.url, data=b"x", method="POST")
    with pytest.raises(urllib.error.HTTPError) as caught:
        _OPENER.open(request, timeout=5)
    assert caught.value.code == 405


def test_nothing_before_expect() -> None:
    with LoopbackCallback() as running:
        status, _ = _get(running.url + "?oauth_token=t&oauth_verifier=v")
        assert status == 400


def test_the_verifier_never_reaches_the_log(
    listener: LoopbackCallback, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="buzzoauth")
    _get(
        listener.url
        + "?oauth_token=request-token-1&oauth_verifier=secret-v-777"
    )
    assert listener.wait(timeout=5) == "secret-v-777"
    assert "GET /callback" in caplog.text
    assert "secret-v-777" not in caplog.text


def test_an_idle_connection_does_not_block_the_redirect(
    listener: LoopbackCallback,
) -> None:
    # Browsers open speculative connections that send nothing.
    idle = socket.create_connection(listener.address, timeout=5)
    try:
        result: list[str] = []
        worker = threading.Thread(
            target=lambda: result.append(listener.wait(timeout=5))
        )
        worker.start()
        _get(listener.url + "?oauth_token=request-token-1&oauth_verifier=v-5")
        worker.join(timeout=10)
        assert result == ["v-5"]
    finally:
        idle.close()

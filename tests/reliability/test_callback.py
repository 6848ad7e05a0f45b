"""The loopback callback listener (``buzzoauth.callback``) under abuse.

Browsers, and anything else on this machine, can send it requests.  A
wrong ``oauth_token``, a missing verifier and a request after success
are refused; it listens on 127.0.0.1 only; after the ``with`` block (a
good callback or a timeout) nothing listens any more.  One test runs
the real redirect from the sandbox's authorize page.
"""

from __future__ import annotations

import http.client
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

import pytest

from buzzoauth import BuzzOAuth
from buzzoauth.callback import LoopbackCallback
from buzzoauth.errors import CallbackError

TOKEN = "request-token-key-1"
VERIFIER = "verifier-5849"


def get(url_or_port: str | int, target: str = "/") -> int:
    """GET over plain http.client; the status."""
    if isinstance(url_or_port, str):
        parts = urlsplit(url_or_port)
        port = parts.port or 80
        target = parts.path + ("?" + parts.query if parts.query else "")
    else:
        port = url_or_port
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", target)
        return conn.getresponse().status
    finally:
        conn.close()


def callback_query(**params: str) -> str:
    return "/callback?" + urlencode(params)


BAD_REDIRECTS = {
    "wrong oauth_token": {
        "oauth_token": "someone-else",
        "oauth_verifier": "x",
    },
    "missing verifier": {"oauth_token": TOKEN},
    "empty verifier": {"oauth_token": TOKEN, "oauth_verifier": ""},
    "no parameters": {},
}


@pytest.mark.parametrize("case", list(BAD_REDIRECTS))
def test_bad_redirects_are_refused_and_the_wait_goes_on(
    figure: Callable[..., None], case: str
) -> None:
    with LoopbackCallback() as listener:
        listener.expect(TOKEN)
        port = listener.address[1]

        assert get(port, callback_query(**BAD_REDIRECTS[case])) == 400
        good = callback_query(oauth_token=TOKEN, oauth_verifier=VERIFIER)
        assert get(port, good) == 200
        assert listener.wait(timeout=5) == VERIFIER
    figure(
        "callback: bad redirect to the listener",
        tried=case,
        cases=1,
        saw="400; the wait went on and took the good one",
    )


def test_second_request_after_success_is_refused(
    figure: Callable[..., None],
) -> None:
    with LoopbackCallback() as listener:
        listener.expect(TOKEN)
        port = listener.address[1]
        good = callback_query(oauth_token=TOKEN, oauth_verifier=VERIFIER)
        assert get(port, good) == 200
        replay = callback_query(oauth_token=TOKEN, oauth_verifier="other")

        assert get(port, replay) == 410
        assert listener.wait(timeout=5) == VERIFIER
    figure(
        "callback: second redirect after success",
        tried="the good redirect, then another with a new verifier",
        cases=1,
        saw="410; the first verifier kept",
    )


def test_listens_on_127_0_0_1_only(figure: Callable[..., None]) -> None:
    with LoopbackCallback() as listener:
        host, port = listener.address
        assert host == "127.0.0.1"
        # 127.0.0.2 is this machine too; a socket bound to every
        # interface would answer there.
        with pytest.raises(ConnectionRefusedError):
            socket.create_connection(("127.0.0.2", port), timeout=5)
    figure(
        "callback: listening address",
        tried="connect to the port on 127.0.0.2",
        cases=1,
        saw="refused: bound to 127.0.0.1 only",
    )


def test_closed_after_a_good_callback() -> None:
    with LoopbackCallback() as listener:
        listener.expect(TOKEN)
        port = listener.address[1]
        get(port, callback_query(oauth_token=TOKEN, oauth_verifier=VERIFIER))
        assert listener.wait(timeout=5) == VERIFIER

    with pytest.raises(ConnectionRefusedError):
        get(port, "/callback")


def test_timeout_raises_and_then_closes(figure: Callable[..., None]) -> None:
    with LoopbackCallback() as listener:
        listener.expect(TOKEN)
        port = listener.address[1]
        get(port, callback_query(oauth_token="wrong", oauth_verifier="x"))

        with pytest.raises(CallbackError) as caught:
            listener.wait(timeout=0.5)

    assert "oauth_token" in str(caught.value)
    with pytest.raises(ConnectionRefusedError):
        get(port, "/callback")
    figure(
        "callback: no good redirect before the timeout",
        tried="one wrong redirect, wait(timeout=0.5)",
        cases=1,
        saw="CallbackError naming the last problem; port closed after",
    )


def test_real_redirect_from_the_sandbox(
    sandbox: Any, figure: Callable[..., None]
) -> None:
    with LoopbackCallback() as listener:
        client = BuzzOAuth(
            sandbox.consumer_key,
            sandbox.consumer_secret,
            provider=sandbox.provider,
            callback=listener.url,
        )
        token = client.fetch_request_token()
        listener.expect(token.key)
        location = sandbox.approve(client.authorize_url())
        # The browser's part: follow the provider's redirect.
        assert get(location) == 200

        verifier = listener.wait(timeout=5)
        client.set_verifier(verifier)
        access = client.fetch_access_token()

    assert access.key != token.key
    status, _ = client.request(sandbox.base_url + "/buzz/v1/people/@me/@self")
    assert status == 200
    figure(
        "callback: real redirect from the sandbox's authorize page",
        tried="dance with callback=listener.url",
        cases=1,
        saw="verifier caught; access token works",
    )

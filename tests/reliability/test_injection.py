"""Header injection: CR and LF never reach the wire raw.

A CR or LF in a header name or value, a realm, a method or a URL is
refused with ``ValueError`` before any connection is opened (the server
counts connections).  CR and LF inside parameter values (callback,
scope, token key, form fields) are percent-encoded wherever they are
placed: the ``Authorization`` header, the query or the body.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from faultserver import FaultServer, Seen, keep_answering

from buzzoauth import BuzzOAuth, Provider, TokenResponseError

Serve = Callable[..., FaultServer]
CONSUMER = ("inject-consumer", "inject-consumer-secret")
EVIL = "a\r\nX-Evil: 1"

BAD_CALLS: dict[str, Callable[[str], Any]] = {
    "CR LF in header value": lambda url: BuzzOAuth(*CONSUMER).request(
        url, headers={"X-Note": EVIL}
    ),
    "LF in header value": lambda url: BuzzOAuth(*CONSUMER).request(
        url, headers={"X-Note": "a\nb"}
    ),
    "CR in header value": lambda url: BuzzOAuth(*CONSUMER).request(
        url, headers={"X-Note": "a\rb"}
    ),
    "CR LF in header name": lambda url: BuzzOAuth(*CONSUMER).request(
        url, headers={"X-A\r\nX-Evil": "1"}
    ),
    "LF in header name": lambda url: BuzzOAuth(*CONSUMER).request(
        url, headers={"X-A\nB": "1"}
    ),
    "CR LF in realm": lambda url: BuzzOAuth(*CONSUMER, realm=EVIL).request(
        url
    ),
    "CR LF in method": lambda url: BuzzOAuth(*CONSUMER).request(
        url, "GET\r\nX-Evil: 1"
    ),
    "CR LF in URL path": lambda url: BuzzOAuth(*CONSUMER).request(
        url + "/a\r\nX-Evil: 1"
    ),
    "LF in URL query": lambda url: BuzzOAuth(*CONSUMER).request(
        url + "/a?q=\n"
    ),
    "CR LF in sign() header": lambda url: BuzzOAuth(*CONSUMER).sign(
        url, headers={"X-Note": EVIL}
    ),
}


@pytest.fixture
def server(serve: Serve) -> FaultServer:
    return serve(keep_answering(lambda seen: (200, b"ok", {})))


@pytest.mark.parametrize("case", list(BAD_CALLS))
def test_control_characters_refused_before_sending(
    server: FaultServer, figure: Callable[..., None], case: str
) -> None:
    with pytest.raises(ValueError):
        BAD_CALLS[case](server.url)

    assert server.connections == 0
    # The server was listening: a clean request does reach it.
    assert BuzzOAuth(*CONSUMER).request(server.url + "/clean")[0] == 200
    assert server.connections == 1
    figure(
        "header injection: CR or LF in a header, realm, method or URL",
        tried=case,
        cases=1,
        saw="ValueError; no connection opened",
    )


def no_raw_control(seen: Seen) -> None:
    assert "x-evil" not in seen.headers
    for name, value in seen.headers.items():
        assert "\r" not in name + value and "\n" not in name + value
    assert "\r" not in seen.target and "\n" not in seen.target


@pytest.mark.parametrize("placement", ["header", "query", "body"])
def test_control_characters_in_values_are_percent_encoded(
    server: FaultServer, figure: Callable[..., None], placement: str
) -> None:
    client = BuzzOAuth(
        *CONSUMER,
        token=("tok\r\nX-Evil: 1", "tok-secret"),
        placement=placement,
    )

    status, _ = client.request(
        server.url + "/post", "POST", body={"text": EVIL}
    )

    assert status == 200
    seen = server.seen("POST")[0]
    no_raw_control(seen)
    where = {
        "header": seen.header("authorization") or "",
        "query": seen.query,
        "body": seen.body.decode(),
    }[placement]
    assert "oauth_token=" in where or 'oauth_token="' in where
    assert "tok%0D%0AX-Evil%3A%201" in where
    assert b"text=a%0D%0AX-Evil%3A%201" in seen.body
    figure(
        "header injection: CR LF in token key and form field",
        tried=f"POST, placement={placement}",
        cases=1,
        saw="percent-encoded on the wire (%0D%0A); no extra header",
    )


def test_control_characters_in_callback_and_scope_are_encoded(
    server: FaultServer,
) -> None:
    provider = Provider(
        name="inject",
        request_token_url=server.url + "/request_token",
        authorize_url=server.url + "/authorize",
        access_token_url=server.url + "/access_token",
        scope_param="scope",
    )
    client = BuzzOAuth(
        *CONSUMER,
        provider=provider,
        callback="http://127.0.0.1/cb?next=" + EVIL,
        scope="read\r\nX-Evil: 1",
    )

    # The answer is not a token; what matters is what was sent.
    with pytest.raises(TokenResponseError):
        client.fetch_request_token()

    seen = server.seen("POST")[0]
    no_raw_control(seen)
    auth = seen.header("authorization") or ""
    assert "oauth_callback=" in auth and "%250D%250A" not in auth
    assert "%0D%0AX-Evil%3A%201" in auth
    assert "read%0D%0AX-Evil" in seen.query + seen.body.decode()

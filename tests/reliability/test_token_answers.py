"""Hostile and broken answers from a token endpoint.

A small server on 127.0.0.1 answers the request-token or access-token
step with something that is not a token.  The client must raise
:class:`TokenResponseError` or :class:`ProviderError`, keep the token
it held before, leak no secret from the answer into the message, and
be able to try again.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable

import pytest
from faultserver import Conn, FaultServer

from buzzoauth import (
    BuzzOAuth,
    Provider,
    ProviderError,
    TokenResponseError,
)

Serve = Callable[..., FaultServer]
Answer = tuple[int, bytes, dict[str, str]]

LEAK = "zq-hostile-secret-9931"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
GOOD_REQUEST_TOKEN = (
    b"oauth_token=rt-good-key&oauth_token_secret=rt-good-secret"
    b"&oauth_callback_confirmed=true"
)
GOOD_ACCESS_TOKEN = (
    b"oauth_token=at-good-key&oauth_token_secret=at-good-secret"
)


def garbage(size: int) -> bytes:
    return random.Random(1).randbytes(size)


HOSTILE: dict[str, Answer] = {
    "HTML page": (
        200,
        b"<!doctype html><html><body>Welcome! oauth_token_secret="
        + LEAK.encode()
        + b"</body></html>",
        {"Content-Type": "text/html"},
    ),
    "JSON": (
        200,
        b'{"oauth_token": "k", "oauth_token_secret": "'
        + LEAK.encode()
        + b'"}',
        {"Content-Type": "application/json"},
    ),
    "empty body": (200, b"", FORM),
    "10 MB of garbage": (200, garbage(10 * 1024 * 1024), FORM),
    "non-UTF-8 bytes": (
        200,
        b"oauth_token=\xff\xfe\xfd&oauth_token_secret=" + LEAK.encode(),
        FORM,
    ),
    "not form-encoded text": (200, b"hello there, client", FORM),
    "missing secret": (200, b"oauth_token=only-a-key", FORM),
    "empty secret": (200, b"oauth_token=k&oauth_token_secret=", FORM),
    "empty token": (
        200,
        b"oauth_token=&oauth_token_secret=" + LEAK.encode(),
        FORM,
    ),
    "duplicate oauth_token": (
        200,
        b"oauth_token=first&oauth_token=second&oauth_token_secret="
        + LEAK.encode(),
        FORM,
    ),
    "duplicate oauth_token_secret": (
        200,
        b"oauth_token=k&oauth_token_secret=a&oauth_token_secret="
        + LEAK.encode(),
        FORM,
    ),
    "oauth_token with CR/LF": (
        200,
        b"oauth_token=abc%0D%0AX-Injected%3A%201&oauth_token_secret="
        + LEAK.encode(),
        FORM,
    ),
    "oauth_token_secret with NUL": (
        200,
        b"oauth_token=abc&oauth_token_secret=a%00" + LEAK.encode(),
        FORM,
    ),
    "401 oauth_problem": (
        401,
        b"oauth_problem=signature_invalid&oauth_problem_advice=nope",
        {**FORM, "WWW-Authenticate": 'OAuth realm="x"'},
    ),
    "500 HTML error page": (
        500,
        b"<html>Internal error; oauth_token_secret="
        + LEAK.encode()
        + b"</html>",
        {"Content-Type": "text/html"},
    ),
    "302 to elsewhere": (302, b"", {"Location": "http://127.0.0.1:9/x"}),
}
REQUEST_STEP_ONLY: dict[str, Answer] = {
    "oauth_callback_confirmed=false": (
        200,
        b"oauth_token=k&oauth_token_secret="
        + LEAK.encode()
        + b"&oauth_callback_confirmed=false",
        FORM,
    ),
    "no oauth_callback_confirmed": (
        200,
        b"oauth_token=k&oauth_token_secret=" + LEAK.encode(),
        FORM,
    ),
}


def token_server(
    serve: Serve, request_answers: list[Answer], access_answers: list[Answer]
) -> FaultServer:
    """Answers each step from its list in turn (the last one repeats)."""
    lock = threading.Lock()
    served = {"request": 0, "access": 0}

    def pick(step: str, answers: list[Answer]) -> Answer:
        with lock:
            index = min(served[step], len(answers) - 1)
            served[step] += 1
        return answers[index]

    def handle(conn: Conn) -> None:
        while (seen := conn.read_request()) is not None:
            if seen.path.endswith("/request_token"):
                status, body, headers = pick("request", request_answers)
            else:
                status, body, headers = pick("access", access_answers)
            conn.respond(status, body, headers)

    return serve(handle)


def provider_for(server: FaultServer) -> Provider:
    return Provider(
        name="hostile",
        request_token_url=server.url + "/oauth/request_token",
        authorize_url=server.url + "/oauth/authorize",
        access_token_url=server.url + "/oauth/access_token",
    )


def assert_refused(exc: BaseException) -> None:
    assert isinstance(exc, (TokenResponseError, ProviderError))
    for text in (str(exc), repr(exc), repr(exc.args)):
        assert LEAK not in text
        assert "\r" not in text and "\n" not in text


@pytest.mark.parametrize("case", [*HOSTILE, *REQUEST_STEP_ONLY])
def test_request_step_refuses_and_keeps_previous_token(
    serve: Serve, figure: Callable[..., None], case: str
) -> None:
    hostile = {**HOSTILE, **REQUEST_STEP_ONLY}[case]
    server = token_server(serve, [hostile], [(200, GOOD_ACCESS_TOKEN, FORM)])
    client = BuzzOAuth(
        "hostile-consumer",
        "hostile-consumer-secret",
        provider=provider_for(server),
        token=("previous-key", "previous-secret"),
        timeout=10,
    )
    before = client.token

    with pytest.raises((TokenResponseError, ProviderError)) as caught:
        client.fetch_request_token()

    assert_refused(caught.value)
    assert client.token is before
    assert (client.token.key, client.token.secret) == (
        "previous-key",
        "previous-secret",
    )
    figure(
        f"token answer: {case}",
        tried="fetch_request_token() with a token set; fetch_access_token()",
        cases=1,
        saw=f"{type(caught.value).__name__} (request step)",
        lost="token kept; no secret in the message",
    )


@pytest.mark.parametrize("case", list(HOSTILE))
def test_access_step_refuses_keeps_request_token_and_can_retry(
    serve: Serve, figure: Callable[..., None], case: str
) -> None:
    server = token_server(
        serve,
        [(200, GOOD_REQUEST_TOKEN, FORM)],
        [HOSTILE[case], (200, GOOD_ACCESS_TOKEN, FORM)],
    )
    client = BuzzOAuth(
        "hostile-consumer",
        "hostile-consumer-secret",
        provider=provider_for(server),
        timeout=10,
    )
    request_token = client.fetch_request_token()
    client.set_verifier("verifier-1234")

    with pytest.raises((TokenResponseError, ProviderError)) as caught:
        client.fetch_access_token()

    assert_refused(caught.value)
    assert client.token is request_token
    access = client.fetch_access_token()
    assert (access.key, access.secret) == ("at-good-key", "at-good-secret")
    figure(
        f"token answer: {case}",
        tried="fetch_request_token() with a token set; fetch_access_token()",
        cases=1,
        saw=f"{type(caught.value).__name__} (access step; retry worked)",
        lost="token kept; no secret in the message",
    )

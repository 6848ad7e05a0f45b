"""Redirects: credentials never leave their origin.

A redirect to another host or port is returned to the caller, not
followed: the other server records that nothing reached it.  A redirect
from https down to http is not followed either.  A same-origin GET
redirect is followed, signed afresh for its new URL (checked by
oauthlib on the server), and a redirect loop ends.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from faultserver import Conn, FaultServer, Seen, keep_answering
from oauthcheck import Verifier
from tlscert import self_signed

from buzzoauth import BuzzOAuth

Serve = Callable[..., FaultServer]
CONSUMER = ("redirect-consumer", "redirect-consumer-secret")
TOKEN = ("redirect-token", "redirect-token-secret")


def redirecting(location: str, status: int = 302) -> Callable[[Conn], None]:
    return keep_answering(
        lambda seen: (status, b"moved", {"Location": location})
    )


def recorder(serve: Serve) -> FaultServer:
    return serve(keep_answering(lambda seen: (200, b"caught", {})))


@pytest.mark.parametrize("status", [301, 302, 303, 307, 308])
@pytest.mark.parametrize("where", ["other port", "other host name"])
def test_cross_origin_redirect_is_not_followed(
    serve: Serve, figure: Callable[..., None], status: int, where: str
) -> None:
    other = recorder(serve)
    host = "127.0.0.1" if where == "other port" else "localhost"
    target = f"http://{host}:{other.port}/steal"
    origin = serve(redirecting(target, status))
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    assert client.request(origin.url + "/start") == (status, b"moved")

    assert other.connections == 0
    assert len(origin.seen()) == 1
    figure(
        f"redirect: cross-origin, {where} (signed GET)",
        tried=str(status),
        cases=1,
        saw="(status, body) returned; the other server got nothing",
        lost="no Authorization sent elsewhere",
    )


def test_same_port_other_host_name_gets_no_authorization(
    serve: Serve,
) -> None:
    # localhost:PORT is another origin that reaches the same server: if
    # it were followed, the server would see a second request.
    holder: list[int] = []

    def handle(conn: Conn) -> None:
        while conn.read_request() is not None:
            location = f"http://localhost:{holder[0]}/again"
            conn.respond(302, b"moved", {"Location": location})

    origin = serve(handle)
    holder.append(origin.port)
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    assert client.request(origin.url + "/start")[0] == 302
    assert [seen.path for seen in origin.seen()] == ["/start"]


def test_https_to_http_redirect_is_not_followed(
    serve: Serve, tmp_path: Path, figure: Callable[..., None]
) -> None:
    plain = recorder(serve)
    context, cert = self_signed(tmp_path)
    secure = serve(
        redirecting(f"http://127.0.0.1:{plain.port}/down"), tls=context
    )
    client = BuzzOAuth(*CONSUMER, token=TOKEN, ca_certs=str(cert))

    assert client.request(secure.url + "/start") == (302, b"moved")

    assert plain.connections == 0
    figure(
        "redirect: https to http",
        tried="signed GET over TLS answered 302 to plain http",
        cases=1,
        saw="302 returned; the http server got nothing",
    )


def resigning_server(serve: Serve) -> tuple[FaultServer, Verifier]:
    holder: list[Verifier] = []

    def reply(seen: Seen) -> tuple[int, bytes, dict[str, str]]:
        valid = holder[0].check(seen).valid
        if not valid:
            return 401, b"bad signature", {}
        if seen.path == "/start":
            return 302, b"", {"Location": "/target?page=2&q=a+b"}
        if seen.path == "/loop":
            return 302, b"", {"Location": "/loop"}
        return 200, b"arrived", {}

    server = serve(keep_answering(reply))
    holder.append(Verifier(CONSUMER[1], TOKEN[1], port=server.port))
    return server, holder[0]


@pytest.mark.parametrize("placement", ["header", "query"])
@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_same_origin_redirect_is_followed_and_resigned(
    serve: Serve, figure: Callable[..., None], placement: str, method: str
) -> None:
    server, verifier = resigning_server(serve)
    client = BuzzOAuth(*CONSUMER, token=TOKEN, placement=placement)

    status, _ = client.request(server.url + "/start?from=1", method)

    assert status == 200
    assert [seen.path for seen in server.seen()] == ["/start", "/target"]
    assert [v.valid for v in verifier.verdicts] == [True, True]
    assert len(set(verifier.nonces)) == 2
    if placement == "query":
        # The old protocol parameters are not carried to the new URL.
        assert server.seen()[1].query.count("oauth_signature=") == 1
    figure(
        "redirect: same-origin GET and HEAD",
        tried=f"{method}, {placement} placement, answered 302",
        cases=1,
        saw="followed; re-signed for the new URL (oauthlib: valid)",
    )


def test_same_origin_post_redirect_is_returned(serve: Serve) -> None:
    server, _ = resigning_server(serve)
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    assert client.request(server.url + "/start", "POST", body=b"x")[0] == 302
    assert len(server.seen()) == 1


def test_redirect_loop_is_bounded(
    serve: Serve, figure: Callable[..., None]
) -> None:
    server, _ = resigning_server(serve)
    client = BuzzOAuth(*CONSUMER, token=TOKEN)

    assert client.request(server.url + "/loop")[0] == 302
    sent = len(server.seen())
    assert sent <= 10
    figure(
        "redirect: same-origin loop",
        tried="GET answered 302 to itself forever",
        cases=1,
        saw=f"302 returned after {sent} requests",
    )

"""No secret reaches a log line, a repr, an exception or the terminal.

The library test runs a whole dance against the sandbox, signed GET and
POST calls, a refused call and a failed token step, with every logger
at DEBUG and a handler on the root logger that keeps everything (no
redaction of its own).  The command-line test runs ``buzzoauth --debug
request`` in a subprocess against a server that records the
``Authorization`` headers.  Then every consumer secret, token secret,
verifier and signature used is searched for, raw and percent-encoded,
in all the text produced: there must be no hit.
"""

from __future__ import annotations

import io
import logging
import os
import re
import secrets
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import pytest
from faultserver import FaultServer, Seen, keep_answering

from buzzoauth import BuzzOAuth, ProviderError
from buzzoauth.errors import BuzzOAuthError
from buzzoauth.sandbox import DEMO_CONSUMER_SECRET
from buzzoauth.transport import Response

Serve = Callable[..., FaultServer]
#: The ``buzzoauth`` console script installed beside this interpreter.
CONSOLE_SCRIPT = Path(sys.executable).parent / "buzzoauth"


def forms_of(secret: str) -> set[str]:
    """The ways a secret may be spelt in text."""
    return {secret, quote(secret, safe=""), quote(quote(secret, safe=""))}


def hits(texts: Iterable[str], secrets_: Iterable[str]) -> list[str]:
    found = []
    for secret in secrets_:
        for form in forms_of(secret):
            for text in texts:
                at = text.find(form)
                if at >= 0:
                    around = text[max(0, at - 60) : at]
                    found.append(f"{secret[:4]}... after {around!r}")
    return found


def signatures_in(headers: Iterable[str]) -> set[str]:
    found = set()
    for header in headers:
        for part in header.split(","):
            name, _, value = part.strip().partition("=")
            if name == "oauth_signature":
                found.add(unquote(value.strip('"')))
    return found


@pytest.fixture
def everything_logged() -> Iterator[io.StringIO]:
    """The root logger at DEBUG, written as is into a string."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        logging.Formatter("%(name)s %(levelname)s %(message)s")
    )
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


class Recorder:
    """Passes every request on to the real transport; keeps the
    Authorization headers that went out."""

    def __init__(self, client: BuzzOAuth) -> None:
        self.headers: list[str] = []
        self._send = client.transport.send
        client.transport.send = self.send

    def send(
        self,
        method: str,
        url: str,
        body: bytes | None,
        headers: dict[str, str],
    ) -> Response:
        self.headers.append(headers.get("Authorization", ""))
        self.headers.append(url)
        return self._send(method, url, body, headers)


def test_library_dance_leaks_no_secret(
    sandbox_factory: Callable[..., Any],
    everything_logged: io.StringIO,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
    figure: Callable[..., None],
) -> None:
    caplog.set_level(logging.DEBUG)
    consumer_secret = "cs-" + secrets.token_urlsafe(24)
    sandbox = sandbox_factory(
        consumer_key="leak-test-consumer", consumer_secret=consumer_secret
    )
    client = BuzzOAuth(
        sandbox.consumer_key, consumer_secret, provider=sandbox.provider
    )
    recorder = Recorder(client)
    texts: list[str] = []

    request_token = client.fetch_request_token()
    verifier = sandbox.approve(client.authorize_url())
    client.set_verifier(verifier)
    access = client.fetch_access_token()
    api = sandbox.base_url + "/buzz/v1/activities/@me/@self"
    assert client.request(api)[0] == 200
    assert client.request(api, "POST", body={"content": "hello"})[0] == 201
    texts += [repr(client), str(client), repr(access), str(access)]
    texts += [repr(request_token), repr(client.consumer)]
    texts += [repr(client.sign(api)), repr(client.transport)]

    # A refused call: a token secret the provider does not know.
    wrong = BuzzOAuth(
        sandbox.consumer_key,
        consumer_secret,
        token=(access.key, "wrong-" + secrets.token_urlsafe(16)),
    )
    Recorder(wrong)
    status, body = wrong.request(api)
    assert status == 401
    texts.append(body.decode("utf-8", "replace"))

    # A failed token step: a verifier the provider never issued.
    bad_verifier = "bad-" + secrets.token_urlsafe(12)
    third = BuzzOAuth(
        sandbox.consumer_key, consumer_secret, provider=sandbox.provider
    )
    third_recorder = Recorder(third)
    third_token = third.fetch_request_token()
    with pytest.raises(ProviderError) as caught:
        third.fetch_access_token(bad_verifier)
    texts += [str(caught.value), repr(caught.value), repr(caught.value.args)]
    texts += [caught.value.body, repr(third)]

    out, err = capsys.readouterr()
    texts += [everything_logged.getvalue(), caplog.text, out, err]
    buzz_records = [
        r for r in caplog.records if r.name.startswith("buzzoauth")
    ]
    assert buzz_records, "nothing was logged: the test would prove nothing"
    sent = recorder.headers + third_recorder.headers
    signatures = signatures_in(sent)
    assert len(signatures) >= 6
    secret_values = {
        consumer_secret,
        request_token.secret,
        access.secret,
        verifier,
        third_token.secret,
        bad_verifier,
        *signatures,
    }

    found = hits(texts, secret_values)
    assert not found, "\n".join(found)
    figure(
        "secrets: library dance at DEBUG",
        tried=(
            "dance, GET, POST, a 401, a failed token step; root logger, "
            "caplog, reprs, exceptions, stdout/stderr searched"
        ),
        cases=len(secret_values),
        saw=(
            f"0 hits for {len(secret_values)} secrets "
            f"({len(signatures)} signatures) in "
            f"{sum(len(t) for t in texts)} characters"
        ),
        lost="nothing leaked",
    )


def test_exceptions_from_transport_leak_no_secret(
    serve: Serve, everything_logged: io.StringIO
) -> None:
    # The query placement puts the signature in the URL; a failure must
    # not repeat that URL in its message.
    def drop(conn: Any) -> None:
        conn.read_request()

    server = serve(drop)
    token_secret = "ts-" + secrets.token_urlsafe(16)
    client = BuzzOAuth(
        "leak-consumer",
        "cs-" + secrets.token_urlsafe(16),
        token=("leak-token", token_secret),
        placement="query",
        timeout=5,
    )
    recorder = Recorder(client)

    with pytest.raises(BuzzOAuthError) as caught:
        client.request(server.url + "/x?oauth_verifier=inline-verifier-1")

    texts = [
        str(caught.value),
        repr(caught.value),
        everything_logged.getvalue(),
    ]
    cause = caught.value.__cause__
    texts.append(str(cause))
    signatures = {
        unquote(part.split("=", 1)[1])
        for url in recorder.headers
        for part in url.partition("?")[2].split("&")
        if part.startswith("oauth_signature=")
    }
    assert signatures
    found = hits(texts, {token_secret, client.consumer.secret, *signatures})
    assert not found, "\n".join(found)


# -- the command line ---------------------------------------------------


def cli_server(serve: Serve) -> FaultServer:
    def reply(seen: Seen) -> tuple[int, bytes, dict[str, str]]:
        if seen.path == "/refuse":
            return (
                401,
                b"oauth_problem=signature_invalid",
                {"WWW-Authenticate": 'OAuth realm="cli"'},
            )
        return 200, b'{"ok": true}', {"Content-Type": "application/json"}

    return serve(keep_answering(reply))


def run_cli(
    args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CONSOLE_SCRIPT), "--debug", "request", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_cli_debug_leaks_no_secret(
    serve: Serve, tmp_path: Path, figure: Callable[..., None]
) -> None:
    server = cli_server(serve)
    consumer_secret = "cs-" + secrets.token_urlsafe(24)
    token_secret = "ts-" + secrets.token_urlsafe(24)
    env = {
        **{k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        "XDG_CONFIG_HOME": str(tmp_path),
        "HOME": str(tmp_path),
        "BUZZOAUTH_CONSUMER_KEY": "cli-consumer",
        "BUZZOAUTH_CONSUMER_SECRET": consumer_secret,
        "BUZZOAUTH_TOKEN": "cli-token",
        "BUZZOAUTH_TOKEN_SECRET": token_secret,
    }
    runs = [
        run_cli([server.url + "/api"], env),
        run_cli(["-X", "POST", "-d", "a=b", server.url + "/api"], env),
        run_cli(["-i", server.url + "/refuse"], env),
    ]

    assert [run.returncode for run in runs] == [0, 0, 4], [
        run.stderr[-300:] for run in runs
    ]
    assert all("DEBUG" in run.stderr for run in runs)
    texts = [run.stdout for run in runs] + [run.stderr for run in runs]
    sent = [seen.header("authorization") or "" for seen in server.seen()]
    signatures = signatures_in(sent)
    assert len(signatures) == 3
    secret_values = {consumer_secret, token_secret, *signatures}

    found = hits(texts, secret_values)
    assert not found, "\n".join(found)
    figure(
        "secrets: CLI --debug (request GET, POST, 401)",
        tried="3 subprocess runs; stdout and stderr searched",
        cases=len(secret_values),
        saw=f"0 hits for {len(secret_values)} secrets; exit codes 0, 0, 4",
        lost="nothing leaked",
    )


#: A secret parameter named in text, followed by anything but the mask.
UNMASKED = re.compile(
    r"(oauth_verifier|oauth_token_secret|oauth_signature|consumer_secret)"
    r"(=|%3D|%253D|\"?\s*[:=]\s*\"?)(?!\*\*\*\*|&|%26|\"|,|\s|$)"
)


def test_cli_demo_dance_at_debug_masks_every_secret(
    tmp_path: Path, figure: Callable[..., None]
) -> None:
    # The demo runs its own sandbox, so its secrets are not known here;
    # every place a secret parameter is named must show the mask.
    env = {
        **{k: v for k, v in os.environ.items() if "proxy" not in k.lower()},
        "XDG_CONFIG_HOME": str(tmp_path),
        "HOME": str(tmp_path),
    }
    run = subprocess.run(
        [str(CONSOLE_SCRIPT), "--debug", "demo"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )

    assert run.returncode == 0, run.stderr[-500:]
    text = run.stdout + run.stderr
    assert "oauth_verifier" in text and "DEBUG" in run.stderr
    unmasked = [m.group(0) for m in UNMASKED.finditer(text)]
    assert unmasked == []
    assert DEMO_CONSUMER_SECRET not in text
    figure(
        "secrets: CLI --debug demo (whole dance)",
        tried="buzzoauth --debug demo; every named secret checked",
        cases=text.count("****"),
        saw=f"{text.count('****')} masked values, 0 unmasked",
        lost="nothing leaked",
    )

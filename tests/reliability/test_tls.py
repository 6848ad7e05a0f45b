"""TLS to a server whose certificate no public CA signed.

The certificate is made in the test (``tlscert.py``) for the IP address
127.0.0.1.  By default the client refuses it; given the certificate as
its CA bundle (``ca_certs=``) it talks.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from faultserver import FaultServer, keep_answering
from tlscert import self_signed

from buzzoauth import BuzzOAuth, TransportError

Serve = Callable[..., FaultServer]


def tls_server(serve: Serve, folder: Path) -> tuple[FaultServer, Path]:
    context, cert = self_signed(folder)
    server = serve(
        keep_answering(lambda seen: (200, b"over tls", {})), tls=context
    )
    return server, cert


def test_self_signed_certificate_is_refused_by_default(
    serve: Serve, tmp_path: Path, figure: Callable[..., None]
) -> None:
    server, _ = tls_server(serve, tmp_path)
    client = BuzzOAuth("tls-consumer", "tls-secret", timeout=5)

    with pytest.raises(TransportError) as caught:
        client.request(server.url + "/secure")

    assert "TLS failed" in str(caught.value)
    assert server.seen() == []
    figure(
        "TLS: self-signed certificate, default CA bundle",
        tried="GET https://127.0.0.1 (cert made in the test)",
        cases=1,
        saw="TransportError (TLS failed); no request reached the server",
    )


def test_self_signed_certificate_works_with_ca_certs(
    serve: Serve, tmp_path: Path, figure: Callable[..., None]
) -> None:
    server, cert = tls_server(serve, tmp_path)
    client = BuzzOAuth(
        "tls-consumer", "tls-secret", timeout=5, ca_certs=str(cert)
    )

    assert client.request(server.url + "/secure") == (200, b"over tls")
    auth = server.seen()[0].header("authorization") or ""
    assert auth.startswith("OAuth ")
    figure(
        "TLS: self-signed certificate passed as ca_certs",
        tried="GET https://127.0.0.1 with ca_certs=cert.pem",
        cases=1,
        saw="200",
    )

"""A pytest plugin: a running sandbox provider for your own tests.

Installed with buzzoauth (a ``pytest11`` entry point), so the fixtures
are there in any project that has buzzoauth and pytest; the sandbox
needs the ``sandbox`` extra (``pip install "buzzoauth[sandbox]"``).

``buzzoauth_sandbox`` (session scope)
    a started :class:`buzzoauth.sandbox.Sandbox` on 127.0.0.1 and a
    free port, stopped when the session ends.  It is shared by every
    test: a test that turns a fault knob should turn it back, or start
    its own ``Sandbox()``.
``buzzoauth_client`` (function scope)
    a two-legged :class:`buzzoauth.BuzzOAuth` client of the sandbox's
    demo consumer, with no token: it signs with the consumer alone.

Example::

    def test_echo(buzzoauth_client, buzzoauth_sandbox):
        url = buzzoauth_sandbox.base_url + "/echo"
        status, body = buzzoauth_client.request(url)
        assert status == 200

    def test_dance(buzzoauth_client, buzzoauth_sandbox):
        buzzoauth_client.fetch_request_token()
        verifier = buzzoauth_sandbox.approve(buzzoauth_client.authorize_url())
        buzzoauth_client.set_verifier(verifier)
        buzzoauth_client.fetch_access_token()

Importing this module is cheap: the sandbox (and oauthlib) and the
client are imported inside the fixtures.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .client import BuzzOAuth
    from .sandbox.provider import Sandbox


@pytest.fixture(scope="session")
def buzzoauth_sandbox() -> Iterator[Sandbox]:
    """A started sandbox provider, shared by the test session."""
    from .sandbox import Sandbox

    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
def buzzoauth_client(buzzoauth_sandbox: Sandbox) -> BuzzOAuth:
    """A two-legged client of the sandbox's demo consumer."""
    from .client import BuzzOAuth

    return BuzzOAuth(
        buzzoauth_sandbox.consumer_key,
        buzzoauth_sandbox.consumer_secret,
        provider=buzzoauth_sandbox.provider,
    )

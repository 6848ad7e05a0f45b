""":class:`Sandbox`: a local OAuth 1.0a provider running in a thread.

::

    with Sandbox() as sb:                 # binds 127.0.0.1, a free port
        client = BuzzOAuth(sb.consumer_key, sb.consumer_secret,
                           provider=sb.provider)
        client.fetch_request_token()
        client.set_verifier(sb.approve(client.authorize_url()))
        client.fetch_access_token()

The parts, in the order a request meets them: :mod:`.server` (HTTP and
fault knobs), :mod:`.app` (routes), :mod:`.oauth` and :mod:`.api`
(endpoints), :mod:`.gate` (oauthlib's endpoints, with
:mod:`.checks` and :mod:`.validator`), :mod:`.store` (state).
"""

from __future__ import annotations

import secrets
import threading
from types import TracebackType
from typing import TYPE_CHECKING

from . import approve as approval
from . import defaults, rsa_check
from .app import App
from .knobs import Knobs
from .server import Received, SandboxHTTPServer
from .store import ConsumerRecord

if TYPE_CHECKING:
    from ..providers import Provider

# Addresses that mean "every interface"; the URL then names loopback.
_UNSPECIFIED = ("", "0.0.0.0", "::")  # noqa: S104


class Sandbox:
    """A real OAuth 1.0a provider on loopback, for tests and demos.

    It checks signatures (HMAC-SHA1/256/512, PLAINTEXT, RSA-SHA1/256),
    timestamps against its own clock, nonces, verifiers, token
    ownership and scopes, and serves a small Buzz-style API.  The
    keyword arguments are the fault knobs of :mod:`.knobs`;
    ``consumer_key`` and ``consumer_secret`` replace the demo consumer
    (:data:`~.defaults.DEMO_CONSUMER_KEY`).
    """

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        clock_offset: float = 0.0,
        latency: float = 0.0,
        error_rate: float = 0.0,
        drop_rate: float = 0.0,
        seed: int | None = None,
        consumer_key: str | None = None,
        consumer_secret: str | None = None,
    ) -> None:
        self.host = _check_host(host)
        self.port = _check_port(port)
        self.knobs = Knobs(
            clock_offset=clock_offset,
            latency=latency,
            error_rate=error_rate,
            drop_rate=drop_rate,
            seed=seed,
        )
        self.app = App(self.knobs)
        self.received = Received()
        self.consumer_key = consumer_key or defaults.DEMO_CONSUMER_KEY
        self.consumer_secret = consumer_secret or defaults.DEMO_CONSUMER_SECRET
        self.register_consumer(
            defaults.ANONYMOUS_KEY, defaults.ANONYMOUS_SECRET
        )
        self.register_consumer(
            self.consumer_key,
            self.consumer_secret,
            display_name=defaults.DEMO_DISPLAY_NAME,
        )
        self._server: SandboxHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # Running

    def start(self) -> Sandbox:
        """Bind the socket and serve in a background thread."""
        if self._server is not None:
            return self
        server = SandboxHTTPServer(
            (self.host, self.port), self.app, self.received
        )
        self.port = int(server.server_address[1])
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name=f"buzzoauth-sandbox-{self.port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close every connection; safe to call twice."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._server is not None

    @property
    def base_url(self) -> str:
        """``http://host:port`` once started."""
        if self._server is None and self.port == 0:
            raise RuntimeError("the sandbox has no port yet: call start()")
        host = "127.0.0.1" if self.host in _UNSPECIFIED else self.host
        if ":" in host:
            host = f"[{host}]"
        return f"http://{host}:{self.port}"

    @property
    def provider(self) -> Provider:
        """The ``sandbox`` preset, pointed at this sandbox."""
        from .. import providers

        return providers.get("sandbox").with_base_url(self.base_url)

    @property
    def google_provider(self) -> Provider:
        """The ``google_buzz`` preset, pointed at this sandbox."""
        from .. import providers

        return providers.get("google_buzz").with_base_url(self.base_url)

    # Configuring

    def register_consumer(
        self,
        key: str,
        secret: str | None = None,
        *,
        rsa_public_key: str | None = None,
        display_name: str | None = None,
    ) -> str | None:
        """Add (or replace) a consumer; returns its shared secret.

        With neither ``secret`` nor ``rsa_public_key`` a random secret
        is made.  An RSA consumer (PEM public key) may sign with
        RSA-SHA1 or RSA-SHA256; with a secret too, with HMAC as well.
        """
        _check_key(key)
        if secret is not None and not isinstance(secret, str):
            raise TypeError(f"secret must be str, not {type(secret).__name__}")
        if rsa_public_key is not None:
            rsa_check.load_public_key(rsa_public_key)
        elif secret is None:
            secret = secrets.token_urlsafe(24)
        record = ConsumerRecord(
            key=key,
            secret=secret,
            rsa_public_key=rsa_public_key,
            display_name=display_name or key,
        )
        self.app.store.add_consumer(record)
        return secret

    def set_knobs(
        self,
        *,
        clock_offset: float | None = None,
        latency: float | None = None,
        error_rate: float | None = None,
        drop_rate: float | None = None,
    ) -> None:
        """Change fault knobs while running; ``None`` keeps a value."""
        self.knobs.set(
            clock_offset=clock_offset,
            latency=latency,
            error_rate=error_rate,
            drop_rate=drop_rate,
        )

    # Playing the user

    def approve(self, authorize_url: str, *, allow: bool = True) -> str:
        """Allow (or deny) a request token through the real page.

        Returns the redirect ``Location`` (callback URL with
        ``oauth_token`` and ``oauth_verifier``, or ``denied=...``), or
        for ``oob`` the verifier shown (``denied=<token>`` on Deny).
        """
        return approval.approve(authorize_url, allow=allow)

    @staticmethod
    def verifier_from_page(html: str) -> str:
        """The verifier on an ``oob`` result page."""
        return approval.verifier_from_page(html)

    def __repr__(self) -> str:
        where = self.base_url if self.running else "not started"
        return f"Sandbox({where}, consumer_key={self.consumer_key!r})"


def _check_host(host: str) -> str:
    if not isinstance(host, str):
        raise TypeError(f"host must be str, not {type(host).__name__}")
    return host.strip("[]")


def _check_port(port: int) -> int:
    if isinstance(port, bool) or not isinstance(port, int):
        raise TypeError(f"port must be int, not {type(port).__name__}")
    if not 0 <= port <= 65535:
        raise ValueError(f"port must be 0-65535, not {port}")
    return port


def _check_key(key: str) -> None:
    if not isinstance(key, str):
        raise TypeError(f"consumer key must be str, not {type(key).__name__}")
    low, high = defaults.KEY_LENGTH
    if not low <= len(key) <= high or not set(key) <= defaults.SAFE_CHARACTERS:
        raise ValueError(
            f"consumer key must be {low}-{high} letters, digits, '-', '_' "
            f"or '.': {key!r}"
        )

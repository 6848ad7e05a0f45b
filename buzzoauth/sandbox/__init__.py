"""buzzoauth's offline OAuth 1.0a provider, for tests, demos and CI.

``from buzzoauth.sandbox import Sandbox`` gives the provider
(:mod:`.provider`); it is built on oauthlib's provider endpoints, so it
needs the ``sandbox`` extra (``pip install "buzzoauth[sandbox]"``), and
``cryptography`` for RSA consumers.  The demo consumer's credentials and
the other fixed values live in :mod:`.defaults`, which imports nothing.

Map of the package, outside in:

- :mod:`.provider` ``Sandbox``: start, stop, consumers, knobs, approve;
- :mod:`.server`: the threaded HTTP/1.1 server and the fault knobs;
- :mod:`.app`: routes; :mod:`.oauth` and :mod:`.api` their handlers;
- :mod:`.pages` and ``templates/``: the authorize page;
- :mod:`.approve`: a scripted user pressing Allow or Deny;
- :mod:`.gate`, :mod:`.checks`, :mod:`.validator`, :mod:`.rsa_check`:
  verification on oauthlib's endpoints;
- :mod:`.store`, :mod:`.buzz`, :mod:`.knobs`, :mod:`.problems`,
  :mod:`.exchange`: state and plain values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .defaults import (
    ANONYMOUS_KEY,
    ANONYMOUS_SECRET,
    BUZZ_READONLY_SCOPE,
    BUZZ_SCOPE,
    DEMO_CONSUMER_KEY,
    DEMO_CONSUMER_SECRET,
    DEMO_SCREEN_NAME,
    DEMO_USER_ID,
)

if TYPE_CHECKING:
    from .provider import Sandbox


def __getattr__(name: str) -> Any:
    # oauthlib is imported only when the sandbox itself is wanted.
    if name == "Sandbox":
        return _load_sandbox()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _load_sandbox() -> type[Sandbox]:
    try:
        import oauthlib  # noqa: F401
    except ImportError as exc:
        from ..errors import MissingDependencyError

        raise MissingDependencyError(
            'the sandbox needs oauthlib: pip install "buzzoauth[sandbox]"'
        ) from exc
    from .provider import Sandbox

    globals()["Sandbox"] = Sandbox
    return Sandbox


__all__ = [
    "ANONYMOUS_KEY",
    "ANONYMOUS_SECRET",
    "BUZZ_READONLY_SCOPE",
    "BUZZ_SCOPE",
    "DEMO_CONSUMER_KEY",
    "DEMO_CONSUMER_SECRET",
    "DEMO_SCREEN_NAME",
    "DEMO_USER_ID",
    "Sandbox",
]

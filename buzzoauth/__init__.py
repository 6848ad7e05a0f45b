"""buzzoauth: an RFC 5849-exact OAuth 1.0a client.

The three steps of the dance and every signed call go through
:class:`BuzzOAuth`::

    client = BuzzOAuth(key, secret, provider="twitter")
    client.fetch_request_token()          # step 1, RFC 5849 §2.1
    print(client.authorize_url())         # step 2, §2.2: the user approves
    client.set_verifier(input("PIN: "))
    client.fetch_access_token()           # step 3, §2.3
    client.save_token("token.tok")
    status, body = client.request("https://api.x.com/2/users/me")

The modules, each with one job: :mod:`~buzzoauth.signing` (base strings
and signatures), :mod:`~buzzoauth.credentials` (consumer and tokens),
:mod:`~buzzoauth.transport` (httplib2, timeouts, redirects),
:mod:`~buzzoauth.responses` (token answers and problem reports),
:mod:`~buzzoauth.tokens` (token files), :mod:`~buzzoauth.providers`
(presets), :mod:`~buzzoauth.errors`, :mod:`~buzzoauth.client`,
:mod:`~buzzoauth.cli` and :mod:`~buzzoauth.sandbox`.

The names below are loaded on first use, so that ``import buzzoauth``
(and the command line's ``--help``) does not pay for python-oauth2 and
httplib2 until a client is made.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._version import __version__

if TYPE_CHECKING:
    from . import providers
    from .client import BuzzOAuth, Signed
    from .credentials import Consumer, Token
    from .errors import (
        BuzzOAuthError,
        FlowError,
        ProviderError,
        TokenFileError,
        TokenResponseError,
        TransportError,
    )
    from .providers import Provider
    from .tokens import load_token, save_token

_WHERE = {
    "BuzzOAuth": "client",
    "Signed": "client",
    "Consumer": "credentials",
    "Token": "credentials",
    "BuzzOAuthError": "errors",
    "FlowError": "errors",
    "ProviderError": "errors",
    "TokenFileError": "errors",
    "TokenResponseError": "errors",
    "TransportError": "errors",
    "Provider": "providers",
    "load_token": "tokens",
    "save_token": "tokens",
}

__all__ = [
    "BuzzOAuth",
    "BuzzOAuthError",
    "Consumer",
    "FlowError",
    "Provider",
    "ProviderError",
    "Signed",
    "Token",
    "TokenFileError",
    "TokenResponseError",
    "TransportError",
    "__version__",
    "load_token",
    "providers",
    "save_token",
]


def __getattr__(name: str) -> Any:
    # PEP 562: import the submodule that holds ``name`` on first use.
    if name == "providers":
        return importlib.import_module(".providers", __name__)
    try:
        module = importlib.import_module(f".{_WHERE[name]}", __name__)
    except KeyError:
        raise AttributeError(
            f"module {__name__!r} has no attribute {name!r}"
        ) from None
    value = getattr(module, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

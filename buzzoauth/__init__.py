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
:mod:`~buzzoauth.tokens` (token files), :mod:`~buzzoauth.providers`
(presets), :mod:`~buzzoauth.errors`, :mod:`~buzzoauth.client`,
:mod:`~buzzoauth.cli` and :mod:`~buzzoauth.sandbox`.
"""

from . import providers
from ._version import __version__
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

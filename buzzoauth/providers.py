"""Who speaks OAuth 1.0a, and how: endpoint presets for known providers.

A :class:`Provider` records the three endpoints of the dance (RFC 5849
§2.1, §2.2, §2.3) and each provider's quirks: the HTTP method of its
token endpoints, extra parameters, its signature method, where its
documentation lives and whether it still runs.

``providers.get(name)`` returns a preset and ``providers.names()`` lists
them.  Template presets (``jira``, ``netsuite``, ``magento``) hold
``{base_url}`` placeholders that :meth:`Provider.with_base_url` fills in;
the same call points any other preset at another host, such as a local
sandbox.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from urllib.parse import urlsplit, urlunsplit

LIVE = "live"
RETIRED = "retired"
TEMPLATE = "template"

_EMPTY: Mapping[str, str] = MappingProxyType({})


@dataclass(frozen=True)
class Provider:
    """The endpoints and habits of one OAuth 1.0a service provider."""

    name: str
    request_token_url: str
    authorize_url: str
    access_token_url: str
    #: Google's OAuth 1.0 answered the authorize URL with a 302 to the
    #: real approval page; when set, step 2 follows that one hop itself.
    resolve_authorize_redirect: bool = False
    request_token_method: str = "POST"
    access_token_method: str = "POST"
    signature_method: str = "HMAC-SHA1"
    placement: str = "header"
    #: Name of the request-token parameter that carries the scope, if the
    #: provider has one (Google: ``scope``).
    scope_param: str | None = None
    #: Name of the request-token parameter for the application's display
    #: name (Google: ``xoauth_displayname``).
    display_name_param: str | None = None
    #: Extra parameters sent with step 1 and added to the authorize URL.
    request_token_params: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    authorize_params: Mapping[str, str] = field(default_factory=lambda: _EMPTY)
    #: Scopes the provider is known to offer, for help texts.
    scopes: tuple[str, ...] = ()
    #: Where to revoke an access token, when the provider has such an
    #: endpoint.
    revoke_url: str | None = None
    #: A protected resource that is cheap to read, to check a token.
    api_base_url: str | None = None
    realm: str | None = None
    status: str = LIVE
    docs_url: str = ""
    notes: str = ""

    @property
    def is_template(self) -> bool:
        """True while some URL still holds a ``{base_url}`` placeholder."""
        return any("{base_url}" in url for url in self._urls().values())

    def _urls(self) -> dict[str, str]:
        urls = {
            "request_token_url": self.request_token_url,
            "authorize_url": self.authorize_url,
            "access_token_url": self.access_token_url,
        }
        for name in ("revoke_url", "api_base_url"):
            value = getattr(self, name)
            if value:
                urls[name] = value
        return urls

    def with_base_url(self, base_url: str) -> Provider:
        """This provider at another address.

        A template's ``{base_url}`` placeholders are filled in; any other
        preset keeps its paths and has its scheme and host replaced, which
        points it at a mirror or a local sandbox.
        """
        base_url = base_url.rstrip("/")
        scheme, netloc, path, _, _ = urlsplit(base_url)
        if not scheme or not netloc:
            raise ValueError(f"base URL needs a scheme and a host: {base_url!r}")
        urls = {
            name: _rebase(url, base_url, scheme, netloc, path)
            for name, url in self._urls().items()
        }
        status = LIVE if self.status == TEMPLATE else self.status
        return dataclasses.replace(self, status=status, **urls)

    def replace(self, **changes: object) -> Provider:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _rebase(url: str, base_url: str, scheme: str, netloc: str, path: str) -> str:
    if "{base_url}" in url:
        return url.replace("{base_url}", base_url)
    parts = urlsplit(url)
    return urlunsplit((scheme, netloc, path + parts.path, parts.query, ""))


_PRESETS: dict[str, Provider] = {}


def register(provider: Provider) -> Provider:
    """Add a preset (or replace one with the same name)."""
    _PRESETS[provider.name] = provider
    return provider


def get(name: str) -> Provider:
    """The preset called ``name``; ``KeyError`` lists the known ones."""
    try:
        return _PRESETS[name]
    except KeyError:
        known = ", ".join(names())
        raise KeyError(f"no provider preset {name!r}; known: {known}") from None


def names() -> list[str]:
    """The names of every preset, sorted."""
    return sorted(_PRESETS)


def resolve(provider: Provider | str | None) -> Provider | None:
    """A :class:`Provider` from a preset name, a Provider, or ``None``."""
    if provider is None or isinstance(provider, Provider):
        return provider
    return get(provider)


BUZZ_SCOPE = "https://www.googleapis.com/auth/buzz"
BUZZ_READONLY_SCOPE = "https://www.googleapis.com/auth/buzz.readonly"

register(
    Provider(
        name="google_buzz",
        request_token_url="https://www.google.com/accounts/OAuthGetRequestToken",
        authorize_url=(
            "https://www.google.com/buzz/api/auth/OAuthAuthorizeToken"
        ),
        resolve_authorize_redirect=True,
        access_token_url="https://www.google.com/accounts/OAuthGetAccessToken",
        scope_param="scope",
        display_name_param="xoauth_displayname",
        scopes=(BUZZ_SCOPE, BUZZ_READONLY_SCOPE),
        api_base_url="https://www.googleapis.com/buzz/v1/",
        status=RETIRED,
        docs_url="https://developers.google.com/identity/protocols/OAuth_ref",
        notes="Google's OAuth 1.0 and the Buzz API, the seed of this "
        "project; retired (Buzz in 2011, OAuth 1.0 in 2015).",
    )
)

#: The local provider in :mod:`buzzoauth.sandbox`.  Its host is filled in
#: with :meth:`Provider.with_base_url` once the sandbox has a port.
register(
    Provider(
        name="sandbox",
        request_token_url="{base_url}/oauth/request_token",
        authorize_url="{base_url}/oauth/authorize",
        access_token_url="{base_url}/oauth/access_token",
        scope_param="scope",
        display_name_param="xoauth_displayname",
        scopes=(BUZZ_SCOPE, BUZZ_READONLY_SCOPE),
        revoke_url="{base_url}/oauth/revoke",
        api_base_url="{base_url}/buzz/v1/",
        status=TEMPLATE,
        docs_url="",
        notes="buzzoauth's own offline provider: buzzoauth sandbox",
    )
)

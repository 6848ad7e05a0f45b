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
    request_token_params: Mapping[str, str] = field(
        default_factory=lambda: _EMPTY
    )
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
    #: Every signature method the provider accepts, when it takes more
    #: than ``signature_method`` (Discogs: HMAC-SHA1 and PLAINTEXT).
    signature_methods: tuple[str, ...] = ()
    #: The authorize URL's parameter for the request token; E*TRADE
    #: calls it ``token``.
    authorize_token_param: str = "oauth_token"
    #: When set, the authorize URL also carries the consumer key under
    #: this name (E*TRADE: ``key``).
    authorize_consumer_key_param: str | None = None

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
            raise ValueError(
                f"base URL needs a scheme and a host: {base_url!r}"
            )
        # A template moves only its placeholders; other presets move
        # wholesale to the new host.
        template = self.is_template
        urls = {
            name: _rebase(url, base_url, scheme, netloc, path)
            for name, url in self._urls().items()
            if not template or "{base_url}" in url
        }
        status = LIVE if self.status == TEMPLATE else self.status
        return dataclasses.replace(self, status=status, **urls)  # type: ignore[arg-type]

    def replace(self, **changes: object) -> Provider:
        """A copy with some fields changed."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


def _rebase(
    url: str, base_url: str, scheme: str, netloc: str, path: str
) -> str:
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
        raise KeyError(
            f"no provider preset {name!r}; known: {known}"
        ) from None


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


# -- Presets for live, retired and self-hosted providers --------------------
# Facts from each provider's own documentation (docs_url); the table in
# docs/providers.md lists them.  Sunsets announced but not yet reached
# are in the notes, the status stays live until the day comes.


def _params(**values: str) -> Mapping[str, str]:
    return MappingProxyType(dict(values))


register(
    Provider(
        name="twitter",
        request_token_url="https://api.x.com/oauth/request_token",
        authorize_url="https://api.x.com/oauth/authorize",
        access_token_url="https://api.x.com/oauth/access_token",
        revoke_url="https://api.x.com/1.1/oauth/invalidate_token",
        api_base_url="https://api.x.com/",
        docs_url="https://docs.x.com/fundamentals/authentication/api-reference",
        notes="X, formerly Twitter; older code uses api.twitter.com. "
        "HMAC-SHA1 only. oauth_callback is always sent and must be "
        "registered in the app settings; 'oob' shows a PIN to type in. "
        "The optional request-token parameter x_auth_access_type=read "
        "or write asks for less access. /oauth/authenticate instead of "
        "/oauth/authorize skips the prompt (Sign in with X). Tokens do "
        "not expire. X has announced OAuth 1.0a's retirement, no date.",
    )
)

register(
    Provider(
        name="flickr",
        request_token_url="https://www.flickr.com/services/oauth/request_token",
        authorize_url="https://www.flickr.com/services/oauth/authorize",
        access_token_url="https://www.flickr.com/services/oauth/access_token",
        authorize_params=_params(perms="read"),
        scopes=("read", "write", "delete"),
        docs_url="https://www.flickr.com/services/api/auth.oauth.html",
        notes="HMAC-SHA1 only, HTTPS only. The authorize URL takes "
        "perms=read, write or delete (read here; pass perms= to "
        "authorize_url for more). An oob verifier looks like "
        "123-456-789. The access token comes with fullname, user_nsid "
        "and username, and does not expire.",
    )
)

register(
    Provider(
        name="trello",
        request_token_url="https://trello.com/1/OAuthGetRequestToken",
        authorize_url="https://trello.com/1/OAuthAuthorizeToken",
        access_token_url="https://trello.com/1/OAuthGetAccessToken",
        authorize_params=_params(
            name="buzzoauth", scope="read", expiration="30days"
        ),
        scopes=("read", "write", "account"),
        docs_url="https://developer.atlassian.com/cloud/trello/guides/"
        "rest-api/authorization/",
        notes="The authorize URL takes name (the application name the "
        "user sees), scope (a comma list of read, write, account) and "
        "expiration (1hour, 1day, 30days or never); pass them to "
        "authorize_url. The e-mail address needs the account scope. An "
        "API key belongs to a Power-Up.",
    )
)

register(
    Provider(
        name="tumblr",
        request_token_url="https://www.tumblr.com/oauth/request_token",
        authorize_url="https://www.tumblr.com/oauth/authorize",
        access_token_url="https://www.tumblr.com/oauth/access_token",
        access_token_method="GET",
        placement="header",
        api_base_url="https://api.tumblr.com/v2/",
        docs_url="https://www.tumblr.com/docs/en/api/v2#oauth1-authorization",
        notes="HMAC-SHA1 in the Authorization header only; the access "
        "token endpoint is a GET. Every request needs a User-Agent that "
        "never changes. The authorize URL takes an optional source. "
        "OAuth 2 is offered too, with an exchange of OAuth 1 tokens.",
    )
)

register(
    Provider(
        name="discogs",
        request_token_url="https://api.discogs.com/oauth/request_token",
        authorize_url="https://www.discogs.com/oauth/authorize",
        access_token_url="https://api.discogs.com/oauth/access_token",
        request_token_method="GET",
        signature_methods=("HMAC-SHA1", "PLAINTEXT"),
        api_base_url="https://api.discogs.com/",
        docs_url="https://www.discogs.com/developers#page:authentication",
        notes="The request token is fetched with GET. Discogs' own "
        "example signs with PLAINTEXT; HMAC-SHA1 works as well and is "
        "the default here. Every request needs a User-Agent unique to "
        "the application. Who the token belongs to: "
        "https://api.discogs.com/oauth/identity. 60 signed requests a "
        "minute.",
    )
)

register(
    Provider(
        name="smugmug",
        request_token_url="https://api.smugmug.com/services/oauth/1.0a/"
        "getRequestToken",
        authorize_url="https://api.smugmug.com/services/oauth/1.0a/authorize",
        access_token_url="https://api.smugmug.com/services/oauth/1.0a/"
        "getAccessToken",
        authorize_params=MappingProxyType(
            {"Access": "Public", "Permissions": "Read"}
        ),
        api_base_url="https://api.smugmug.com/api/v2/",
        docs_url="https://api.smugmug.com/api/v2/doc/tutorial/"
        "authorization.html",
        notes="The authorize URL takes Access=Public or Full and "
        "Permissions=Read, Add or Modify; uploads and deletes need Full "
        "and Modify. SmugMug's own demo uses the same paths on "
        "secure.smugmug.com. An oob verifier has 6 digits; tokens are "
        "long-lived.",
    )
)

register(
    Provider(
        name="garmin",
        request_token_url="https://connectapi.garmin.com/oauth-service/"
        "oauth/request_token",
        authorize_url="https://connect.garmin.com/oauthConfirm",
        access_token_url="https://connectapi.garmin.com/oauth-service/"
        "oauth/access_token",
        docs_url="https://developer.garmin.com/gc-developer-program/overview/",
        notes="Garmin Connect Developer Program (Health and Activity "
        "APIs), for approved partners. Garmin has announced that OAuth 1 "
        "retires on 2026-12-31, with a per-user exchange to OAuth 2 "
        "(PKCE) tokens.",
    )
)

register(
    Provider(
        name="etrade",
        request_token_url="https://api.etrade.com/oauth/request_token",
        authorize_url="https://us.etrade.com/e/t/etws/authorize",
        access_token_url="https://api.etrade.com/oauth/access_token",
        request_token_method="GET",
        access_token_method="GET",
        authorize_token_param="token",
        authorize_consumer_key_param="key",
        docs_url="https://apisb.etrade.com/docs/api/authorization/"
        "request_token.html",
        notes="HMAC-SHA1 only; both token endpoints are GETs. "
        "oauth_callback must be 'oob' even when a callback URL is "
        "registered with the key. The authorize URL takes "
        "key=<consumer key>&token=<request token>, not oauth_token. A "
        "request token lasts 5 minutes; an access token goes idle after "
        "2 hours (GET /oauth/renew_access_token) and expires at midnight "
        "US Eastern (GET /oauth/revoke_access_token ends it early). The "
        "sandbox API uses the same OAuth endpoints.",
    )
)

register(
    Provider(
        name="zotero",
        request_token_url="https://www.zotero.org/oauth/request",
        authorize_url="https://www.zotero.org/oauth/authorize",
        access_token_url="https://www.zotero.org/oauth/access",
        docs_url="https://www.zotero.org/support/dev/web_api/v3/oauth",
        notes="OAuth only hands over an API key: the access token's "
        "secret is the key, sent as the Zotero-API-Key header rather "
        "than signed, and the answer adds userID and username. The "
        "authorize URL takes name, library_access, notes_access, "
        "write_access (1 or 0), all_groups (none, read or write) and "
        "identity=1 to pre-fill the form.",
    )
)

register(
    Provider(
        name="openstreetmap",
        request_token_url="https://www.openstreetmap.org/oauth/request_token",
        authorize_url="https://www.openstreetmap.org/oauth/authorize",
        access_token_url="https://www.openstreetmap.org/oauth/access_token",
        status=RETIRED,
        docs_url="https://blog.openstreetmap.org/2024/04/17/"
        "oauth-1-0a-and-http-basic-auth-shutdown-on-openstreetmap-org/",
        notes="OAuth 1.0a was shut down on 2024-06-01; openstreetmap.org "
        "speaks OAuth 2 only.",
    )
)

# Self-hosted products: fill {base_url} with Provider.with_base_url().

register(
    Provider(
        name="jira",
        request_token_url="{base_url}/plugins/servlet/oauth/request-token",
        authorize_url="{base_url}/plugins/servlet/oauth/authorize",
        access_token_url="{base_url}/plugins/servlet/oauth/access-token",
        signature_method="RSA-SHA1",
        status=TEMPLATE,
        docs_url="https://developer.atlassian.com/server/jira/platform/oauth/",
        notes="Jira, Confluence and Bitbucket Server or Data Center, "
        "through an Application Link with incoming authentication: the "
        "consumer key and your RSA public key are entered there and the "
        "consumer secret is unused (pass ''). RSA-SHA1 only. oob shows "
        "the verifier. Jira Cloud has deprecated OAuth 1.0a. Fill in "
        "with with_base_url('https://jira.example.com').",
    )
)

register(
    Provider(
        name="netsuite",
        request_token_url="{base_url}/rest/requesttoken",
        authorize_url="https://system.netsuite.com/app/login/secure/"
        "authorizetoken.nl",
        access_token_url="{base_url}/rest/accesstoken",
        signature_method="HMAC-SHA256",
        status=TEMPLATE,
        docs_url="https://docs.oracle.com/en/cloud/saas/netsuite/"
        "ns-online-help/section_156337186044.html",
        notes="Token-based authentication (TBA). HMAC-SHA256 only; "
        "HMAC-SHA1 ended with 2023.1. {base_url} is the account's "
        "RESTlets URL (Setup > Company > Company Information > Company "
        "URLs), e.g. https://1234567-sb1.restlets.api.netsuite.com. The "
        "account ID is the realm, sent but not signed (1234567_SB1). "
        "providers.netsuite_account() fills in both; or pass "
        "realm='1234567_SB1' to BuzzOAuth. Nonces need 6 characters or "
        "more. Oracle plans no new TBA integrations from 2027.1.",
    )
)

register(
    Provider(
        name="magento",
        request_token_url="{base_url}/oauth/token/request",
        authorize_url="{base_url}/oauth/authorize",
        access_token_url="{base_url}/oauth/token/access",
        signature_method="HMAC-SHA256",
        status=TEMPLATE,
        docs_url="https://developer.adobe.com/commerce/webapi/get-started/"
        "authentication/gs-authentication-oauth",
        notes="Magento 2 and Adobe Commerce integrations; HMAC-SHA256 "
        "only. No page asks the user: activating the integration in the "
        "Admin POSTs the consumer key and secret, store_base_url and "
        "oauth_verifier to the integration's callback URL, then steps 1 "
        "and 3 run as usual. The consumer key is good for that exchange "
        "for 300 seconds; access tokens do not expire. "
        "{base_url}/oauth/authorize is Magento 1's customer page.",
    )
)


def netsuite_account(
    account_id: str, restlets_url: str, *, app_url: str | None = None
) -> Provider:
    """The ``netsuite`` preset for one account.

    ``account_id`` is the account ID (``1234567``, or ``1234567_SB1``
    for a sandbox) and becomes the realm; ``restlets_url`` and
    ``app_url`` are the RESTlets and NetSuite UI addresses listed under
    Company URLs.  Without ``app_url`` the user approves on
    system.netsuite.com, which NetSuite accepts for any account.
    """
    plain = account_id.replace("_", "").replace("-", "")
    if not (plain.isascii() and plain.isalnum()):
        raise ValueError(f"not a NetSuite account ID: {account_id!r}")
    filled = get("netsuite").with_base_url(restlets_url)
    # The template's authorize page is on system.netsuite.com, which
    # with_base_url would move to the RESTlets host.
    authorize = get("netsuite").authorize_url
    if app_url is not None:
        scheme, netloc, _, _, _ = urlsplit(app_url)
        if not scheme or not netloc:
            raise ValueError(f"app URL needs a scheme and a host: {app_url!r}")
        page = urlsplit(authorize).path
        authorize = urlunsplit((scheme, netloc, page, "", ""))
    realm = account_id.upper().replace("-", "_")
    return filled.replace(authorize_url=authorize, realm=realm)

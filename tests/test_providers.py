"""Provider presets: every preset is complete and consistent, the
facts checked against each provider's documentation are pinned, and
docs/providers.md lists every preset as it is."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from buzzoauth import providers
from buzzoauth.providers import LIVE, RETIRED, TEMPLATE, Provider

STATUSES = {LIVE, RETIRED, TEMPLATE}
SIGNATURE_METHODS = {"HMAC-SHA1", "HMAC-SHA256", "RSA-SHA1", "PLAINTEXT"}
PRESETS = providers.names()
DOCS = Path(__file__).resolve().parent.parent / "docs" / "providers.md"
LOCAL = {"sandbox"}  # buzzoauth's own; documented in this project


def _urls(provider: Provider) -> list[str]:
    urls = [
        provider.request_token_url,
        provider.authorize_url,
        provider.access_token_url,
    ]
    return urls + [
        u for u in (provider.revoke_url, provider.api_base_url) if u
    ]


def _is_https(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme == "https" and bool(parts.hostname)


# -- every preset ----------------------------------------------------------


def test_the_presets_of_the_brief_exist() -> None:
    wanted = {
        "google_buzz", "sandbox", "twitter", "flickr", "trello", "tumblr",
        "discogs", "smugmug", "garmin", "etrade", "zotero", "jira",
        "netsuite", "magento",
    }  # fmt: skip
    assert wanted <= set(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_preset_is_complete(name: str) -> None:
    preset = providers.get(name)

    assert preset.name == name
    assert preset.status in STATUSES
    assert preset.signature_method in SIGNATURE_METHODS
    assert set(preset.signature_methods) <= SIGNATURE_METHODS
    if preset.signature_methods:
        assert preset.signature_method in preset.signature_methods
    assert preset.request_token_method in {"GET", "POST"}
    assert preset.access_token_method in {"GET", "POST"}
    assert preset.placement in {"header", "query", "body"}
    assert preset.notes
    assert preset.is_template == (preset.status == TEMPLATE)
    if name not in LOCAL:
        assert _is_https(preset.docs_url), preset.docs_url


@pytest.mark.parametrize("name", PRESETS)
def test_endpoints_are_https_or_placeholders(name: str) -> None:
    preset = providers.get(name)

    for url in _urls(preset):
        if preset.status == TEMPLATE and url.startswith("{base_url}/"):
            continue
        assert _is_https(url), url
        assert "{" not in url, url


@pytest.mark.parametrize("name", PRESETS)
def test_filled_template_is_https(name: str) -> None:
    filled = providers.get(name).with_base_url("https://host.example/app")

    assert not filled.is_template
    assert filled.status != TEMPLATE
    for url in _urls(filled):
        assert _is_https(url), url
        assert "{" not in url, url


@pytest.mark.parametrize("name", PRESETS)
def test_extra_parameters_are_frozen_strings(name: str) -> None:
    preset = providers.get(name)

    for params in (preset.request_token_params, preset.authorize_params):
        for key, value in params.items():
            assert isinstance(key, str)
            assert isinstance(value, str)
        with pytest.raises(TypeError):
            params["injected"] = "x"  # type: ignore[index]


def test_presets_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        providers.get("twitter").authorize_url = "https://evil.example/"  # type: ignore[misc]


# -- lookup ----------------------------------------------------------------


def test_unknown_name_lists_the_known_ones() -> None:
    with pytest.raises(KeyError) as caught:
        providers.get("myspace")

    message = str(caught.value)
    assert "myspace" in message
    for name in PRESETS:
        assert name in message


def test_resolve() -> None:
    twitter = providers.get("twitter")

    assert providers.resolve(None) is None
    assert providers.resolve("twitter") is twitter
    assert providers.resolve(twitter) is twitter


# -- with_base_url ---------------------------------------------------------


def test_live_preset_is_rehosted_with_its_paths() -> None:
    local = providers.get("twitter").with_base_url("http://127.0.0.1:1234/")

    assert (
        local.request_token_url == "http://127.0.0.1:1234/oauth/request_token"
    )
    assert local.authorize_url == "http://127.0.0.1:1234/oauth/authorize"
    assert local.access_token_url == "http://127.0.0.1:1234/oauth/access_token"
    assert (
        local.revoke_url == "http://127.0.0.1:1234/1.1/oauth/invalidate_token"
    )
    assert local.status == LIVE
    assert providers.get("twitter").request_token_url.startswith("https://")


def test_rehosting_under_a_path_prefix() -> None:
    local = providers.get("tumblr").with_base_url("http://127.0.0.1:9/mirror")

    assert local.access_token_url == (
        "http://127.0.0.1:9/mirror/oauth/access_token"
    )
    assert local.access_token_method == "GET"


@pytest.mark.parametrize(
    ("name", "paths"),
    [
        (
            "jira",
            (
                "/plugins/servlet/oauth/request-token",
                "/plugins/servlet/oauth/authorize",
                "/plugins/servlet/oauth/access-token",
            ),
        ),
        (
            "magento",
            (
                "/oauth/token/request",
                "/oauth/authorize",
                "/oauth/token/access",
            ),
        ),
    ],
)
def test_template_is_filled(name: str, paths: tuple[str, str, str]) -> None:
    base = "https://shop.example/m2"
    filled = providers.get(name).with_base_url(base + "/")

    assert (
        filled.request_token_url,
        filled.authorize_url,
        filled.access_token_url,
    ) == tuple(base + path for path in paths)
    assert filled.status == LIVE


@pytest.mark.parametrize("bad", ["", "jira.example.com", "https://", "/path"])
def test_base_url_needs_scheme_and_host(bad: str) -> None:
    with pytest.raises(ValueError):
        providers.get("jira").with_base_url(bad)


# -- facts pinned from each provider's documentation -----------------------


def test_google_buzz_is_kept_as_the_seed_had_it() -> None:
    buzz = providers.get("google_buzz")

    assert buzz.request_token_url == (
        "https://www.google.com/accounts/OAuthGetRequestToken"
    )
    assert buzz.access_token_url == (
        "https://www.google.com/accounts/OAuthGetAccessToken"
    )
    assert buzz.authorize_url == (
        "https://www.google.com/buzz/api/auth/OAuthAuthorizeToken"
    )
    assert buzz.resolve_authorize_redirect is True
    assert buzz.scopes == (
        "https://www.googleapis.com/auth/buzz",
        "https://www.googleapis.com/auth/buzz.readonly",
    )
    assert buzz.scope_param == "scope"
    assert buzz.status == RETIRED


ENDPOINTS = {
    "twitter": (
        "https://api.x.com/oauth/request_token",
        "https://api.x.com/oauth/authorize",
        "https://api.x.com/oauth/access_token",
    ),
    "flickr": (
        "https://www.flickr.com/services/oauth/request_token",
        "https://www.flickr.com/services/oauth/authorize",
        "https://www.flickr.com/services/oauth/access_token",
    ),
    "trello": (
        "https://trello.com/1/OAuthGetRequestToken",
        "https://trello.com/1/OAuthAuthorizeToken",
        "https://trello.com/1/OAuthGetAccessToken",
    ),
    "tumblr": (
        "https://www.tumblr.com/oauth/request_token",
        "https://www.tumblr.com/oauth/authorize",
        "https://www.tumblr.com/oauth/access_token",
    ),
    "discogs": (
        "https://api.discogs.com/oauth/request_token",
        "https://www.discogs.com/oauth/authorize",
        "https://api.discogs.com/oauth/access_token",
    ),
    "smugmug": (
        "https://api.smugmug.com/services/oauth/1.0a/getRequestToken",
        "https://api.smugmug.com/services/oauth/1.0a/authorize",
        "https://api.smugmug.com/services/oauth/1.0a/getAccessToken",
    ),
    "garmin": (
        "https://connectapi.garmin.com/oauth-service/oauth/request_token",
        "https://connect.garmin.com/oauthConfirm",
        "https://connectapi.garmin.com/oauth-service/oauth/access_token",
    ),
    "etrade": (
        "https://api.etrade.com/oauth/request_token",
        "https://us.etrade.com/e/t/etws/authorize",
        "https://api.etrade.com/oauth/access_token",
    ),
    "zotero": (
        "https://www.zotero.org/oauth/request",
        "https://www.zotero.org/oauth/authorize",
        "https://www.zotero.org/oauth/access",
    ),
}


@pytest.mark.parametrize("name", sorted(ENDPOINTS))
def test_documented_endpoints(name: str) -> None:
    preset = providers.get(name)

    assert (
        preset.request_token_url,
        preset.authorize_url,
        preset.access_token_url,
    ) == ENDPOINTS[name]


# (preset, request-token method, access-token method, signature method)
METHODS = [
    ("twitter", "POST", "POST", "HMAC-SHA1"),
    ("tumblr", "POST", "GET", "HMAC-SHA1"),
    ("discogs", "GET", "POST", "HMAC-SHA1"),
    ("etrade", "GET", "GET", "HMAC-SHA1"),
    ("jira", "POST", "POST", "RSA-SHA1"),
    ("netsuite", "POST", "POST", "HMAC-SHA256"),
    ("magento", "POST", "POST", "HMAC-SHA256"),
]


@pytest.mark.parametrize(("name", "step1", "step3", "signature"), METHODS)
def test_documented_methods(
    name: str, step1: str, step3: str, signature: str
) -> None:
    preset = providers.get(name)

    assert preset.request_token_method == step1
    assert preset.access_token_method == step3
    assert preset.signature_method == signature


def test_quirks() -> None:
    assert providers.get("discogs").signature_methods == (
        "HMAC-SHA1",
        "PLAINTEXT",
    )
    assert providers.get("tumblr").placement == "header"
    assert dict(providers.get("flickr").authorize_params) == {"perms": "read"}
    assert set(providers.get("trello").authorize_params) == {
        "name",
        "scope",
        "expiration",
    }
    etrade = providers.get("etrade")
    assert etrade.authorize_token_param == "token"
    assert etrade.authorize_consumer_key_param == "key"
    assert "oob" in etrade.notes
    assert "x_auth_access_type" in providers.get("twitter").notes
    assert providers.get("openstreetmap").status == RETIRED


def test_ordinary_presets_use_oauth_token_on_the_authorize_url() -> None:
    for name in PRESETS:
        if name == "etrade":
            continue
        preset = providers.get(name)
        assert preset.authorize_token_param == "oauth_token", name
        assert preset.authorize_consumer_key_param is None, name


# -- NetSuite --------------------------------------------------------------

RESTLETS = "https://1234567-sb1.restlets.api.netsuite.com"


def test_netsuite_account_fills_urls_and_realm() -> None:
    account = providers.netsuite_account(
        "1234567-sb1",
        RESTLETS,
        app_url="https://1234567-sb1.app.netsuite.com/",
    )

    assert account.request_token_url == RESTLETS + "/rest/requesttoken"
    assert account.access_token_url == RESTLETS + "/rest/accesstoken"
    assert account.authorize_url == (
        "https://1234567-sb1.app.netsuite.com/app/login/secure/"
        "authorizetoken.nl"
    )
    assert account.realm == "1234567_SB1"
    assert account.signature_method == "HMAC-SHA256"
    assert account.status == LIVE


def test_netsuite_account_approves_on_system_host_by_default() -> None:
    account = providers.netsuite_account("7654321", RESTLETS)

    assert account.authorize_url == (
        "https://system.netsuite.com/app/login/secure/authorizetoken.nl"
    )
    assert account.realm == "7654321"


@pytest.mark.parametrize("bad", ["", "12 34", "1234;x", "ünï", "a/b"])
def test_netsuite_account_id_is_checked(bad: str) -> None:
    with pytest.raises(ValueError):
        providers.netsuite_account(bad, RESTLETS)


def test_netsuite_app_url_is_checked() -> None:
    with pytest.raises(ValueError):
        providers.netsuite_account("1234567", RESTLETS, app_url="app.netsuite")


# -- docs/providers.md -----------------------------------------------------


def _doc_rows() -> dict[str, list[str]]:
    rows = {}
    for line in DOCS.read_text("utf-8").splitlines():
        match = re.match(r"\| `([a-z_]+)` \|(.*)\|$", line)
        if match:
            rows[match[1]] = [cell.strip() for cell in match[2].split("|")]
    return rows


def test_docs_table_lists_exactly_the_presets() -> None:
    assert sorted(_doc_rows()) == PRESETS


@pytest.mark.parametrize("name", PRESETS)
def test_docs_row_matches_the_preset(name: str) -> None:
    status, signature, methods, _notes, link = _doc_rows()[name]
    preset = providers.get(name)

    assert status == preset.status
    assert signature.split()[0] == preset.signature_method
    for other in preset.signature_methods:
        assert other in signature
    step1, step3 = (m.strip() for m in methods.split("/"))
    assert (step1, step3) == (
        preset.request_token_method,
        preset.access_token_method,
    )
    if preset.docs_url:
        assert f"({preset.docs_url})" in link


def test_docs_examples_run() -> None:
    blocks = re.findall(r"```python\n(.*?)```", DOCS.read_text("utf-8"), re.S)

    assert blocks
    for block in blocks:
        exec(compile(block, str(DOCS), "exec"), {})  # noqa: S102

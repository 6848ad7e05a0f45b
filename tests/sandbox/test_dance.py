"""The three-legged dance against the sandbox (RFC 5849 §2), signed by
oauthlib and sent by http.client: oob, callback redirect, Google-style
paths and the 302 of Google's authorize URL, Deny, and the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from sandboxwire import Wire

from buzzoauth.sandbox import Sandbox
from buzzoauth.sandbox.defaults import (
    BUZZ_READONLY_SCOPE,
    BUZZ_SCOPE,
    DEMO_SCREEN_NAME,
    DEMO_USER_ID,
)

FEED = "/buzz/v1/activities/@me/@consumption"


def test_oob_dance_reads_the_verifier_from_the_page(wire: Wire) -> None:
    token = wire.request_token()
    assert token["oauth_callback_confirmed"] == "true"
    assert token["oauth_token"] and token["oauth_token_secret"]

    verifier = wire.sandbox.approve(wire.authorize_url(token))
    assert verifier and not verifier.startswith("http")

    reply = wire.access_token(token, verifier)
    assert reply.status == 200, reply.text
    access = reply.form
    assert access["user_id"] == DEMO_USER_ID
    assert access["screen_name"] == DEMO_SCREEN_NAME
    assert access["oauth_token"] != token["oauth_token"]

    feed = wire.call("GET", FEED, **wire.as_owner(access))
    assert feed.status == 200, feed.text
    assert feed.json()["data"]["items"]


def test_callback_dance_redirects_with_token_and_verifier(wire: Wire) -> None:
    callback = "http://127.0.0.1:9/done?state=xyz"
    token = wire.request_token(callback=callback)

    location = wire.sandbox.approve(wire.authorize_url(token))

    assert location.startswith("http://127.0.0.1:9/done?")
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == ["xyz"]
    assert query["oauth_token"] == [token["oauth_token"]]
    reply = wire.access_token(token, query["oauth_verifier"][0])
    assert reply.status == 200, reply.text


def test_google_paths_and_the_authorize_redirect(wire: Wire) -> None:
    """Google's authorize URL answered 302 to the real page."""
    google = wire.sandbox.google_provider
    token = wire.request_token(path=google.request_token_url, scope=BUZZ_SCOPE)
    authorize = f"{google.authorize_url}?oauth_token={token['oauth_token']}"

    hop = wire.send("GET", authorize)
    assert hop.status == 302
    expected = f"{wire.sandbox.base_url}/oauth/authorize?oauth_token="
    assert hop.headers["location"] == expected + token["oauth_token"]

    verifier = wire.sandbox.approve(authorize)
    reply = wire.access_token(token, verifier, path=google.access_token_url)
    assert reply.status == 200, reply.text


def test_token_endpoints_also_take_get(wire: Wire) -> None:
    reply = wire.call("GET", "/oauth/request_token", callback_uri="oob")
    assert reply.status == 200, reply.text
    assert reply.form["oauth_callback_confirmed"] == "true"


def test_the_access_token_carries_the_scope_asked_for(wire: Wire) -> None:
    access = wire.dance(scope=BUZZ_READONLY_SCOPE)
    assert access["oauth_authorized_realms"] == BUZZ_READONLY_SCOPE


def test_no_scope_means_full_buzz(wire: Wire) -> None:
    assert wire.dance()["oauth_authorized_realms"] == BUZZ_SCOPE


def test_the_anonymous_consumer_of_google_is_known(wire: Wire) -> None:
    anonymous = {"client_key": "anonymous", "client_secret": "anonymous"}
    assert wire.dance(**anonymous)["screen_name"] == DEMO_SCREEN_NAME


def test_deny_redirects_with_denied_and_the_token_is_dead(wire: Wire) -> None:
    token = wire.request_token(callback="http://127.0.0.1:9/back")

    location = wire.sandbox.approve(wire.authorize_url(token), allow=False)

    query = parse_qs(urlsplit(location).query)
    assert query == {"denied": [token["oauth_token"]]}
    reply = wire.access_token(token, "whatever-verifier")
    assert reply.status == 401
    assert reply.problem == "permission_denied"


def test_deny_with_oob_shows_a_denied_page(wire: Wire) -> None:
    token = wire.request_token()
    answer = wire.sandbox.approve(wire.authorize_url(token), allow=False)
    assert answer == f"denied={token['oauth_token']}"


def test_a_request_token_is_exchanged_once(wire: Wire) -> None:
    token = wire.request_token()
    verifier = wire.sandbox.approve(wire.authorize_url(token))
    assert wire.access_token(token, verifier).status == 200

    again = wire.access_token(token, verifier)

    assert again.status == 401
    assert again.problem == "token_used"


def test_the_page_shows_app_name_and_scopes_escaped(wire: Wire) -> None:
    fields = {
        "scope": BUZZ_READONLY_SCOPE,
        "xoauth_displayname": "<b>B & C</b>",
    }
    body = urlencode(fields)
    reply = wire.call(
        "POST",
        "/oauth/request_token",
        body=body,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        callback_uri="oob",
    )
    assert reply.status == 200, reply.text

    page = wire.send("GET", wire.authorize_url(reply.form))

    assert page.status == 200
    assert "text/html" in page.headers["content-type"]
    assert "&lt;b&gt;B &amp; C&lt;/b&gt;" in page.text
    assert "<b>B" not in page.text
    assert BUZZ_READONLY_SCOPE in page.text
    for element in ('id="allow"', 'id="deny"', 'name="csrf_token"'):
        assert element in page.text


def test_the_page_uses_the_registered_name(wire: Wire) -> None:
    page = wire.send("GET", wire.authorize_url(wire.request_token()))
    assert "buzzoauth demo" in page.text


def test_an_approved_token_cannot_be_approved_again(wire: Wire) -> None:
    token = wire.request_token()
    wire.sandbox.approve(wire.authorize_url(token))

    page = wire.send("GET", wire.authorize_url(token))

    assert page.status == 400
    assert 'oauth_problem="token_used"' in page.headers["www-authenticate"]


@pytest.mark.parametrize("query", ["", "?oauth_token=no-such-token-here"])
def test_the_page_refuses_a_missing_or_unknown_token(
    wire: Wire, query: str
) -> None:
    page = wire.send("GET", "/oauth/authorize" + query)
    assert page.status in (400, 401)
    assert 'id="problem"' in page.text
    assert "www-authenticate" in page.headers


def test_verifier_from_page_reads_the_oob_page(sandbox: Sandbox) -> None:
    html = '<p>code: <code id="verifier"> abc-123 </code></p>'
    assert sandbox.verifier_from_page(html) == "abc-123"
    with pytest.raises(ValueError, match="verifier"):
        sandbox.verifier_from_page("<p>nothing</p>")

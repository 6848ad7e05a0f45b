"""The Buzz-style API and /echo, as an authorized client sees them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sandboxwire import Wire

from buzzoauth.sandbox.defaults import DEMO_SCREEN_NAME, DEMO_USER_ID

FEED = "/buzz/v1/activities/@me/@consumption"
MINE = "/buzz/v1/activities/@me/@self"
JSON = {"Content-Type": "application/json"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture
def owner(wire: Wire) -> dict[str, Any]:
    return wire.as_owner(wire.dance())


def _feed(wire: Wire, owner: dict[str, Any], path: str = FEED) -> list[Any]:
    reply = wire.call("GET", path, **owner)
    assert reply.status == 200, reply.text
    assert reply.headers["content-type"].startswith("application/json")
    items: list[Any] = reply.json()["data"]["items"]
    return items


def test_the_feed_is_seeded_newest_first(
    wire: Wire, owner: dict[str, Any]
) -> None:
    items = _feed(wire, owner)
    assert len(items) >= 3
    for item in items:
        assert {"id", "title", "content", "actor", "published"} <= set(item)
        assert item["replies"]["totalItems"] == len(item["comments"])
    updated = [item["updated"] for item in items]
    assert updated == sorted(updated, reverse=True)
    assert any(item["comments"] for item in items)


def test_a_json_buzz_is_created_and_appears_in_the_feed(
    wire: Wire, owner: dict[str, Any]
) -> None:
    body = json.dumps({"data": {"object": {"content": "Hello, sandbox"}}})
    reply = wire.call("POST", MINE, body=body, headers=JSON, **owner)

    assert reply.status == 201, reply.text
    made = reply.json()["data"]
    assert made["content"] == "Hello, sandbox"
    assert made["actor"]["id"] == DEMO_USER_ID
    assert _feed(wire, owner)[0]["id"] == made["id"]
    assert made["id"] in [item["id"] for item in _feed(wire, owner, MINE)]


def test_a_form_buzz_is_signed_with_its_body(
    wire: Wire, owner: dict[str, Any]
) -> None:
    reply = wire.call(
        "POST", MINE, body="content=from+a+form", headers=FORM, **owner
    )
    assert reply.status == 201, reply.text
    assert reply.json()["data"]["content"] == "from a form"


def test_a_buzz_without_content_is_refused(
    wire: Wire, owner: dict[str, Any]
) -> None:
    reply = wire.call("POST", MINE, body='{"data": {}}', headers=JSON, **owner)
    assert (reply.status, reply.problem) == (400, "parameter_absent")


def test_a_comment_shows_in_the_feed(
    wire: Wire, owner: dict[str, Any]
) -> None:
    target = _feed(wire, owner)[-1]
    path = f"/buzz/v1/activities/@me/@self/{target['id']}/@comments"
    body = json.dumps({"data": {"content": "Nice one"}})

    reply = wire.call("POST", path, body=body, headers=JSON, **owner)

    assert reply.status == 201, reply.text
    comment = reply.json()["data"]
    assert comment["actor"]["screenName"] == DEMO_SCREEN_NAME
    listed = wire.call("GET", path, **owner).json()["data"]["items"]
    assert comment["id"] in [c["id"] for c in listed]
    newest = _feed(wire, owner)[0]
    assert newest["id"] == target["id"]
    assert newest["comments"][-1]["content"] == "Nice one"


def test_put_changes_your_own_buzz(wire: Wire, owner: dict[str, Any]) -> None:
    made = wire.call(
        "POST", MINE, body="content=first+draft", headers=FORM, **owner
    ).json()["data"]
    path = f"{MINE}/{made['id']}"

    reply = wire.call(
        "PUT",
        path,
        body='{"data": {"content": "second"}}',
        headers=JSON,
        **owner,
    )

    assert reply.status == 200, reply.text
    assert (
        wire.call("GET", path, **owner).json()["data"]["content"] == "second"
    )


def test_put_refuses_someone_elses_buzz(
    wire: Wire, owner: dict[str, Any]
) -> None:
    theirs = next(
        item
        for item in _feed(wire, owner)
        if item["actor"]["id"] != DEMO_USER_ID
    )
    reply = wire.call(
        "PUT",
        f"{MINE}/{theirs['id']}",
        body='{"data": {"content": "mine now"}}',
        headers=JSON,
        **owner,
    )
    assert (reply.status, reply.problem) == (403, "permission_denied")


def test_the_profile(wire: Wire, owner: dict[str, Any]) -> None:
    reply = wire.call("GET", "/buzz/v1/people/@me/@self", **owner)
    assert reply.json()["data"]["id"] == DEMO_USER_ID


def test_max_results_limits_the_feed(
    wire: Wire, owner: dict[str, Any]
) -> None:
    assert len(_feed(wire, owner, FEED + "?max-results=1")) == 1


def test_an_unknown_buzz_is_404(wire: Wire, owner: dict[str, Any]) -> None:
    reply = wire.call("GET", f"{MINE}/no-such-buzz", **owner)
    assert reply.status == 404


def test_unknown_paths_and_methods(wire: Wire) -> None:
    assert wire.send("GET", "/nowhere").status == 404
    wrong = wire.send("DELETE", "/oauth/request_token")
    assert wrong.status == 405
    assert wrong.headers["allow"] == "GET, POST"


def test_the_api_needs_a_signature(wire: Wire) -> None:
    reply = wire.send("GET", FEED)
    assert (reply.status, reply.problem) == (400, "parameter_absent")


def test_echo_reports_what_arrived(wire: Wire, owner: dict[str, Any]) -> None:
    body = "ünïcode body, not a form"
    reply = wire.call(
        "PATCH",
        "/echo?x=1",
        body=body,
        headers={"Content-Type": "text/plain; charset=utf-8"},
        **owner,
    )
    seen = reply.json()
    assert seen["method"] == "PATCH"
    assert seen["path"] == "/echo"
    assert seen["query"] == "x=1"
    assert seen["body"] == body
    assert seen["content_type"] == "text/plain; charset=utf-8"
    assert seen["token"] == owner["resource_owner_key"]


def test_the_index_page_lists_the_endpoints(wire: Wire) -> None:
    page = wire.send("GET", "/")
    assert page.status == 200
    assert "/oauth/request_token" in page.text

"""The protected resources: a Buzz-style API and ``/echo``.

Every handler first has the request verified by
:meth:`~.gate.Gate.resource` with the scopes it needs: reading takes
either Buzz scope, writing takes the full one (a read-only token gets
403 ``permission_denied``).

=======  ==============================================  ============
method   path                                            scope
=======  ==============================================  ============
GET      /buzz/v1/activities/@me/@consumption            read
GET      /buzz/v1/activities/@me/@self                   read
POST     /buzz/v1/activities/@me/@self                   write
GET      /buzz/v1/activities/{user}/@self/{id}           read
PUT      /buzz/v1/activities/@me/@self/{id}              write
GET      /buzz/v1/activities/{user}/@self/{id}/@comments read
POST     /buzz/v1/activities/{user}/@self/{id}/@comments write
GET      /buzz/v1/people/@me/@self                       read
any      /echo                                           any token
=======  ==============================================  ============

A buzz or comment is sent as JSON (``{"data": {"object": {"content":
...}}}`` or ``{"data": {"content": ...}}``) or as a form field
``content``.  Requests signed without a token (two-legged) act for the
demo user.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from . import defaults
from .buzz import ME, activity_json, comment_json, person_json
from .exchange import Answer, Call, json_answer
from .problems import Problem, absent, rejected

if TYPE_CHECKING:
    from .app import App

READ = (defaults.BUZZ_SCOPE, defaults.BUZZ_READONLY_SCOPE)
WRITE = (defaults.BUZZ_SCOPE,)
MAX_CONTENT = 10_000


def consumption(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, READ)
    items = app.world.feed(_limit(call))
    return _feed("Consumption", items)


def my_buzzes(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, READ)
    return _feed("Your buzzes", app.world.mine(_limit(call)))


def post_buzz(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, WRITE)
    made = app.world.post(_content(call), app.knobs.now())
    return json_answer({"data": activity_json(made)}, status=201)


def one_buzz(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, READ)
    found = app.world.get(match["id"])
    if found is None:
        return _not_found("no such buzz")
    return json_answer({"data": activity_json(found)})


def update_buzz(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, WRITE)
    content = _content(call)
    try:
        changed = app.world.update(match["id"], content, app.knobs.now())
    except KeyError:
        return _not_found("no such buzz")
    except PermissionError as exc:
        raise Problem(403, "permission_denied", str(exc)) from None
    return json_answer({"data": activity_json(changed)})


def comments(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, READ)
    found = app.world.get(match["id"])
    if found is None:
        return _not_found("no such buzz")
    items = [comment_json(c) for c in found.comments]
    return json_answer({"data": {"kind": "buzz#commentFeed", "items": items}})


def post_comment(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, WRITE)
    content = _content(call)
    try:
        made = app.world.comment(match["id"], content, app.knobs.now())
    except KeyError:
        return _not_found("no such buzz")
    return json_answer({"data": comment_json(made)}, status=201)


def me(app: App, call: Call, match: re.Match[str]) -> Answer:
    app.gate.resource(call, READ)
    return json_answer({"data": person_json(ME)})


def echo(app: App, call: Call, match: re.Match[str]) -> Answer:
    """What the sandbox received, for client tests.  Protocol parameter
    values are left out, so that no signature is echoed."""
    grant = app.gate.resource(call)
    received = {
        "method": call.method,
        "path": call.path,
        "query": call.query,
        "content_type": call.header("Content-Type"),
        "body": call.body.decode("utf-8", "replace"),
        "consumer_key": grant.consumer_key,
        "token": grant.token,
        "oauth": list(grant.oauth_names),
        "signature_method": grant.signature_method,
        "placement": _placement(call),
    }
    return json_answer(received)


def _placement(call: Call) -> str:
    # RFC 5849 §3.5: where the protocol parameters travelled
    if call.header("Authorization").lstrip().lower().startswith("oauth "):
        return "header"
    if "oauth_signature" in call.form_params():
        return "body"
    return "query"


def _feed(title: str, items: list[Any]) -> Answer:
    data = {
        "kind": "buzz#activityFeed",
        "title": title,
        "items": [activity_json(a) for a in items],
    }
    return json_answer({"data": data})


def _limit(call: Call) -> int | None:
    text = call.query_params().get("max-results")
    if text is None:
        return None
    if not text.isdigit() or int(text) < 1:
        raise rejected("max-results", "must be a positive whole number")
    return int(text)


def _content(call: Call) -> str:
    if call.is_form:
        content = call.form_params().get("content")
    else:
        content = _json_content(call.body)
    if not content or not content.strip():
        raise absent("content")
    if len(content) > MAX_CONTENT:
        raise rejected("content", f"longer than {MAX_CONTENT} characters")
    return content


def _json_content(body: bytes) -> str | None:
    try:
        data = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise rejected("body", "expected JSON or a form body") from None
    inner = data.get("data") if isinstance(data, dict) else None
    if not isinstance(inner, dict):
        return None
    holder = inner.get("object", inner)
    content = holder.get("content") if isinstance(holder, dict) else None
    return content if isinstance(content, str) else None


def _not_found(message: str) -> Answer:
    return json_answer({"error": {"code": 404, "message": message}}, 404)

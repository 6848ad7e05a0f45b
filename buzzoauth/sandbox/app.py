"""The sandbox as an application: state, routes and dispatch, no sockets.

:class:`App` holds the state of one sandbox (the :class:`~.store.Store`,
the :class:`~.knobs.Knobs`, the :class:`~.gate.Gate` and the
:class:`~.buzz.BuzzWorld`) and turns a :class:`~.exchange.Call` into an
:class:`~.exchange.Answer` with :meth:`App.dispatch`:

1. find the route whose pattern matches the path (404 if none, 405 if
   the method is not one of the route's);
2. run its handler (:mod:`.oauth` or :mod:`.api`);
3. turn a :class:`~.problems.Problem` into its form-encoded answer.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from . import api, oauth, pages
from .buzz import BuzzWorld
from .exchange import Answer, Call, html_answer, json_answer, problem_answer
from .gate import Gate
from .knobs import Knobs
from .problems import Problem
from .store import Store

log = logging.getLogger(__name__)

Handler = Callable[["App", Call, "re.Match[str]"], Answer]

TOKEN_METHODS = frozenset({"GET", "POST"})
ANY_METHOD = frozenset({"GET", "POST", "PUT", "DELETE", "PATCH"})


@dataclass(frozen=True)
class Route:
    methods: frozenset[str]
    #: The path as shown on the index page.
    path: str
    pattern: re.Pattern[str]
    handler: Handler
    #: One line for the index page.
    about: str


def _route(methods: str, path: str, handler: Handler, about: str) -> Route:
    allowed = ANY_METHOD if methods == "*" else frozenset(methods.split())
    pattern = re.compile("^" + path.replace("{id}", "(?P<id>[^/]+)") + "$")
    shown = path.replace("[^/]+", "{user}")
    return Route(allowed, shown, pattern, handler, about)


_ACTIVITY = "/buzz/v1/activities/[^/]+/@self/{id}"

ROUTES = (
    _route("GET POST", "/oauth/request_token", oauth.request_token,
           "step 1: a request token"),
    _route("GET", "/oauth/authorize", oauth.authorize_page,
           "step 2: the approval page"),
    _route("POST", "/oauth/authorize", oauth.authorize_decision,
           "step 2: Allow or Deny"),
    _route("GET POST", "/oauth/access_token", oauth.access_token,
           "step 3: an access token"),
    _route("POST", "/oauth/revoke", oauth.revoke,
           "revoke the access token that signs the request"),
    _route("GET POST", "/accounts/OAuthGetRequestToken", oauth.request_token,
           "Google-style step 1"),
    _route("GET", "/buzz/api/auth/OAuthAuthorizeToken", oauth.google_authorize,
           "Google-style step 2: redirects to the approval page"),
    _route("GET POST", "/accounts/OAuthGetAccessToken", oauth.access_token,
           "Google-style step 3"),
    _route("GET", "/buzz/v1/activities/@me/@consumption", api.consumption,
           "the feed of buzzes"),
    _route("GET", "/buzz/v1/activities/@me/@self", api.my_buzzes,
           "your buzzes"),
    _route("POST", "/buzz/v1/activities/@me/@self", api.post_buzz,
           "post a buzz (full scope)"),
    _route("GET", _ACTIVITY, api.one_buzz, "one buzz"),
    _route("PUT", _ACTIVITY, api.update_buzz, "change your buzz"),
    _route("GET", _ACTIVITY + "/@comments", api.comments, "comments"),
    _route("POST", _ACTIVITY + "/@comments", api.post_comment,
           "comment on a buzz (full scope)"),
    _route("GET", "/buzz/v1/people/@me/@self", api.me, "your profile"),
    _route("*", "/echo", api.echo, "any signed request, echoed as JSON"),
)  # fmt: skip


class App:
    """One sandbox's state, and the routes over it."""

    def __init__(self, knobs: Knobs) -> None:
        self.knobs = knobs
        self.store = Store()
        self.gate = Gate(self.store, knobs)
        self.world = BuzzWorld(knobs.now())

    def dispatch(self, call: Call) -> Answer:
        """The answer to ``call``."""
        if call.path == "/" and call.method == "GET":
            return html_answer(pages.index_page(_index()))
        route, allowed = _find(call)
        if route is None:
            return _no_route(call, allowed)
        match = route.pattern.match(call.path)
        assert match is not None
        try:
            return route.handler(self, call, match)
        except Problem as problem:
            log.info("%s %s refused: %s", call.method, call.path, problem.code)
            return problem_answer(problem)


def _find(call: Call) -> tuple[Route | None, set[str]]:
    allowed: set[str] = set()
    for route in ROUTES:
        if route.pattern.match(call.path):
            if call.method in route.methods:
                return route, allowed
            allowed |= route.methods
    return None, allowed


def _no_route(call: Call, allowed: set[str]) -> Answer:
    if not allowed:
        error = {"code": 404, "message": f"no such resource: {call.path}"}
        return json_answer({"error": error}, 404)
    error = {"code": 405, "message": f"{call.method} is not allowed here"}
    answer = json_answer({"error": error}, 405)
    answer.headers["Allow"] = ", ".join(sorted(allowed))
    return answer


def _index() -> list[tuple[str, str]]:
    return [(f"{_methods(r)} {r.path}", r.about) for r in ROUTES]


def _methods(route: Route) -> str:
    if route.methods == ANY_METHOD:
        return "any"
    return "/".join(sorted(route.methods))

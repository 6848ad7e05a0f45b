"""The OAuth endpoints of the sandbox: the three steps of RFC 5849 §2,
Google's authorize hop, and revocation.

=======  ====================================  =========================
method   path                                  step
=======  ====================================  =========================
POST     /oauth/request_token                  §2.1 temporary credentials
GET      /oauth/authorize                      §2.2 the approval page
POST     /oauth/authorize                      §2.2 Allow or Deny
POST     /oauth/access_token                   §2.3 token credentials
POST     /oauth/revoke                         the access token stops
POST     /accounts/OAuthGetRequestToken        Google's name for §2.1
GET      /buzz/api/auth/OAuthAuthorizeToken    302 to /oauth/authorize
POST     /accounts/OAuthGetAccessToken         Google's name for §2.3
=======  ====================================  =========================

The token endpoints also take GET.  The approval page is for people:
its refusals are HTML pages that still carry the ``oauth_problem`` in
``WWW-Authenticate`` and in an element with ``id="problem"``.
"""

from __future__ import annotations

import hmac
import re
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from . import pages
from .exchange import (
    Answer,
    Call,
    form_answer,
    html_answer,
    redirect_answer,
)
from .problems import FORM, Problem, absent, challenge, rejected
from .store import DENIED, PENDING, RequestTokenRecord

if TYPE_CHECKING:
    from .app import App


def request_token(app: App, call: Call, match: re.Match[str]) -> Answer:
    body = app.gate.request_token(call)
    return Answer(200, {"Content-Type": FORM}, body.encode("ascii"))


def access_token(app: App, call: Call, match: re.Match[str]) -> Answer:
    body = app.gate.access_token(call)
    return Answer(200, {"Content-Type": FORM}, body.encode("ascii"))


def revoke(app: App, call: Call, match: re.Match[str]) -> Answer:
    grant = app.gate.resource(call)
    if grant.token is None:
        raise absent("oauth_token")
    app.store.revoke(grant.token)
    return form_answer({"oauth_token": grant.token, "revoked": "true"})


def google_authorize(app: App, call: Call, match: re.Match[str]) -> Answer:
    """Google's authorize URL answered with a redirect to the real page."""
    target = f"{call.base_url}/oauth/authorize"
    return redirect_answer(f"{target}?{call.query}" if call.query else target)


def authorize_page(app: App, call: Call, match: re.Match[str]) -> Answer:
    try:
        record = _pending(app, call.query_params().get("oauth_token"))
    except Problem as problem:
        return _problem_page(problem)
    return html_answer(pages.authorize_page(record))


def authorize_decision(app: App, call: Call, match: re.Match[str]) -> Answer:
    fields = call.form_params()
    try:
        record = _pending(app, fields.get("oauth_token"))
        _check_csrf(record, fields.get("csrf_token", ""))
        action = fields.get("action")
        if action == "allow":
            return _allow(app, call, record)
        if action == "deny":
            return _deny(app, record)
        raise rejected("action", "must be allow or deny")
    except Problem as problem:
        return _problem_page(problem)


def _pending(app: App, token: str | None) -> RequestTokenRecord:
    if not token:
        raise absent("oauth_token")
    record = app.store.request_token(token)
    if record is None:
        raise Problem(401, "token_rejected", "no such request token")
    if record.state != PENDING:
        advice = "this request token was already allowed or denied"
        raise Problem(400, "token_used", advice)
    return record


def _check_csrf(record: RequestTokenRecord, sent: str) -> None:
    if not hmac.compare_digest(record.csrf.encode(), sent.encode()):
        advice = "the form's CSRF token is missing or wrong; reload the page"
        raise Problem(403, "permission_denied", advice)


def _allow(app: App, call: Call, record: RequestTokenRecord) -> Answer:
    # RFC 5849 §2.2: the verifier goes back to the callback, or is shown
    uri = f"{call.base_url}/oauth/authorize?oauth_token={quote(record.key)}"
    location = app.gate.approve(uri)
    if location is not None:
        return redirect_answer(location)
    decided = app.store.request_token(record.key)
    verifier = decided.verifier if decided and decided.verifier else ""
    return html_answer(pages.verifier_page(record.display_name, verifier))


def _deny(app: App, record: RequestTokenRecord) -> Answer:
    app.store.decide(record.key, DENIED, None)
    if record.callback == "oob":
        return html_answer(pages.denied_page(record.display_name, record.key))
    return redirect_answer(_add_query(record.callback, {"denied": record.key}))


def _add_query(url: str, fields: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    query.extend(fields.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _problem_page(problem: Problem) -> Answer:
    answer = html_answer(pages.problem_page(problem), problem.status)
    answer.headers["WWW-Authenticate"] = challenge(problem)
    return answer

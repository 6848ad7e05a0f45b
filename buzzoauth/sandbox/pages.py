"""The HTML pages of the sandbox, filled from ``templates/*.html``.

Each page is a fragment placed in ``base.html``.  Every value shown is
HTML-escaped here, where the page is built; only fragments made in this
module (lists of escaped items) go in unescaped.

- :func:`authorize_page`: the user-authorization page (RFC 5849 §2.2)
  with the app's name, the scopes, and Allow / Deny buttons in a form
  that carries the CSRF token;
- :func:`verifier_page`: the verifier for an ``oob`` callback;
- :func:`denied_page`, :func:`problem_page`, :func:`index_page`.

Element ids that tests rely on: ``allow``, ``deny``, ``verifier``,
``denied``, ``problem``.
"""

from __future__ import annotations

import functools
import html
from importlib import resources
from string import Template
from urllib.parse import urlsplit

from . import defaults
from .problems import Problem
from .store import RequestTokenRecord


@functools.cache
def _template(name: str) -> Template:
    files = resources.files("buzzoauth.sandbox").joinpath("templates")
    return Template(files.joinpath(name).read_text(encoding="utf-8"))


def _page(title: str, name: str, raw: dict[str, str], **text: str) -> str:
    values = {key: html.escape(value) for key, value in text.items()}
    content = _template(name).substitute(values, **raw)
    return _template("base.html").substitute(
        title=html.escape(title), content=content
    )


def authorize_page(record: RequestTokenRecord) -> str:
    """The page where the demo user allows or denies a request token."""
    items = "\n".join(_scope_item(scope) for scope in record.scopes)
    return _page(
        "Allow access?",
        "authorize.html",
        {"scopes": items},
        app=record.display_name,
        user=defaults.DEMO_USER_NAME,
        screen_name=defaults.DEMO_SCREEN_NAME,
        after=_after(record.callback),
        token=record.key,
        csrf=record.csrf,
    )


def _scope_item(scope: str) -> str:
    text = defaults.SCOPE_TEXT.get(scope, scope)
    return (
        f"<li><strong>{html.escape(text)}</strong>"
        f'<span class="muted">{html.escape(scope)}</span></li>'
    )


def _after(callback: str) -> str:
    if callback == "oob":
        return "If you allow it, you will get a code to enter in the app."
    host = urlsplit(callback).netloc
    return f"Either way, you will be sent back to {host}."


def verifier_page(app: str, verifier: str) -> str:
    return _page(
        "Access granted", "verifier.html", {}, app=app, verifier=verifier
    )


def denied_page(app: str, token: str) -> str:
    return _page("Access denied", "denied.html", {}, app=app, token=token)


def problem_page(problem: Problem) -> str:
    return _page(
        "Cannot continue",
        "problem.html",
        {},
        code=problem.code,
        advice=problem.advice,
    )


def index_page(endpoints: list[tuple[str, str]]) -> str:
    """A list of ``(method and path, what it does)``."""
    items = "\n".join(
        f"<li><code>{html.escape(route)}</code>"
        f'<span class="muted">{html.escape(text)}</span></li>'
        for route, text in endpoints
    )
    return _page(
        "Endpoints",
        "index.html",
        {"endpoints": items},
        consumer_key=defaults.DEMO_CONSUMER_KEY,
    )

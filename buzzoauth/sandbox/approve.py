"""Scripted approval: a user clicking Allow or Deny, over real HTTP.

:func:`approve` does what a browser would with the authorize URL (RFC
5849 §2.2): follows the sandbox's redirects (Google's authorize URL
answers 302), reads the page, fills in its form (the request token and
the CSRF token) and presses the button with ``id="allow"`` or
``id="deny"``.  :func:`verifier_from_page` reads the verifier that an
``oob`` page shows.  :class:`PageReader` is the small HTML parser both
use.
"""

from __future__ import annotations

import http.client
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

from ..errors import ProviderError

MAX_HOPS = 3
TIMEOUT = 10.0
_REDIRECTS = (301, 302, 303, 307, 308)
_VOID = frozenset({"input", "meta", "br", "link", "img", "hr", "source"})


class PageReader(HTMLParser):
    """Collects the form fields, buttons and id'd texts of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.form_action: str | None = None
        self.fields: dict[str, str] = {}
        self.buttons: dict[str, tuple[str, str]] = {}
        self.texts: dict[str, str] = {}
        self._open_ids: list[str | None] = []

    def handle_starttag(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> None:
        element_id = self._collect(tag, attrs)
        if tag not in _VOID:
            self._open_ids.append(element_id)

    def handle_startendtag(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> None:
        self._collect(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self._open_ids:
            self._open_ids.pop()

    def _collect(
        self, tag: str, attrs: list[tuple[str, str | None]]
    ) -> str | None:
        found = {name: value or "" for name, value in attrs}
        if tag == "form" and self.form_action is None:
            self.form_action = found.get("action", "")
        elif tag == "input" and found.get("name"):
            self.fields[found["name"]] = found.get("value", "")
        elif tag == "button" and found.get("id"):
            pressed = (found.get("name", ""), found.get("value", ""))
            self.buttons[found["id"]] = pressed
        element_id = found.get("id") or None
        if element_id:
            self.texts.setdefault(element_id, "")
        return element_id

    def handle_data(self, data: str) -> None:
        for element_id in self._open_ids:
            if element_id:
                self.texts[element_id] += data


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def verifier_from_page(html: str) -> str:
    """The verifier shown on an ``oob`` page (``id="verifier"``)."""
    verifier = read_page(html).texts.get("verifier", "").strip()
    if not verifier:
        raise ValueError("the page shows no verifier (no id='verifier')")
    return verifier


def approve(authorize_url: str, *, allow: bool = True) -> str:
    """Press Allow (or Deny) on the page behind ``authorize_url``.

    Returns the ``Location`` the page redirects to (the callback with
    ``oauth_token`` and ``oauth_verifier``, or with ``denied``); for an
    ``oob`` request token, the verifier shown, or ``denied=<token>``.
    A refusal raises :class:`~buzzoauth.errors.ProviderError`.
    """
    url, html = _open_page(authorize_url)
    page = read_page(html)
    button = "allow" if allow else "deny"
    if button not in page.buttons or page.form_action is None:
        raise ValueError(f"the page has no form with a {button!r} button")
    name, value = page.buttons[button]
    fields = {**page.fields, name: value}
    target = urljoin(url, page.form_action)
    status, headers, body = _fetch("POST", target, urlencode(fields))
    if status in _REDIRECTS:
        return headers.get("location", "")
    _raise_unless_ok(status, headers, body)
    return _oob_result(read_page(body))


def _open_page(url: str) -> tuple[str, str]:
    for _ in range(MAX_HOPS + 1):
        status, headers, body = _fetch("GET", url)
        if status not in _REDIRECTS:
            _raise_unless_ok(status, headers, body)
            return url, body
        url = urljoin(url, headers.get("location", ""))
    raise ValueError(f"more than {MAX_HOPS} redirects from the authorize URL")


def _oob_result(page: PageReader) -> str:
    verifier = page.texts.get("verifier", "").strip()
    if verifier:
        return verifier
    token = page.texts.get("denied", "").strip()
    if token:
        return urlencode({"denied": token})
    raise ValueError("the answer page shows neither a verifier nor a denial")


def _fetch(
    method: str, url: str, form: str | None = None
) -> tuple[int, dict[str, str], str]:
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"approve() follows http:// URLs only, not {url!r}")
    connection = http.client.HTTPConnection(
        parts.hostname, parts.port or 80, timeout=TIMEOUT
    )
    headers = {"Accept": "text/html"}
    if form is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request(method, target or "/", body=form, headers=headers)
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        found = {name.lower(): value for name, value in response.getheaders()}
        return response.status, found, body
    finally:
        connection.close()


def _raise_unless_ok(status: int, headers: dict[str, str], body: str) -> None:
    if 200 <= status < 300:
        return
    page = read_page(body)
    raise ProviderError(
        status,
        page.texts.get("advice", "") or body,
        problem=page.texts.get("problem") or None,
        advice=page.texts.get("advice") or None,
    )

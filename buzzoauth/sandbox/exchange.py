"""One request and its answer, as plain values between the HTTP handler
(:mod:`.server`) and the routes (:mod:`.routes`, :mod:`.oauth`,
:mod:`.buzz`).

:class:`Call` is what came in; the ``*_answer`` helpers build an
:class:`Answer` of each kind the sandbox sends (form, JSON, HTML,
redirect, problem).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode

from .problems import FORM, Problem, render


@dataclass(frozen=True)
class Call:
    """An HTTP request as the sandbox saw it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    #: ``http://host:port`` as the client addressed it (``Host`` header).
    base_url: str

    @property
    def uri(self) -> str:
        """The absolute request URI, as a client signs it (RFC 5849
        §3.4.1.2)."""
        query = f"?{self.query}" if self.query else ""
        return f"{self.base_url}{self.path}{query}"

    def header(self, name: str) -> str:
        """The value of header ``name`` (any case), or ``""``."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return ""

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").split(";")[0].strip().lower()

    @property
    def is_form(self) -> bool:
        return self.content_type == FORM

    def query_params(self) -> dict[str, str]:
        return dict(parse_qsl(self.query, keep_blank_values=True))

    def form_params(self) -> dict[str, str]:
        """The body's fields, when it is form-encoded."""
        if not self.is_form:
            return {}
        text = self.body.decode("utf-8", "replace")
        return dict(parse_qsl(text, keep_blank_values=True))


@dataclass
class Answer:
    """What the sandbox sends back."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


def form_answer(fields: dict[str, str], status: int = 200) -> Answer:
    body = urlencode(fields).encode("ascii")
    return Answer(status, {"Content-Type": FORM}, body)


def json_answer(data: Any, status: int = 200) -> Answer:
    body = json.dumps(data, indent=1, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json; charset=utf-8"}
    return Answer(status, headers, body)


def html_answer(page: str, status: int = 200) -> Answer:
    headers = {
        "Content-Type": "text/html; charset=utf-8",
        "Cache-Control": "no-store",
        "X-Frame-Options": "DENY",
    }
    return Answer(status, headers, page.encode("utf-8"))


def text_answer(text: str, status: int) -> Answer:
    headers = {"Content-Type": "text/plain; charset=utf-8"}
    return Answer(status, headers, text.encode("utf-8"))


def redirect_answer(location: str) -> Answer:
    return Answer(302, {"Location": location, "Cache-Control": "no-store"})


def problem_answer(problem: Problem) -> Answer:
    headers, body = render(problem)
    return Answer(problem.status, headers, body)

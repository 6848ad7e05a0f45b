"""Rejections, told the OAuth Problem Reporting way.

A check that fails raises :class:`Problem`; the HTTP layer turns it into
an answer with :func:`render`: a form body
``oauth_problem=...&oauth_problem_advice=...`` (plus extra parameters
such as ``oauth_acceptable_timestamps``) and a challenge header
``WWW-Authenticate: OAuth realm="buzzoauth-sandbox", oauth_problem="..."``.

The codes used: ``parameter_absent``, ``parameter_rejected``,
``signature_method_rejected``, ``timestamp_refused``, ``nonce_used``,
``consumer_key_unknown``, ``token_rejected``, ``token_used``,
``token_revoked``, ``verifier_invalid``, ``signature_invalid``,
``permission_denied``, ``body_hash_invalid``.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

from .defaults import REALM

FORM = "application/x-www-form-urlencoded"


class Problem(Exception):
    """A request the sandbox refuses, with its HTTP status and
    ``oauth_problem`` code."""

    def __init__(
        self,
        status: int,
        code: str,
        advice: str,
        extra: Mapping[str, str] | None = None,
    ) -> None:
        self.status = status
        self.code = code
        self.advice = advice
        self.extra = dict(extra or {})
        super().__init__(f"{status} {code}: {advice}")


def absent(*names: str) -> Problem:
    """400 for missing protocol parameters."""
    listed = "&".join(names)
    return Problem(
        400,
        "parameter_absent",
        f"missing parameter: {', '.join(names)}",
        {"oauth_parameters_absent": listed},
    )


def rejected(name: str, why: str) -> Problem:
    """400 for a parameter whose value the sandbox refuses."""
    return Problem(
        400,
        "parameter_rejected",
        f"{name}: {why}",
        {"oauth_parameters_rejected": name},
    )


def unauthorized(code: str, advice: str) -> Problem:
    """401 with ``code``."""
    return Problem(401, code, advice)


def render(problem: Problem) -> tuple[dict[str, str], bytes]:
    """Headers and body of the answer for ``problem``."""
    fields = {
        "oauth_problem": problem.code,
        "oauth_problem_advice": problem.advice,
        **problem.extra,
    }
    headers = {"Content-Type": FORM, "WWW-Authenticate": challenge(problem)}
    return headers, urlencode(fields).encode("ascii")


def challenge(problem: Problem) -> str:
    """The ``WWW-Authenticate`` value (RFC 5849 §3.5.1 parameter syntax)."""
    return f'OAuth realm="{REALM}", oauth_problem="{problem.code}"'

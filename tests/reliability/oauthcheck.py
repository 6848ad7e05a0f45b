"""Server-side signature checks for the fault servers, done by oauthlib.

:class:`Verifier` recomputes the HMAC signature of a request as it
arrived (query, ``Authorization`` header, form body) with oauthlib's
RFC 5849 functions, not buzzoauth's, and records every nonce, so that a
test can tell whether a resent request was signed afresh.
"""

from __future__ import annotations

import hmac
import threading
from dataclasses import dataclass, field
from types import SimpleNamespace

from faultserver import HOST, Seen
from oauthlib.oauth1.rfc5849 import signature

_SIGNERS = {
    "HMAC-SHA1": signature.sign_hmac_sha1_with_client,
    "HMAC-SHA256": signature.sign_hmac_sha256_with_client,
}
FORM = "application/x-www-form-urlencoded"


@dataclass
class Verdict:
    """What the check found about one request."""

    valid: bool
    nonce: str | None
    signature: str | None
    params: dict[str, str]


@dataclass
class Verifier:
    """Checks HMAC signatures for one consumer secret and token secret."""

    consumer_secret: str
    token_secret: str = ""
    port: int = 0
    verdicts: list[Verdict] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def check(self, seen: Seen) -> Verdict:
        params = self._parameters(seen)
        given = dict(params).get("oauth_signature")
        unsigned = [(k, v) for k, v in params if k != "oauth_signature"]
        method = dict(params).get("oauth_signature_method", "")
        signer = _SIGNERS.get(method)
        valid = False
        if given and signer is not None:
            base = signature.signature_base_string(
                seen.method,
                signature.base_string_uri(
                    f"http://{HOST}:{self.port}{seen.path}"
                ),
                signature.normalize_parameters(unsigned),
            )
            secrets = SimpleNamespace(
                client_secret=self.consumer_secret,
                resource_owner_secret=self.token_secret,
            )
            expected = signer(base, secrets)
            valid = hmac.compare_digest(expected, given)
        verdict = Verdict(
            valid, dict(params).get("oauth_nonce"), given, dict(params)
        )
        with self._lock:
            self.verdicts.append(verdict)
        return verdict

    def _parameters(self, seen: Seen) -> list[tuple[str, str]]:
        content_type = (seen.header("content-type") or "").split(";")[0]
        body = seen.body.decode("utf-8") if content_type == FORM else None
        return list(
            signature.collect_parameters(
                uri_query=seen.query,
                body=body,
                headers=seen.headers,
                exclude_oauth_signature=False,
            )
        )

    @property
    def nonces(self) -> list[str | None]:
        with self._lock:
            return [v.nonce for v in self.verdicts]

    @property
    def signatures(self) -> list[str | None]:
        with self._lock:
            return [v.signature for v in self.verdicts]

"""The requests every signer in the benchmark is asked to sign.

Map: the ``CONSUMER_*`` and ``TOKEN_*`` constants (one fixed consumer
and token); :class:`Workload` (one request: method, URL, body, headers,
signature method; :meth:`Workload.picker` gives the URL for each call);
:func:`workloads` (the five cases of the brief, plus 1b: workload 1 with
a new URL on every call, so that no per-URL cache helps; in table
order).  The RSA key is made once per process by :func:`rsa_pem` with
the ``cryptography`` package.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

CONSUMER_KEY = "bench-consumer-key"
CONSUMER_SECRET = "bench-consumer-secret-0123456789"
TOKEN_KEY = "12345-bench-token-key"
TOKEN_SECRET = "bench-token-secret-abcdefghijklmnop"

#: Distinct URLs a ``vary`` workload cycles through: more than any
#: per-URL cache in the signers holds.
VARIANTS = 4096

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"

API = "https://api.example.com"
TIMELINE = API + "/1.1/statuses/home_timeline.json?count=20&since_id=12345"


@dataclass(frozen=True)
class Workload:
    """One request to sign, as every peer receives it."""

    key: str
    title: str
    method: str
    url: str
    body: bytes | None = None
    content_type: str | None = None
    body_hash: bool = False
    rsa: bool = False
    #: Sign a different URL on every call (since_id counts up), so that
    #: nothing a signer caches per URL is reused.
    vary: bool = False
    extra_headers: dict[str, str] = field(default_factory=dict)

    def headers(self) -> dict[str, str]:
        """A fresh header dict (signers may mutate what they get)."""
        out = dict(self.extra_headers)
        if self.content_type:
            out["Content-Type"] = self.content_type
        return out

    def text_body(self) -> str | None:
        return None if self.body is None else self.body.decode("utf-8")

    def urls(self) -> tuple[str, ...]:
        if not self.vary:
            return (self.url,)
        base = self.url.split("&since_id=", 1)[0]
        return tuple(f"{base}&since_id={12345 + i}" for i in range(VARIANTS))

    def picker(self) -> Callable[[], str]:
        """Each call gives the URL to sign next (the same one unless
        ``vary``)."""
        if not self.vary:
            return itertools.repeat(self.url).__next__
        return itertools.cycle(self.urls()).__next__


def _form_body() -> bytes:
    pairs = [
        ("status", "Hélló wörld ✓"),
        ("tags", "a,b"),
        ("lat", "37.7821120598956"),
        ("long", "-122.400612831116"),
        ("display_coordinates", "true"),
        ("in_reply_to_status_id", "1455953449422516226"),
        ("place_id", "df51dec6f4ee2b2c"),
        ("trim_user", "1"),
        ("include_entities", "true"),
        ("note", "50% off: spaces & symbols ~*'()!"),
    ]
    return urlencode(pairs).encode("ascii")


def _json_body() -> bytes:
    doc = {
        "text": "Hélló wörld ✓",
        "reply": {"in_reply_to_tweet_id": "1455953449422516226"},
        "media": {"media_ids": ["1455952740635586573"]},
    }
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _fifty_params_url() -> str:
    values = ["plain", "a b", "x/y", "ü", "1,2", "~t", "q=1", "&"]
    pairs = [(f"p{i:02d}", f"{values[i % len(values)]}{i}") for i in range(50)]
    return "https://api.example.com/1.1/search/tweets.json?" + urlencode(pairs)


@functools.cache
def workloads() -> tuple[Workload, ...]:
    """The five cases of the brief and 1b, in table order."""
    return (
        Workload("get", "1 GET, 2 query params", "GET", TIMELINE),
        Workload(
            "get-new",
            "1b = 1, a new URL each call",
            "GET",
            TIMELINE,
            vary=True,
        ),
        Workload(
            "form",
            "2 POST form, 10 pairs, unicode",
            "POST",
            "https://api.example.com/1.1/statuses/update.json",
            body=_form_body(),
            content_type=FORM,
        ),
        Workload(
            "json",
            "3 POST JSON + oauth_body_hash",
            "POST",
            "https://api.example.com/2/tweets",
            body=_json_body(),
            content_type=JSON,
            body_hash=True,
        ),
        Workload(
            "get50", "4 GET, 50 query params", "GET", _fifty_params_url()
        ),
        Workload("rsa", "5 RSA-SHA1 on workload 1", "GET", TIMELINE, rsa=True),
    )


def by_key(key: str) -> Workload:
    for item in workloads():
        if item.key == key:
            return item
    raise KeyError(key)


@functools.cache
def rsa_pem() -> bytes:
    """A 2048-bit RSA private key in PKCS#8 PEM, made once per process."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )

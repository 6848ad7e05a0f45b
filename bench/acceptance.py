"""The acceptance figure: how many signed requests a verifier accepts.

Run ``python bench/acceptance.py`` (``--count N``, ``--seed S``).

A seeded corpus of random requests, of the shapes the differential test
(``tests/test_differential.py``) generates, is signed three ways with
HMAC-SHA1:

1. raw python-oauth2, the way ``oauth2.Client.request`` does it:
   ``Request.from_consumer_and_token`` then ``sign_request``; the
   protocol parameters go in the query for a GET, in the body for a
   form, in an ``Authorization`` header (with its ``realm``) otherwise;
2. ``oauthlib.oauth1.Client`` (``Authorization`` header);
3. ``buzzoauth.BuzzOAuth.sign`` (``Authorization`` header).

Each request, as it would go on the wire, is judged by oauthlib's
server-side signature functions (:func:`accepts`).  A signer that
raises has its request counted as crashed.  The output is the accepted
share of each signer, and what went wrong for the others.

Map: :func:`corpus` -> :func:`sign_oauth2`, :func:`sign_oauthlib`,
:func:`sign_buzzoauth` -> :func:`accepts` -> :func:`main` prints.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunparse

import oauth2
from oauthlib.common import Request as OauthlibRequest
from oauthlib.oauth1 import Client as OauthlibClient
from oauthlib.oauth1.rfc5849 import signature as oauthlib_signature

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from buzzoauth import BuzzOAuth

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
METHODS = ("GET", "POST", "PUT", "DELETE", "PATCH")
HOSTS = ("example.com", "api.example.net", "127.0.0.1", "a-b.example.org")
PORTS = (None, 80, 443, 8080)
# Characters of names and values: plain, reserved, and non-ASCII.
ALPHABET = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " -._~!*'();:@&=+$,/?#[]%\"<>\\^`{|}"
    "éüßç€☕日本語"
)
#: Query characters both oauthlib and buzzoauth take unescaped.
RAW_IN_QUERY = ":@!$'()*,/?~;"
PATH_PIECES = ("photos", "1", "a-b", "x.y", "~u", "%20", "%C3%A9", "a+b", "")

Request = dict[str, Any]
Wire = tuple[str, str, dict[str, str], bytes]


# -- the corpus ---------------------------------------------------------------


def word(rng: random.Random, size: int = 6) -> str:
    return "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, size)))


def name(rng: random.Random) -> str:
    # oauthlib decodes "oauth_" parameters twice; see the differential test.
    while True:
        text = word(rng)
        if not text.startswith("oauth_"):
            return text


def pairs(rng: random.Random) -> list[tuple[str, str]]:
    items = [(name(rng), word(rng)) for _ in range(rng.randint(0, 4))]
    if items and rng.random() < 0.3:
        items.append((items[0][0], word(rng)))  # a repeated name
    return items


def spell(rng: random.Random, items: list[tuple[str, str]]) -> str:
    """Form-encode ``items`` with "+" or "%20" for spaces."""
    raw = "".join(c for c in RAW_IN_QUERY if rng.random() < 0.5)
    space = rng.choice(["+", "%20"])

    def enc(text: str, extra: str = "") -> str:
        return quote(text, safe=raw + extra).replace("%20", space)

    return "&".join(f"{enc(n)}={enc(v, '=')}" for n, v in items)


def make_url(rng: random.Random) -> str:
    scheme = rng.choice(["http", "https", "HTTP"])
    host = rng.choice(HOSTS)
    host = rng.choice([host, host.upper(), host.title()])
    port = rng.choice(PORTS)
    netloc = host if port is None else f"{host}:{port}"
    segments = [rng.choice(PATH_PIECES) for _ in range(rng.randint(0, 3))]
    path = "/" + "/".join(segments) if segments or rng.random() < 0.5 else ""
    query = pairs(rng)
    return f"{scheme}://{netloc}{path}" + (
        f"?{spell(rng, query)}" if query else ""
    )


def make_body(rng: random.Random, method: str) -> tuple[Any, dict[str, str]]:
    kinds = ["none", "json"] + (
        ["dict", "pairs", "str", "bytes"] if method != "GET" else []
    )
    kind = rng.choice(kinds)
    if kind == "none":
        return None, {}
    if kind == "json":
        document = {word(rng): word(rng) for _ in range(rng.randint(1, 3))}
        return json.dumps(document, ensure_ascii=False).encode(), {
            "Content-Type": JSON
        }
    items = pairs(rng)
    if kind == "dict":
        return dict(items), {"Content-Type": FORM}
    if kind == "pairs":
        return items, {"Content-Type": FORM}
    text = spell(rng, items)
    return (text.encode("ascii") if kind == "bytes" else text), {
        "Content-Type": FORM
    }


def corpus(count: int, seed: int) -> list[Request]:
    rng = random.Random(seed)
    requests = []
    for _ in range(count):
        method = rng.choice(METHODS)
        body, headers = make_body(rng, method)
        requests.append(
            {
                "method": method,
                "url": make_url(rng),
                "body": body,
                "headers": headers,
                "consumer": ("ck-" + word(rng, 4), word(rng, 10)),
                "token": ("tk-" + word(rng, 4), word(rng, 10)),
            }
        )
    return requests


def form_text(body: Any) -> Any:
    """A dict or list body as the form-encoded text a caller would send."""
    return urlencode(body) if isinstance(body, dict | list) else body


# -- the three signers --------------------------------------------------------


def sign_oauth2(req: Request) -> Wire:
    """What ``oauth2.Client.request`` would put on the wire."""
    consumer = oauth2.Consumer(*req["consumer"])
    token = oauth2.Token(*req["token"])
    method, url = req["method"], req["url"]
    headers = dict(req["headers"])
    body = form_text(req["body"])
    if body is None:
        body = b""
    if method == "POST":
        headers.setdefault("Content-Type", FORM)
    is_form = headers.get("Content-Type") == FORM
    parameters = parse_qs(body) if is_form and body else None
    request = oauth2.Request.from_consumer_and_token(
        consumer,
        token=token,
        http_method=method,
        http_url=url,
        parameters=parameters,
        body=body,
        is_form_encoded=is_form,
    )
    request.sign_request(oauth2.SignatureMethod_HMAC_SHA1(), consumer, token)
    scheme, netloc = urlsplit(url)[:2]
    realm = urlunparse((scheme, netloc, "", None, None, None))
    if is_form:
        body = request.to_postdata()
    elif method == "GET":
        url = request.to_url()
    else:
        headers.update(request.to_header(realm=realm))
    return method, url, headers, as_bytes(body)


def sign_oauthlib(req: Request) -> Wire:
    client = OauthlibClient(*req["consumer"], *req["token"])
    # A list of pairs would become a dict (repeated names lost).
    body = req["body"]
    body = urlencode(body) if isinstance(body, list) else body
    url, headers, body = client.sign(
        req["url"], req["method"], body, dict(req["headers"])
    )
    return req["method"], url, dict(headers), as_bytes(form_text(body))


def sign_buzzoauth(req: Request) -> Wire:
    client = BuzzOAuth(*req["consumer"], token=req["token"])
    signed = client.sign(
        req["url"], req["method"], req["body"], dict(req["headers"])
    )
    return signed.method, signed.url, dict(signed), signed.body or b""


def as_bytes(body: Any) -> bytes:
    if body is None:
        return b""
    return body if isinstance(body, bytes) else str(body).encode("utf-8")


SIGNERS: dict[str, Callable[[Request], Wire]] = {
    "python-oauth2 (raw)": sign_oauth2,
    "oauthlib": sign_oauthlib,
    "buzzoauth": sign_buzzoauth,
}


# -- the judge ----------------------------------------------------------------


def accepts(wire: Wire, consumer_secret: str, token_secret: str) -> bool:
    """oauthlib's server-side verdict on a request as sent."""
    method, url, headers, body = wire
    form = any(
        k.lower() == "content-type" and v.startswith(FORM)
        for k, v in headers.items()
    )
    try:
        text = body.decode("utf-8") if form else ""
        request = OauthlibRequest(url, method, text, headers)
        auth = {
            k: v for k, v in headers.items() if k.lower() == "authorization"
        }
        sources = {
            "uri_query": request.uri_query,
            "body": text,
            "headers": auth,
        }
        every = oauthlib_signature.collect_parameters(
            **sources, exclude_oauth_signature=False
        )
        request.params = oauthlib_signature.collect_parameters(**sources)
    except ValueError:  # UnicodeDecodeError included
        return False
    signatures = [v for k, v in every if k == "oauth_signature"]
    if len(signatures) != 1:
        return False
    request.signature = signatures[0]
    return bool(
        oauthlib_signature.verify_hmac_sha1(
            request, consumer_secret, token_secret
        )
    )


# -- the figure ---------------------------------------------------------------


@dataclass
class Tally:
    accepted: int = 0
    rejected: int = 0
    crashed: Counter[str] = field(default_factory=Counter)
    #: The same count over requests whose URL python-oauth2 can sign.
    tame_accepted: int = 0
    tame_total: int = 0


def tame_url(req: Request) -> bool:
    """A lower-case host and a non-empty path (RFC 5849 §3.4.1.2 asks
    for "/" and lower case; python-oauth2 does neither)."""
    parts = urlsplit(req["url"])
    host = parts.netloc.rsplit(":", 1)[0]
    return host == host.lower() and parts.path != ""


def judge_all(requests: list[Request]) -> dict[str, Tally]:
    tallies = {signer: Tally() for signer in SIGNERS}
    for req in requests:
        tame = tame_url(req)
        for signer, sign in SIGNERS.items():
            tally = tallies[signer]
            tally.tame_total += tame
            try:
                wire = sign(req)
            except Exception as exc:  # counted, not hidden
                tally.crashed[type(exc).__name__] += 1
                continue
            if accepts(wire, req["consumer"][1], req["token"][1]):
                tally.accepted += 1
                tally.tame_accepted += tame
            else:
                tally.rejected += 1
    return tallies


def render(tallies: dict[str, Tally], count: int, seed: int) -> str:
    lines = [
        f"Acceptance by oauthlib's verifier: {count} requests, seed {seed}",
        "",
        f"{'signer':<22}{'accepted':>16}{'rejected':>10}{'crashed':>9}",
    ]
    for signer, tally in tallies.items():
        share = 100.0 * tally.accepted / count
        crashed = sum(tally.crashed.values())
        lines.append(
            f"{signer:<22}{tally.accepted:>7} ({share:5.1f} %)"
            f"{tally.rejected:>10}{crashed:>9}"
        )
    lines.append("")
    for signer, tally in tallies.items():
        for error, n in tally.crashed.most_common():
            lines.append(f"{signer} raised {error} {n} times")
    for signer, tally in tallies.items():
        share = 100.0 * tally.tame_accepted / max(tally.tame_total, 1)
        lines.append(
            f"{signer}, lower-case host and a path only: "
            f"{tally.tame_accepted} of {tally.tame_total} ({share:.1f} %)"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=5849)
    args = parser.parse_args(argv)
    if args.count < 1:
        parser.error("--count must be at least 1")
    tallies = judge_all(corpus(args.count, args.seed))
    print(render(tallies, args.count, args.seed))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

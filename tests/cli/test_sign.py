"""``buzzoauth sign`` against published signature vectors.

Every vector comes from tests/data/oauth1_vectors.json, which names its
source (RFC 5849 §1.2 and §3.1, OAuth Core 1.0 Appendix A, the OAuth
wiki's RSA-SHA1 case).  Vectors whose requests carry ``oauth_callback``
or ``oauth_verifier`` are token steps, which ``sign`` does not make.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote

import pytest

VECTORS = Path(__file__).parent.parent / "data" / "oauth1_vectors.json"
_TOKEN_STEP = {"oauth_callback", "oauth_verifier", "oauth_body_hash"}


def _signable() -> list[dict[str, Any]]:
    chosen = []
    for vector in json.loads(VECTORS.read_text(encoding="utf-8")):
        names = {name for name, _ in vector["params"]}
        if (
            vector["kind"] == "signature"
            and vector["url"]
            and not (names & _TOKEN_STEP)
        ):
            chosen.append(vector)
    return chosen


SIGNABLE = _signable()


def _arguments(vector: dict[str, Any], tmp_path: Path) -> list[str]:
    params = dict(vector["params"])
    args = [
        "sign",
        "-v",
        "-X",
        vector["http_method"],
        "--consumer-key",
        params["oauth_consumer_key"],
        "--nonce",
        params["oauth_nonce"],
        "--timestamp",
        params["oauth_timestamp"],
        "--signature-method",
        vector["method"],
    ]
    if vector["consumer_secret"]:
        args += ["--consumer-secret", vector["consumer_secret"]]
    if "oauth_token" in params:
        args += ["--token", params["oauth_token"]]
        args += ["--token-secret", vector["token_secret"]]
    if "oauth_version" not in params:
        args.append("--no-version")
    if vector["realm"]:
        args += ["--realm", vector["realm"]]
    if vector["rsa_private_key"]:
        key = tmp_path / "key.pem"
        key.write_text(vector["rsa_private_key"])
        args += ["--rsa-key", str(key)]
    for name, value in parse_qsl(vector["body"] or "", keep_blank_values=True):
        args += ["-d", f"{name}={value}"]
    return [*args, vector["url"]]


def _block(stdout: str, label: str) -> str:
    lines = stdout.splitlines()
    return lines[lines.index(label) + 1].strip()


def test_vectors_are_there() -> None:
    names = {vector["name"] for vector in SIGNABLE}
    assert {
        "rfc5849-1.2-protected-resource",
        "core1.0-appendixA.5-hmac-sha1",
        "rfc5849-3.1-3.4.1-example",
        "wiki-testcases-rsa-sha1",
    } <= names


@pytest.mark.parametrize("vector", SIGNABLE, ids=lambda v: v["name"])
def test_sign_prints_the_published_signature(
    cli: Any, vector: dict[str, Any], tmp_path: Path
) -> None:
    result = cli.run(*_arguments(vector, tmp_path))
    assert result.returncode == 0, result.stderr
    expected = (
        vector.get("expected_signature_correct")
        or vector["expected_signature"]
    )
    assert _block(result.stdout, "Signature:") == expected
    header = result.stdout.splitlines()[-1]
    assert header.startswith("Authorization: OAuth ")
    assert f'oauth_signature="{quote(expected, safe="")}"' in header
    if vector["realm"]:
        assert header.startswith(
            f'Authorization: OAuth realm="{vector["realm"]}", '
        )
    if vector["expected_base_string"]:
        assert (
            _block(result.stdout, "Signature base string:")
            == vector["expected_base_string"]
        )


def test_rfc5849_section_1_2_through_the_entry_point(cli: Any) -> None:
    """RFC 5849 §1.2, GET /photos: the header the RFC prints."""
    result = cli.run(
        "sign",
        "--consumer-key",
        "dpf43f3p2l4k3l03",
        "--consumer-secret",
        "kd94hf93k423kf44",
        "--token",
        "nnch734d00sl2jdk",
        "--token-secret",
        "pfkkdhi9sl3r4s00",
        "--nonce",
        "chapoH",
        "--timestamp",
        "137131202",
        "--realm",
        "Photos",
        "--no-version",
        "http://photos.example.net/photos?file=vacation.jpg&size=original",
        entry=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        'Authorization: OAuth realm="Photos", '
        'oauth_consumer_key="dpf43f3p2l4k3l03", '
        'oauth_signature_method="HMAC-SHA1", '
        'oauth_token="nnch734d00sl2jdk", oauth_nonce="chapoH", '
        'oauth_timestamp="137131202", '
        'oauth_signature="MdpQcU8iPSUjWoN%2FUDMsK2sui9I%3D"\n'
    )
    assert result.stderr == ""


A5 = [
    "sign",
    "--consumer-key",
    "dpf43f3p2l4k3l03",
    "--consumer-secret",
    "kd94hf93k423kf44",
    "--token",
    "nnch734d00sl2jdk",
    "--token-secret",
    "pfkkdhi9sl3r4s00",
    "--nonce",
    "kllo9940pd9333jh",
    "--timestamp",
    "1191242096",
]
A5_URL = "http://photos.example.net/photos?file=vacation.jpg&size=original"
A5_SIGNATURE = "tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D"


def test_query_placement_prints_the_signed_url(cli: Any) -> None:
    """RFC 5849 §3.5.3: the protocol parameters join the query."""
    result = cli.run(*A5, "--placement", "query", A5_URL)
    assert result.returncode == 0, result.stderr
    url = result.stdout.strip()
    assert url.startswith(A5_URL + "&oauth_")
    assert url.endswith(f"&oauth_signature={A5_SIGNATURE}")
    assert "oauth_version=1.0" in url


def test_body_placement_prints_the_signed_form(cli: Any) -> None:
    """RFC 5849 §3.5.2: the protocol parameters join the form body."""
    result = cli.run(*A5, "--placement", "body", "-d", "a=b c", A5_URL)
    assert result.returncode == 0, result.stderr
    fields = dict(parse_qsl(result.stdout.strip()))
    assert fields["a"] == "b c"
    assert fields["oauth_consumer_key"] == "dpf43f3p2l4k3l03"
    assert fields["oauth_signature"]


def test_a_wrong_secret_gives_another_signature(run_main: Any) -> None:
    args = [a if a != "kd94hf93k423kf44" else "kd94hf93k423kf45" for a in A5]
    code, out, err = run_main(*args, A5_URL)
    assert code == 0, err
    assert A5_SIGNATURE not in out
    assert "oauth_signature=" in out


def test_credentials_from_the_environment(cli: Any) -> None:
    result = cli.run(
        "sign",
        "--nonce",
        "kllo9940pd9333jh",
        "--timestamp",
        "1191242096",
        A5_URL,
        env={
            "BUZZOAUTH_CONSUMER_KEY": "dpf43f3p2l4k3l03",
            "BUZZOAUTH_CONSUMER_SECRET": "kd94hf93k423kf44",
            "BUZZOAUTH_TOKEN": "nnch734d00sl2jdk",
            "BUZZOAUTH_TOKEN_SECRET": "pfkkdhi9sl3r4s00",
        },
    )
    assert result.returncode == 0, result.stderr
    assert f'oauth_signature="{A5_SIGNATURE}"' in result.stdout


@pytest.mark.parametrize(
    ("extra", "code", "words"),
    [
        (["--timestamp", "soon"], 2, "--timestamp must be whole seconds"),
        (["--signature-method", "MD5"], 2, "unknown method"),
        (["--placement", "cookie"], 2, "invalid choice"),
        (["-d", "novalue"], 2, "-d wants NAME=VALUE"),
    ],
)
def test_bad_input_is_one_line_and_a_usage_code(
    run_main: Any, extra: list[str], code: int, words: str
) -> None:
    got, _, err = run_main(*A5, *extra, A5_URL)
    assert got == code
    assert words in err
    assert "Traceback" not in err


def test_no_credentials_is_a_configuration_error(cli: Any) -> None:
    result = cli.run("sign", A5_URL)
    assert result.returncode == 3
    assert result.stderr.startswith("buzzoauth: no credentials")
    assert len(result.stderr.splitlines()) == 1


def test_plaintext_over_http_is_refused(run_main: Any) -> None:
    """RFC 5849 §3.4.4: PLAINTEXT only over TLS."""
    code, out, err = run_main(*A5, "--signature-method", "PLAINTEXT", A5_URL)
    assert code == 2
    assert err == (
        "buzzoauth: PLAINTEXT signatures need https:// (RFC 5849 §3.4.4)\n"
    )
    assert out == ""

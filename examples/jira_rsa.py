"""RSA-SHA1 signing with a private key file, as Jira's application links
ask for.

Jira (Server and Data Center) knows an OAuth consumer by its key and the
*public* half of an RSA key pair; the consumer signs with the private
half (RFC 5849 §3.4.3) and has no shared secret.  Against a real Jira::

    python examples/jira_rsa.py --base-url https://jira.example.com \\
        --consumer-key my-app --key jira_privatekey.pem

does the dance on Jira's ``/plugins/servlet/oauth/...`` endpoints (the
``jira`` preset), asks for the verifier Jira shows, and reads
``/rest/api/2/myself``.

With no arguments it generates a 2048-bit key pair in a temporary
folder, starts an in-process sandbox, registers the public key there
with ``Sandbox.register_consumer(..., rsa_public_key=PEM)``, does the
dance (approved by script) and one signed request.  ``--key FILE``
without ``--base-url`` does the same with the pair of that private key.
The sandbox does not serve Jira's paths: it is driven through its own
preset (``/oauth/request_token`` ...), and the signatures are the same.

Needs ``pip install "buzzoauth[rsa,sandbox]"`` (``cryptography``).
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from buzzoauth import BuzzOAuth, BuzzOAuthError, Provider, providers

SANDBOX_CONSUMER = "jira-rsa-example"
JIRA_ME = "/rest/api/2/myself"
SANDBOX_ME = "/buzz/v1/people/@me/@self"


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", help="your Jira, e.g. https://jira.x")
    parser.add_argument("--consumer-key", help="as set in the app link")
    parser.add_argument("--key", type=Path, help="PEM RSA private key")
    args = parser.parse_args(argv)
    if args.base_url and not (args.consumer_key and args.key):
        parser.error("--base-url needs --consumer-key and --key")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        if args.base_url:
            provider = providers.get("jira").with_base_url(args.base_url)
            client = rsa_client(args.consumer_key, args.key, provider)
            dance(client, ask_for_verifier)
            read(client, args.base_url.rstrip("/") + JIRA_ME)
        else:
            run_in_sandbox(args.key)
    except (BuzzOAuthError, OSError, ValueError) as exc:
        print(f"jira_rsa: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\njira_rsa: interrupted", file=sys.stderr)
        return 130
    return 0


def rsa_client(
    consumer_key: str, key_file: Path, provider: Provider
) -> BuzzOAuth:
    # Jira's consumers have no shared secret: the private key signs.
    return BuzzOAuth(
        consumer_key,
        "",
        provider=provider,
        signature_method="RSA-SHA1",
        rsa_key=key_file.read_bytes(),
    )


def dance(client: BuzzOAuth, approve: Callable[[str], str]) -> None:
    """RFC 5849 §2.1, §2.2, §2.3, each request signed with RSA-SHA1."""
    request_token = client.fetch_request_token()
    print(f"request token {request_token.key} (signed with RSA-SHA1)")
    client.set_verifier(approve(client.authorize_url()))
    access_token = client.fetch_access_token()
    print(f"access token {access_token.key}")


def read(client: BuzzOAuth, url: str) -> None:
    status, body = client.request(url)
    print(f"GET {url} -> {status}")
    if status == 200:
        user = json.loads(body)
        user = user.get("data", user)
        name = user.get("displayName") or user.get("name", "?")
        print(f"  signed in as {name}")


def ask_for_verifier(url: str) -> str:
    print(f"Open this URL, click Allow, then enter the verifier shown:\n{url}")
    # The verifier is a secret: no echo on a terminal.
    if sys.stdin.isatty():
        verifier = getpass.getpass("verifier: ")
    else:
        print("verifier: ", end="", flush=True)
        verifier = sys.stdin.readline()
        print()
    if not verifier.strip():
        raise SystemExit("jira_rsa: no verifier given")
    return verifier.strip()


# -- the in-process sandbox ------------------------------------------------


def run_in_sandbox(key_file: Path | None) -> None:
    from buzzoauth.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as folder, Sandbox() as sandbox:
        print(
            "No provider given: started an in-process sandbox at "
            f"{sandbox.base_url} with an RSA consumer of its own."
        )
        if key_file is None:
            key_file = Path(folder, "jira_privatekey.pem")
            new_key_pair(key_file)
            print("generated a 2048-bit RSA key pair in a temporary folder")
        sandbox.register_consumer(
            SANDBOX_CONSUMER,
            rsa_public_key=public_half(key_file),
            display_name="jira_rsa example",
        )
        print(f"registered consumer {SANDBOX_CONSUMER} with the public key")

        client = rsa_client(SANDBOX_CONSUMER, key_file, sandbox.provider)

        def approve(url: str) -> str:
            print("approving by script (Sandbox.approve)")
            verifier: str = sandbox.approve(url)
            return verifier

        dance(client, approve)
        read(client, sandbox.base_url + SANDBOX_ME)


def new_key_pair(private_file: Path) -> None:
    """Write a new private key, readable by its owner only."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    private_file.touch(mode=0o600)
    private_file.write_bytes(pem)


def public_half(private_file: Path) -> str:
    """The PEM public key to register with the provider."""
    from cryptography.hazmat.primitives import serialization

    key = serialization.load_pem_private_key(
        private_file.read_bytes(), password=None
    )
    return (
        key.public_key()
        .public_bytes(
            serialization.Encoding.PEM,
            serialization.PublicFormat.SubjectPublicKeyInfo,
        )
        .decode("ascii")
    )


if __name__ == "__main__":
    sys.exit(main())

"""Optional extras: without them, a clear error names the extra."""

from __future__ import annotations

import subprocess
import sys

NO_CRYPTOGRAPHY = """
import sys
sys.modules["cryptography"] = None  # as if it were not installed
from buzzoauth import BuzzOAuth
from buzzoauth.errors import MissingDependencyError
try:
    BuzzOAuth("key", "", signature_method="RSA-SHA1", rsa_key="PEM")
except MissingDependencyError as exc:
    print(exc)
# HMAC needs nothing more.
client = BuzzOAuth("key", "secret", token=("t", "s"))
print(client.sign("https://example.com/")["Authorization"][:6])
"""


def test_rsa_without_cryptography_names_the_extra() -> None:
    result = subprocess.run(
        [sys.executable, "-c", NO_CRYPTOGRAPHY],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert 'pip install "buzzoauth[rsa]"' in lines[0]
    assert lines[1] == "OAuth "

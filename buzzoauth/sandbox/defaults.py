"""The sandbox's fixed names and numbers, documented so tests and demos
can rely on them.

- the demo consumer every :class:`~buzzoauth.sandbox.Sandbox` knows
  (:data:`DEMO_CONSUMER_KEY`, :data:`DEMO_CONSUMER_SECRET`), and
  Google's ``anonymous`` consumer for the Google-style flow;
- the one user who approves every request token (:data:`DEMO_USER_ID`);
- the two Buzz scopes and the limits the provider enforces.

Nothing here is secret: the sandbox is a local test double.
"""

from __future__ import annotations

#: Client credentials of the consumer registered in every sandbox.
DEMO_CONSUMER_KEY = "buzzoauth-demo-key"
DEMO_CONSUMER_SECRET = "buzzoauth-demo-secret"  # noqa: S105 (public demo)
DEMO_DISPLAY_NAME = "buzzoauth demo"

#: Google let unregistered applications use ``anonymous`` as both key
#: and secret; the sandbox accepts it too.
ANONYMOUS_KEY = "anonymous"
ANONYMOUS_SECRET = "anonymous"  # noqa: S105 (public by design)

#: The resource owner who approves on the authorize page.
DEMO_USER_ID = "1000001"
DEMO_SCREEN_NAME = "buzzdemo"
DEMO_USER_NAME = "Demo User"

#: The two scopes of the Buzz API (full and read-only).
BUZZ_SCOPE = "https://www.googleapis.com/auth/buzz"
BUZZ_READONLY_SCOPE = "https://www.googleapis.com/auth/buzz.readonly"
SCOPES = (BUZZ_SCOPE, BUZZ_READONLY_SCOPE)
SCOPE_TEXT = {
    BUZZ_SCOPE: "Read your Buzz stream, and post buzzes and comments",
    BUZZ_READONLY_SCOPE: "Read your Buzz stream",
}

#: ``realm`` of every ``WWW-Authenticate`` challenge.
REALM = "buzzoauth-sandbox"

#: How far a timestamp may stray from the sandbox clock, in seconds
#: (RFC 5849 §3.3 leaves the window to the server).
TIMESTAMP_WINDOW = 300

#: Accepted lengths of keys, tokens, nonces and verifiers.
KEY_LENGTH = (8, 128)
SAFE_CHARACTERS = frozenset(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_."
)

#: The largest request body the sandbox reads, in bytes.
MAX_BODY = 1 << 20

SIGNATURE_METHODS = (
    "HMAC-SHA1",
    "HMAC-SHA256",
    "HMAC-SHA512",
    "PLAINTEXT",
    "RSA-SHA1",
    "RSA-SHA256",
)
RSA_METHODS = frozenset({"RSA-SHA1", "RSA-SHA256"})

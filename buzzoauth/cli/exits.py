"""Exit codes of the ``buzzoauth`` command, and which error gives which.

====  ==========================================================
code  meaning
====  ==========================================================
0     success
1     an unexpected error: a bug (the traceback is printed)
2     bad usage: unknown option, bad value, unreadable input
3     flow or configuration: a step out of order, a missing
      optional dependency, no credentials to sign with
4     the provider answered 4xx (or 3xx it was not followed on)
5     the provider answered 5xx, or a token answer held no token
6     transport: no HTTP answer (refused, reset, timeout, TLS, DNS)
7     a token file or the profile store is missing or unreadable
8     authorization denied, or the callback failed or timed out
130   interrupted (Ctrl-C)
====  ==========================================================
"""

from __future__ import annotations

from ..errors import (
    CallbackError,
    FlowError,
    MissingDependencyError,
    ProviderError,
    TokenFileError,
    TokenResponseError,
    TransportError,
)
from ..profiles import ProfileError

OK = 0
BUG = 1
USAGE = 2
CONFIG = 3
CLIENT_ERROR = 4
SERVER_ERROR = 5
TRANSPORT = 6
TOKEN_FILE = 7
DENIED = 8
INTERRUPTED = 130

#: The table above, for ``--help``.
TABLE = """\
exit codes:
  0    success
  1    unexpected error (a bug: please report the traceback)
  2    bad usage or bad input
  3    flow or configuration error (no credentials, missing extra, ...)
  4    the provider answered 4xx
  5    the provider answered 5xx, or sent no token where one was due
  6    no answer from the provider (refused, timeout, TLS, DNS)
  7    token file or profile store missing or unreadable
  8    authorization denied, or the callback failed or timed out
  130  interrupted"""


def for_status(status: int) -> int:
    """The exit code for an HTTP status an API call ended with."""
    if 200 <= status < 300:
        return OK
    return SERVER_ERROR if status >= 500 else CLIENT_ERROR


def for_error(exc: BaseException) -> int:
    """The exit code for an error buzzoauth raised on purpose, else
    :data:`BUG`."""
    if isinstance(exc, ProviderError):
        return for_status(exc.status) or CLIENT_ERROR
    codes: tuple[tuple[type[BaseException], int], ...] = (
        (TokenResponseError, SERVER_ERROR),
        (TransportError, TRANSPORT),
        (CallbackError, DENIED),
        (TokenFileError, TOKEN_FILE),
        (ProfileError, TOKEN_FILE),
        (FlowError, CONFIG),
        (MissingDependencyError, CONFIG),
        (ValueError, USAGE),
    )
    for kind, code in codes:
        if isinstance(exc, kind):
            return code
    return BUG

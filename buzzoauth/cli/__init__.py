"""The ``buzzoauth`` command: OAuth 1.0a from a terminal.

Subcommands, one module each:

==============  ==================  ========================================
command         module              what it does
==============  ==================  ========================================
``demo``        :mod:`.cmd_demo`    the whole dance against a local sandbox
``sandbox``     :mod:`.cmd_sandbox` serve the offline provider until Ctrl-C
``authorize``   :mod:`.cmd_authorize`  get an access token, save a profile
``request``     :mod:`.cmd_request` a signed API call, like curl
``sign``        :mod:`.cmd_sign`    print a signature, base string, header
``profiles``    :mod:`.cmd_profiles`   list saved profiles, pick the default
``logout``      :mod:`.cmd_profiles`   revoke and forget a profile
``providers``   :mod:`.cmd_providers`  the table of provider presets
==============  ==================  ========================================

:func:`main` parses the arguments, runs one subcommand, and turns every
error buzzoauth raises on purpose into one line on stderr
(``buzzoauth: <message>``) and an exit code (:mod:`.exits` maps errors
to codes)::

    0    success
    1    unexpected error: a bug, reported with its traceback
    2    bad usage or bad input                      (ValueError)
    3    flow or configuration     (FlowError, MissingDependencyError)
    4    the provider answered 4xx                   (ProviderError)
    5    the provider answered 5xx, or no token  (TokenResponseError)
    6    no answer from the provider                (TransportError)
    7    token file or profile store   (TokenFileError, ProfileError)
    8    authorization denied, callback failed       (CallbackError)
    130  interrupted (Ctrl-C)

Only a bug prints a traceback, unless ``--debug`` asks for tracebacks
and DEBUG logging; both are redacted.  Only ``sign`` prints a
secret (a signature is its output) and ``sandbox`` its own demo consumer
secret; nothing else does.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from .._version import __version__
from ..errors import BuzzOAuthError
from . import exits
from .output import PROG, error_line, print_traceback, setup_logging

Runner = Callable[[argparse.Namespace], int]

_DESCRIPTION = "OAuth 1.0a (RFC 5849) from the command line."
_EPILOG = f"""\
start here:
  {PROG} demo          the three steps against a local sandbox, explained

{exits.TABLE}
"""


def build_parser() -> argparse.ArgumentParser:
    """The whole argument tree."""
    from . import (
        cmd_authorize,
        cmd_demo,
        cmd_profiles,
        cmd_providers,
        cmd_request,
        cmd_sandbox,
        cmd_sign,
    )

    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=_wide_formatter,
    )
    parser.add_argument(
        "--version", action="version", version=f"%(prog)s {__version__}"
    )
    add_debug_option(parser)
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module in (
        cmd_demo,
        cmd_sandbox,
        cmd_authorize,
        cmd_request,
        cmd_sign,
        cmd_profiles,
        cmd_providers,
    ):
        module.register(commands)
    return parser


def _wide_formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=28)


def add_debug_option(parser: argparse.ArgumentParser) -> None:
    """``--debug``, accepted before or after the subcommand."""
    parser.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS,
        help="log at DEBUG and show tracebacks (secrets stay masked)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else exits.USAGE
    debug = bool(getattr(args, "debug", False))
    setup_logging(debug)
    run: Runner | None = getattr(args, "run", None)
    if run is None:
        parser.print_help(sys.stderr)
        return exits.USAGE
    return _run(run, args, debug)


def _run(run: Runner, args: argparse.Namespace, debug: bool) -> int:
    try:
        return run(args)
    except KeyboardInterrupt:
        error_line("interrupted")
        return exits.INTERRUPTED
    except BrokenPipeError:
        # The reader went away (e.g. '| head'); stop quietly.
        _silence_stdout()
        return exits.BUG
    except (BuzzOAuthError, ValueError, OSError) as exc:
        code = exits.for_error(exc)
        if code == exits.BUG and isinstance(exc, OSError):
            code = exits.USAGE
        if debug:
            print_traceback(exc)
        error_line(_describe(exc))
        return code
    except Exception as exc:
        print_traceback(exc)
        error_line("unexpected error; this is a bug, please report it")
        return exits.BUG


def _describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename and exc.strerror:
        return f"{exc.filename}: {exc.strerror}"
    return str(exc) or type(exc).__name__


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


__all__ = ["build_parser", "main"]

"""Writing to the terminal: one place that decides what may be printed.

* :func:`say` prints a line of normal output to stdout, flushed, so a
  program reading the pipe sees it at once.
* :func:`warn` and :func:`error_line` print ``buzzoauth: ...`` lines to
  stderr, passed through :func:`buzzoauth.redact.redact_text` first.
* :class:`RedactingFormatter` and :func:`setup_logging` give ``--debug``
  its log lines, redacted too.
"""

from __future__ import annotations

import logging
import sys
import traceback
from typing import TYPE_CHECKING, TextIO

from ..redact import redact_text

PROG = "buzzoauth"
_DEBUG_LAYOUT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def say(text: str = "") -> None:
    """A line of output on stdout."""
    print(text, flush=True)


def warn(message: str) -> None:
    """A warning on stderr; the command carries on."""
    print(
        f"{PROG}: warning: {redact_text(message)}", file=sys.stderr, flush=True
    )


def error_line(message: str) -> None:
    """The one line that explains why the command failed."""
    print(f"{PROG}: {redact_text(message)}", file=sys.stderr, flush=True)


def print_traceback(exc: BaseException) -> None:
    """The traceback of ``exc`` on stderr, with secrets masked."""
    text = "".join(
        traceback.format_exception(type(exc), exc, exc.__traceback__)
    )
    sys.stderr.write(redact_text(text))
    sys.stderr.flush()


if TYPE_CHECKING:
    _Handler = logging.StreamHandler[TextIO]
else:  # not subscriptable at run time before Python 3.11
    _Handler = logging.StreamHandler


class _StderrHandler(_Handler):
    """Writes to whatever ``sys.stderr`` is at the time of each record."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


class RedactingFormatter(logging.Formatter):
    """A formatter whose every line, traceback included, is redacted."""

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record))


class _BriefFormatter(RedactingFormatter):
    """``buzzoauth: warning: ...``, as :func:`warn` prints."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        return f"{PROG}: {record.levelname.lower()}: {record.getMessage()}"


def setup_logging(debug: bool) -> None:
    """Log to stderr: DEBUG with ``--debug``, else warnings only.

    A library adds no handlers; the command line is the application, so
    it does, on the ``buzzoauth`` logger only.
    """
    handler = _StderrHandler()
    formatter = (
        RedactingFormatter(_DEBUG_LAYOUT) if debug else _BriefFormatter()
    )
    handler.setFormatter(formatter)
    logger = logging.getLogger("buzzoauth")
    for old in list(logger.handlers):
        if isinstance(old.formatter, RedactingFormatter):
            logger.removeHandler(old)
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if debug else logging.WARNING)

"""Token files: saving a token and reading it back, safely.

::

    save_token(token, path)   write the file atomically, mode 0600
    load_token(path)          read it, check it, return a Token

The name picks the format:

``*.json``
    a JSON object ``{"format": "buzzoauth-token", "version": 1, "key":
    ..., "secret": ..., "extra": {...}}``, the fields of
    :meth:`buzzoauth.credentials.Token.state`.
any other name (``token.tok``)
    a pickle of a plain ``oauth2.Token``, the format of the original 2010
    BuzzOAuth class, so that a program that unpickles the file itself
    still works.

Writing goes to a temporary file in the same folder, which is flushed,
synced and renamed over the old file (``os.replace``), so a reader sees
either the old token or the new one, never half of one.  A symlink at
the destination is replaced, not followed.

A pickle can run any code when it is loaded, so a token pickle is read
in four steps, and the file's own code runs at none of them:

1. the size is capped (:data:`MAX_BYTES`);
2. :func:`pickletools.genops` walks the instructions without running
   them: each must be on a short list, and nothing may follow ``STOP``;
3. a restricted unpickler resolves only the classes a token needs;
4. the object found must be a token whose fields are all plain strings.

Every failure is a :class:`~buzzoauth.errors.TokenFileError` naming the
file; no message holds a secret.
"""

from __future__ import annotations

import copyreg
import io
import json
import logging
import os
import pickle
import pickletools
import stat
from collections.abc import Mapping
from typing import Any

import oauth2

from . import credentials
from ._files import atomic_write
from .credentials import Token
from .errors import TokenFileError
from .redact import redact_text, remember

logger = logging.getLogger(__name__)

#: The largest token file read; a real one is a few hundred bytes.
MAX_BYTES = 1 << 20

JSON_FORMAT = "buzzoauth-token"
JSON_VERSION = 1

#: Readable by Python 2 and 3 alike, as the 2010 files were.
PICKLE_PROTOCOL = 2

_OPTIONAL_FIELDS = ("callback", "callback_confirmed", "verifier")
_FIELDS = frozenset({"key", "secret", "extra", *_OPTIONAL_FIELDS})

# What pickle protocols 0 to 5 emit for an oauth2.Token; nothing that
# calls, imports by extension code, or loads persistent objects.
_PICKLE_OPCODES = frozenset(
    {
        "PROTO", "FRAME", "STOP", "MARK",
        "GLOBAL", "STACK_GLOBAL", "REDUCE", "NEWOBJ", "BUILD",
        "EMPTY_DICT", "DICT", "SETITEM", "SETITEMS",
        "EMPTY_TUPLE", "TUPLE", "TUPLE1", "TUPLE2", "TUPLE3",
        "NONE", "UNICODE", "SHORT_BINUNICODE", "BINUNICODE",
        "BINUNICODE8", "STRING", "BINSTRING", "SHORT_BINSTRING",
        "PUT", "BINPUT", "LONG_BINPUT", "MEMOIZE",
        "GET", "BINGET", "LONG_BINGET",
    }
)  # fmt: skip

_TOKEN_CLASSES: dict[tuple[str, str], object] = {
    ("oauth2", "Token"): oauth2.Token,
    ("buzzoauth.credentials", "Token"): credentials.Token,
}
_reconstructor = copyreg._reconstructor  # type: ignore[attr-defined]
# Protocols 0 and 1 rebuild an object through copyreg; Python 2 spelled
# the modules copy_reg and __builtin__.
_LEGACY_CLASSES: dict[tuple[str, str], object] = {
    ("copyreg", "_reconstructor"): _reconstructor,
    ("copy_reg", "_reconstructor"): _reconstructor,
    ("builtins", "object"): object,
    ("__builtin__", "object"): object,
}


def save_token(
    token: oauth2.Token | tuple[str, str],
    path: str | os.PathLike[str] = "token.tok",
) -> None:
    """Write ``token`` to ``path``: JSON for ``*.json``, else a pickle.

    The file is replaced atomically and gets mode 0600.  A bad token
    raises ``TypeError``; a failed write raises
    :class:`~buzzoauth.errors.TokenFileError` and leaves any old file
    as it was.
    """
    name = _path_text(path)
    state = _state_of(token)
    data = _json_bytes(state) if _is_json(name) else _pickle_bytes(state)
    _write_atomic(name, data)
    logger.debug("token saved to %s", name)


def load_token(path: str | os.PathLike[str] = "token.tok") -> Token:
    """Read the token saved at ``path`` (see :func:`save_token`).

    Anything but a well-formed token file raises
    :class:`~buzzoauth.errors.TokenFileError`.
    """
    name = _path_text(path)
    data = _read(name)
    load = _from_json if _is_json(name) else _from_pickle
    token = load(name, data)
    logger.debug("token loaded from %s", name)
    return token


# -- writing ---------------------------------------------------------------


def _path_text(path: str | os.PathLike[str]) -> str:
    name = os.fspath(path)
    if not isinstance(name, str) or not name:
        raise TypeError("a token file path must be a non-empty str")
    return name


def _is_json(name: str) -> bool:
    return name.lower().endswith(".json")


def _state_of(token: oauth2.Token | tuple[str, str]) -> dict[str, Any]:
    converted = credentials.as_token(token)
    if converted is None:
        raise TypeError("there is no token to save")
    state = converted.state()
    for field in _OPTIONAL_FIELDS:
        if field in state and not isinstance(state[field], str):
            raise TypeError(f"token field {field!r} must be str or None")
    for key, value in state.get("extra", {}).items():
        if not isinstance(key, str) or not isinstance(value, str):
            raise TypeError(
                f"token extra field {str(key)[:40]!r} must map str to str"
            )
    return state


def _json_bytes(state: Mapping[str, Any]) -> bytes:
    document = {"format": JSON_FORMAT, "version": JSON_VERSION, **state}
    text = json.dumps(document, indent=2, ensure_ascii=False)
    return (text + "\n").encode("utf-8")


def _pickle_bytes(state: Mapping[str, Any]) -> bytes:
    # A plain oauth2.Token, not our subclass: old programs unpickle it
    # without buzzoauth installed.
    plain = oauth2.Token(state["key"], state["secret"])
    for field in _OPTIONAL_FIELDS:
        if field in state:
            setattr(plain, field, state[field])
    if state.get("extra"):
        plain.extra = dict(state["extra"])
    return pickle.dumps(plain, protocol=PICKLE_PROTOCOL)


def _write_atomic(name: str, data: bytes) -> None:
    try:
        atomic_write(name, data)
    except OSError as exc:
        raise _write_error(name, exc) from exc


def _write_error(name: str, exc: OSError) -> TokenFileError:
    reason = exc.strerror or type(exc).__name__
    return TokenFileError(name, f"cannot be written: {reason}")


# -- reading ---------------------------------------------------------------


def _fail(name: str, reason: str) -> TokenFileError:
    return TokenFileError(name, redact_text(reason))


def _read(name: str) -> bytes:
    # O_NONBLOCK: a FIFO at the path must not hang the open.
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(name, flags)
    except FileNotFoundError:
        raise _fail(name, "does not exist") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _fail(name, f"cannot be opened: {reason}") from None
    try:
        return _read_open(name, fd)
    finally:
        os.close(fd)


def _read_open(name: str, fd: int) -> bytes:
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise _fail(name, "is not a regular file")
        data = _read_capped(fd)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise _fail(name, f"cannot be read: {reason}") from None
    if len(data) > MAX_BYTES:
        raise _fail(name, f"is larger than {MAX_BYTES} bytes; not a token")
    if not data:
        raise _fail(name, "is empty")
    return data


def _read_capped(fd: int) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_BYTES:
        chunk = os.read(fd, MAX_BYTES + 1 - size)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


# -- JSON ------------------------------------------------------------------


class _RepeatedField(ValueError):
    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise _RepeatedField(key)
        found[key] = value
    return found


def _from_json(name: str, data: bytes) -> Token:
    document = _parse_json(name, data)
    if not isinstance(document, dict):
        kind = type(document).__name__
        raise _fail(name, f"holds a JSON {kind}, not a token object")
    if document.get("format") != JSON_FORMAT:
        raise _fail(name, f'is JSON without "format": "{JSON_FORMAT}"')
    version = document.get("version")
    if type(version) is not int or version != JSON_VERSION:
        raise _fail(
            name, f"has version {str(version)[:20]!r}; only 1 is known"
        )
    fields = {
        k: v for k, v in document.items() if k not in ("format", "version")
    }
    return _token_from(name, fields)


def _parse_json(name: str, data: bytes) -> object:
    if data.startswith(b"\x80"):
        raise _fail(name, "holds a pickle; only names ending .json hold JSON")
    try:
        text = data.decode("utf-8-sig")
        return json.loads(text, object_pairs_hook=_unique_pairs)
    except UnicodeDecodeError:
        raise _fail(name, "is not UTF-8 text, so not JSON") from None
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno} column {exc.colno}"
        raise _fail(name, f"is not valid JSON ({exc.msg}, {where})") from None
    except _RepeatedField as exc:
        raise _fail(name, f"repeats the field {exc.field[:40]!r}") from None
    except (ValueError, RecursionError):
        raise _fail(name, "is not valid JSON") from None


# -- pickle ----------------------------------------------------------------


class _TokenUnpickler(pickle.Unpickler):
    """Resolves only the few names a pickled token refers to."""

    def __init__(self, name: str, data: bytes, *, legacy: bool) -> None:
        # Python 2 pickles hold byte strings; they are read as UTF-8.
        super().__init__(io.BytesIO(data), encoding="utf-8")
        self._name = name
        self._allowed = dict(_TOKEN_CLASSES)
        if legacy:
            self._allowed.update(_LEGACY_CLASSES)

    def find_class(self, module: str, name: str) -> Any:
        found = self._allowed.get((module, name))
        if found is None:
            what = f"{module[:60]}.{name[:60]}"
            raise _fail(self._name, f"refers to {what}, which no token needs")
        return found


def _from_pickle(name: str, data: bytes) -> Token:
    if data.lstrip()[:1] in (b"{", b"["):
        raise _fail(name, "holds JSON; name it *.json to load it as JSON")
    protocol = _scan_pickle(name, data)
    unpickler = _TokenUnpickler(name, data, legacy=protocol < 2)
    try:
        found = unpickler.load()
    except TokenFileError:
        raise
    except Exception:  # hostile bytes can make the unpickler raise anything
        raise _fail(name, "is not a readable token pickle") from None
    if type(found) not in (oauth2.Token, credentials.Token):
        kind = type(found).__name__
        raise _fail(name, f"holds a pickled {kind}, not a token")
    return _token_from(name, vars(found))


def _scan_pickle(name: str, data: bytes) -> int:
    """Check every instruction without running any; return the protocol."""
    stream = io.BytesIO(data)
    protocol = 0
    try:
        for opcode, arg, at in pickletools.genops(stream):
            if opcode.name not in _PICKLE_OPCODES:
                what = f"instruction {opcode.name} at byte {at}"
                raise _fail(name, f"is not a token pickle ({what})")
            if opcode.name == "PROTO" and isinstance(arg, int):
                protocol = arg
    except TokenFileError:
        raise
    except Exception:  # genops reports bad input with assorted errors
        raise _fail(name, "is truncated or is not a pickle") from None
    if stream.read(1):
        raise _fail(name, "has data after the end of the pickle")
    return protocol


# -- both formats ----------------------------------------------------------


def _token_from(name: str, fields: Mapping[Any, object]) -> Token:
    unknown = sorted(
        repr(field)[:40] for field in fields if field not in _FIELDS
    )
    if unknown:
        raise _fail(name, f"has unexpected token fields: {', '.join(unknown)}")
    key, secret = fields.get("key"), fields.get("secret")
    if type(key) is not str or type(secret) is not str:
        raise _fail(name, "needs a key and a secret, both strings")
    token = Token(key, secret, _extra(name, fields))
    for field in _OPTIONAL_FIELDS:
        value = fields.get(field)
        if value is not None and type(value) is not str:
            raise _fail(name, f"has a {field} that is not a string")
        setattr(token, field, value)
    remember(token.verifier)
    return token


def _extra(name: str, fields: Mapping[Any, object]) -> dict[str, str]:
    extra = fields.get("extra")
    if extra is None:
        return {}
    if type(extra) is not dict:
        raise _fail(name, "has extra fields that are not a mapping")
    for key, value in extra.items():
        if type(key) is not str or type(value) is not str:
            raise _fail(name, "has an extra field that is not a string")
    return dict(extra)


__all__ = ["MAX_BYTES", "load_token", "save_token"]

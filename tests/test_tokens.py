"""Token files: round trips, the 2010 pickle format, atomic writes and
hostile input.

Every crafted pickle below tries to create a marker file when it is
loaded; a control test proves each one does so under plain
``pickle.loads``, so a missing marker after ``load_token`` means the
loader refused it, not that the gadget was broken.
"""

from __future__ import annotations

import builtins
import contextlib
import json
import logging
import os
import pickle
import re
import stat
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import oauth2
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from buzzoauth import credentials, tokens
from buzzoauth.errors import TokenFileError
from buzzoauth.redact import redact_text

SECRET = "tok-secret-7f3a9c"
VERIFIER = "verifier-51c2e8"


def _token(**fields: str) -> credentials.Token:
    token = credentials.Token("tok-key", SECRET, {"user_id": "42"})
    token.callback_confirmed = "true"
    for name, value in fields.items():
        setattr(token, name, value)
    return token


def _load_error(path: Path) -> TokenFileError:
    with pytest.raises(TokenFileError) as caught:
        tokens.load_token(path)
    message = str(caught.value)
    assert message.startswith(str(path)), message
    assert SECRET not in message
    return caught.value


# -- round trips -----------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["token.json", "TOKEN.JSON", "token.tok", "t"]
)
def test_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    token = _token(verifier=VERIFIER, callback="https://app.example/cb")

    tokens.save_token(token, path)
    loaded = tokens.load_token(path)

    assert type(loaded) is credentials.Token
    assert (loaded.key, loaded.secret) == ("tok-key", SECRET)
    assert loaded.extra == {"user_id": "42"}
    assert loaded.callback == "https://app.example/cb"
    assert loaded.callback_confirmed == "true"
    assert loaded.verifier == VERIFIER


def test_round_trip_of_plain_oauth2_token_and_pair(tmp_path: Path) -> None:
    tokens.save_token(oauth2.Token("a", "b"), tmp_path / "one.tok")
    tokens.save_token(("c", "d"), tmp_path / "two.json")

    one = tokens.load_token(tmp_path / "one.tok")
    two = tokens.load_token(str(tmp_path / "two.json"))

    assert (one.key, one.secret, one.extra) == ("a", "b", {})
    assert (two.key, two.secret, two.verifier) == ("c", "d", None)


def test_default_path_is_token_tok(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(tmp_path)

    tokens.save_token(_token())

    assert (tmp_path / "token.tok").is_file()
    assert tokens.load_token().secret == SECRET


def test_json_document_layout(tmp_path: Path) -> None:
    path = tmp_path / "token.json"

    tokens.save_token(_token(), path)

    document = json.loads(path.read_text("utf-8"))
    assert document == {
        "format": "buzzoauth-token",
        "version": 1,
        "key": "tok-key",
        "secret": SECRET,
        "callback_confirmed": "true",
        "extra": {"user_id": "42"},
    }


def test_loaded_secrets_are_remembered_for_redaction(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text(
        '{"format": "buzzoauth-token", "version": 1, "key": "k",'
        ' "secret": "never-seen-before-9d1", "verifier": "fresh-verif-77"}'
    )

    token = tokens.load_token(path)

    assert "never-seen-before-9d1" not in repr(token) + str(token)
    assert (
        redact_text("x never-seen-before-9d1 fresh-verif-77") == "x **** ****"
    )


def test_nothing_secret_is_logged(tmp_path: Path, caplog: Any) -> None:
    caplog.set_level(logging.DEBUG)

    for name in ("token.tok", "token.json"):
        tokens.save_token(_token(verifier=VERIFIER), tmp_path / name)
        tokens.load_token(tmp_path / name)

    assert "token.json" in caplog.text
    assert SECRET not in caplog.text
    assert VERIFIER not in caplog.text


# -- the 2010 pickle format ------------------------------------------------

# What the seed's pickle.dump(token, ...) wrote under Python 2, protocol
# 0 (the default there) and 2; byte strings are Python 2 ``str``.
PY2_PROTOCOL_0 = (
    b"ccopy_reg\n_reconstructor\np0\n(coauth2\nToken\np1\nc__builtin__\n"
    b"object\np2\nNtp3\nRp4\n(dp5\nS'key'\np6\nS'py2key'\np7\nsS'secret'\n"
    b"p8\nS'py2secret'\np9\nsb."
)
PY2_PROTOCOL_2 = (
    b"\x80\x02coauth2\nToken\nq\x00)\x81q\x01}q\x02(U\x03keyq\x03U\x06py2"
    b"keyq\x04U\x06secretq\x05U\tpy2secretq\x06ub."
)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_reads_seed_pickles(tmp_path: Path, protocol: int) -> None:
    path = tmp_path / "token.tok"
    seed = oauth2.Token("seed-key", SECRET)
    seed.set_callback("https://app.example/cb")
    path.write_bytes(pickle.dumps(seed, protocol=protocol))

    loaded = tokens.load_token(path)

    assert (loaded.key, loaded.secret) == ("seed-key", SECRET)
    assert loaded.callback == "https://app.example/cb"
    assert loaded.callback_confirmed == "true"


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_reads_pickles_of_our_own_token(tmp_path: Path, protocol: int) -> None:
    path = tmp_path / "token.tok"
    path.write_bytes(pickle.dumps(_token(), protocol=protocol))

    loaded = tokens.load_token(path)

    assert (loaded.key, loaded.secret) == ("tok-key", SECRET)
    assert loaded.extra == {"user_id": "42"}


@pytest.mark.parametrize("data", [PY2_PROTOCOL_0, PY2_PROTOCOL_2])
def test_reads_python2_pickles(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "token.tok"
    path.write_bytes(data)

    loaded = tokens.load_token(path)

    assert (loaded.key, loaded.secret) == ("py2key", "py2secret")


def test_written_pickle_is_a_plain_oauth2_token(tmp_path: Path) -> None:
    path = tmp_path / "token.tok"

    tokens.save_token(_token(verifier=VERIFIER), path)

    data = path.read_bytes()
    assert b"buzzoauth" not in data
    with path.open("rb") as stream:
        old = pickle.load(stream)  # what a 2010 program does
    assert type(old) is oauth2.Token
    assert (old.key, old.secret, old.verifier) == ("tok-key", SECRET, VERIFIER)
    assert old.extra == {"user_id": "42"}


def test_written_pickle_has_no_extra_when_empty(tmp_path: Path) -> None:
    path = tmp_path / "token.tok"

    tokens.save_token(oauth2.Token("k", "s"), path)

    old = pickle.loads(path.read_bytes())
    assert vars(old) == {"key": "k", "secret": "s"}


# -- file mode and atomic writes -------------------------------------------


@contextlib.contextmanager
def _umask(mask: int) -> Iterator[None]:
    old = os.umask(mask)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_mode_is_0600_under_umask_000(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text("old")
    path.chmod(0o666)

    with _umask(0):
        tokens.save_token(_token(), path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_symlink_at_destination_is_replaced_not_followed(
    tmp_path: Path,
) -> None:
    target = tmp_path / "precious.txt"
    target.write_text("do not touch")
    link = tmp_path / "token.tok"
    link.symlink_to(target)

    tokens.save_token(_token(), link)

    assert target.read_text() == "do not touch"
    assert not link.is_symlink()
    assert tokens.load_token(link).secret == SECRET


def _listing(folder: Path) -> list[str]:
    return sorted(entry.name for entry in folder.iterdir())


def _failing(exc: BaseException) -> Callable[..., Any]:
    def fail(*args: Any, **kwargs: Any) -> Any:
        raise exc

    return fail


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_failed_fsync_keeps_old_file(
    tmp_path: Path, monkeypatch: Any, name: str
) -> None:
    path = tmp_path / name
    tokens.save_token(("old-key", "old-secret"), path)
    before = path.read_bytes()
    monkeypatch.setattr(
        os, "fsync", _failing(OSError(5, "Input/output error"))
    )

    with pytest.raises(TokenFileError, match="cannot be written"):
        tokens.save_token(_token(), path)

    assert path.read_bytes() == before
    assert _listing(tmp_path) == [name]


def test_failed_rename_keeps_old_file(
    tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "token.tok"
    tokens.save_token(("old-key", "old-secret"), path)
    before = path.read_bytes()
    monkeypatch.setattr(os, "replace", _failing(OSError(28, "No space left")))

    with pytest.raises(TokenFileError, match="No space left"):
        tokens.save_token(_token(), path)

    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["token.tok"]


def test_interrupted_write_leaves_no_temp_file(
    tmp_path: Path, monkeypatch: Any
) -> None:
    path = tmp_path / "token.tok"
    tokens.save_token(("old-key", "old-secret"), path)
    before = path.read_bytes()
    monkeypatch.setattr(os, "fsync", _failing(KeyboardInterrupt()))

    with pytest.raises(KeyboardInterrupt):
        tokens.save_token(_token(), path)

    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["token.tok"]


def test_unserialisable_token_keeps_old_file(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    tokens.save_token(("old-key", "old-secret"), path)
    before = path.read_bytes()
    bad = _token()
    bad.extra["when"] = 1234  # type: ignore[assignment]

    with pytest.raises(TypeError, match="when"):
        tokens.save_token(bad, path)

    assert path.read_bytes() == before
    assert _listing(tmp_path) == ["token.json"]


def test_missing_folder_is_a_token_file_error(tmp_path: Path) -> None:
    path = tmp_path / "no" / "such" / "token.tok"

    with pytest.raises(TokenFileError, match="cannot be written"):
        tokens.save_token(_token(), path)


def test_nothing_to_save_is_a_type_error(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        tokens.save_token(None, tmp_path / "token.tok")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tokens.save_token("key", tmp_path / "token.tok")  # type: ignore[arg-type]
    assert _listing(tmp_path) == []


# -- files that are not tokens ---------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"


def test_missing_file_says_it_does_not_exist(tmp_path: Path) -> None:
    error = _load_error(tmp_path / "nope.tok")
    assert "does not exist" in str(error)


def test_dangling_symlink_does_not_exist(tmp_path: Path) -> None:
    link = tmp_path / "token.json"
    link.symlink_to(tmp_path / "gone")

    assert "does not exist" in str(_load_error(link))


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_empty_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"")

    assert "is empty" in str(_load_error(path))


def test_unreadable_file(tmp_path: Path, monkeypatch: Any) -> None:
    # Tests may run as root, whom chmod 000 does not stop; fail the
    # open itself the way the system would.
    path = tmp_path / "token.tok"
    tokens.save_token(_token(), path)
    real_open = os.open

    def refuse(name: Any, *args: Any, **kwargs: Any) -> int:
        if os.fspath(name) == str(path):
            raise PermissionError(13, "Permission denied")
        return real_open(name, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse)

    assert "Permission denied" in str(_load_error(path))


def test_folder_is_not_a_token(tmp_path: Path) -> None:
    folder = tmp_path / "token.tok"
    folder.mkdir()

    assert "not a regular file" in str(_load_error(folder))


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "token.tok"
    os.mkfifo(fifo)

    assert "not a regular file" in str(_load_error(fifo))


def test_oversized_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    with path.open("wb") as stream:
        stream.truncate(tokens.MAX_BYTES + 1)

    assert "larger than" in str(_load_error(path))


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_every_truncation_of_a_pickle(tmp_path: Path, protocol: int) -> None:
    data = pickle.dumps(_token(verifier=VERIFIER), protocol=protocol)
    path = tmp_path / "token.tok"

    for end in range(1, len(data)):
        path.write_bytes(data[:end])
        _load_error(path)


def test_every_truncation_of_a_json_file(tmp_path: Path) -> None:
    tokens.save_token(_token(), tmp_path / "full.json")
    data = (tmp_path / "full.json").read_bytes().rstrip()
    path = tmp_path / "token.json"

    for end in range(1, len(data)):
        path.write_bytes(data[:end])
        _load_error(path)


FOREIGN = {
    "png": PNG,
    "text": b"oauth_token=k&oauth_token_secret=s",
    "nul bytes": b"\x00" * 64,
    "pickled dict": pickle.dumps({"key": "k", "secret": SECRET}),
    "pickled list": pickle.dumps(["k", SECRET]),
    "pickled str": pickle.dumps(SECRET, protocol=0),
    "pickled Consumer": pickle.dumps(oauth2.Consumer("k", SECRET)),
    "trailing data": pickle.dumps(oauth2.Token("k", SECRET)) + b"junk",
    "pickle with int": pickle.dumps(oauth2.Token("k", 5)),
    "json object": b'{"format": "buzzoauth-token", "version": 1}',
}


@pytest.mark.parametrize("data", FOREIGN.values(), ids=FOREIGN.keys())
def test_foreign_pickle_files(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "token.tok"
    path.write_bytes(data)

    _load_error(path)


def test_json_in_a_pickle_name_gets_a_hint(tmp_path: Path) -> None:
    tokens.save_token(_token(), tmp_path / "token.json")
    path = tmp_path / "token.tok"
    path.write_bytes((tmp_path / "token.json").read_bytes())

    assert "*.json" in str(_load_error(path))


def test_pickle_in_a_json_name_gets_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_bytes(pickle.dumps(oauth2.Token("k", SECRET), protocol=2))

    assert "holds a pickle" in str(_load_error(path))


def _json(**fields: object) -> str:
    document: dict[str, object] = {
        "format": "buzzoauth-token",
        "version": 1,
        "key": "k",
        "secret": SECRET,
    }
    document.update(fields)
    return json.dumps(document)


BAD_JSON = {
    "list": "[1, 2]",
    "string": '"token"',
    "png": PNG.decode("latin-1"),
    "not utf-8": None,
    "no format": '{"key": "k", "secret": "s"}',
    "other format": _json(format="something-else"),
    "version 2": _json(version=2),
    "version true": _json(version=True),
    "version string": _json(version="1"),
    "no secret": _json(secret=None),
    "secret number": _json(secret=12),
    "key list": _json(key=["k"]),
    "verifier object": _json(verifier={"v": 1}),
    "unknown field": _json(password="hunter2"),
    "extra list": _json(extra=["a"]),
    "extra number": _json(extra={"a": 1}),
    "repeated field": '{"format": "buzzoauth-token", "version": 1, '
    '"key": "k", "secret": "a", "secret": "b"}',
    "deep nesting": "[" * 100_000 + "]" * 100_000,
    "NaN": _json(extra={"a": float("nan")}),
}


@pytest.mark.parametrize("text", BAD_JSON.values(), ids=BAD_JSON.keys())
def test_bad_json_files(tmp_path: Path, text: str | None) -> None:
    path = tmp_path / "token.json"
    path.write_bytes(b"\xff\xfe{}" if text is None else text.encode())

    _load_error(path)


def test_json_error_message_hides_the_secret(tmp_path: Path) -> None:
    path = tmp_path / "token.json"
    path.write_text(_json(**{SECRET: "x"}))

    error = _load_error(path)

    assert "unexpected" in str(error)


# -- crafted pickles -------------------------------------------------------


class _Gadget:
    """Pickles as a call of ``func(*args)``, as an attacker would write."""

    def __init__(self, func: object, args: tuple[object, ...]) -> None:
        self.func = func
        self.args = args

    def __reduce__(self) -> tuple[Any, ...]:
        return (self.func, self.args)

    def __call__(self) -> None:  # pickle wants a callable; never called
        raise AssertionError


def _touch_gadgets(marker: str) -> dict[str, object]:
    system = _Gadget(os.system, (f"touch {marker}",))
    getattr_chain = _Gadget(
        _Gadget(getattr, (_Gadget(builtins.__import__, ("os",)), "system")),
        (f"touch {marker}",),
    )
    in_state = oauth2.Token("k", "s")
    in_state.callback = system
    in_extra = oauth2.Token("k", "s")
    in_extra.extra = {"x": system}
    return {
        "os.system": system,
        "subprocess.Popen": _Gadget(subprocess.Popen, (["touch", marker],)),
        "builtins.eval": _Gadget(eval, (f"open({marker!r}, 'w')",)),
        "builtins.exec": _Gadget(exec, (f"open({marker!r}, 'w').close()",)),
        "getattr chain": getattr_chain,
        "nested pickle.loads": _Gadget(pickle.loads, (pickle.dumps(system),)),
        "reduce in a Token's state": in_state,
        "reduce in a Token's extra": in_extra,
    }


def _hand_written(marker: str) -> dict[str, bytes]:
    command = f"touch {marker}".encode()
    return {
        "py2 os.system": b"cos\nsystem\n(S'" + command + b"'\ntR.",
        "py2 __builtin__.eval": b'c__builtin__\neval\n(S\'__import__("os")'
        b'.system("' + command + b"\")'\ntR.",
        "INST opcode": b"(S'" + command + b"'\nios\nsystem\n.",
        "OBJ opcode": b"\x80\x02(cos\nsystem\nX"
        + len(command).to_bytes(4, "little")
        + command
        + b"o.",
    }


CASES = [
    *(
        (case, protocol)
        for case in _touch_gadgets("m")
        for protocol in (0, 2, 5)
    ),
    *((case, None) for case in _hand_written("m")),
]


def _crafted(tmp_path: Path, case: str, protocol: int | None) -> bytes:
    marker = str(tmp_path / "MARKER")
    # Hand-written pickles quote the path themselves; keep it plain.
    assert re.fullmatch(r"[\w/.-]+", marker), marker
    if protocol is None:
        return _hand_written(marker)[case]
    return pickle.dumps(_touch_gadgets(marker)[case], protocol=protocol)


def _settle(result: object) -> None:
    if isinstance(result, subprocess.Popen):
        result.wait(timeout=30)
    close = getattr(result, "close", None)
    if callable(close):
        close()


@pytest.mark.parametrize(("case", "protocol"), CASES)
def test_crafted_pickle_runs_nothing(
    tmp_path: Path, case: str, protocol: int | None
) -> None:
    path = tmp_path / "token.tok"
    path.write_bytes(_crafted(tmp_path, case, protocol))

    _load_error(path)

    assert not (tmp_path / "MARKER").exists()


@pytest.mark.parametrize(("case", "protocol"), CASES)
def test_control_crafted_pickle_is_live(
    tmp_path: Path, case: str, protocol: int | None
) -> None:
    data = _crafted(tmp_path, case, protocol)

    # Some gadgets fail after their side effect, e.g. a Token whose
    # state holds the int that os.system returned; that is fine here.
    with contextlib.suppress(Exception):
        _settle(pickle.loads(data))

    assert (tmp_path / "MARKER").exists()


def _smuggled() -> dict[str, bytes]:
    secret_is_token = oauth2.Token("k", "s")
    secret_is_token.secret = oauth2.Token("a", "b")
    extra_holds_token = oauth2.Token("k", "s")
    extra_holds_token.extra = {"x": oauth2.Token("a", "b")}
    extra_is_list = oauth2.Token("k", "s")
    extra_is_list.extra = ["a"]
    unknown_attribute = oauth2.Token("k", "s")
    unknown_attribute.run = "yes"
    legacy_in_protocol_2 = b"\x80\x02" + pickle.dumps(
        oauth2.Token("k", "s"), protocol=0
    )
    return {
        "secret is a Token": pickle.dumps(secret_is_token, protocol=2),
        "extra holds a Token": pickle.dumps(extra_holds_token, protocol=4),
        "extra is a list": pickle.dumps(extra_is_list, protocol=0),
        "unknown attribute": pickle.dumps(unknown_attribute, protocol=5),
        "copyreg in protocol 2": legacy_in_protocol_2,
        "object in protocol 2": b"\x80\x02cbuiltins\nobject\n)\x81.",
        "Token called with a dict": b"\x80\x02coauth2\nToken\n}}\x86R.",
        "EXT1 opcode": b"\x80\x02\x82\x01.",
        "persistent id": b"\x80\x02X\x01\x00\x00\x00a\x94Q.",
    }


@pytest.mark.parametrize("case", sorted(_smuggled()))
def test_token_state_must_be_plain_strings(tmp_path: Path, case: str) -> None:
    path = tmp_path / "token.tok"
    path.write_bytes(_smuggled()[case])

    _load_error(path)


# -- random input ----------------------------------------------------------

_VALID = [
    pickle.dumps(_token(verifier=VERIFIER), protocol=p)
    for p in range(pickle.HIGHEST_PROTOCOL + 1)
]


@st.composite
def _mutated_pickles(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(_VALID)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    return bytes(data)


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    data=st.one_of(st.binary(min_size=0, max_size=300), _mutated_pickles()),
    name=st.sampled_from(["token.tok", "token.json"]),
)
def test_random_bytes_only_raise_token_file_error(
    data: bytes, name: str
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            token = tokens.load_token(path)
        except TokenFileError:
            return
        # A mutation may still leave a valid token; then it must be one.
        assert type(token) is credentials.Token
        assert isinstance(token.key, str)
        assert isinstance(token.secret, str)

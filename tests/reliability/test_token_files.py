"""Token files under attack and under SIGKILL.

- a crafted pickle handed to ``client.load_token`` runs nothing and is
  refused; the client keeps its token;
- a process saving two tokens in turn on one path is killed (SIGKILL)
  at random moments: after every kill the file loads, and holds one of
  the two tokens whole;
- the file gets mode 0600 even under umask 000, and a symlink at the
  destination is replaced, not followed.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import random
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from buzzoauth import BuzzOAuth, TokenFileError, load_token, save_token

TOKENS = (
    ("alpha-key-" + "a" * 40, "alpha-secret-" + "A" * 60),
    ("beta-key-" + "b" * 70, "beta-secret-" + "B" * 30),
)
KILLS_PER_FORMAT = 10


class _RunsCode:
    """Pickles to a call of ``os.system``: what an attacker would write."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return os.system, (f"touch {self.marker}",)


def test_crafted_pickle_is_refused_end_to_end(
    tmp_path: Path, figure: Callable[..., None]
) -> None:
    marker = tmp_path / "code-ran"
    path = tmp_path / "token.tok"
    path.write_bytes(pickle.dumps(_RunsCode(marker), protocol=2))
    client = BuzzOAuth(
        "file-consumer", "file-secret", token=("k" * 8, "s" * 8)
    )
    before = client.token

    with pytest.raises(TokenFileError) as caught:
        client.load_token(path)

    assert not marker.exists()
    assert client.token is before
    assert str(path) in str(caught.value)
    figure(
        "token file: crafted pickle (os.system) via client.load_token",
        tried="pickle whose REDUCE calls os.system",
        cases=1,
        saw="TokenFileError; the code did not run; token kept",
    )


# -- SIGKILL in the middle of saving -----------------------------------


def _save_forever(path: str, ready: multiprocessing.synchronize.Event) -> None:
    turn = 0
    while True:
        save_token(TOKENS[turn % 2], path)
        turn += 1
        if turn == 2:
            ready.set()


@pytest.fixture
def fork() -> Iterator[multiprocessing.context.BaseContext]:
    # fork: the child starts with buzzoauth imported, so a kill lands
    # within milliseconds of the start, not after an interpreter boot.
    yield multiprocessing.get_context("fork")


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_sigkill_while_saving_never_leaves_a_broken_file(
    tmp_path: Path,
    fork: multiprocessing.context.BaseContext,
    figure: Callable[..., None],
    name: str,
) -> None:
    path = tmp_path / name
    dice = random.Random(5849)
    loaded: list[tuple[str, str]] = []

    for _ in range(KILLS_PER_FORMAT):
        ready = fork.Event()
        child = fork.Process(  # type: ignore[attr-defined]
            target=_save_forever, args=(str(path), ready), daemon=True
        )
        child.start()
        try:
            assert ready.wait(10), "the saving process did not start"
            child.join(dice.uniform(0.0, 0.03))
        finally:
            child.kill()
            child.join(10)
        assert child.exitcode == -9
        token = load_token(path)
        loaded.append((token.key, token.secret))

    assert set(loaded) <= set(TOKENS)
    # A kill between the temporary file and the rename leaves the
    # temporary file: never readable by others, since it holds a secret.
    leftovers = [p for p in tmp_path.iterdir() if p.name != name]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in leftovers)
    figure(
        "token file: SIGKILL while saving",
        tried=f"{name}: a process saving 2 tokens in turn, killed",
        cases=KILLS_PER_FORMAT,
        saw=(
            f"{name}: {KILLS_PER_FORMAT} loads, each a whole token "
            f"({loaded.count(TOKENS[0])} / {loaded.count(TOKENS[1])}); "
            f"{len(leftovers)} temp files left behind"
        ),
        lost="nothing",
    )


# -- permissions and symlinks ------------------------------------------


@pytest.fixture
def umask_zero() -> Iterator[None]:
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_mode_is_0600_under_umask_000(
    tmp_path: Path, umask_zero: None, figure: Callable[..., None], name: str
) -> None:
    path = tmp_path / name
    path.write_text("old, world-readable")
    path.chmod(0o666)

    save_token(TOKENS[0], path)

    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    figure(
        "token file: mode under umask 000",
        tried=f"{name} saved over an existing 0666 file",
        cases=1,
        saw=f"mode {stat.S_IMODE(path.stat().st_mode):04o}",
    )


@pytest.mark.parametrize("name", ["token.tok", "token.json"])
def test_symlink_at_destination_is_not_followed(
    tmp_path: Path, figure: Callable[..., None], name: str
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("do not overwrite")
    path = tmp_path / name
    path.symlink_to(victim)

    save_token(TOKENS[1], path)

    assert victim.read_text() == "do not overwrite"
    assert not path.is_symlink()
    assert (load_token(path).key, load_token(path).secret) == TOKENS[1]
    figure(
        "token file: symlink at the destination",
        tried=f"{name} saved onto a symlink to another file",
        cases=1,
        saw="link replaced by the token file; its target untouched",
    )

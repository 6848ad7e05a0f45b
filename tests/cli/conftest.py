"""Fixtures for the command-line tests.

Every test runs the real command in a child process, either as
``python -m buzzoauth`` or through the installed ``buzzoauth`` entry
point, with ``XDG_CONFIG_HOME`` and ``HOME`` in the test's tmp_path, no
proxy variables, no ``BUZZOAUTH_*`` variables, and ``BROWSER=true`` so
that no real browser ever opens.  Every child has a timeout.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest

#: The console script pip installed next to this interpreter.
ENTRY_POINT = Path(sys.executable).parent / "buzzoauth"
CHILD_TIMEOUT = 30.0
_DROPPED = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class Cli:
    """Runs ``buzzoauth`` in a child process with a clean environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env

    def command(self, args: Sequence[str], *, entry: bool) -> list[str]:
        if entry:
            assert ENTRY_POINT.exists(), f"{ENTRY_POINT} is not installed"
            return [str(ENTRY_POINT), *args]
        return [sys.executable, "-m", "buzzoauth", *args]

    def run(
        self,
        *args: str,
        input: str | None = None,
        entry: bool = False,
        env: dict[str, str] | None = None,
        timeout: float = CHILD_TIMEOUT,
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(args, entry=entry),
            input=input,
            capture_output=True,
            text=True,
            env={**self.env, **(env or {})},
            timeout=timeout,
            check=False,
        )

    def popen(
        self,
        *args: str,
        entry: bool = False,
        env: dict[str, str] | None = None,
    ) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(args, entry=entry),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**self.env, **(env or {})},
        )


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """XDG_CONFIG_HOME for this test, in the test process too."""
    folder = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for name in list(os.environ):
        if name.startswith("BUZZOAUTH_"):
            monkeypatch.delenv(name)
    return folder


@pytest.fixture
def cli(tmp_path: Path, config_home: Path) -> Cli:
    env = {
        name: value
        for name, value in os.environ.items()
        if name.lower() not in _DROPPED and not name.startswith("BUZZOAUTH_")
    }
    home = tmp_path / "home"
    home.mkdir()
    env.update(
        XDG_CONFIG_HOME=str(config_home),
        HOME=str(home),
        BROWSER="true",
        PYTHONIOENCODING="utf-8",
        PYTHONUNBUFFERED="1",
    )
    return Cli(env)


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    """One started sandbox for a test module."""
    from buzzoauth.sandbox import Sandbox

    with Sandbox("127.0.0.1", 0) as sb:
        yield sb


@pytest.fixture
def profiles_file(config_home: Path) -> Path:
    return config_home / "buzzoauth" / "profiles.json"

"""Fixtures for the command-line tests.

Every test runs the real command in a child process, either as
``python -m buzzoauth`` or through the installed ``buzzoauth`` entry
point, with ``XDG_CONFIG_HOME`` and ``HOME`` in the test's tmp_path, no
proxy variables, no ``BUZZOAUTH_*`` variables, and ``BROWSER=true`` so
that no real browser ever opens.  Every child has a timeout.
"""

from __future__ import annotations

import logging
import os
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, Any

import pytest

#: The console script pip installed next to this interpreter.
ENTRY_POINT = Path(sys.executable).parent / "buzzoauth"
CHILD_TIMEOUT = 30.0
_DROPPED = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


class Cli:
    """Runs ``buzzoauth`` in a child process with a clean environment."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.started: list[subprocess.Popen[str]] = []

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

    def start(
        self,
        *args: str,
        entry: bool = False,
        env: dict[str, str] | None = None,
    ) -> Running:
        process = subprocess.Popen(
            self.command(args, entry=entry),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**self.env, **(env or {})},
        )
        self.started.append(process)
        return Running(process)


class Running:
    """A child still running: read its lines as they come, with timeouts."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.stdout: list[str] = []
        self.stderr: list[str] = []
        assert process.stdout is not None and process.stderr is not None
        self._readers = [
            _reader(process.stdout, self.stdout, self.lines),
            _reader(process.stderr, self.stderr, None),
        ]

    def wait_for(self, prefix: str, timeout: float = CHILD_TIMEOUT) -> str:
        """The first stdout line starting with ``prefix``."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                line = self.lines.get(timeout=max(left, 0.01))
            except queue.Empty:
                line = None
            if line is None:
                raise AssertionError(
                    f"no line starting {prefix!r}; got {self.stdout!r}, "
                    f"stderr {self.stderr!r}"
                )
            if line.startswith(prefix):
                return line.rstrip("\n")

    def send(self, text: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(text)
        self.process.stdin.flush()
        self.process.stdin.close()

    def finish(self, timeout: float = CHILD_TIMEOUT) -> tuple[int, str, str]:
        """Wait for the exit; (code, all stdout, all stderr)."""
        code = self.process.wait(timeout=timeout)
        for reader in self._readers:
            reader.join(timeout=5)
        return code, "".join(self.stdout), "".join(self.stderr)


def _reader(
    stream: IO[str], into: list[str], lines: queue.Queue[str | None] | None
) -> threading.Thread:
    def pump() -> None:
        for line in stream:
            into.append(line)
            if lines is not None:
                lines.put(line)
        if lines is not None:
            lines.put(None)

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return thread


@pytest.fixture(autouse=True)
def _keep_logging() -> Iterator[None]:
    """main() run in process sets up the buzzoauth logger; undo it."""
    logger = logging.getLogger("buzzoauth")
    level, handlers = logger.level, list(logger.handlers)
    yield
    logger.setLevel(level)
    logger.handlers[:] = handlers


class Main:
    """Runs ``buzzoauth.cli.main`` in this process: for argument errors
    and pure computations, where a child process adds nothing."""

    def __init__(self, capsys: pytest.CaptureFixture[str]) -> None:
        self.capsys = capsys

    def __call__(self, *args: str) -> tuple[int, str, str]:
        from buzzoauth.cli import main

        code = main(list(args))
        out, err = self.capsys.readouterr()
        return code, out, err


@pytest.fixture
def run_main(capsys: pytest.CaptureFixture[str], config_home: Path) -> Main:
    return Main(capsys)


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
def cli(tmp_path: Path, config_home: Path) -> Iterator[Cli]:
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
    runner = Cli(env)
    yield runner
    for process in runner.started:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[object]:
    """One started sandbox for a test module."""
    from buzzoauth.sandbox import Sandbox

    with Sandbox("127.0.0.1", 0) as sb:
        yield sb


@pytest.fixture
def profiles_file(config_home: Path) -> Path:
    return config_home / "buzzoauth" / "profiles.json"


@pytest.fixture
def saved_profile(sandbox: Any, config_home: Path) -> Any:
    """An access token got in this process, saved as the default
    profile ``sandbox-test``; the command reads it from the file."""
    from buzzoauth import BuzzOAuth
    from buzzoauth.profiles import Profile, ProfileStore

    client = BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        provider=sandbox.provider,
    )
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    token = client.fetch_access_token()
    profile = Profile(
        name="sandbox-test",
        consumer_key=sandbox.consumer_key,
        consumer_secret=sandbox.consumer_secret,
        token_key=token.key,
        token_secret=token.secret,
        preset="sandbox",
        base_url=sandbox.base_url,
        extra=dict(token.extra),
    )
    return ProfileStore().save(profile)

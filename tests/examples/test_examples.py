"""Every script in examples/ runs, as a user would run it, and says what
it should.

Each test starts ``python examples/<name>.py`` in a child process with
its working directory in tmp_path, no proxy variables and a timeout,
and checks specific lines of what it prints.  Without arguments the
examples start their own in-process sandbox; the ``--base-url`` cases
point them at a :class:`~buzzoauth.sandbox.Sandbox` started here, and a
test plays the user (``Sandbox.approve``) and types the verifier or PIN
on the child's stdin.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from buzzoauth import BuzzOAuth, load_token

EXAMPLES = Path(__file__).parents[2] / "examples"
NAMES = sorted(path.stem for path in EXAMPLES.glob("*.py"))
TIMEOUT = 30.0
FEED = "/buzz/v1/activities/@me/@consumption"
NOT_INHERITED = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def child_env(**extra: str) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name.lower() not in NOT_INHERITED
        and not name.startswith(("TWITTER_", "BUZZOAUTH_"))
    }
    env.update(extra)
    return env


def run(
    name: str, *args: str, cwd: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
        cwd=cwd,
        env=child_env(**env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )


def lines(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stderr == ""
    return result.stdout.splitlines()


class Interactive:
    """An example waiting for the user: read its lines with a timeout,
    then answer on its stdin."""

    def __init__(self, name: str, *args: str, cwd: Path, **env: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(EXAMPLES / f"{name}.py"), *args],
            cwd=cwd,
            env=child_env(**env),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.queue: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.errors: list[str] = []
        # Both pipes are drained by threads, so neither can fill up.
        self.readers = [
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_errors, daemon=True),
        ]
        for reader in self.readers:
            reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.queue.put(line)
        self.queue.put(None)

    def _read_errors(self) -> None:
        assert self.process.stderr is not None
        self.errors.extend(self.process.stderr)

    def url(self) -> str:
        """The first line that is a URL, as the user would copy it."""
        while True:
            try:
                line = self.queue.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(f"no URL in {TIMEOUT:g} s") from None
            assert line is not None, f"ended early: {self.seen}"
            self.seen.append(line)
            if line.strip().startswith("http://"):
                return line.strip()

    def answer(self, text: str) -> tuple[int, str, str]:
        """Type ``text`` and a newline; the exit code, stdout, stderr."""
        assert self.process.stdin is not None
        self.process.stdin.write(text + "\n")
        self.process.stdin.close()
        code = self.process.wait(timeout=TIMEOUT)
        for reader in self.readers:
            reader.join(timeout=TIMEOUT)
        while (line := self.queue.get(timeout=TIMEOUT)) is not None:
            self.seen.append(line)
        return code, "".join(self.seen), "".join(self.errors)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for reader in self.readers:
            reader.join(timeout=TIMEOUT)
        for pipe in (self.process.stdout, self.process.stderr):
            if pipe is not None:
                pipe.close()


@pytest.fixture
def interactive() -> Iterator[list[Interactive]]:
    started: list[Interactive] = []
    yield started
    for child in started:
        child.kill()


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Any]:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as running:
        yield running


@pytest.fixture
def saved_token(sandbox: Any, tmp_path: Path) -> Iterator[BuzzOAuth]:
    """A client that has done the dance, its token in tmp_path/token.tok."""
    client = BuzzOAuth(
        sandbox.consumer_key,
        sandbox.consumer_secret,
        provider=sandbox.google_provider,
    )
    client.fetch_request_token()
    client.set_verifier(sandbox.approve(client.authorize_url()))
    client.fetch_access_token()
    client.save_token(tmp_path / "token.tok")
    yield client
    client.transport.close()


SANDBOX_LINE = "No provider given: started an in-process sandbox at "


# -- every example ---------------------------------------------------------


def test_every_example_is_here() -> None:
    assert NAMES == [
        "buzz_feed",
        "buzz_notifier",
        "jira_rsa",
        "sign_with_requests",
        "twitter_pin",
    ]


@pytest.mark.parametrize("name", NAMES)
def test_help_starts_with_the_docstring(name: str, tmp_path: Path) -> None:
    out = lines(run(name, "--help", cwd=tmp_path))
    assert out[0].startswith("usage: ")
    assert not list(tmp_path.iterdir())


# -- buzz_feed -------------------------------------------------------------


def test_buzz_feed_authorizes_once_then_loads_the_token(
    tmp_path: Path,
) -> None:
    out = lines(run("buzz_feed", cwd=tmp_path))

    assert out[0].startswith(SANDBOX_LINE)
    first = out.index("--- first run ---")
    second = out.index("--- second run ---")
    before, after = out[first:second], out[second:]
    assert any(
        line.startswith("step 1 (RFC 5849 §2.1): request token ")
        for line in before
    )
    assert "clicking Allow on it by script (Sandbox.approve)" in before
    assert any(
        line.startswith("step 3 (RFC 5849 §2.3): access token ")
        and line.endswith(" for buzzdemo")
        for line in before
    )
    assert "saved the access token to token.tok" in before
    assert after[1] == "loaded token.tok, not asking again"
    assert not any(line.startswith("step ") for line in after)
    feed_line = "GET activities/@me/@consumption -> 200: 3 buzzes"
    assert before.count(feed_line) == after.count(feed_line) == 1
    snow = "  Ada Quill: First snow of the year on the hill behind the lab."
    assert f"{snow} [1 comment]" in out

    token = load_token(tmp_path / "token.tok")
    assert (tmp_path / "token.tok").stat().st_mode & 0o777 == 0o600
    assert token.secret not in "\n".join(out)


def test_buzz_feed_second_program_run_reuses_the_token(
    sandbox: Any, tmp_path: Path, interactive: list[Interactive]
) -> None:
    first = Interactive(
        "buzz_feed", "--base-url", sandbox.base_url, cwd=tmp_path
    )
    interactive.append(first)
    verifier = sandbox.approve(first.url())
    code, out, err = first.answer(verifier)
    assert code == 0, out + err
    assert "saved the access token to token.tok" in out
    assert "GET activities/@me/@consumption -> 200: " in out
    assert verifier not in out + err

    again = lines(
        run("buzz_feed", "--base-url", sandbox.base_url, cwd=tmp_path)
    )
    assert again[0] == "loaded token.tok, not asking again"
    assert again[1].startswith("GET activities/@me/@consumption -> 200: ")

    # That token belongs to this sandbox; a new in-process one refuses
    # it, and the example authorizes again instead of failing.
    fresh = lines(run("buzz_feed", cwd=tmp_path))
    assert "the provider refused the token in token.tok (401)" in fresh
    assert fresh.count("saved the access token to token.tok") == 1


def test_buzz_feed_wrong_secret_is_one_clean_line(
    sandbox: Any, tmp_path: Path
) -> None:
    result = run(
        "buzz_feed",
        "--base-url", sandbox.base_url,
        "--consumer-key", sandbox.consumer_key,
        "--consumer-secret", "not-the-secret",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr.startswith("buzz_feed: provider answered 401 (")
    assert "signature_invalid" in result.stderr
    assert "Traceback" not in result.stderr
    assert "not-the-secret" not in result.stdout + result.stderr
    assert not (tmp_path / "token.tok").exists()


# -- buzz_notifier ---------------------------------------------------------


def test_buzz_notifier_demo_prints_exactly_the_new_ones(
    tmp_path: Path,
) -> None:
    out = lines(run("buzz_notifier", cwd=tmp_path))

    assert out[0].startswith(SANDBOX_LINE)
    assert "first poll: 3 buzzes and 1 comment already there" in out
    news = [line for line in out if line.startswith("new ")]
    assert len(news) == 2, out
    assert news[0].startswith("new buzz b")
    assert news[0].endswith(" from Demo User: Hello from a poller")
    assert news[1].startswith("new comment c")
    assert news[1].endswith(" from Demo User: +1")
    assert out[-1] == "poll: 2 new"


def test_buzz_notifier_once_keeps_state_between_runs(
    sandbox: Any, tmp_path: Path, saved_token: BuzzOAuth
) -> None:
    args = ("--base-url", sandbox.base_url, "--once", "--state", "s.json")

    first = lines(run("buzz_notifier", *args, cwd=tmp_path))
    assert first[0].startswith("first poll: ")
    state = json.loads((tmp_path / "s.json").read_text())
    assert state["format"] == "buzz_notifier-state"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]

    status, body = saved_token.request(
        sandbox.base_url + "/buzz/v1/activities/@me/@self",
        "POST",
        {"content": "posted between two polls"},
    )
    assert status == 201
    made = json.loads(body)["data"]["id"]
    second = lines(run("buzz_notifier", *args, cwd=tmp_path))
    assert second == [
        f"new buzz {made} from Demo User: posted between two polls",
        "poll: 1 new",
    ]
    third = lines(run("buzz_notifier", *args, cwd=tmp_path))
    assert third == ["poll: nothing new"]


def test_buzz_notifier_refuses_a_foreign_state_file(
    sandbox: Any, tmp_path: Path, saved_token: BuzzOAuth
) -> None:
    (tmp_path / "s.json").write_text('{"something": "else"}')
    result = run(
        "buzz_notifier",
        "--base-url", sandbox.base_url,
        "--once", "--state", "s.json",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 1
    assert result.stderr == (
        "buzz_notifier: s.json: not a buzz_notifier state file\n"
    )
    assert (tmp_path / "s.json").read_text() == '{"something": "else"}'


# -- sign_with_requests ----------------------------------------------------


def test_sign_with_requests_every_placement_is_accepted(
    tmp_path: Path,
) -> None:
    out = lines(run("sign_with_requests", cwd=tmp_path))

    assert out[0].startswith(SANDBOX_LINE)
    rows = [line.split() for line in out[1:]]
    seen = {(row[0], row[1]) for row in rows}
    assert seen == {
        (library, placement)
        for library in ("requests", "urllib")
        for placement in ("header", "query", "body")
    }
    for _library, placement, method, path, arrow, status, *where in rows:
        assert (path, arrow, status) == ("/echo", "->", "200")
        assert method == ("POST" if placement == "body" else "GET")
        assert where[-1] == f"{placement})"


def test_sign_with_requests_on_a_running_sandbox(
    sandbox: Any, tmp_path: Path, saved_token: BuzzOAuth
) -> None:
    out = lines(
        run("sign_with_requests", "--base-url", sandbox.base_url, cwd=tmp_path)
    )
    assert len(out) == 6
    assert all(" /echo -> 200 (parameters found in: " in row for row in out)


def test_sign_with_requests_without_requests_uses_urllib(
    tmp_path: Path,
) -> None:
    # A package named requests that cannot be imported shadows the real
    # one, as if it were not installed.
    fake = tmp_path / "no_requests" / "requests"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('no requests')\n")
    out = lines(
        run(
            "sign_with_requests",
            cwd=tmp_path,
            PYTHONPATH=str(fake.parent),
        )
    )
    assert out[1] == (
        "requests is not installed (pip install requests): "
        "showing urllib.request only"
    )
    rows = out[2:]
    assert len(rows) == 3
    assert all(row.startswith("urllib ") and " -> 200 " in row for row in rows)


# -- twitter_pin -----------------------------------------------------------


def test_twitter_pin_without_keys_uses_an_in_process_sandbox(
    tmp_path: Path,
) -> None:
    out = lines(run("twitter_pin", cwd=tmp_path))

    assert out[0].startswith(SANDBOX_LINE)
    assert "TWITTER_CONSUMER_KEY is not set" in out[0]
    assert "authorized as @buzzdemo (user id 1000001)" in out
    assert any(
        line.endswith("/buzz/v1/people/@me/@self -> 200") for line in out
    )


def test_twitter_pin_on_a_rehosted_preset_with_the_pin_on_stdin(
    sandbox: Any, tmp_path: Path, interactive: list[Interactive]
) -> None:
    secret = sandbox.register_consumer("x-example-app", "x-example-secret")
    child = Interactive(
        "twitter_pin",
        "--base-url", sandbox.base_url,
        cwd=tmp_path,
        TWITTER_CONSUMER_KEY="x-example-app",
        TWITTER_CONSUMER_SECRET=secret,
    )  # fmt: skip
    interactive.append(child)
    url = child.url()
    # The twitter preset's authorize path, re-hosted.
    assert url.startswith(f"{sandbox.base_url}/oauth/authorize?oauth_token=")
    pin = sandbox.approve(url)
    code, out, err = child.answer(pin)

    assert code == 0, out + err
    assert "using the sandbox's demo consumer" not in out
    assert "authorized as @buzzdemo (user id 1000001)" in out
    assert f"GET {sandbox.base_url}/buzz/v1/people/@me/@self -> 200" in out
    assert pin not in out + err
    assert secret not in out + err


def test_twitter_pin_a_wrong_pin_is_refused(
    sandbox: Any, tmp_path: Path, interactive: list[Interactive]
) -> None:
    child = Interactive(
        "twitter_pin", "--base-url", sandbox.base_url, cwd=tmp_path
    )
    interactive.append(child)
    sandbox.approve(child.url())
    code, _, err = child.answer("12345678")
    assert code == 1
    assert err.startswith("twitter_pin: provider answered 401 (")
    assert "verifier" in err
    assert "Traceback" not in err


# -- jira_rsa --------------------------------------------------------------


def test_jira_rsa_generates_a_key_and_signs_with_it(tmp_path: Path) -> None:
    out = lines(run("jira_rsa", cwd=tmp_path))

    assert out[0].startswith(SANDBOX_LINE)
    assert "generated a 2048-bit RSA key pair in a temporary folder" in out
    assert any(line.endswith("(signed with RSA-SHA1)") for line in out)
    assert any(
        line.endswith("/buzz/v1/people/@me/@self -> 200") for line in out
    )
    assert out[-1] == "  signed in as Demo User"
    assert not list(tmp_path.iterdir())


def test_jira_rsa_with_a_key_file(tmp_path: Path) -> None:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    (tmp_path / "key.pem").write_bytes(pem)
    out = lines(run("jira_rsa", "--key", "key.pem", cwd=tmp_path))

    assert not any(line.startswith("generated") for line in out)
    assert out[-1] == "  signed in as Demo User"


def test_jira_rsa_bad_key_file_is_one_clean_line(tmp_path: Path) -> None:
    (tmp_path / "key.pem").write_text("not a key\n")
    result = run("jira_rsa", "--key", "key.pem", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("jira_rsa: ")
    assert "Traceback" not in result.stderr


def test_jira_rsa_real_jira_needs_a_key(tmp_path: Path) -> None:
    result = run(
        "jira_rsa", "--base-url", "https://jira.invalid", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "--base-url needs --consumer-key and --key" in result.stderr

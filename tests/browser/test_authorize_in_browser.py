"""A real browser approves on the sandbox's page for ``buzzoauth authorize``.

The whole loopback flow, with nothing scripted but the clicks:

1. a :class:`~buzzoauth.sandbox.Sandbox` serves the provider;
2. ``buzzoauth authorize --callback loopback --no-browser`` runs as a
   child process and prints the authorize URL;
3. headless Chromium (Debian's ``/usr/bin/chromium``, driven by
   Playwright) opens the URL and clicks Allow (or Deny);
4. the sandbox redirects the browser to the command's loopback listener,
   which answers "You can close this tab";
5. the command exits, and the profile it saved signs a request.

Chromium missing: a failure when ``CI`` is set, a skip otherwise.  A
screenshot of the authorize page is taken every run; with
``BUZZOAUTH_UPDATE_SCREENSHOT=1`` it also replaces
``docs/authorize-page.png``.  Every wait is bounded (:data:`TIMEOUT`).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shutil
import stat
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]
TIMEOUT = 30.0
VIEWPORT = {"width": 1000, "height": 700}
URL_PREFIX = "Open this URL to authorize: "
FEED = "/buzz/v1/activities/@me/@consumption"
EXIT_DENIED = 8
SCREENSHOT = Path(__file__).parents[2] / "docs" / "authorize-page.png"
PROXY_VARIABLES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def unavailable(reason: str) -> None:
    """A missing browser fails in CI (a skip is no pass there)."""
    if os.environ.get("CI"):
        pytest.fail(f"CI needs the browser test: {reason}")
    pytest.skip(reason)


def clean_env(config_home: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if name.lower() not in PROXY_VARIABLES
        and not name.startswith("BUZZOAUTH_")
    }
    env.update(
        XDG_CONFIG_HOME=str(config_home),
        HOME=str(config_home.parent),
        BROWSER="true",
        PYTHONUNBUFFERED="1",
    )
    return env


# -- fixtures --------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        unavailable(f"{CHROMIUM} is missing (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("playwright is not installed (pip install playwright)")
    env: dict[str, str | float | bool] = {
        k: v for k, v in os.environ.items() if k.lower() not in PROXY_VARIABLES
    }
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=CHROMIUM_ARGS,
            env=env,
            timeout=TIMEOUT * 1000,
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=VIEWPORT)
    context.set_default_timeout(TIMEOUT * 1000)
    yield context.new_page()
    context.close()


@pytest.fixture
def sandbox() -> Iterator[Any]:
    from buzzoauth.sandbox import Sandbox

    with Sandbox() as running:
        yield running


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return clean_env(tmp_path / "config")


# -- the command in a child process ----------------------------------------


class Command:
    """``buzzoauth`` running in the background, its stdout read by a
    thread so that waiting for a line has a timeout."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "buzzoauth", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def line_starting(self, prefix: str) -> str:
        """The first stdout line that starts with ``prefix``."""
        while True:
            try:
                line = self.lines.get(timeout=TIMEOUT)
            except queue.Empty:
                raise AssertionError(
                    f"no {prefix!r} line in {TIMEOUT:g} s: {self.seen}"
                ) from None
            if line is None:
                raise AssertionError(
                    f"the command ended without a {prefix!r} line: "
                    f"{self.seen} {self.stderr()}"
                )
            self.seen.append(line)
            if line.startswith(prefix):
                return line[len(prefix) :].strip()

    def finish(self) -> tuple[int, str, str]:
        """Exit code, the rest of stdout, and stderr."""
        code = self.process.wait(timeout=TIMEOUT)
        self.reader.join(timeout=TIMEOUT)
        while (line := self.lines.get_nowait()) is not None:
            self.seen.append(line)
        return code, "".join(self.seen), self.stderr()

    def stderr(self) -> str:
        assert self.process.stderr is not None
        if self.process.poll() is None:
            return ""
        return self.process.stderr.read()

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def authorize(sandbox: Any, env: dict[str, str]) -> Iterator[Command]:
    command = Command(
        [
            "authorize",
            "--provider", "sandbox",
            "--base-url", sandbox.base_url,
            "--consumer-key", sandbox.consumer_key,
            "--consumer-secret", sandbox.consumer_secret,
            "--callback", "loopback",
            "--callback-timeout", str(TIMEOUT),
            "--no-browser",
            "--profile", "browser-test",
        ],
        env,
    )  # fmt: skip
    yield command
    command.kill()


def run(
    args: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "buzzoauth", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=TIMEOUT,
        check=False,
    )


# -- the tests -------------------------------------------------------------


def test_allow_in_the_browser_saves_a_working_profile(
    authorize: Command,
    page: Any,
    sandbox: Any,
    env: dict[str, str],
    tmp_path: Path,
) -> None:
    url = authorize.line_starting(URL_PREFIX)
    assert url.startswith(f"{sandbox.base_url}/oauth/authorize?oauth_token=")

    page.goto(url)
    assert page.locator("#allow").is_visible()
    assert page.locator("#deny").is_visible()
    shot = tmp_path / "authorize-page.png"
    page.screenshot(path=str(shot))
    keep_screenshot(shot)

    page.click("#allow")
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/callback\?"))
    page.get_by_text("You can close this tab").wait_for()
    assert "Authorization received" in page.content()

    code, out, err = authorize.finish()
    assert code == 0, (out, err)
    assert "Saved profile browser-test" in out

    profiles = Path(env["XDG_CONFIG_HOME"]) / "buzzoauth" / "profiles.json"
    assert stat.S_IMODE(profiles.stat().st_mode) == 0o600
    saved = json.loads(profiles.read_text())["profiles"]["browser-test"]
    assert saved["token_key"] in out
    for secret in (sandbox.consumer_secret, saved["token_secret"]):
        assert secret not in out + err

    feed = run(
        ["request", "--profile", "browser-test", sandbox.base_url + FEED],
        env,
    )
    assert feed.returncode == 0, feed.stderr
    items = json.loads(feed.stdout)["data"]["items"]
    assert items and all(item["kind"] == "buzz#activity" for item in items)


def test_deny_in_the_browser_is_a_clean_failure(
    authorize: Command, page: Any, env: dict[str, str]
) -> None:
    page.goto(authorize.line_starting(URL_PREFIX))
    page.click("#deny")
    page.wait_for_url(re.compile(r"^http://127\.0\.0\.1:\d+/callback\?"))
    page.get_by_text("You can close this tab").wait_for()
    assert "Authorization denied" in page.content()

    code, out, err = authorize.finish()
    assert code == EXIT_DENIED, (out, err)
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("buzzoauth: ") and "denied" in lines[0]
    assert "Traceback" not in err
    profiles = Path(env["XDG_CONFIG_HOME"]) / "buzzoauth" / "profiles.json"
    assert not profiles.exists() or "browser-test" not in profiles.read_text()


def keep_screenshot(shot: Path) -> None:
    """Check the screenshot; copy it into docs/ when asked to."""
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])
    if os.environ.get("BUZZOAUTH_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(shot, SCREENSHOT)

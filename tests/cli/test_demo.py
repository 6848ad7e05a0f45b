"""``buzzoauth demo``: the README's first command."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from buzzoauth.sandbox import defaults


def test_demo_walks_every_step_and_exits_0(cli: Any) -> None:
    result = cli.run("demo", entry=True)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    out = result.stdout
    steps = [
        "Step 1. Get a request token (RFC 5849 §2.1, temporary credentials)",
        "Step 2. The user approves (RFC 5849 §2.2, resource owner "
        "authorization)",
        "Step 3. Trade it for an access token (RFC 5849 §2.3, token "
        "credentials)",
        "Step 4. Save the access token and load it again",
        "Step 5. Read the Buzz feed (RFC 5849 §3, authenticated requests)",
        "Step 6. Post a buzz (RFC 5849 §3 and oauth_body_hash)",
        "Step 7. A read-only token may not post",
    ]
    positions = [out.index(step) for step in steps]
    assert positions == sorted(positions)
    assert "oauth_token_secret=****" in out
    assert "oauth_verifier=****" in out
    assert "(mode 0600)" in out
    assert "-> 201" in out
    assert "-> 403 (permission_denied)" in out
    assert out.splitlines()[-2].startswith("Done in ")
    assert defaults.DEMO_CONSUMER_SECRET not in out


FAKE_BROWSER = """\
import sys
import urllib.request

from buzzoauth.sandbox.approve import approve

# A browser that presses Allow and follows the redirect it gets.
location = approve(sys.argv[1])
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(location, timeout=10) as answer:
    answer.read()
"""


def test_demo_browser_mode_opens_the_page_with_webbrowser(
    cli: Any, tmp_path: Path
) -> None:
    """--browser hands the page to $BROWSER and catches the redirect on
    the loopback listener; here $BROWSER is a script that presses
    Allow."""
    browser = tmp_path / "browser.py"
    browser.write_text(FAKE_BROWSER)
    result = cli.run(
        "demo",
        "--browser",
        env={"BROWSER": f"{sys.executable} {browser} %s"},
    )
    assert result.returncode == 0, result.stderr
    assert "opening it in your browser: press Allow there" in result.stdout
    assert "Step 7. A read-only token may not post" in result.stdout

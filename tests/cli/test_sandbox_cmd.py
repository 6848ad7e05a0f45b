"""``buzzoauth sandbox``: serves until Ctrl-C, refuses public hosts.

This is the one command that prints a secret: the sandbox's own public
demo consumer secret.
"""

from __future__ import annotations

import email.utils
import re
import signal
import time
import urllib.error
import urllib.request
from typing import Any

from buzzoauth import BuzzOAuth
from buzzoauth.sandbox import defaults


def test_serves_until_ctrl_c(cli: Any) -> None:
    running = cli.start(
        "sandbox", "--port", "0", "--clock-offset", "3600", entry=True
    )
    first = running.wait_for("buzzoauth sandbox listening on ")
    base = first.rsplit(" ", 1)[1]
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", base)
    key = running.wait_for("  consumer key ").split()[-1]
    secret = running.wait_for("  consumer secret ").split()[-1]
    assert (key, secret) == (
        defaults.DEMO_CONSUMER_KEY,
        defaults.DEMO_CONSUMER_SECRET,
    )
    running.wait_for("Press Ctrl-C to stop.")

    # It is a working provider: step 1 of the dance succeeds.
    from buzzoauth import providers

    client = BuzzOAuth(
        key, secret, provider=providers.get("sandbox").with_base_url(base)
    )
    assert client.fetch_request_token().key
    # --clock-offset reached the sandbox: its Date is an hour ahead.
    ahead = _date_of(base + "/oauth/request_token") - time.time()
    assert 3500 < ahead < 3700

    running.process.send_signal(signal.SIGINT)
    code, out, err = running.finish()
    assert code == 0, err
    assert out.endswith("Sandbox stopped.\n")
    assert f"request token    {base}/oauth/request_token" in out


def _date_of(url: str) -> float:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=10) as answer:
            date = answer.headers["Date"]
    except urllib.error.HTTPError as error:
        date = error.headers["Date"]
    return email.utils.parsedate_to_datetime(date).timestamp()


def test_a_public_host_needs_public(cli: Any) -> None:
    everywhere = "0.0.0.0"  # noqa: S104 - refused, never bound
    result = cli.run("sandbox", "--host", everywhere, "--port", "0")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "buzzoauth: --host 0.0.0.0 can be reached from other machines; "
        "add --public if that is what you want\n"
    )

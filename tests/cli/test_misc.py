"""The command as a whole: help, version, providers, exit codes, --debug.

Pure argument errors are checked in process through ``main()``; the
rest runs the real command.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from buzzoauth import __version__, providers
from buzzoauth.cli import main

COMMANDS = (
    "demo",
    "sandbox",
    "authorize",
    "request",
    "sign",
    "profiles",
    "logout",
    "providers",
)


def test_help_lists_commands_and_exit_codes(cli: Any) -> None:
    result = cli.run("--help", entry=True)
    assert result.returncode == 0
    for command in COMMANDS:
        assert re.search(rf"^    {command}\b", result.stdout, re.M), command
    for code in ("0", "2", "3", "4", "5", "6", "7", "8", "130"):
        assert re.search(rf"^  {code} +\S", result.stdout, re.M), code


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_ends_with_an_example(
    command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([command, "--help"]) == 0
    out = capsys.readouterr().out
    example = out.split("\nexample:\n", 1)[1]
    assert re.search(rf"^  buzzoauth {command}\b", example, re.M)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"buzzoauth {__version__}\n"


@pytest.mark.parametrize(
    "argv",
    [[], ["nosuch"], ["sign"], ["request", "--bogus", "/x"], ["logout"]],
)
def test_usage_errors_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "usage: buzzoauth" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [
        ["sandbox", "--error-rate", "2"],
        ["sandbox", "--latency", "-1"],
        ["sandbox", "--clock-offset", "nan"],
        ["request", "--timeout", "0", "/x"],
    ],
)
def test_bad_numbers_exit_2(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert "error: argument" in capsys.readouterr().err


def test_providers_table(cli: Any) -> None:
    result = cli.run("providers", entry=True)
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "SIGNATURE", "DOCUMENTATION"]
    rows = {line.split()[0]: line.split() for line in lines[1:]}
    assert sorted(rows) == providers.names()
    for name, row in rows.items():
        preset = providers.get(name)
        assert row[1:3] == [preset.status, preset.signature_method]
        assert row[3] == (preset.docs_url or "-")


def test_debug_shows_the_traceback_and_logs_but_no_secret(
    cli: Any, saved_profile: Any
) -> None:
    wrong = "debug-wrong-secret-2718"
    result = cli.run(
        "--debug",
        "request",
        "http://127.0.0.1:9/never",
        env={"BUZZOAUTH_TOKEN_SECRET": wrong},
    )
    assert result.returncode == 6
    assert "Traceback (most recent call last)" in result.stderr
    assert " DEBUG buzzoauth.signing: signature base string: GET&" in (
        result.stderr
    )
    assert result.stderr.splitlines()[-1].startswith("buzzoauth: ")
    for secret in (wrong, saved_profile.consumer_secret):
        assert secret not in result.stderr + result.stdout


def test_without_debug_there_is_no_traceback(
    cli: Any, saved_profile: Any
) -> None:
    result = cli.run("request", "http://127.0.0.1:9/never")
    assert result.returncode == 6
    assert "Traceback" not in result.stderr
    assert len(result.stderr.splitlines()) == 1

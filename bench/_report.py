"""Markdown tables and the machine header of ``results.md``.

Map: :func:`table` renders rows as a Markdown table (the terminal shows
the same text); :func:`ratio` and :func:`verdict` format figures against
a target; :func:`machine` collects what the results depend on (CPU,
cores, load, Python, package versions, git commit, date).
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PACKAGES = (
    "oauth2",
    "httplib2",
    "oauthlib",
    "Authlib",
    "requests-oauthlib",
    "requests",
    "cryptography",
)


def use_checkout() -> None:
    """Import buzzoauth from this checkout, installed or not."""
    if str(ROOT) not in sys.path:
        sys.path.insert(1, str(ROOT))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [len(h) for h in headers]
    for row in rows:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]

    def line(cells: Sequence[str]) -> str:
        padded = (c.ljust(w) for c, w in zip(cells, widths, strict=True))
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def ratio(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}x"


def verdict(ok: bool | None) -> str:
    return {True: "met", False: "MISSED", None: "n/a"}[ok]


def _cpu_model() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return platform.processor() or "unknown"
    for line in text.splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def _git(*args: str) -> str | None:
    git = shutil.which("git")
    if git is None:
        return None
    try:
        done = subprocess.run(
            [git, *args], cwd=ROOT, capture_output=True, text=True, timeout=10
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _commit() -> str:
    commit = _git("rev-parse", "--short", "HEAD")
    if commit is None:
        return "unknown"
    dirty = _git("status", "--porcelain", "--untracked-files=no")
    return commit + (" (+ uncommitted changes)" if dirty else "")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _buzzoauth_version() -> str:
    installed = _version("buzzoauth")
    return installed if installed != "not installed" else _checkout_version()


def _checkout_version() -> str:
    path = ROOT / "buzzoauth" / "_version.py"
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("__version__"):
            return line.split("=", 1)[1].strip().strip("\"'") + " (checkout)"
    return "unknown"


def machine() -> list[tuple[str, str]]:
    """What the figures depend on, as (name, value) pairs."""
    affinity = (
        len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else "?"
    )
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    versions = [(name, _version(name)) for name in PACKAGES]
    return [
        (
            "date (UTC)",
            dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M"),
        ),
        ("cpu", _cpu_model()),
        ("cores", f"{os.cpu_count()} (usable: {affinity})"),
        ("load average 1/5/15 min at start", load),
        (
            "python",
            f"{platform.python_implementation()} {platform.python_version()}",
        ),
        ("buzzoauth", _buzzoauth_version()),
        *versions,
        ("git commit", _commit()),
    ]

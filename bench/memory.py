"""Memory after many requests, and the cost of ``import``.

``python bench/memory.py [--quick]``.  Two measurements, each in fresh
subprocesses so nothing one leaves behind counts against another:

* Peak memory of one client sending 10,000 signed GETs to the local
  server (:mod:`_server`): the tracemalloc peak and retained growth (one
  run), and the RSS growth and peak RSS over the starting RSS (another
  run, without tracemalloc, whose own overhead would count in RSS).
* Import time: the best wall time of ``python -c "import X"`` (and of
  ``from X import Client``, since buzzoauth loads its exports on first
  use) minus the best of ``python -c pass``, and what
  ``python -X importtime`` reports for the imports the statement makes.

Map: :func:`child` is what runs inside the subprocess;
:func:`memory` and :func:`import_times` drive the subprocesses;
:func:`render` prints the tables.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from _report import ROOT, ratio, table, use_checkout, verdict

HERE = Path(__file__).resolve()
Row = tuple[str, float | None, bool | None]
MEMORY_CLIENTS = ("buzzoauth", "requests-oauthlib", "authlib")
#: What is timed: the bare package import, then what it takes to have
#: a client class in hand (buzzoauth loads its exports on first use).
IMPORTS = (
    "import buzzoauth",
    "from buzzoauth import BuzzOAuth",
    "import requests_oauthlib",
    "from requests_oauthlib import OAuth1Session",
    "import oauthlib.oauth1",
    "import authlib.oauth1",
    "import oauth2",
)
#: (target name, buzzoauth statement, requests-oauthlib statement)
IMPORT_TARGETS = (
    ("import buzzoauth / import requests_oauthlib", 0, 2),
    ("BuzzOAuth / OAuth1Session in hand", 1, 3),
)


@dataclass(frozen=True)
class Settings:
    requests: int
    import_runs: int


FULL = Settings(requests=10_000, import_runs=15)
QUICK = Settings(requests=1_000, import_runs=3)


def _status_kib(field: str) -> int:
    # Linux: VmRSS (now) and VmHWM (peak) in kB.
    for line in (
        Path("/proc/self/status").read_text(encoding="ascii").splitlines()
    ):
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"{field} not in /proc/self/status")


def child(name: str, url: str, count: int, mode: str) -> dict[str, float]:
    """Inside the subprocess: build one client, send ``count`` GETs."""
    use_checkout()
    from e2e import CLIENTS, check

    call = CLIENTS[name](url)
    check(name, call)
    if mode == "trace":
        tracemalloc.start()
    rss0 = _status_kib("VmRSS")
    for _ in range(count):
        call()
    if mode == "trace":
        current, peak = tracemalloc.get_traced_memory()
        return {"trace_peak": peak / 1024, "trace_kept": current / 1024}
    return {
        "rss_start": rss0,
        "rss_growth": _status_kib("VmRSS") - rss0,
        "peak_over_start": _status_kib("VmHWM") - rss0,
    }


def _spawn(name: str, url: str, count: int, mode: str) -> dict[str, float]:
    argv = [sys.executable, str(HERE), "--child", name, "--url", url]
    argv += ["--requests", str(count), "--mode", mode]
    done = subprocess.run(
        argv, capture_output=True, text=True, timeout=600, check=False
    )
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"{name}: {last}")
    result: dict[str, float] = json.loads(done.stdout)
    return result


def memory(
    settings: Settings,
) -> tuple[dict[str, dict[str, float]], dict[str, str]]:
    from _server import clear_proxies, start

    clear_proxies()
    figures, failed = {}, {}
    with start() as server:
        for name in MEMORY_CLIENTS:
            try:
                figures[name] = {
                    **_spawn(name, server.url, settings.requests, "trace"),
                    **_spawn(name, server.url, settings.requests, "rss"),
                }
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                failed[name] = str(exc)
    return figures, failed


# -- import time -----------------------------------------------------------


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(ROOT), env.get("PYTHONPATH")])
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def _python(
    *args: str, capture: bool = False
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        env=_env(),
        capture_output=capture,
        text=True,
        timeout=60,
        check=True,
    )


def _wall(code: str) -> float:
    # Popen.wait(timeout=...) polls in sleeps of up to 50 ms, which would
    # round every figure to 50 ms; wait without one, and let a timer
    # kill a child that hangs.
    env = _env()
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", code], env=env)
    watchdog = threading.Timer(60, proc.kill)
    watchdog.start()
    try:
        status = proc.wait()
    finally:
        watchdog.cancel()
    elapsed = time.perf_counter() - start
    if status != 0:
        raise subprocess.CalledProcessError(status, code)
    return elapsed


def _roots(code: str) -> dict[str, float]:
    """Top-level imports under ``-X importtime``: name -> cumulative µs."""
    done = _python("-X", "importtime", "-c", code, capture=True)
    roots = {}
    for line in done.stderr.splitlines():
        parts = line.split("|")
        # Nested imports are indented past the one space after "|".
        header = parts[-1].strip() == "imported package"
        if len(parts) == 3 and not header and not parts[2].startswith("  "):
            roots[parts[2].strip()] = float(parts[1])
    return roots


def _importtime(code: str, startup: set[str]) -> float:
    """µs that ``code`` spends in imports the interpreter did not
    already make at start-up."""
    roots = _roots(code)
    return sum(us for name, us in roots.items() if name not in startup)


def _runs_cleanly(code: str) -> bool:
    # This first run also writes the .pyc files no timed run pays for.
    try:
        _python("-c", code, capture=True)
    except subprocess.CalledProcessError:
        return False
    return True


def import_times(runs: int) -> dict[str, tuple[float, float] | str]:
    """statement -> (best wall ms over bare python, best -X importtime ms).

    Each run measures ``pass`` and every statement once, in turn, so a
    slow spell on a shared machine does not land on one statement only.
    """
    out: dict[str, tuple[float, float] | str] = {}
    codes = [c for c in IMPORTS if _runs_cleanly(c)]
    out.update({c: "fails" for c in IMPORTS if c not in codes})
    startup = set(_roots("pass"))
    wall = {code: float("inf") for code in ["pass", *codes]}
    cumulative = dict.fromkeys(codes, float("inf"))
    for _ in range(runs):
        wall["pass"] = min(wall["pass"], _wall("pass"))
        for code in codes:
            wall[code] = min(wall[code], _wall(code))
            cumulative[code] = min(
                cumulative[code], _importtime(code, startup)
            )
    for code in codes:
        over = (wall[code] - wall["pass"]) * 1e3
        out[code] = (over, cumulative[code] / 1e3)
    return {c: out[c] for c in IMPORTS}


# -- tables ----------------------------------------------------------------


def memory_table(figures: dict[str, dict[str, float]], count: int) -> str:
    rows = []
    for name, f in figures.items():
        rows.append(
            [
                name,
                f"{f['trace_peak']:,.0f}",
                f"{f['trace_kept']:,.0f}",
                f"{f['rss_start'] / 1024:,.1f}",
                f"{f['rss_growth']:,.0f}",
                f"{f['peak_over_start']:,.0f}",
            ]
        )
    headers = [
        f"client, {count:,} GETs",
        "tracemalloc peak KiB",
        "kept at end KiB",
        "RSS at start MiB",
        "RSS growth KiB",
        "peak RSS over start KiB",
    ]
    return table(headers, rows)


def import_table(
    times: dict[str, tuple[float, float] | str], runs: int
) -> str:
    rows = []
    for code, value in times.items():
        if isinstance(value, str):
            rows.append([f"`{code}`", value, value])
        else:
            rows.append([f"`{code}`", f"{value[0]:.1f}", f"{value[1]:.1f}"])
    headers = [
        f"best of {runs}",
        "wall ms over `python -c pass`",
        "-X importtime ms",
    ]
    return table(headers, rows)


def import_targets(times: dict[str, tuple[float, float] | str]) -> list[Row]:
    """buzzoauth <= requests-oauthlib, by both measures: the package
    import, and having the client class in hand."""
    rows: list[Row] = []
    for label, mine, theirs in IMPORT_TARGETS:
        buzz, peer = times.get(IMPORTS[mine]), times.get(IMPORTS[theirs])
        for index, how in enumerate(("wall time", "-X importtime")):
            name = f"{label} <= 1 ({how})"
            if not isinstance(buzz, tuple) or not isinstance(peer, tuple):
                rows.append((name, None, None))
                continue
            value = buzz[index] / peer[index]
            rows.append((name, value, value <= 1.0))
    return rows


def render_memory(settings: Settings) -> str:
    figures, failed = memory(settings)
    text = memory_table(figures, settings.requests)
    if failed:
        text += "\n\nNot measured:\n" + "\n".join(
            f"- {n}: {w}" for n, w in failed.items()
        )
    return text


def render_imports(settings: Settings) -> str:
    times = import_times(settings.import_runs)
    rows = [[n, ratio(v), verdict(ok)] for n, v, ok in import_targets(times)]
    goal = table(["import target", "measured", "verdict"], rows)
    return import_table(times, settings.import_runs) + "\n\n" + goal


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="fewer requests and runs"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--requests", type=int, help=argparse.SUPPRESS)
    parser.add_argument(
        "--mode", choices=("rss", "trace"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        print(
            json.dumps(child(args.child, args.url, args.requests, args.mode))
        )
        return 0
    settings = QUICK if args.quick else FULL
    print(render_memory(settings) + "\n\n" + render_imports(settings))
    return 0


if __name__ == "__main__":
    sys.exit(main())

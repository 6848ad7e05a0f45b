"""Run every fuzz target for a bounded number of inputs.

::

    python fuzz/run.py                 # 100000 inputs per target
    python fuzz/run.py --runs 20000 --max-time 60 --seed 5849

Each target runs in its own process with ``-runs=N`` and
``-max_total_time=T``, starting from its seed folder in
``fuzz/corpus/<target>/`` (read only; new inputs go to a temporary
folder).  A crash is written to ``fuzz/crashes/`` and makes the exit
status 1: turn it into a regression test in
``tests/reliability/test_fuzz_regressions.py``.

Without atheris (``pip install atheris``) it says so and exits 2.
Prints one ``FUZZ {json}`` line per target, which
``docs/make_reliability_table.py`` reads.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGETS = ("fuzz_token_response", "fuzz_url")
_DONE = re.compile(r"Done (\d+) runs")


def run_target(
    name: str, runs: int, max_time: int, seed: int = 0
) -> dict[str, object]:
    crashes = HERE / "crashes"
    crashes.mkdir(exist_ok=True)
    seeds = HERE / "corpus" / name.removeprefix("fuzz_")
    with tempfile.TemporaryDirectory(prefix=f"{name}-") as scratch:
        command = [
            sys.executable,
            str(HERE / f"{name}.py"),
            f"-runs={runs}",
            f"-max_total_time={max_time}",
            f"-seed={seed}",
            f"-artifact_prefix={crashes}/{name}-",
            scratch,
            *([str(seeds)] if seeds.is_dir() else []),
        ]
        started = time.monotonic()
        done = subprocess.run(  # noqa: S603 (our own interpreter and files)
            command,
            capture_output=True,
            text=True,
            timeout=max_time + 120,
            check=False,
        )
    executed = _DONE.search(done.stderr)
    return {
        "target": name,
        "runs": int(executed.group(1)) if executed else None,
        "seconds": round(time.monotonic() - started, 1),
        "crashed": done.returncode != 0,
        "tail": done.stderr.strip().splitlines()[-12:]
        if done.returncode
        else [],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100_000)
    parser.add_argument("--max-time", type=int, default=120)
    # 0 lets libFuzzer pick; CI passes a fixed seed so that a run can be
    # repeated exactly.
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("targets", nargs="*", default=list(TARGETS))
    args = parser.parse_args(argv)
    if importlib.util.find_spec("atheris") is None:
        print("atheris is not installed: pip install atheris", file=sys.stderr)
        return 2
    failed = False
    for name in args.targets:
        result = run_target(name, args.runs, args.max_time, args.seed)
        failed = failed or bool(result["crashed"])
        print("FUZZ", json.dumps(result), flush=True)
        for line in result["tail"]:  # type: ignore[attr-defined]
            print("   ", line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

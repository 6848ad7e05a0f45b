"""Build the figures table of ``docs/reliability.md`` from a real run.

::

    python docs/make_reliability_table.py            # print the table
    python docs/make_reliability_table.py --write    # and put it in the doc
    python docs/make_reliability_table.py --fuzz-runs 0   # no fuzzing

1. Runs ``pytest tests/reliability`` with ``--junitxml``, timing it.
2. Reads the ``figure`` property each test records (see
   ``tests/reliability/conftest.py``) and each test's outcome; rows with
   the same name are merged (cases added up, descriptions joined).
3. Runs ``fuzz/run.py`` when atheris is installed and adds a row for
   each fuzz target.
4. Prints a Markdown table; ``--write`` replaces the part of
   ``docs/reliability.md`` between the ``figures`` markers.

Every number in the table comes from this run; nothing is typed in.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "reliability.md"
BEGIN = "<!-- figures:begin -->"
END = "<!-- figures:end -->"


@dataclass
class Row:
    name: str
    tried: list[str] = field(default_factory=list)
    saw: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    cases: int = 0
    tests: int = 0

    def add(self, figure: dict[str, object]) -> None:
        self.cases += int(str(figure["cases"]))
        self.tests += 1
        for target, key in (
            (self.tried, "tried"),
            (self.saw, "saw"),
            (self.lost, "lost"),
        ):
            text = str(figure[key])
            if text not in target:
                target.append(text)


@dataclass
class Run:
    rows: dict[str, Row] = field(default_factory=dict)
    outcomes: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0


def run_tests(extra: list[str]) -> Run:
    with tempfile.TemporaryDirectory() as scratch:
        junit = Path(scratch) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "tests/reliability",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--junitxml={junit}",
            *extra,
        ]
        started = time.monotonic()
        subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603
        seconds = time.monotonic() - started
        run = read_junit(junit)
    run.seconds = seconds
    return run


def read_junit(path: Path) -> Run:
    run = Run()
    tree = ET.parse(path)  # noqa: S314 (written by pytest just now)
    for case in tree.iter("testcase"):
        name = f"{case.get('classname')}::{case.get('name')}"
        run.outcomes[name] = _outcome(case)
        for prop in case.iter("property"):
            if prop.get("name") != "figure":
                continue
            figure = json.loads(prop.get("value") or "{}")
            row = run.rows.setdefault(figure["row"], Row(figure["row"]))
            row.add(figure)
    return run


def _outcome(case: ET.Element) -> str:
    for kind in ("failure", "error", "skipped"):
        if case.find(kind) is not None:
            return kind
    return "passed"


def run_fuzz(runs: int) -> list[Row]:
    command = [sys.executable, "fuzz/run.py", "--runs", str(runs)]
    done = subprocess.run(  # noqa: S603
        command, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if done.returncode == 2:
        return [Row("fuzz", ["not run"], ["atheris is not installed"])]
    rows = []
    for line in done.stdout.splitlines():
        if not line.startswith("FUZZ "):
            continue
        result = json.loads(line[5:])
        crashed = "a crash (see fuzz/crashes/)" if result["crashed"] else ""
        rows.append(
            Row(
                f"fuzz: {result['target']} (atheris)",
                [f"{result['runs']} inputs in {result['seconds']} s"],
                [crashed or "no crash, no unexpected exception"],
                ["nothing"],
                cases=int(result["runs"] or 0),
                tests=1,
            )
        )
    return rows


#: Sections of the table, in the order of the brief they answer.
ORDER = (
    "network",
    "server error",
    "TLS",
    "clock skew",
    "token answer",
    "parser",
    "header injection",
    "token file",
    "callback",
    "redirect",
    "secrets",
    "load",
    "fuzz",
)


def section(row: Row) -> int:
    prefix = row.name.split(":", 1)[0]
    return ORDER.index(prefix) if prefix in ORDER else len(ORDER)


def cell(parts: list[str]) -> str:
    return "; ".join(parts).replace("|", "\\|")


def table(run: Run, fuzz_rows: list[Row]) -> str:
    lines = [
        "| Class | What was tried | Cases | What the caller saw "
        "| Lost or leaked |",
        "|---|---|---:|---|---|",
    ]
    for row in sorted([*run.rows.values(), *fuzz_rows], key=section):
        lines.append(
            f"| {cell([row.name])} | {cell(row.tried)} | {row.cases} "
            f"| {cell(row.saw)} | {cell(row.lost)} |"
        )
    return "\n".join(lines)


def summary(run: Run) -> str:
    counts: dict[str, int] = {}
    for outcome in run.outcomes.values():
        counts[outcome] = counts.get(outcome, 0) + 1
    told = ", ".join(f"{n} {kind}" for kind, n in sorted(counts.items()))
    lines = [
        f"Run of {time.strftime('%Y-%m-%d')} on {platform.system()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs: "
        f"{len(run.outcomes)} tests ({told}) in {run.seconds:.1f} s.",
    ]
    failed = [n for n, o in run.outcomes.items() if o != "passed"]
    if failed:
        lines.append("")
        lines.append("Not passing in this run:")
        lines += [f"- `{name}` ({run.outcomes[name]})" for name in failed]
    return "\n".join(lines)


def write_doc(text: str) -> None:
    doc = DOC.read_text(encoding="utf-8")
    head, begin, rest = doc.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{DOC} has no {BEGIN} ... {END} markers")
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--fuzz-runs", type=int, default=20_000)
    parser.add_argument("pytest_args", nargs="*")
    args = parser.parse_args(argv)
    run = run_tests(args.pytest_args)
    fuzz_rows = run_fuzz(args.fuzz_runs) if args.fuzz_runs > 0 else []
    text = summary(run) + "\n\n" + table(run, fuzz_rows)
    print(text)
    if args.write:
        write_doc(text)
    return 0 if all(o == "passed" for o in run.outcomes.values()) else 1


if __name__ == "__main__":
    sys.exit(main())

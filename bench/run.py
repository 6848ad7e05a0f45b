"""Run every benchmark, print the tables and write ``bench/results.md``.

``python bench/run.py [--quick] [--only sign|e2e|memory|import]
[--output PATH | --no-write]``.  ``--quick`` takes few repeats (a smoke
test for CI, figures too rough to quote).

Map: :data:`SECTIONS` names each benchmark and the function that runs
it and returns its Markdown; :func:`document` puts the machine header
in front of the sections; :func:`main` parses options, runs, prints and
writes.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import e2e
import memory
import sign
from _peers import PEERS
from _report import machine, table, use_checkout

HERE = Path(__file__).resolve().parent


def _sign(quick: bool) -> str:
    settings = sign.QUICK if quick else sign.FULL
    peers = tuple(PEERS)
    text = sign.render(sign.run(settings, peers=peers), peers, settings)
    calls = 2000 if quick else 20000
    where = sign.profile_summary(("get", "form"), calls)
    return (
        f"{text}\n\n### Where buzzoauth's sign() spends its time\n\n"
        f"cProfile, {calls} signings each; the profiler inflates every "
        f"figure, so read the shares.\n\n{where}"
    )


def _e2e(quick: bool) -> str:
    return e2e.render(e2e.measure(e2e.QUICK if quick else e2e.FULL))


def _memory(quick: bool) -> str:
    return memory.render_memory(memory.QUICK if quick else memory.FULL)


def _imports(quick: bool) -> str:
    return memory.render_imports(memory.QUICK if quick else memory.FULL)


SECTIONS: dict[str, tuple[str, Callable[[bool], str]]] = {
    "sign": ("Signing cost (bench/sign.py)", _sign),
    "e2e": ("End to end over loopback (bench/e2e.py)", _e2e),
    "memory": ("Memory after many requests (bench/memory.py)", _memory),
    "import": ("Import time (bench/memory.py)", _imports),
}


def document(quick: bool, sections: list[tuple[str, str]]) -> str:
    kind = "quick run: smoke test, rough figures" if quick else "full run"
    head = [
        "# buzzoauth benchmark results",
        "",
        f"Written by `python bench/run.py` ({kind}). How to read it: "
        "bench/README.md.",
        "",
        table(["machine", "value"], [list(row) for row in machine()]),
    ]
    body = [f"## {title}\n\n{text}" for title, text in sections]
    return "\n".join(head) + "\n\n" + "\n\n".join(body) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename over it."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick", action="store_true", help="few repeats (CI smoke)"
    )
    parser.add_argument(
        "--only", choices=tuple(SECTIONS), help="run one benchmark"
    )
    parser.add_argument("--output", type=Path, default=HERE / "results.md")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args(argv)
    use_checkout()
    chosen = [args.only] if args.only else list(SECTIONS)
    done = []
    for key in chosen:
        title, runner = SECTIONS[key]
        print(f"## {title}\n", flush=True)
        text = runner(args.quick)
        print(text + "\n", flush=True)
        done.append((title, text))
    if not args.no_write:
        write_atomic(args.output, document(args.quick, done))
        print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

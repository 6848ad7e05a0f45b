"""Signing cost: microseconds per signature, buzzoauth against its peers.

Run ``python bench/sign.py`` for workload 1 against raw python-oauth2
and oauthlib, ``--all`` for every workload and peer (what ``run.py``
does), ``--profile [WORKLOAD]`` for a cProfile of buzzoauth's
``sign()``, ``--check`` to test the verification gate itself
(:func:`self_check`).

Map: :func:`prepare` builds each peer's signer and verifies two outputs
with :mod:`_check` (a peer that signs wrongly is never timed);
:func:`measure` times the verified signers in alternating rounds;
:func:`render` prints microseconds, ratios and the project's targets;
:func:`profile` and :func:`profile_summary` show where buzzoauth's
time goes (cProfile inflates every figure; read the shares).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from dataclasses import dataclass, field, replace

from _check import CheckError, Wire, verify
from _peers import PEERS, NotApplicable, Prepared
from _report import ROOT, ratio, table, use_checkout, verdict
from _timing import Stats, alternate, loops_for, paired, time_block
from _workloads import Workload, by_key, rsa_pem, workloads

BUZZ = "buzzoauth"
Target = tuple[str, float | None, bool | None]
STANDALONE = ("buzzoauth", "oauth2", "oauthlib", "floor")


@dataclass(frozen=True)
class Settings:
    rounds: int
    best_of: int
    target: float  # seconds per timed block


FULL = Settings(rounds=9, best_of=3, target=0.03)
QUICK = Settings(rounds=3, best_of=1, target=0.005)


@dataclass
class Outcome:
    """One workload: stats of the peers that ran, reasons for the rest."""

    load: Workload
    stats: dict[str, Stats] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)

    def over(self, top: str, bottom: str) -> float | None:
        """``top / bottom``, paired round by round."""
        a, b = self.stats.get(top), self.stats.get(bottom)
        return None if a is None or b is None else paired(a, b)


def prepare(
    load: Workload, peers: tuple[str, ...], out: Outcome
) -> dict[str, Prepared]:
    ready = {}
    for name in peers:
        try:
            made = PEERS[name](load)
            _verified(made, load, name)
        except NotApplicable as exc:
            out.skipped[name] = str(exc)
        except CheckError as exc:
            out.failed[name] = f"output does not verify: {exc}"
        except Exception as exc:  # a peer that crashes is reported, not timed
            out.failed[name] = f"raised {type(exc).__name__}: {exc}"
        else:
            ready[name] = made
    return ready


def _verified(made: Prepared, load: Workload, name: str) -> None:
    """Check two outputs; for a ``vary`` workload, two different URLs."""
    first = made.wire(made.call())
    second = made.wire(made.call())
    for wire in (first, second):
        verify(wire, load, pem=rsa_pem())
    if load.vary and name != "floor" and first.url == second.url:
        raise CheckError("signed the same URL twice; should vary")


def measure(
    ready: dict[str, Prepared], settings: Settings
) -> dict[str, Stats]:
    loops = {n: loops_for(p.call, settings.target) for n, p in ready.items()}

    def block(name: str) -> float:
        return time_block(ready[name].call, loops[name], settings.best_of)

    calls = {name: (lambda name=name: block(name)) for name in ready}
    return alternate(calls, settings.rounds)


def run(
    settings: Settings,
    *,
    keys: tuple[str, ...] | None = None,
    peers: tuple[str, ...] = tuple(PEERS),
) -> list[Outcome]:
    outcomes = []
    for load in workloads():
        if keys is not None and load.key not in keys:
            continue
        out = Outcome(load)
        out.stats = measure(prepare(load, peers, out), settings)
        outcomes.append(out)
    return outcomes


# -- tables ----------------------------------------------------------------


def _cell(out: Outcome, peer: str) -> str:
    if peer in out.failed:
        return "FAILED"
    found = out.stats.get(peer)
    if found is None:
        return "n/a"
    return f"{found.median * 1e6:.1f} ±{found.spread * 100:.0f}%"


def micros_table(outcomes: list[Outcome], peers: tuple[str, ...]) -> str:
    headers = ["µs per signature", *(o.load.title for o in outcomes)]
    rows = [[p, *(_cell(o, p) for o in outcomes)] for p in peers]
    return table(headers, rows)


def ratios_table(outcomes: list[Outcome], peers: tuple[str, ...]) -> str:
    headers = ["ratio", *(o.load.title for o in outcomes)]
    rows = [
        [f"{p} / buzzoauth", *(ratio(o.over(p, BUZZ)) for o in outcomes)]
        for p in peers
        if p not in (BUZZ, "floor")
    ]
    rows.append(
        [
            "buzzoauth / floor",
            *(ratio(o.over(BUZZ, "floor")) for o in outcomes),
        ]
    )
    return table(headers, rows)


def _at_least(value: float | None, goal: float) -> bool | None:
    return None if value is None else value >= goal


def _at_most(value: float | None, goal: float) -> bool | None:
    return None if value is None else value <= goal


def _row(name: str, value: float | None, ok: bool | None) -> Target:
    return (name, value, ok)


def targets(outcomes: list[Outcome]) -> list[Target]:
    """(target, measured ratio, met?) for every target about signing."""
    rows = []
    for out in outcomes:
        number = "w" + out.load.title.split()[0]
        goals = (
            {"oauthlib": 12.0, "oauth2": 4.0}
            if out.load.key == "get"
            else {"oauthlib": 1.0, "oauth2": 1.0}
        )
        for peer, goal in goals.items():
            if peer not in out.skipped:
                value = out.over(peer, BUZZ)
                name = f"{number} {peer} / buzzoauth >= {goal:g}"
                rows.append(_row(name, value, _at_least(value, goal)))
        if not out.load.rsa:
            value = out.over(BUZZ, "floor")
            name = f"{number} buzzoauth / floor <= 6"
            rows.append(_row(name, value, _at_most(value, 6.0)))
    return rows


def targets_table(outcomes: list[Outcome]) -> str:
    rows = [[name, ratio(v), verdict(ok)] for name, v, ok in targets(outcomes)]
    return table(["signing target", "measured", "verdict"], rows)


def notes(outcomes: list[Outcome]) -> str:
    """One line per (peer, reason), naming the workloads it covers."""
    seen: dict[tuple[str, str], list[str]] = {}
    for out in outcomes:
        number = out.load.title.split()[0]
        for peer, why in {**out.skipped, **out.failed}.items():
            seen.setdefault((peer, why), []).append(number)
    return "\n".join(
        f"- {peer} (workload {', '.join(nums)}): {why}"
        for (peer, why), nums in seen.items()
    )


def render(
    outcomes: list[Outcome], peers: tuple[str, ...], settings: Settings
) -> str:
    shown = tuple(
        p
        for p in peers
        if any(
            p in o.stats or p in o.failed or p in o.skipped for o in outcomes
        )
    )
    head = (
        f"CPU µs (time.thread_time), median of {settings.rounds} rounds; "
        "each round times every peer "
        f"once (best of {settings.best_of} loops of >= "
        f"{settings.target * 1000:g} ms), peers rotating. ±: half the "
        "range of the rounds. Ratios are medians of the per-round ratios."
    )
    parts = [
        head,
        micros_table(outcomes, shown),
        ratios_table(outcomes, shown),
    ]
    parts.append(targets_table(outcomes))
    extra = notes(outcomes)
    if extra:
        parts.append("Not measured:\n" + extra)
    return "\n\n".join(parts)


# -- profile ---------------------------------------------------------------


def _group(stats: pstats.Stats) -> list[tuple[str, float]]:
    totals: dict[str, float] = {}
    raw = stats.stats  # type: ignore[attr-defined]
    for (path, _line, _name), (
        _cc,
        _nc,
        tottime,
        _ct,
        _callers,
    ) in raw.items():
        where = _short(path)
        totals[where] = totals.get(where, 0.0) + tottime
    return sorted(totals.items(), key=lambda item: -item[1])


def _short(path: str) -> str:
    """A profiled file's name without the install prefix."""
    for marker in ("site-packages/", f"python3.{sys.version_info[1]}/"):
        if marker in path:
            return path.split(marker, 1)[1]
    if path == "~":
        return "(C built-ins)"
    return path.replace(str(ROOT) + "/", "")


def _profiled(key: str, calls: int) -> pstats.Stats:
    made = PEERS[BUZZ](by_key(key))
    verify(made.wire(made.call()), by_key(key), pem=rsa_pem())
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [made.call() for _ in range(calls)])
    return pstats.Stats(profiler)


def profile_table(stats: pstats.Stats, calls: int) -> str:
    """Own time by file, the benchmark's own files left out."""
    groups = [
        (where, t)
        for where, t in _group(stats)
        if not where.startswith(("bench/", "<"))
    ]
    total = sum(t for _, t in groups)
    rows = [
        [where, f"{t / calls * 1e6:.2f}", f"{t / total * 100:.0f}%"]
        for where, t in groups[:10]
    ]
    return table(["file (own time)", "µs/sign, profiled", "share"], rows)


def profile(key: str = "get", calls: int = 20000) -> str:
    """cProfile of buzzoauth signing ``calls`` times: by file, then by
    function (own time)."""
    stats = _profiled(key, calls)
    text = io.StringIO()
    stats.stream = text  # type: ignore[attr-defined]
    stats.sort_stats("tottime").print_stats(15)
    head = f"{calls} signings of workload '{key}' under cProfile:"
    return f"{head}\n\n{profile_table(stats, calls)}\n\n{text.getvalue()}"


def profile_summary(keys: tuple[str, ...], calls: int) -> str:
    """The by-file tables of several workloads, for results.md."""
    parts = []
    for key in keys:
        title = by_key(key).title
        stats = _profiled(key, calls)
        parts.append(f"Workload {title}:\n\n{profile_table(stats, calls)}")
    return "\n\n".join(parts)


# -- checking the checker -------------------------------------------------


def _tampered(wire: Wire) -> list[tuple[str, Wire]]:
    """The same request changed in ways a signature must notice."""
    joiner = "&" if "?" in wire.url else "?"
    body = (wire.body or b"") + b"&x=1"
    return [
        ("method", replace(wire, method="PUT")),
        ("query", replace(wire, url=f"{wire.url}{joiner}x=1")),
        ("body", replace(wire, body=body)),
    ]


def self_check() -> list[str]:
    """Every peer's output must verify, and a changed one must not.

    Returns the problems found (none means the gate works)."""
    problems = []
    for load in workloads():
        for name, make in PEERS.items():
            try:
                made = make(load)
            except NotApplicable:
                continue
            wire = made.wire(made.call())
            try:
                verify(wire, load, pem=rsa_pem())
            except CheckError as exc:
                problems.append(f"{load.key}/{name}: rejected: {exc}")
            for what, bad in _tampered(wire):
                try:
                    verify(bad, load, pem=rsa_pem())
                except CheckError:
                    continue
                problems.append(f"{load.key}/{name}: changed {what} passed")
    return problems


# -- entry point -------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--all", action="store_true", help="every workload and peer"
    )
    parser.add_argument(
        "--quick", action="store_true", help="few rounds (smoke test)"
    )
    parser.add_argument(
        "--profile",
        nargs="?",
        const="get",
        metavar="WORKLOAD",
        help="cProfile buzzoauth.sign: get, form, json, get50 or rsa",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="only check that outputs verify and tampering is caught",
    )
    args = parser.parse_args(argv)
    use_checkout()
    if args.check:
        problems = self_check()
        print("\n".join(problems) or "every output verifies; tampering caught")
        return 1 if problems else 0
    if args.profile:
        print(profile(args.profile))
        return 0
    settings = QUICK if args.quick else FULL
    peers = tuple(PEERS) if args.all else STANDALONE
    keys = None if args.all else ("get",)
    outcomes = run(settings, keys=keys, peers=peers)
    print(render(outcomes, peers, settings))
    return 1 if any(BUZZ in o.failed for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())

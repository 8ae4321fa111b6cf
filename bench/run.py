"""The scale benchmark (issue 6): `python -m bench.run [--scale 10000,100000] [--backend sqlite|postgresql|both]`.

For each scale it generates a firm (bench/generate.py), bulk-loads it into a fresh database per backend and
times building every manager's digest for the day. At the largest scale it then starts the real
`casebot run --http --no-scheduler` against that database, with the Slack stand-in as its Web API, and
times signed slash commands (and a Home opened) over one keep-alive connection beside a bare echo app on the
same server stack; then the morning rush (bench/rush.py: 20 managers at once for 30 s, the same against the
echo app); last it reads the server's peak memory. Databases are dropped at the end unless --keep."""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import Any

from bench import commands as cmd
from bench import load, rush
from bench.digests import DigestTiming, time_digests
from bench.generate import LEAD, Firm
from bench.leads import DUE, measure_leads
from bench.verdicts import TARGET_RUSH_RATE, Report, variant, verdicts
from bot.rules.calendar import BusinessCalendar
from storage import bulk
from storage.db import Database


def code_version() -> str:
    """The commit measured: BENCH_COMMIT when run from an export (see bench/RESULTS.md), else git's own answer."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + (" with uncommitted changes" if dirty else "")


def machine(pg_url: str | None) -> dict[str, str]:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor() or "unknown",
    )
    mem_kb = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    info = {
        "code": code_version(),
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "memory": f"{mem_kb / 1024 / 1024:.1f} GiB",
        "python": platform.python_version(),
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
        "sqlite": sqlite3.sqlite_version,
        "os": platform.platform(),
    }
    if pg_url:
        db = Database(pg_url)
        try:
            info["postgresql"] = bulk.server_version(db.engine)
        finally:
            db.dispose()
    return info


def say(text: str = "") -> None:
    print(text, flush=True)


def run_commands(
    bench_db: load.BenchDatabase,
    firm: Firm,
    standin: Any,
    echo: cmd.Server,
    n: int,
    seed: int,
    out_dir: Path,
    report: Report,
    *,
    fixes: bool,
    rush_options: RushOptions | None = None,
) -> None:
    rng = random.Random(seed + fixes)  # the second server changes other cases than the first
    warm = 20
    index = firm.index
    managers = sorted({m for _, m, _ in index})
    later = [e for e in index if e[2] in ("demand_sent", "negotiation")]
    shown, contacted, offered = (
        rng.sample(index, n + warm),
        rng.sample(index, n + warm),
        rng.sample(later, min(len(later), n + warm)),
    )
    plans = {
        "/case show": [("/case", f"show {num}", mgr) for num, mgr, _ in shown],
        "/case contacted": [("/case", f"contacted {num}", mgr) for num, mgr, _ in contacted],
        "/case due": [("/case", "due", rng.choice(managers)) for _ in range(n + warm)],
        "/offer received": [("/offer", f"received {num} 25000", mgr) for num, mgr, _ in offered],
        "Home opened": [(cmd.HOME_OPENED, "", rng.choice(managers)) for _ in range(n + warm)],
    }
    server = cmd.casebot_server(bench_db.url, standin.base_url, out_dir, fixes=fixes)
    say(
        f"  starting casebot run --http --no-scheduler on {bench_db.backend} ({bench_db.scale:,} cases)"
        f"{' with bench.fixes' if fixes else ', as it is'}…"
    )
    started = time.perf_counter()
    server.start()
    say(
        f"  casebot answered /healthz after {time.perf_counter() - started:.1f}s; "
        f"memory at start {server.memory_kb().get('VmRSS', 0) / 1024:.0f} MB"
    )
    try:
        bot = cmd.Client(server.port, standin.response_url("bench"))
        bare = cmd.Client(echo.port, standin.response_url("echo"))
        say(
            f"  {'command':<18}{'casebot median':>15}{'p99':>9}{'echo median':>13}{'p99':>8}{'ratio':>8}  fails"
        )
        for label, requests in plans.items():
            real, base = cmd.measure(bot, bare, label, requests, warmup=warm, ok=cmd.not_refused)
            ratio = real.median / base.median
            say(
                f"  {label:<18}{real.median:>12.1f} ms{real.p99:>6.1f} ms{base.median:>10.2f} ms"
                f"{base.p99:>5.1f} ms{ratio:>7.1f}×  {len(real.failures)}"
            )
            for failure in real.failures[:3]:
                say(f"      failed: {failure}")
            report.commands.append(
                {
                    "backend": bench_db.backend,
                    "scale": bench_db.scale,
                    "fixes": fixes,
                    "command": label,
                    "requests": len(real.samples),
                    "median_ms": round(real.median, 2),
                    "p99_ms": round(real.p99, 2),
                    "max_ms": round(max(real.samples), 2),
                    "echo_median_ms": round(base.median, 3),
                    "echo_p99_ms": round(base.p99, 3),
                    "ratio": round(ratio, 2),
                    "failures": len(real.failures),
                    "example": real.example[:300],
                }
            )
        bot.close()
        bare.close()
        if rush_options is not None:
            run_rush(bench_db, firm, standin, server, echo, rush_options, report, fixes=fixes)
        mem = server.memory_kb()
        report.memory.append(
            {
                "backend": bench_db.backend,
                "scale": bench_db.scale,
                "fixes": fixes,
                "vmhwm_mb": round(mem["VmHWM"] / 1024, 1),
                "vmrss_mb": round(mem["VmRSS"] / 1024, 1),
            }
        )
        say(
            f"  casebot server peak resident (VmHWM) {mem['VmHWM'] / 1024:.0f} MB, now {mem['VmRSS'] / 1024:.0f} MB"
        )
    finally:
        server.stop()


@dataclass(frozen=True)
class RushOptions:
    managers: int
    seconds: float
    rate: float
    seed: int


def run_rush(
    bench_db: load.BenchDatabase,
    firm: Firm,
    standin: Any,
    server: cmd.Server,
    echo: cmd.Server,
    options: RushOptions,
    report: Report,
    *,
    fixes: bool,
) -> None:
    """The morning rush (bench/rush.py) against this server, then the same plan against the echo app."""
    chosen = rush.managers_from(bench_db.url, firm.index, options.managers, options.seed)
    say(
        f"  morning rush: {len(chosen)} managers offering {options.rate:.0f} requests/s for "
        f"{options.seconds:.0f} s ({', '.join(f'{k} {w}' for k, w in rush.MIX.items())})"
    )
    say(f"  {'server':<9}{'requests':>9}{'throughput':>11}{'median':>12}{'p99':>11}{'max':>12}{'fails':>7}")
    for name, target in (("casebot", server), ("echo", echo)):
        found = rush.rush(
            target.port,
            chosen,
            standin.response_url(f"rush-{name}"),
            seconds=options.seconds,
            rate=options.rate,
            seed=options.seed,
            checked=name == "casebot",
        )
        for line in rush.report_lines(name, found):
            say(line)
        for failure in found.failures[:3]:
            say(f"      failed: {failure}")
        report.rush.append(
            {
                "backend": bench_db.backend,
                "scale": bench_db.scale,
                "fixes": fixes,
                "server": name,
                "managers": len(chosen),
                "offered_per_s": options.rate,
                "seconds": round(found.seconds, 1),
                "throughput_per_s": round(len(found.samples) / found.seconds, 1),
                **found.summary(),
                "failures": len(found.failures),
                "behind_p99_ms": round(found.p(sorted(found.behind), 0.99), 1),
                "kinds": {k: found.summary([k]) for k in rush.MIX},
                "reads": found.summary(rush.READS),
                "writes": found.summary(rush.WRITES),
            }
        )


def overdue_count(url: str, day: Any) -> int:
    """Active obligations due before the day: how many the lead's overdue list holds."""
    from storage import queries as q

    db = Database(url)
    try:
        with db.uow(write=False) as s:
            return sum(n for _, n, _ in q.overdue_count_by_manager(s, day))
    finally:
        db.dispose()


def run_leads(
    bench_db: load.BenchDatabase, firm: Firm, standin: Any, n: int, seed: int, out_dir: Path, report: Report
) -> None:
    """The leads' part (bench/leads.py) against a fresh server on this database."""
    overdue = overdue_count(bench_db.url, firm.today)
    server = cmd.casebot_server(bench_db.url, standin.base_url, out_dir)
    say(f"  leads: starting casebot on {bench_db.backend} ({bench_db.scale:,} cases, {overdue:,} overdue)…")
    server.start()
    try:
        found = measure_leads(server.port, standin, sorted({m for _, m, _ in firm.index}), overdue, n, seed)
    finally:
        server.stop()
    due = found[DUE].median
    say(f"  {'view':<40}{'median':>10}{'p99':>10}{'÷ due':>8}  fails")
    for view, lat in found.items():
        if not lat.samples:
            say(f"  {view:<40}{'—':>10}{'—':>10}{'—':>8}  {len(lat.failures)}")
            for failure in lat.failures[:3]:
                say(f"      failed: {failure}")
            continue
        say(
            f"  {view:<40}{lat.median:>7.1f} ms{lat.p99:>7.1f} ms{lat.median / due:>7.1f}×  {len(lat.failures)}"
        )
        for failure in lat.failures[:3]:
            say(f"      failed: {failure}")
        report.leads.append(
            {
                "backend": bench_db.backend,
                "scale": bench_db.scale,
                "view": view,
                "requests": len(lat.samples),
                "median_ms": round(lat.median, 2),
                "p99_ms": round(lat.p99, 2),
                "max_ms": round(max(lat.samples), 2),
                "vs_due": round(lat.median / due, 2),
                "failures": len(lat.failures),
                "overdue": overdue,
                "example": lat.example[:300],
            }
        )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", default="10000,100000", help="comma-separated case counts (default 10000,100000)"
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument(
        "--pg-url",
        default=os.environ.get("BENCH_DATABASE_URL", load.DEFAULT_PG),
        help="a PostgreSQL server to create casebot_bench_<scale> databases on",
    )
    parser.add_argument("--due", type=int, default=5000, help="obligations due by the day, at every scale")
    parser.add_argument("--managers", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per command")
    parser.add_argument("--seed", type=int, default=20261126)
    parser.add_argument("--no-commands", action="store_true", help="skip the HTTP commands part")
    parser.add_argument("--no-digests", action="store_true", help="skip the digests part")
    parser.add_argument("--no-leads", action="store_true", help="skip the leads' part (at every scale)")
    parser.add_argument("--lead-requests", type=int, default=100, help="timed rounds of the leads' part")
    parser.add_argument(
        "--fixes",
        choices=("no", "yes", "both"),
        default="no",
        help="measure the code as it is (default), with the fixes of bench/fixes.py, or both",
    )
    parser.add_argument("--no-rush", action="store_true", help="skip the morning rush")
    parser.add_argument("--rush-managers", type=int, default=20, help="managers in the morning rush")
    parser.add_argument("--rush-seconds", type=float, default=30.0, help="how long the rush lasts")
    parser.add_argument("--rush-rate", type=float, default=TARGET_RUSH_RATE, help="requests a second offered")
    parser.add_argument("--keep", action="store_true", help="keep the databases (bench/out, casebot_bench_*)")
    return parser


@dataclass
class _Run:
    """One run of the benchmark as the command line asks for it, and what it has found so far."""

    args: argparse.Namespace
    scales: list[int]
    backends: list[str]
    variants: list[bool]  # without bench/fixes.py, with it, or both
    day: date
    out_dir: Path
    report: Report
    standin: Any  # handlers.slack.standin.SlackStandIn: the Slack every part talks to
    echo: cmd.Server | None = None  # the echo server of the commands part, started once


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # Stopped with SIGTERM, still stop the servers and drop the databases (the `finally` blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = _start(args)
    try:
        for scale in run.scales:
            _measure_scale(run, scale)
    finally:
        if run.echo is not None:
            run.echo.stop()
        run.standin.stop()
    return _finish(run)


def _start(args: argparse.Namespace) -> _Run:
    """What to measure, said at the start, and the Slack stand-in started."""
    scales = sorted({int(s.replace("_", "")) for s in args.scale.split(",") if s.strip()})
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    variants = {"no": [False], "yes": [True], "both": [False, True]}[args.fixes]
    day = BusinessCalendar().today()
    out_dir = load.OUT
    out_dir.mkdir(exist_ok=True)
    report = Report(day=day.isoformat(), machine=machine(args.pg_url if "postgresql" in backends else None))
    say(
        f"casebot benchmark, day {day:%a %Y-%m-%d}: scales {', '.join(f'{s:,}' for s in scales)}; "
        f"{' and '.join(backends)}; {args.managers} managers; about {args.due:,} obligations due"
    )
    say("machine: " + ", ".join(f"{k} {v}" for k, v in report.machine.items()))

    from handlers.slack.standin import SlackStandIn

    standin = SlackStandIn().start()
    return _Run(args, scales, backends, variants, day, out_dir, report, standin)


def _measure_scale(run: _Run, scale: int) -> None:
    """One scale: the firm generated and loaded, then its digests, the leads' views and (at the largest
    scale) the commands, on every backend; the databases dropped unless kept."""
    args, day = run.args, run.day
    say()
    say(f"== {scale:,} cases")
    firm = Firm(cases=scale, managers=args.managers, due_target=args.due, seed=args.seed, today=day)
    targets = [load.create(b, scale, pg_url=args.pg_url) for b in run.backends]
    try:
        _load(run, scale, firm, targets)
        for t in targets if not args.no_digests else ():
            _time_digests(run, scale, t)
        for user in sorted({m for _, m, _ in firm.index} | {LEAD}):
            run.standin.add_user(user)
        if not args.no_leads:
            for t in targets:
                run_leads(t, firm, run.standin, args.lead_requests, args.seed, run.out_dir, run.report)
        if scale == run.scales[-1] and not args.no_commands:
            _time_commands(run, firm, targets)
    finally:
        if not args.keep:
            for t in targets:
                t.drop()


def _load(run: _Run, scale: int, firm: Firm, targets: list[load.BenchDatabase]) -> None:
    generating = load.fill(targets, firm)
    say(
        f"  generated in {generating:.1f}s: {firm.events:,} events, {firm.obligations:,} obligations "
        f"({firm.open_obligations:,} open, {firm.due_items:,} due by {run.day}), "
        f"{firm.slipped_cases:,} cases behind"
    )
    for t in targets:
        total = sum(t.rows.values())
        say(
            f"  loaded {t.backend:<10} {total:,} rows in {t.load_seconds:.1f}s "
            f"({total / t.load_seconds:,.0f} rows/s)"
        )
        run.report.loads.append(
            {
                "backend": t.backend,
                "scale": scale,
                "rows": t.rows,
                "seconds": round(t.load_seconds, 1),
                "generate_seconds": round(generating, 1),
                "due": firm.due_items,
                "events": firm.events,
                "obligations": firm.obligations,
            }
        )


def _time_digests(run: _Run, scale: int, t: load.BenchDatabase) -> None:
    for fixes in run.variants:
        timing: DigestTiming = time_digests(t.url, scale, t.backend, run.day, fixes=fixes)
        say(
            f"  digests {variant(t.backend, fixes):<16} {timing.digests} digests, {timing.items:,} items: "
            f"median {timing.median * 1000:,.0f} ms of {len(timing.seconds)} ({timing.builder})"
        )
        run.report.digests.append(
            {
                **{k: v for k, v in asdict(timing).items() if k != "seconds"},
                "median_s": round(timing.median, 4),
                "runs_s": [round(s, 4) for s in timing.seconds],
            }
        )


def _time_commands(run: _Run, firm: Firm, targets: list[load.BenchDatabase]) -> None:
    args = run.args
    if run.echo is None:
        run.echo = cmd.echo_server(run.standin.base_url, run.out_dir).start()
    for t in targets:
        for fixes in run.variants:
            run_commands(
                t,
                firm,
                run.standin,
                run.echo,
                args.requests,
                args.seed,
                run.out_dir,
                run.report,
                fixes=fixes,
                rush_options=None
                if args.no_rush
                else RushOptions(args.rush_managers, args.rush_seconds, args.rush_rate, args.seed),
            )


def _finish(run: _Run) -> int:
    """The verdicts against the targets, the full results written; 1 when a command failed."""
    report = run.report
    report.machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report.verdicts = verdicts(report)
    say()
    say("== targets")
    for line in report.verdicts:
        say("  " + line)
    path = run.out_dir / f"results-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(asdict(report), indent=2, default=str))
    say(f"\nfull results: {path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}")
    failed = sum(c["failures"] for c in report.commands) + sum(
        r["failures"] for r in report.rush if r["server"] == "casebot"
    )
    if failed:
        say(f"{failed} command(s) were answered with an error or not at all: see above.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

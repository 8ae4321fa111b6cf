"""Two versions of casebot on one database, timed in turns over HTTP: which is faster, on the same machine at
the same moment. A machine whose speed drifts from run to run (bench/RESULTS.md, run R7) moves both alike.

    git worktree add /tmp/before <commit>
    python -m bench.pair --before /tmp/before --after . --database-url sqlite:///bench/out/casebot_bench_100000.db

Each command goes to one server, then to the other (A B, then B A), for different cases of the same kind, and
the medians and their ratio (after / before) are printed. `/case contacted` writes: use a copy of a database
(`python -m bench.run --keep` leaves one), never one that matters."""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Callable
from pathlib import Path

from bench import commands as cmd
from bench.load import OUT, case_index

Case = tuple[str, str]  # (number, manager)
Make = Callable[[Case, random.Random, list[str]], tuple[str, str, str]]

PLANS: dict[str, Make] = {
    "/case show": lambda c, rng, managers: ("/case", f"show {c[0]}", c[1]),
    "/case due": lambda c, rng, managers: ("/case", "due", rng.choice(managers)),
    "Home opened": lambda c, rng, managers: (cmd.HOME_OPENED, "", rng.choice(managers)),
    "/case contacted": lambda c, rng, managers: ("/case", f"contacted {c[0]}", c[1]),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pair", description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the code to compare with")
    parser.add_argument("--after", type=Path, default=Path("."), help="a checkout of the code compared")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=300, help="timed requests per command and server")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    from handlers.slack.standin import SlackStandIn

    cases = [(number, manager) for number, manager, _ in case_index(args.database_url)]
    managers = sorted({m for _, m in cases})
    rng = random.Random(args.seed)
    warm = 10
    standin = SlackStandIn().start()
    for user in managers:
        standin.add_user(user)
    OUT.mkdir(exist_ok=True)
    servers: dict[str, cmd.Server] = {}
    try:
        for name, root in (("before", args.before), ("after", args.after)):
            server = cmd.casebot_server(args.database_url, standin.base_url, OUT)
            server.env["PYTHONPATH"] = str(root.resolve())
            server.log_path = OUT / f"pair-{name}-server.log"
            servers[name] = server.start()
        clients = {name: cmd.Client(s.port, standin.response_url(name)) for name, s in servers.items()}
        print(f"{args.requests} requests per command and server, in turns; {len(cases):,} cases")
        for label, make in PLANS.items():
            chosen = iter(rng.sample(cases, 2 * (args.requests + warm)))
            times: dict[str, list[float]] = {"before": [], "after": []}
            for i in range(args.requests + warm):
                for name in ("before", "after") if i % 2 == 0 else ("after", "before"):
                    command, words, user = make(next(chosen), rng, managers)
                    elapsed, status, body = clients[name].send(command, words, user)
                    if status != 200:
                        raise SystemExit(f"{name} answered {status} to {command} {words}: {body[:200]}")
                    if i >= warm:
                        times[name].append(elapsed)
            before, after = statistics.median(times["before"]), statistics.median(times["after"])
            print(f"  {label:<16} before {before:6.2f} ms  after {after:6.2f} ms  ratio {after / before:.2f}")
    finally:
        for server in servers.values():
            server.stop()
        standin.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

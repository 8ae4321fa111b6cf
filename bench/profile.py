"""Where a command's time goes: the real app in this process, signed requests through its WSGI callable
(no socket), under cProfile. `python -m bench.profile <database-url> "/case show PI-000001" [--as U] [-n 200]`."""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

from bench.commands import BOT_TOKEN, SIGNING_SECRET
from tests.kit.slack_bodies import sign, slash_body, wsgi_environ


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile")
    parser.add_argument("url")
    parser.add_argument(
        "command", help='e.g. "/case show PI-000001" ({n}, or {n:06d}, counts 1, 2, 3, … per request)'
    )
    parser.add_argument(
        "--as",
        dest="user",
        default=None,
        help="who sends it (default: the manager of the case named in the command)",
    )
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--fixes", action="store_true", help="with the fixes of bench/fixes.py applied")
    args = parser.parse_args()
    if args.fixes:
        from bench.fixes import apply

        apply()

    from sqlalchemy import select

    from bot.entrypoints.app import create_app, wsgi_app
    from bot.entrypoints.http import Replays
    from bot.services.firm import Firm
    from bot.settings import Settings
    from handlers.slack.standin import SlackStandIn
    from storage.models import Case

    with SlackStandIn() as standin:
        if args.user:
            standin.add_user(args.user)
        settings = Settings(
            database_url=args.url,
            slack_bot_token=BOT_TOKEN,
            slack_signing_secret=SIGNING_SECRET,
            slack_api_base_url=standin.base_url,
        )
        firm = Firm.from_settings(settings)
        app, ctx = create_app(firm)
        wsgi = wsgi_app(app, signing_secret=SIGNING_SECRET, replays=Replays(firm))
        command, _, text = args.command.partition(" ")
        requests = []
        for i in range(10 + args.n):
            words = text.format(n=i + 1).split()
            user = args.user
            if user is None:
                number = next(w for w in words if w.upper().startswith("PI-"))
                with firm.db.uow(write=False) as s:  # its manager (no one else may see it)
                    user = s.scalars(select(Case.manager_id).where(Case.number_key == number.upper())).one()
            standin.add_user(user)
            requests.append((" ".join(words), user))

        def once(i: int) -> None:
            body = slash_body(
                command,
                requests[i][0],
                requests[i][1],
                response_url=standin.response_url(),
                trigger_id=f"profile.{i}",  # casebot refuses a signed request it has already served
            )
            environ = wsgi_environ(body, sign(SIGNING_SECRET, body))
            status: list[str] = []
            b"".join(wsgi(environ, lambda s, h, *_: status.append(s)))
            assert status and status[0].startswith("200"), status

        for i in range(10):
            once(i)
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for i in range(10, 10 + args.n):
            once(i)
        profiler.disable()
        per = (time.perf_counter() - started) / args.n * 1000
        ctx.drain()
        ctx.close()
        firm.db.dispose()
    print(f"{args.command}: {per:.2f} ms a request under the profiler, {args.n} requests")
    pstats.Stats(profiler).sort_stats(args.sort).print_stats(args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

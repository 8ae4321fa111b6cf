"""What the server carries (issue 23): a process that starts on a database at the newest migration and answers
a morning's first requests over HTTP (a case opened, shown, contacted, an offer, `/case due`, Home) has not
loaded what only some paths need: alembic (migrating), Jinja2 and Babel (a client's notice), matplotlib,
fpdf2 and icalendar (the CLI's statements and charts, a calendar feed). Each would stay in its memory for
its life. Run in a fresh interpreter, so that nothing the tests imported counts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from storage.db import Database

ROOT = Path(__file__).resolve().parents[2]
ONLY_SOME_PATHS = ("alembic", "mako", "jinja2", "babel", "matplotlib", "fpdf", "icalendar", "aiosmtpd")

SERVER = """
import sys
from bot.services.firm import Firm
from bot.settings import Settings
from handlers.slack.standin import SlackStandIn
from storage.db import Database
from tests.kit.served import ServedSlack

db = Database(sys.argv[1])
db.upgrade()  # what `casebot run` does at every start
with SlackStandIn() as standin:
    slack = ServedSlack(Firm.from_settings(Settings.from_env({}), db=db), standin)
    slack.case("U1", "new PI-1 Jane Roe 2026-11-02")
    assert "Jane Roe" in slack.case("U1", "show PI-1").all_text
    assert "Logged a client contact" in slack.case("U1", "contacted PI-1 client").text
    slack.case("U1", "demand PI-1 sent 2026-11-20")
    assert "1st offer" in slack.offer("U1", "received PI-1 25000").text
    assert "overdue" in slack.case("U1", "due").text
    slack.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, event_id="EvHome")
    assert slack.standin.calls_to("views.publish")
    slack.close()
print(" ".join(sorted({m.split(".")[0] for m in sys.modules} & set(sys.argv[2:]))) or "-")
"""


def test_the_server_answers_a_morning_s_first_requests_without_what_only_some_paths_need(
    db: Database,
) -> None:
    ran = subprocess.run(
        [sys.executable, "-c", SERVER, db.url, *ONLY_SOME_PATHS],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert ran.returncode == 0, ran.stderr[-3000:]
    assert ran.stdout.split() == ["-"], f"loaded: {ran.stdout}"

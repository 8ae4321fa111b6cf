"""`casebot console`: the same app and handlers with a stand-in Slack, scripted through standard input."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from bot import services
from bot.entrypoints.console import run_console
from bot.services.firm import Firm

CASEBOT = Path(sys.executable).with_name("casebot")


def test_piped_commands_print_the_card(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL", "ADMIN_USERS"))}
    done = subprocess.run(
        [str(CASEBOT), "console", "--as", "U1"],
        input="/case new PI-1 Jane Roe\n/case show PI-1\n",
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Opened PI-1 for Jane Roe" in out
    card = out[out.index("U1> /case show PI-1") :]
    for expected in (
        "PI-1 · Jane Roe",
        "Collecting records since today",
        "manager @U1",
        "Providers",
        "Open obligations",
        "R1",
        "[Log contact]",
    ):
        assert expected in card, (expected, out)
    assert (tmp_path / "casebot.db").exists(), "the console's default database is DATABASE_URL's default file"


def _console(firm: Firm, script: str, *, user: str = "U1", demo: bool = False) -> str:
    out = io.StringIO()
    assert run_console(firm, as_user=user, demo=demo, stdin=io.StringIO(script), stdout=out) == 0
    return out.getvalue()


def test_console_shows_refusals_forms_home_and_switching_users(firm: Firm) -> None:
    out = _console(
        firm,
        "\n".join(
            [
                "/case new PI-1 Jane Roe 2026-11-02",
                "/case new",
                "/case show PI-9",
                "home",
                "as U2",
                "/case contacted PI-1",
                "/offer list PI-1",
                "hello",
                "quit",
                "/case show PI-1",
            ]
        )
        + "\n",
    )
    assert "a form opens" in out and "Case number: ____" in out
    assert "There is no case PI-9 that you can see. Did you mean PI-1?" in out
    assert "── Home tab ──" in out and "Overdue (2)" in out and "R1 client" in out
    assert "You are now U2." in out
    as_u2 = out.split("You are now U2.")[1]
    assert as_u2.count("There is no case PI-1 that you can see.") == 2, (
        "a colleague reads and changes nothing"
    )
    assert "Jane Roe" not in as_u2 and "no offers yet" not in as_u2
    assert "Type a slash command" in out
    assert out.count("U2> /case show PI-1") == 0, "nothing is read after quit"
    assert out.count("── Home tab ──") == 1, "Home refreshes after changes stay quiet unless asked for"


def test_console_user_is_an_admin_for_the_session(firm: Firm) -> None:
    out = _console(firm, "/case role <@U2> lead\n/case new PI-2 Sam Poe <@U2>\n", user="U0CON")
    assert "<@U2> is now a lead" not in out and "@U2 is now a lead" in out
    assert "Opened PI-2" in out
    assert "U0CON" not in firm.settings.admin_users, "the session's admin right does not leak into the firm"


def test_demo_cases_are_added_once_and_the_console_says_how_to_connect_slack(firm: Firm) -> None:
    first = _console(firm, "/case mine\n/case show DEMO-103\n", demo=True)
    assert "Added demo cases DEMO-101, DEMO-102, DEMO-103" in first
    assert "manifest.yml" in first and "SLACK_BOT_TOKEN" in first
    assert "Demand sent, awaiting acknowledgment" in first and "acknowledgment due by" in first
    second = _console(firm, "/case mine\n", demo=True)
    assert "Added demo cases" not in second
    assert len(services.my_cases(firm, "U1")) == 3

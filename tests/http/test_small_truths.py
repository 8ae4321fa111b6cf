"""Issue 18 item 13's small truths, through the real HTTP server (waitress + Bolt) against the stand-in
Slack: a team member's `/case mine` (and Home) lists the cases on their team under their own heading; Home
and the lead's stage counts show a demand the insurer acknowledged. (A paid lien reading "paid" is tested
with the ledger, in test_missing_bills_http.py.)"""

from __future__ import annotations

from typing import Any

from handlers.blocks import all_text
from tests.kit.served import Server


def run(http: Server, text: str, user: str = "U1") -> str:
    data: dict[str, Any] = http.command(user, text)
    assert data["response_type"] == "ephemeral"
    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def _demand_sent(http: Server, number: str, client: str) -> None:
    run(http, f"new {number} {client} 2026-09-01")
    run(http, f"provider {number} add Kaiser 2026-09-01")
    run(http, f"provider {number} received 1 both 2026-09-10")
    run(http, f"advance {number} 2026-09-11")
    run(http, f"advance {number} 2026-09-14")
    run(http, f"demand {number} sent 2026-11-06")


def test_a_team_members_mine_lists_the_team_cases_under_their_own_heading(http: Server) -> None:
    run(http, "new PI-1 Jane Roe 2026-11-02")
    run(http, "new PI-2 John Doe 2026-11-02")
    run(http, "new PI-3 Ann Poe 2026-11-02", user="U2")
    run(http, "team PI-1 add <@U2>")
    mine = run(http, "mine", user="U2")
    assert "You have 1 open case(s), and 1 on your team." in mine
    assert mine.index("*Your open cases* (1)") < mine.index("PI-3") < mine.index("*On your team* (1)")
    team = mine[mine.index("*On your team* (1)") :]
    assert "• *PI-1* Jane Roe · 24 days · manager <@U1>" in team
    assert "PI-2" not in mine and "PI-3" not in team
    assert "*On your team* (1)" in http.home("U2")
    only_team = run(http, "mine", user="ULEAD")  # a lead on no team: no heading of that name
    assert "On your team" not in only_team
    assert "On your team" not in run(http, "mine")  # the manager's own case is not listed twice


def test_home_and_the_stage_counts_show_an_acknowledged_demand(http: Server) -> None:
    _demand_sent(http, "PI-5", "Jo Doe")
    _demand_sent(http, "PI-6", "Al Roe")
    run(http, "demand PI-5 ack 2026-11-16")
    mine = run(http, "mine")
    assert "*Demand sent, acknowledged* (1)\n• *PI-5* Jo Doe · 20 days · acknowledged Nov 16" in mine
    assert "*Demand sent, awaiting acknowledgment* (1)\n• *PI-6* Al Roe" in mine
    assert "acknowledged Nov 16" in http.home("U1")
    lead = http.home("UADMIN")
    assert "• *Demand sent*: 2 (1 awaiting acknowledgment, 1 acknowledged)" in lead
    run(http, "demand PI-5 resent 2026-11-20")  # a new round: waiting on the insurer again
    assert "• *Demand sent, awaiting acknowledgment*: 2" in http.home("UADMIN")

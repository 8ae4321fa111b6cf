"""The operator's command line, run as a real process against a real database file."""

import json
from datetime import date, datetime

import pytest

from bot import services as sv
from bot.settings import Settings, SettingsError
from tests.kit.cli import casebot


def test_db_upgrade_applies_migrations_and_is_safe_to_repeat(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    for _ in range(2):
        done = casebot(["db", "upgrade"], url)
        assert done.returncode == 0, done.stderr
        assert "up to date" in done.stdout


def test_due_as_json_has_exactly_the_documented_keys(firm, database_url):
    sv.create_case(firm, "U1", "PI-2041", "Jane Roe", on=date(2026, 11, 2))
    sv.create_case(firm, "U2", "PI-2042", "John Doe", on=date(2026, 11, 20))
    done = casebot(["due", "--date", "2026-11-30", "--user", "U1", "--format", "json"], database_url)
    assert done.returncode == 0, done.stderr
    rows = json.loads(done.stdout)
    assert {r["case"] for r in rows} == {"PI-2041"}
    assert all(
        set(r) == {"case", "client", "manager", "kind", "rule", "due", "overdue_days", "reason"} for r in rows
    )
    r1 = next(r for r in rows if r["rule"] == "R1")
    assert r1 == {
        "case": "PI-2041",
        "client": "Jane Roe",
        "manager": "U1",
        "kind": "client",
        "rule": "R1",
        "due": "2026-11-02",
        "overdue_days": 28,
        "reason": r1["reason"],
    }
    everyone = json.loads(casebot(["due", "--date", "2026-11-30", "--format", "json"], database_url).stdout)
    assert {r["manager"] for r in everyone} == {"U1", "U2"}


def test_due_as_text_and_a_bad_date_is_refused_with_an_example(firm, database_url):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=date(2026, 11, 2))
    text = casebot(["due", "--date", "2026-11-30"], database_url)
    assert "PI-1" in text.stdout and "28d overdue" in text.stdout
    assert casebot(["due", "--date", "11/30/2026"], database_url).stdout == text.stdout
    assert casebot(["due", "--date", "Nov 30 2026"], database_url).stdout == text.stdout
    bad = casebot(["due", "--date", "11/31/2026"], database_url)
    assert bad.returncode == 2 and "“11/31/2026” is not a day (November has 30)." in bad.stderr


def test_settings_read_every_playbook_number_and_refuse_bad_values():
    s = Settings.from_env(
        {
            "PLAYBOOK_RECORDS_CADENCE_DAYS": "7",
            "PLAYBOOK_FEE_PRESUIT": "3/10",
            "PLAYBOOK_LIMITATION_ALERT_DAYS": "30,180",
            "HOLIDAYS": "US-CA",
            "ADMIN_USERS": "U1, U2",
            "DIGEST_TIME": "07:45",
        }
    )
    assert s.numbers.records_cadence_days == 7 and str(s.numbers.fee_presuit) == "3/10"
    assert s.numbers.limitation_alert_days == (180, 30)
    assert (s.holidays_country, s.holidays_subdiv, s.admin_users) == ("US", "CA", frozenset({"U1", "U2"}))
    assert Settings.from_env({"FEE_BASE": "net"}).numbers.fee_base == "net"
    rehearsal = Settings.from_env({"CASEBOT_NOW": "2026-11-24T10:00:00-08:00", "REMINDER_TICK_SECONDS": "5"})
    assert (rehearsal.now.isoformat(), rehearsal.reminder_tick_seconds) == ("2026-11-24T10:00:00-08:00", 5)
    for bad in (
        {"FEE_BASE": "half"},
        {"DIGEST_TIME": "8am"},
        {"FIRM_TIMEZONE": "Mars/Olympus"},
        {"PLAYBOOK_CHECKIN_DAYS": "soon"},
        {"CASEBOT_NOW": "2026-11-24 10:00"},
        {"REMINDER_TICK_SECONDS": "0"},
    ):
        with pytest.raises(SettingsError):
            Settings.from_env(bad)


def test_casebot_now_runs_the_firm_as_if_it_were_that_moment(tmp_path):
    from bot.services.firm import Firm

    firm = Firm.from_settings(
        Settings.from_env(
            {"CASEBOT_NOW": "2026-11-24T10:00:00-08:00", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
        )
    )
    assert firm.today() == date(2026, 11, 24)
    assert abs((firm.now() - datetime.fromisoformat("2026-11-24T18:00:00+00:00")).total_seconds()) < 60

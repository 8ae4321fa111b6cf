"""`casebot import` and `casebot export`: onboarding a caseload and taking everything out again."""

import csv
import io
import json
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from bot import services as sv
from bot.entrypoints.operator import export_command, import_cases, import_command
from bot.services.exports import export_csv, export_data
from bot.services.import_rows import COLUMNS
from bot.services.people import PersonInfo
from storage import queries as q
from storage.models import AuditEntry, Case, Contact, Obligation, Provider

D = date
SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "cases.csv"
HEADER = ",".join(COLUMNS)


def write(tmp_path, text, name="cases.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


class Directory:
    """Slack's users.info and users.lookupByEmail for the import, as far as these tests need them."""

    def __init__(self, *people, emails=None):
        self.people = {p.user_id: p for p in people}
        self.emails = {e.lower(): u for e, u in (emails or {}).items()}
        self.asked = []

    def person(self, user_id):
        self.asked.append(user_id)
        return self.people.get(user_id)

    def person_by_email(self, email):
        self.asked.append(email)
        user = self.emails.get(email.lower())
        return self.people.get(user) if user else None


def counts(firm):
    with firm.db.uow() as s:
        return tuple(
            s.scalar(select(func.count()).select_from(m))
            for m in (Case, Provider, Contact, Obligation, AuditEntry)
        )


def test_the_sample_file_imports_and_a_dry_run_saves_nothing(firm, tmp_path, capsys):
    assert import_command(firm, str(SAMPLE), dry_run=True) == 0
    out = capsys.readouterr().out
    assert "all 6 rows are good; it would make 6 new, 0 updated, 0 unchanged. Nothing was saved." in out
    assert counts(firm) == (0, 0, 0, 0, 0)

    assert import_command(firm, str(SAMPLE)) == 0
    out = capsys.readouterr().out
    assert "Imported cases.csv: 6 cases (6 new, 0 updated, 0 unchanged) in" in out
    card = sv.show_case(firm, "U0LEE002", "PI-2044")
    assert (card.stage, card.demand.sent_on, card.demand.adjuster) == (
        "demand_sent",
        D(2026, 11, 9),
        "Pat Quinn",
    )
    assert card.limitation_on == D(2027, 2, 11)  # two years from the Texas loss
    assert sv.show_case(firm, "U0DANA01", "PI-2041").limitation_on == D(2027, 6, 14)


def test_a_file_with_bad_rows_is_refused_whole_and_every_error_is_named(firm, tmp_path, capsys):
    slack = Directory(
        PersonInfo("U0DANA01"), PersonInfo("U0GUEST", is_guest=True), emails={"guest@example.com": "U0GUEST"}
    )
    text = "\n".join(
        [
            HEADER,
            "PI-1,Good Row,U0DANA01,records,2026-10-01,,,,,,,,,,",
            "PI-2,Bad Day,U0DANA01,records,2026-13-01,,,,,,,,,,",
            "PI-3,Future,U0DANA01,records,2026-12-01,,,,,,,,,,",
            "PI-4,Who,nobody@example.com,records,2026-10-01,,,,,,,,,,",
            "PI-5,Stage,U0DANA01,lunch,2026-10-01,,,,,,,,,,",
            "PI-1,Twice,U0DANA01,records,2026-10-01,,,,,,,,,,",
            "PI-6,Early records,U0DANA01,records,2026-10-01,Kaiser:2026-10-05:2026-10-01:,,,,,,,,,",
            "PI-7,Adjuster alone,U0DANA01,records,2026-10-01,,,,Pat Quinn,,,,,,",
            "PI-8,Demand too early,U0DANA01,records,2026-10-01,,,2026-10-15,,,,,,,",
            "PI-9,Guest,guest@example.com,records,2026-10-01,,,,,,,,,,",
            ",No number,U0DANA01,records,2026-10-01,,,,,,,,,,",
            "PI-10,Fee,U0DANA01,records,2026-10-01,,,,,,,,150%,,",
            "PI-11,State,U0DANA01,records,2026-10-01,,,,,,2025-01-01,ZZ,,,",
        ]
    )
    assert import_command(firm, write(tmp_path, text), directory=slack) == 1
    err = capsys.readouterr().err
    expected = {
        3: "treatment_complete “2026-13-01” is not a day",
        4: "treatment_complete 2026-12-01 is in the future",
        5: "manager nobody@example.com is not the email of anyone in the firm's Slack",
        6: "stage “lunch” is not a stage",
        7: "the case is already on line 2",
        8: "records received 2026-10-01, before they were requested 2026-10-05",
        9: "adjuster is recorded with the demand",
        10: "but stage is records",
        11: "can't manage cases",
        12: "case_number is empty",
        13: "A pre-suit fee rate is more than 0% and less than 100%",
        14: "loss_state “ZZ” is not a state casebot knows",
    }
    for line, words in expected.items():
        assert any(f"cases.csv line {line}: " in e and words in e for e in err.splitlines()), (
            line,
            words,
            err,
        )
    assert "cases.csv line 2:" not in err
    assert "Nothing was imported: 12 bad rows (of 13)." in err
    assert counts(firm) == (0, 0, 0, 0, 0)


def test_an_unknown_or_missing_column_is_a_bad_first_line(firm, tmp_path, capsys):
    assert import_command(firm, write(tmp_path, "case_number,client,managr\nPI-1,A,U1\n")) == 1
    err = capsys.readouterr().err
    assert "line 1: unknown column 'managr'" in err and "missing column manager" in err
    assert import_command(firm, str(tmp_path / "nope.csv")) == 2


def test_managers_come_as_slack_ids_or_emails_slack_knows_and_no_email_is_kept(firm, tmp_path):
    slack = Directory(
        PersonInfo("U0DANA01", name="Dana"), PersonInfo("U0LEE002"), emails={"Dana@Firm.example": "U0DANA01"}
    )
    text = f"{HEADER}\nPI-1,A,dana@firm.example,,2026-10-01,,,,,,,,,,\nPI-2,B,<@U0LEE002|lee>,,2026-10-01,,,,,,,,,,\n"
    report = import_cases(firm, text, directory=slack)
    assert report.ok and report.created == ["PI-1", "PI-2"]
    assert sv.show_case(firm, "U0DANA01", "PI-1").manager == "U0DANA01"
    assert sv.show_case(firm, "U0LEE002", "PI-2").manager == "U0LEE002"
    assert "dana@firm.example" not in json.dumps(export_data(firm)).lower()


def test_the_import_asks_slack_about_its_managers_once_and_refuses_all_but_full_members(firm):
    slack = Directory(
        PersonInfo("U0DANA01"),
        PersonInfo("U0GUEST", is_guest=True),
        PersonInfo("U0GONE", deleted=True),
        PersonInfo("U0OUT", external=True),
        PersonInfo("U0BOT", is_bot=True),
    )
    rows = [
        f"PI-{i},Client {i},{who},,2026-10-01,,,,,,,,,,"
        for i, who in enumerate(["U0DANA01", "U0GUEST", "U0GONE", "U0OUT", "U0BOT", "U0NOBODY"], start=1)
    ]
    report = import_cases(firm, "\n".join([HEADER, *rows]), directory=slack)
    problems = dict(report.errors)
    assert set(problems) == {3, 4, 5, 6, 7} and counts(firm)[0] == 0
    assert all("can't manage cases" in problems[line] for line in (3, 4, 5, 6))
    assert "is not anyone in the firm's Slack" in problems[7]
    slack.asked.clear()
    assert import_cases(firm, "\n".join([HEADER, rows[0]]), directory=slack).ok
    assert slack.asked == []  # what Slack said is cached for a day


def test_a_case_entered_late_keeps_its_clocks(firm):
    text = (
        f"{HEADER}\n"
        "PI-1,A,U1,records,2026-09-01,Valley Ortho:2026-09-02::,,,,,,,,,\n"
        "PI-2,B,U1,demand_sent,2026-06-01,Kaiser:2026-06-02:2026-07-01:2026-07-01,2026-11-20,2026-11-02,Pat Quinn,,,,,,\n"
    )
    assert import_cases(firm, text).ok
    records = {(o.rule, o.due_on) for o in sv.show_case(firm, "U1", "PI-1").obligations}
    assert ("R3", D(2026, 9, 16)) in records  # 14 days after the request: long overdue, as it should be
    assert ("R2", D(2026, 9, 15)) in records
    sent = sv.show_case(firm, "U1", "PI-2")
    assert {(o.rule, o.due_on) for o in sent.obligations} >= {("R7", D(2026, 11, 12)), ("R8", D(2026, 12, 2))}
    assert "R6" not in {o.rule for o in sent.obligations}  # the client was told: contact on Nov 20
    assert [(st.stage, st.on) for st in _stages(firm, "PI-2")] == [
        ("records", D(2026, 6, 1)),
        ("demand_sent", D(2026, 11, 2)),
    ]


def test_stages_past_the_demand_enter_on_the_demand_day_and_then_the_import_day(firm):
    text = f"{HEADER}\nPI-1,A,U1,negotiation,2026-06-01,,,2026-08-20,Lee Wong,,,,,,\n"
    assert import_cases(firm, text).ok
    assert [(st.stage, st.on) for st in _stages(firm, "PI-1")] == [
        ("records", D(2026, 6, 1)),
        ("demand_sent", D(2026, 8, 20)),
        ("negotiation", D(2026, 11, 26)),
    ]
    # In negotiation the insurer has answered: no adjuster check or resend task left weeks overdue.
    card = sv.show_case(firm, "U1", "PI-1")
    assert card.demand.acknowledged_on == D(2026, 11, 26)
    assert not {("R7", "adjuster"), ("R8", "task")} & {(o.rule, o.kind) for o in card.obligations}
    text = f"{HEADER}\nPI-2,B,U1,demand_queue,2026-06-01,,,,,,,,,,\n"
    assert import_cases(firm, text).ok
    card = sv.show_case(firm, "U1", "PI-2")
    assert (card.stage, card.stage_entered_on) == ("demand_queue", D(2026, 11, 26))
    # R4 is triggered on the import day; Thanksgiving moves it to Friday.
    assert ("R4", D(2026, 11, 27)) in {(o.rule, o.due_on) for o in card.obligations}


def _stages(firm, number):
    class St:
        def __init__(self, sc):
            self.stage, self.on = sc.to_stage, sc.on

    with firm.db.uow() as s:
        return [St(sc) for sc in q.get_case(s, number).stages]


def test_reimport_updates_instead_of_duplicating(firm, capsys, tmp_path):
    sv.create_case(firm, "U1", "PI-1", "Jane Roe", on=D(2026, 9, 1))
    sv.add_provider(firm, "U1", "PI-1", "Valley Ortho", on=D(2026, 9, 2))
    sv.add_provider(firm, "U1", "PI-1", "Kaiser", on=D(2026, 9, 2))
    sv.provider_received(firm, "U1", "PI-1", "Kaiser", "records", on=D(2026, 9, 20))
    sv.log_contact(firm, "U1", "PI-1", on=D(2026, 10, 1))
    text = (
        f"{HEADER}\n"
        "pi-1,Jane Q. Roe,U2,records,2026-09-01,"
        "Valley Ortho:2026-09-02:2026-10-01:2026-10-03|Kaiser:2026-09-02:2026-09-25:2026-09-25|Bay Imaging:2026-10-05::,"
        "2026-11-20,,,2027-09-01,,,,,\n"
    )
    assert import_command(firm, write(tmp_path, text)) == 0
    out = capsys.readouterr().out
    assert "0 new, 1 updated, 0 unchanged" in out
    assert "kept: PI-1: Kaiser: records kept as 2026-09-20 (the file says 2026-09-25)" in out
    card = sv.show_case(firm, "U2", "PI-1")
    assert (card.client, card.manager, card.limitation_on) == ("Jane Q. Roe", "U2", D(2027, 9, 1))
    assert [(p.name, p.records_on, p.bills_on) for p in card.providers] == [
        ("Valley Ortho", D(2026, 10, 1), D(2026, 10, 3)),
        ("Kaiser", D(2026, 9, 20), D(2026, 9, 25)),
        ("Bay Imaging", None, None),
    ]
    assert card.last_client_contact_on == D(2026, 11, 20)
    assert all(o.manager == "U2" for o in card.obligations)
    with firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1
        assert s.scalar(select(func.count()).select_from(Contact).where(Contact.kind == "client")) == 2


def test_reimport_never_moves_a_stage_back_and_says_so(firm):
    assert import_cases(firm, f"{HEADER}\nPI-1,A,U1,demand_queue,2026-09-01,,,,,,,,,,\n").ok
    report = import_cases(firm, f"{HEADER}\nPI-1,A,U1,records,2026-09-01,,,,,,,,,,\n")
    assert report.unchanged == ["PI-1"]
    assert report.notes == [
        (2, "PI-1: stage kept at demand_queue: an import never moves a case back (the file says records)")
    ]
    report = import_cases(firm, f"{HEADER}\nPI-1,A,U1,records,2026-09-02,,,,,,,,,,\n")
    assert not report.ok and "treatment_complete 2026-09-02 differs" in report.errors[0][1]


def test_import_then_export_then_import_again_changes_nothing(firm, tmp_path, capsys):
    assert import_command(firm, str(SAMPLE)) == 0
    # Some life on the cases after the import, which the CSV can express or must leave alone.
    sv.add_provider(firm, "U0DANA01", "PI-2041", "Dr. Kim: Pain | Spine", on=D(2026, 11, 20))
    sv.demand_resent(firm, "U0LEE002", "PI-2044", on=D(2026, 11, 20), adjuster="Rae Diaz")
    sv.offer_received(firm, "U0LEE002", "PI-2045", __import__("decimal").Decimal("12500"), on=D(2026, 11, 23))
    sv.close_case(firm, "U0DANA01", "PI-2042", "dropped")
    capsys.readouterr()
    first = export_csv(firm)
    before = counts(firm)
    with firm.db.uow() as s:
        versions = {c.number: c.version for c in q.all_cases(s)}

    assert import_command(firm, write(tmp_path, first, "export.csv")) == 0
    out = capsys.readouterr().out
    assert "0 new, 0 updated, 6 unchanged" in out and "kept" not in out
    assert counts(firm) == before
    with firm.db.uow() as s:
        assert {c.number: c.version for c in q.all_cases(s)} == versions
    assert export_csv(firm) == first
    rows = list(csv.DictReader(io.StringIO(first)))
    assert [r["case_number"] for r in rows] == [
        "PI-2041",
        "PI-2042",
        "PI-2043",
        "PI-2044",
        "PI-2045",
        "PI-2046",
    ]
    assert "Dr. Kim\\: Pain \\| Spine:2026-11-20::" in rows[0]["providers"]


def test_import_into_an_empty_firm_from_an_export_rebuilds_the_same_cases(firm, tmp_path):
    assert import_cases(firm, SAMPLE.read_text()).ok
    exported = export_csv(firm)
    json_before = export_data(firm)
    with firm.db.uow() as s:
        s.execute(delete(AuditEntry))
        s.execute(delete(Case))  # the database cascades to everything on the cases
    assert counts(firm)[0] == 0
    assert import_cases(firm, exported).ok
    assert export_csv(firm) == exported

    def strip(d):
        kept = ("number", "stage", "limitation_on", "last_client_contact_on")
        return [{k: v for k, v in c.items() if k in kept} for c in d["cases"]]

    assert strip(export_data(firm)) == strip(json_before)


def test_json_export_is_complete(firm, capsys):
    assert import_cases(firm, SAMPLE.read_text()).ok
    sv.offer_received(firm, "U0LEE002", "PI-2045", __import__("decimal").Decimal("12500"), on=D(2026, 11, 23))
    sv.set_holdup(firm, "U0LEE002", "PI-2043", "chart-notes")
    assert export_command(firm, fmt="json") == 0
    data = json.loads(capsys.readouterr().out)
    case = next(c for c in data["cases"] if c["number"] == "PI-2045")
    assert case["offers"][0]["amount"] == "12500.00" and case["offers"][0]["received_on"] == "2026-11-23"
    assert {
        "stages",
        "providers",
        "contacts",
        "demand_events",
        "offers",
        "holdups",
        "obligations",
        "audit",
    } <= set(case)
    assert any(o["rule"] == "R10" for o in case["obligations"])
    assert next(c for c in data["cases"] if c["number"] == "PI-2043")["holdups"][0]["kind"] == "chart-notes"
    assert case["audit"][0]["action"] == "import"


def test_a_thousand_cases_import_in_one_go(firm, tmp_path, capsys):
    lines = [HEADER]
    stages = ["records", "demand_queue", "demand_drafting", "demand_sent", "negotiation"]
    for i in range(1000):
        stage = stages[i % 5]
        demand = "2026-11-02" if stage in ("demand_sent", "negotiation") else ""
        adjuster = "Pat Quinn" if demand else ""
        providers = f"Valley Ortho:2026-08-0{1 + i % 9}:2026-09-01:2026-09-02|Kaiser {i % 7}:2026-08-10::"
        lines.append(
            f"PI-{10000 + i},Client {i},U{i % 12:03d}MGR,{stage},2026-07-{1 + i % 28:02d},"
            f"{providers},2026-11-{1 + i % 20:02d},{demand},{adjuster},2027-0{1 + i % 9}-15,,,,,"
        )
    path = write(tmp_path, "\n".join(lines) + "\n")
    started = time.perf_counter()
    assert import_command(firm, path) == 0
    elapsed = time.perf_counter() - started
    out = capsys.readouterr().out
    assert "1000 cases (1000 new, 0 updated, 0 unchanged)" in out
    with capsys.disabled():
        print(f"\n1,000 cases imported in {elapsed:.1f} s ({firm.db.engine.dialect.name}): {out.strip()}")
    with firm.db.uow() as s:
        assert s.scalar(select(func.count()).select_from(Case)) == 1000
        assert s.scalar(select(func.count()).select_from(Provider)) == 2000
    assert len(sv.due_for(firm, ["U000MGR"])) > 0
    started = time.perf_counter()
    assert import_command(firm, path) == 0
    assert "0 new, 0 updated, 1000 unchanged" in capsys.readouterr().out
    with capsys.disabled():
        print(f"re-import of the same 1,000 (nothing to change) in {time.perf_counter() - started:.1f} s")


@pytest.mark.parametrize("text", ["", "\n"])
def test_an_empty_file_is_refused(firm, text):
    report = import_cases(firm, text)
    assert not report.ok


def test_the_casebot_command_line_imports_and_exports(tmp_path, monkeypatch, capsys):
    from bot.entrypoints.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    assert main(["import", str(SAMPLE), "--dry-run"]) == 0
    assert "Nothing was saved" in capsys.readouterr().out
    assert main(["import", str(SAMPLE)]) == 0
    assert "6 new" in capsys.readouterr().out
    assert main(["export"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 6 and rows[0]["case_number"] == "PI-2041"
    assert main(["export", "--format", "json"]) == 0
    assert len(json.loads(capsys.readouterr().out)["cases"]) == 6

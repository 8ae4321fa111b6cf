"""`casebot import` and `casebot export` carry the client's phone, email, language, preference, time zone and
consent to texts (with its source, who and when): out and back in, a row's bad client cells refused with its
line and an example, and a re-import that changes only what is newer."""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, select

from bot import services as sv
from bot.entrypoints.operator import import_cases, import_command
from bot.services.clients import set_client_detail, set_sms_consent
from bot.services.exports import export_csv, export_data
from bot.services.firm import Firm
from bot.services.import_rows import COLUMNS
from bot.services.team import change_team
from handlers.blocks.card import client_contact_line
from storage.client_models import ClientProfile, ConsentChange
from storage.models import AuditEntry, Case

HEADER = ",".join(COLUMNS)
D = date
DETAILS = (
    "phone",
    "email",
    "language",
    "prefer",
    "tz",
    "sms_consent",
    "sms_consent_source",
    "sms_consent_by",
)


def write(tmp_path: Path, text: str, name: str = "cases.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def row(**cells: str) -> str:
    """A line of the import file: the named cells, every other one blank."""
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="").writerow(cells)
    return out.getvalue()


def profiles(firm: Firm) -> dict[str, dict[str, Any]]:
    """Every case's client details as stored (the consent's moment to the second, in UTC)."""
    with firm.db.uow() as s:
        out = {}
        for p, number in s.execute(
            select(ClientProfile, Case.number).join(Case, Case.id == ClientProfile.case_id)
        ):
            at = p.sms_consent_at
            out[number] = {k: getattr(p, k) for k in DETAILS} | {
                "at": at.replace(tzinfo=None, microsecond=0) if at and at.tzinfo is None else at
            }
        return out


def everything(firm: Firm) -> str:
    data = export_data(firm)
    data.pop("exported_at")
    return json.dumps(data, sort_keys=True, default=str)


def cases_with_clients(firm: Firm) -> None:
    """Three clients as /case client leaves them: Spanish, texts OK, in Chicago; texts withdrawn; no details."""
    sv.create_case(firm, "U1", "PI-2041", "Ana Rivera", on=D(2026, 11, 2))
    set_client_detail(firm, "U1", "PI-2041", "phone", "(305) 555-0123")
    set_client_detail(firm, "U1", "PI-2041", "email", "ana.rivera@example.com")
    set_client_detail(firm, "U1", "PI-2041", "language", "es")
    set_client_detail(firm, "U1", "PI-2041", "prefer", "sms")
    set_client_detail(firm, "U1", "PI-2041", "zone", "America/Chicago")
    set_sms_consent(firm, "U1", "PI-2041", True, "engagement letter, signed 11/2")
    sv.create_case(firm, "U1", "PI-2042", "Bo Chen", on=D(2026, 11, 2))
    set_client_detail(firm, "U1", "PI-2042", "phone", "+52 55 1234 5678")
    set_sms_consent(firm, "U1", "PI-2042", True, "told by phone")
    change_team(firm, "U1", "PI-2042", "add", "U2")
    set_sms_consent(firm, "U2", "PI-2042", False, None)
    set_client_detail(firm, "U1", "PI-2042", "prefer", "call")
    sv.create_case(firm, "U1", "PI-2043", "Cy Doe", on=D(2026, 11, 2))


def test_export_then_import_into_an_empty_firm_gives_back_the_same_client_details(firm: Firm) -> None:
    cases_with_clients(firm)
    exported = export_csv(firm)
    rows = {r["case_number"]: r for r in csv.DictReader(io.StringIO(exported))}
    ana = rows["PI-2041"]
    assert (ana["client_phone"], ana["client_language"], ana["client_zone"], ana["sms_consent"]) == (
        "'+13055550123",  # a leading + is a formula to a spreadsheet: written inert, read back as it was
        "es",
        "America/Chicago",
        "yes",
    )
    assert ana["sms_consent_source"] == "engagement letter, signed 11/2" and ana["sms_consent_by"] == "U1"
    assert ana["sms_consent_at"].startswith("2026-11-26T18:00:00")
    bo = rows["PI-2042"]
    assert (bo["sms_consent"], bo["sms_consent_by"], bo["client_prefer"]) == ("no", "U2", "call")
    assert all(rows["PI-2043"][c] == "" for c in COLUMNS if c.startswith(("client_", "sms_")))
    before = profiles(firm)
    card = sv.show_case(firm, "U1", "PI-2041").client_contact

    with firm.db.uow() as s:
        s.execute(delete(AuditEntry))
        s.execute(delete(Case))  # the database cascades to the clients' details and consents
        assert s.scalar(select(func.count()).select_from(ClientProfile)) == 0
    report = import_cases(firm, exported)
    assert report.ok, report.errors
    assert profiles(firm) == {k: v for k, v in before.items() if k != "PI-2043"}  # PI-2043 never had any
    assert sv.show_case(firm, "U1", "PI-2041").client_contact == card
    assert export_csv(firm) == exported
    with firm.db.uow() as s:
        consents = s.scalars(select(ConsentChange).order_by(ConsentChange.id)).all()
        assert [(c.granted, c.source, c.by, c.phone) for c in consents] == [
            (True, "engagement letter, signed 11/2", "U1", "+13055550123"),
            (False, "withdrawn", "U2", "+525512345678"),
        ]
    # And again, over what it made: nothing changes.
    report = import_cases(firm, exported)
    assert report.ok and report.unchanged == ["PI-2041", "PI-2042", "PI-2043"] and not report.notes


def test_the_command_line_carries_them_from_one_database_to_a_fresh_one(
    tmp_path, monkeypatch, capsys
) -> None:
    from bot.entrypoints.cli import main

    monkeypatch.chdir(tmp_path)  # no stray .env
    text = "\n".join(
        [
            HEADER,
            row(
                case_number="PI-7",
                client="Ana Rivera",
                manager="U0DANA01",
                treatment_complete="2026-11-02",
                client_phone="(305) 555-0123",
                client_email="ana.rivera@example.com",
                client_language="ES",
                client_prefer="sms",
                client_zone="america/chicago",
                sms_consent="yes",
                sms_consent_source="engagement letter",
                sms_consent_by="<@U0DANA01|dana>",
                sms_consent_at="2026-11-02",
            ),
            row(case_number="PI-8", client="Bo Chen", manager="U0DANA01", client_email="bo@example.com"),
        ]
    )
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'first.db'}")
    assert main(["import", write(tmp_path, text)]) == 0
    assert "2 new" in capsys.readouterr().out
    assert main(["export"]) == 0
    first = capsys.readouterr().out
    ana = next(csv.DictReader(io.StringIO(first)))
    assert (ana["client_phone"], ana["client_language"], ana["client_zone"]) == (
        "'+13055550123",
        "es",
        "America/Chicago",
    )
    # a day alone is placed at noon, the firm's time (Los Angeles: 20:00 UTC)
    assert (ana["sms_consent_by"], ana["sms_consent_at"]) == ("U0DANA01", "2026-11-02T20:00:00+00:00")

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'fresh.db'}")
    assert main(["import", write(tmp_path, first, "export.csv")]) == 0
    assert "2 new" in capsys.readouterr().out
    assert main(["export"]) == 0
    assert capsys.readouterr().out == first


def test_bad_client_cells_are_refused_row_by_row_and_nothing_is_imported(
    firm: Firm, tmp_path, capsys
) -> None:
    cases_with_clients(firm)
    before = everything(firm)
    good = dict(client="Eve Park", manager="U1", treatment_complete="2026-11-02")
    text = "\n".join(
        [
            HEADER,
            row(case_number="PI-10", **good, client_phone="(305) 555-0124", client_language="es"),
            row(case_number="PI-11", **good, client_phone="555-0123"),
            row(case_number="PI-12", **good, client_language="fr"),
            row(case_number="PI-13", **good, client_phone="(305) 555-0125", sms_consent="yes"),
            row(case_number="PI-14", **good, client_zone="America/Chicgo"),
            row(case_number="PI-15", **good, client_email="eve at example.com", client_prefer="fax"),
            row(case_number="PI-16", **good, sms_consent="yes", sms_consent_source="engagement letter"),
            row(case_number="PI-17", **good, sms_consent_source="told by phone"),
            row(
                case_number="PI-18",
                **good,
                client_phone="(305) 555-0126",
                sms_consent="sure",
                sms_consent_by="dana",
                sms_consent_at="2027-01-05",
            ),
            row(case_number="PI-2041", client="Ana Rivera", manager="U1", client_phone="(305) 555-012"),
        ]
    )
    assert import_command(firm, write(tmp_path, text)) == 1
    err = capsys.readouterr().err
    expected = {
        3: "client_phone “555-0123” is not a whole phone number: give it with its area code, e.g. (305) 555-0123",
        4: "client_language “fr” is en or es, e.g. es",
        5: "sms_consent yes needs sms_consent_source: how the client agreed, e.g. engagement letter",
        6: "client_zone “America/Chicgo” is not a time zone: did you mean America/Chicago?",
        7: "client_email “eve at example.com” is not an email address, e.g. ana.rivera@example.com",
        8: "sms_consent yes is consent to texts at a number: give client_phone in the same row",
        9: "sms_consent_source, _by and _at go with sms_consent yes or no",
        10: "sms_consent “sure” is yes or no, e.g. yes",
        11: "client_phone “(305) 555-012” is not a whole phone number",
    }
    lines = err.splitlines()
    for line, words in expected.items():
        assert any(e.startswith(f"cases.csv line {line}: ") and words in e for e in lines), (line, words, err)
    assert any(
        "line 7: " in e and "client_prefer “fax” is one of sms, email, call, e.g. sms" in e for e in lines
    )
    assert any("line 10: " in e and "sms_consent_by “dana” is a Slack user id" in e for e in lines)
    assert any("line 10: " in e and "sms_consent_at 2027-01-05 is in the future" in e for e in lines)
    assert "cases.csv line 2:" not in err
    assert "Nothing was imported: 9 bad rows (of 10)." in err
    assert everything(firm) == before  # not even the good row


def test_a_re_import_changes_what_is_newer_and_keeps_what_is_not(firm: Firm) -> None:
    cases_with_clients(firm)  # PI-2041's consent recorded 2026-11-26 18:00 UTC
    base = dict(case_number="PI-2041", client="Ana Rivera", manager="U1")

    older = row(
        **base,
        sms_consent="no",
        sms_consent_source="STOP",
        sms_consent_by="client",
        sms_consent_at="2026-11-20T09:00:00-08:00",
    )
    report = import_cases(firm, f"{HEADER}\n{older}\n")
    assert report.ok and report.unchanged == ["PI-2041"]
    assert report.notes == [
        (2, "PI-2041: consent to texts kept as agreed since 2026-11-26 (the file's is older, 2026-11-20)")
    ]
    assert profiles(firm)["PI-2041"]["sms_consent"] is True

    newer = older.replace("2026-11-20T09:00:00-08:00", "2026-11-26T11:00:00-08:00")
    report = import_cases(firm, f"{HEADER}\n{newer}\n")
    assert report.ok and report.updated == ["PI-2041"]
    stored = profiles(firm)["PI-2041"]
    assert (stored["sms_consent"], stored["sms_consent_source"], stored["sms_consent_by"]) == (
        False,
        "STOP",
        "client",
    )
    contact = sv.show_case(firm, "U1", "PI-2041").client_contact
    assert contact is not None
    card = client_contact_line(contact)
    assert "no consent to texts" in card and "time zone America/Chicago" in card

    # The client's own STOP: a file (even undated) never turns it back into consent for that number.
    again = row(
        **base, sms_consent="yes", sms_consent_source="engagement letter", client_phone="(305) 555-0123"
    )
    report = import_cases(firm, f"{HEADER}\n{again}\n")
    assert report.ok and report.unchanged == ["PI-2041"]
    assert report.notes == [(2, "PI-2041: no texts kept: the client opted out (STOP); the file says yes")]
    assert profiles(firm)["PI-2041"]["sms_consent"] is False

    # Consent given with a new number: granted. A new number without consent: the consent was for the old one.
    report = import_cases(firm, f"{HEADER}\n{again.replace('555-0123', '555-0166')}\n")
    assert report.updated == ["PI-2041"] and profiles(firm)["PI-2041"]["sms_consent"] is True
    report = import_cases(firm, f"{HEADER}\n{row(**base, client_phone='(305) 555-0177')}\n")
    assert report.ok and report.updated == ["PI-2041"]
    stored = profiles(firm)["PI-2041"]
    assert (stored["phone"], stored["sms_consent"], stored["sms_consent_source"]) == (
        "+13055550177",
        False,
        "the number changed",
    )
    given = row(
        **base,
        client_phone="(305) 555-0188",
        sms_consent="yes",
        sms_consent_source="text from the client",
        sms_consent_at="2026-11-25",
    )
    assert import_cases(firm, f"{HEADER}\n{given}\n").updated == ["PI-2041"]
    stored = profiles(firm)["PI-2041"]
    assert (stored["phone"], stored["sms_consent"], stored["sms_consent_by"]) == (
        "+13055550188",
        True,
        "casebot-import",
    )
    with firm.db.uow() as s:
        entries = s.scalars(select(AuditEntry).where(AuditEntry.action == "import")).all()
        assert "5550188" not in json.dumps(
            [e.detail for e in entries], default=str
        )  # the audit names, never values

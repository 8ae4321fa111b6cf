"""Issue 18 item 8 and the ledger's small truths, through the real HTTP server (waitress + Bolt) against the
stand-in Slack: a provider with no bill recorded is named by the accounting reply and on the statement
PDF's first page until its bill is recorded or it is marked as having none (`/case bill … none`); a case
closed for litigation gets a statement worded for litigation; an unset FIRM_NAME is warned about; a paid
lien reads "paid", not "owed"."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from typing import Any

from pypdf import PdfReader

from bot.services.exports import export_csv, export_data
from bot.services.imports import import_cases
from handlers.blocks import all_text
from tests.kit.served import Server

WARNING = "2 providers have no bill recorded: Sutter Health, Golden Gate PT — the net is overstated."


def said(data: dict[str, Any]) -> str:
    return str(data.get("text", "")) + "\n" + all_text(data.get("blocks") or [])


def run(http: Server, text: str, user: str = "U1") -> str:
    data = http.command(user, text)
    assert data["response_type"] == "ephemeral"
    return said(data)


def pdf_pages(http: Server) -> list[str]:
    """The text of each page of the last statement uploaded to a DM."""
    upload = http.slack.standin.calls_to("files.completeUploadExternal")[-1].params
    pdf = http.slack.standin.file_content(upload["files"][0]["id"])
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def snapshot(http: Server) -> str:
    return json.dumps(export_data(http.slack.firm), sort_keys=True, default=str)


def _pi_2045(http: Server) -> None:
    run(http, "new PI-2045 Renée Alvarez 2026-10-01")
    run(http, "provider PI-2045 add Sutter Health 2026-10-01")
    run(http, "provider PI-2045 add Golden Gate PT 2026-10-01")


def test_accounting_and_the_pdf_name_each_provider_with_no_bill_until_it_has_one_or_none(
    http: Server,
) -> None:
    _pi_2045(http)
    answer = run(http, "accounting PI-2045 11k")
    assert WARNING in answer
    assert "`/case bill PI-2045 Sutter Health none`" in answer
    assert (
        "Liens and medical bills: −$0.00" in answer
    )  # the figure stands; the warning says what it leaves out

    sent = run(http, "statement PI-2045 11k")
    assert WARNING in sent and "The PDF says so on its first page." in sent
    first = pdf_pages(http)[0]
    assert "Warning: " + WARNING in first.replace("\n", " ")

    refusals = (
        ("bill PI-2045 Golden Gate PT none paid 100", "nothing paid or adjusted"),
        ("bill PI-2045 Kaiser none", "has no provider “Kaiser”"),
        ("bill PI-2045 none", "Name the provider"),
    )
    for text, says in refusals:
        before = snapshot(http)
        shown = run(http, text)
        assert ":warning:" in shown and says in shown, shown
        assert snapshot(http) == before

    marked = run(http, "bill PI-2045 Golden Gate PT none")
    assert marked.startswith(
        "Marked Golden Gate PT (provider 2) on PI-2045 as having no bill: "
        "the settlement statement no longer warns about it."
    )
    assert "already marked as having no bill" in run(http, "bill PI-2045 2 none")
    one = run(http, "accounting PI-2045 11k")
    assert "1 provider has no bill recorded: Sutter Health — the net is overstated." in one
    assert "Golden Gate PT" not in one.split("overstated")[0].split("recorded:")[1]
    assert "2. Golden Gate PT — no bill" in run(http, "show PI-2045")
    exported = export_csv(http.slack.firm)  # a provider with no bill goes out and comes back in as such
    assert not import_cases(http.slack.firm, exported, dry_run=True).errors

    run(http, "bill PI-2045 Sutter 4,200 paid 1,000")
    clean = run(http, "accounting PI-2045 11k")
    assert "no bill recorded" not in clean and "Liens and medical bills: −$3,200.00" in clean
    run(http, "statement PI-2045 11k")
    text = " ".join(pdf_pages(http)).replace("\n", " ")
    assert "no bill recorded" not in text
    assert "2. Golden Gate PT (no bill) — — — —" in text


def test_a_statement_after_close_litigation_is_titled_and_worded_for_litigation(http: Server) -> None:
    run(http, "new PI-7 Jo Doe 2026-09-01")
    run(http, "provider PI-7 add Kaiser 2026-09-01")
    run(http, "provider PI-7 received 1 both 2026-09-10")
    run(http, "bill PI-7 1 6,000")
    run(http, "advance PI-7 2026-09-11")
    run(http, "advance PI-7 2026-09-14")
    run(http, "demand PI-7 sent 2026-09-15")
    http.command("U1", "received PI-7 20,000 final 2026-11-02", "/offer")
    run(http, "advance PI-7 2026-11-03")
    run(http, "contacted PI-7 client 2026-11-04 accounting she wants to go to court")
    closed = run(http, "close PI-7 litigation")
    assert "Closed PI-7" in closed, closed
    answer = run(http, "accounting PI-7 60k")
    assert "*Litigation estimate · PI-7*" in answer and "Nothing is disbursed now." in answer
    assert "Settle now" not in answer
    assert "The litigation estimate of PI-7 is on its way to your DM" in run(http, "statement PI-7 60k")
    text = " ".join(pdf_pages(http)).replace("\n", " ")
    assert "Litigation estimate statement" in text
    assert "Estimated distribution in litigation" in text
    assert "nothing is disbursed until the case resolves" in text
    assert "Settlement and disbursement statement" not in text


def test_an_unset_firm_name_is_warned_about_and_a_set_one_is_not(http: Server) -> None:
    _pi_2045(http)
    run(http, "bill PI-2045 1 1,000")
    run(http, "bill PI-2045 2 none")
    unset = run(http, "statement PI-2045 11k")
    assert "FIRM_NAME is not set, so the statement is headed “Law Office”" in unset
    assert "the firm's name is not set (FIRM_NAME)" in pdf_pages(http)[0]
    firm = http.slack.firm
    firm.settings = replace(firm.settings, firm_name="Reyes & Cho LLP", firm_name_set=True)
    named = run(http, "statement PI-2045 11k")
    assert "FIRM_NAME" not in named and ":warning:" not in named
    first = pdf_pages(http)[0]
    assert "REYES & CHO LLP" in first and "FIRM_NAME" not in first


def test_a_paid_lien_reads_paid_not_owed(http: Server) -> None:
    _pi_2045(http)
    run(http, "lien PI-2045 add Blue Shield 4,000 type health-plan 2026-10-05")
    assert "*Liens* · $4,000.00 owed" in run(http, "show PI-2045")
    run(http, "lien PI-2045 1 paid 2026-11-20")
    shown = run(http, "show PI-2045")
    assert "*Liens* · $4,000.00 paid" in shown and "owed" not in shown.split("*Liens*")[1].split("\n")[0]
    run(http, "statement PI-2045 11k")
    text = " ".join(pdf_pages(http)).replace("\n", " ")
    assert "paid $4,000.00" in text

"""The rows of suits against a public entity: the states whose suit period against a public entity differs
from the ordinary one, with the statute's words and the day they were last checked, and the states whose
`public` is refused on purpose. The functions that read them are in bot/rules/public_entity.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.rules.limitation_table import QUOTED, STATUTE_READ

CHECKED_TODAY = date(2026, 12, 5)
PUBLIC_NAME = "suit against a public entity"
REJECTED = "rejected"
DEEMED_REJECTED = "deemed-rejected"
PRESENTED = "presented"
CLAIM_EVENTS = (PRESENTED, REJECTED, DEEMED_REJECTED)
CLAIM_EVENT_WORDS = {
    PRESENTED: "presented",
    REJECTED: "rejected in writing",
    DEEMED_REJECTED: "rejected by operation of law",
}


@dataclass(frozen=True)
class AfterRejection:
    """A suit period that runs from the written notice rejecting the claim (months, or `days` if shorter)."""

    months: int
    days: int
    statute: str
    words: str
    reading: str  # how the boundary is read, said in the reply


@dataclass(frozen=True)
class PublicSuit:
    """The period to sue a public entity in a state, counted from the loss (the accrual)."""

    state: str
    years: int
    days: int
    statute: str
    words: str  # the statute's own words that set the period
    source: str
    checked: str  # how far the text was read (STATUTE_READ, QUOTED)
    checked_on: date  # the day it was last checked
    note: str = ""
    after_rejection: AfterRejection | None = None
    deemed_rejection: str = ""  # what a rejection by operation of law (no written notice) does

    def period_text(self) -> str:
        parts = []
        if self.years:
            parts.append(f"{self.years} year{'s' if self.years != 1 else ''}")
        if self.days:
            parts.append(f"{self.days} days")
        return " and ".join(parts)


@dataclass(frozen=True)
class PublicRefusal:
    """A state whose public-entity periods casebot will not compute, and why."""

    state: str
    reason: str
    statute: str
    source: str
    checked_on: date


CA_945_6 = AfterRejection(
    months=6,
    days=182,
    statute="Cal. Gov. Code § 945.6(a)(1)",
    words=(
        "“If written notice is given in accordance with Section 913, not later than six months after the date "
        "such notice is personally delivered or deposited in the mail.”"
    ),
    reading=(
        "“six months” is read as the earlier of six calendar months and 182 days (Gonzales v. County of "
        "Los Angeles (1988) 199 Cal.App.3d 601 allows the longer of the two)"
    ),
)

PUBLIC_SUITS: tuple[PublicSuit, ...] = (
    PublicSuit(
        "AZ", 1, 0, "Ariz. Rev. Stat. § 12-821(A)",
        "“All actions against any public entity or public employee shall be brought within one year after the "
        "cause of action accrues and not afterward.”",
        "http://www.azleg.gov/legtext/53leg/1r/bills/sb1262p.htm",
        STATUTE_READ, CHECKED_TODAY,
        note="not tolled while the notice of claim is pending (Stulce v. Salt River Project, 3 P.3d 1007 (Ariz. "
        "App. 1999)); a denial, written or after sixty days (§ 12-821.01(E)), starts no new period",
        deemed_rejection="in Arizona a rejection starts no new period: the one year of § 12-821(A) stands",
    ),
    PublicSuit(
        "CA", 2, 0, "Cal. Gov. Code § 945.6(a)(2)",
        "“If written notice is not given in accordance with Section 913, within two years from the accrual of "
        "the cause of action.”",
        "https://www.legalfix.com/statutes/state-codes/california/code-gov/title-1/division-3-6/part-4/"
        "chapter-2/section-945-6",
        STATUTE_READ, CHECKED_TODAY,
        note="two years while no written notice of rejection is given; six months from a written notice "
        "(§ 945.6(a)(1)): record the notice as the claim's `rejected` event",
        after_rejection=CA_945_6,
        deemed_rejection=(
            "a claim rejected by operation of law (§ 912.4) with no written notice keeps the two years of "
            "§ 945.6(a)(2); if a written notice of it was given, record that day with `rejected`"
        ),
    ),
    PublicSuit(
        "NY", 1, 90, "N.Y. Gen. Mun. Law § 50-i(1)(c)",
        "“the action or special proceeding shall be commenced within one year and ninety days after the "
        "happening of the event upon which the claim is based”",
        "https://app.midpage.ai/document/zeitler-v-city-of-rochester-5770611",
        QUOTED, CHECKED_TODAY,
        note="against a city, county, town, village, fire district or school district; claims against the "
        "State itself go to the Court of Claims under its own rules; the one year and the ninety days are "
        "counted separately (Decicco v. City of Syracuse, 68 A.D.3d 1771 (4th Dep't 2009))",
        deemed_rejection="in New York a rejection starts no new period: the one year and ninety days stand",
    ),
)  # fmt: skip

PUBLIC_REFUSALS: tuple[PublicRefusal, ...] = (
    PublicRefusal(
        "FL",
        "Fla. Stat. § 768.28 sets its own periods for suits against the state and its agencies and "
        "subdivisions (a claim presented within 3 years, § 768.28(6)(a); suit within 4 years, § 768.28(14), in "
        "the text casebot last read), and bills in 2023, 2024 and 2025 (HB 7059, HB 569, HB 301) proposed "
        "shortening them; casebot's sources do not show the text in force, so it will not compute them.",
        "Fla. Stat. § 768.28(6)(a), (14)",
        "https://app.legiplex.com/fl/legislature/2025/2025-r/bills/h0301/draft-2267109",
        CHECKED_TODAY,
    ),
)

"""The table of every state and DC: the general personal-injury limitation period (rows for losses from
each `effective_from`) and the claim deadlines against public entities. The rows and their two types only;
the functions that read them are in bot/rules/limitation_states.py.

Each row names its statute as a lawyer cites it, the address of the text that was read for it, and how far
that reading went (`checked`):

- STATUTE_READ: the statute's own words were read (an official site or a verbatim copy of the code);
- QUOTED: the words were read as quoted by a secondary source (a court opinion, a law firm, a guide);
- CITATION_ONLY: the citation is given but the text was not re-read for this table.

Where the law changed, a state has several rows, each for losses on or after its `effective_from`. Where the
period turns on facts casebot does not have, or on text casebot's sources do not show, the row refuses and
says why (`refuse`, or `motor_refuse` for motor-vehicle injuries); the caller asks for the date itself.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from bot.rules.limitation_words import CLAIM_WORDS, PERIOD_WORDS, TABLE_BUILT, quoted

STATUTE_READ = "statute text read"
QUOTED = "statute text read as quoted by a secondary source"
CITATION_ONLY = "citation only, not re-read"

#: Every code a loss may carry: the 50 states and the District of Columbia (USPS two-letter codes).
ALL_CODES: tuple[str, ...] = (
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA", "KS",
    "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC",
    "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY",
)  # fmt: skip


@dataclass(frozen=True)
class StatePeriod:
    """A state's general personal-injury limitation period for losses on or after `effective_from`.

    The row stays in force until the next row of the same state takes over. `years`/`months` is the period
    (None when the row refuses). `motor_years` is set only where motor-vehicle injuries have their own period,
    under `motor_statute`."""

    state: str
    years: int | None
    months: int | None
    statute: str
    effective_from: date | None
    note: str
    source: str
    checked: str
    motor_years: int | None = None
    motor_statute: str | None = None
    refuse: str | None = None
    motor_refuse: str | None = None
    words: str = ""  # the statute's words that set the period (bot/rules/limitation_words.py)
    checked_on: date = TABLE_BUILT  # the day its source was last read
    words_source: str = ""  # where the words were read, when not `source`

    def period_text(self, motor: bool = False) -> str:
        years = self.motor_years if motor and self.motor_years is not None else self.years
        parts = []
        if years:
            parts.append(f"{years} year{'s' if years != 1 else ''}")
        if self.months:
            parts.append(f"{self.months} month{'s' if self.months != 1 else ''}")
        return " ".join(parts) or "—"

    def citation(self, motor: bool = False) -> str:
        return self.motor_statute if motor and self.motor_statute else self.statute


@dataclass(frozen=True)
class ClaimDeadline:
    """The deadline for presenting a claim (notice of claim) to a public entity, counted from the loss."""

    state: str
    months: int | None
    days: int | None
    statute: str
    source: str
    note: str
    checked: str
    words: str = ""  # the statute's words that set the period (bot/rules/limitation_words.py)
    checked_on: date = TABLE_BUILT  # the day its source was last read
    words_source: str = ""  # where the words were read, when not `source`

    def period_text(self) -> str:
        if self.months:
            return f"{self.months} month{'s' if self.months != 1 else ''}"
        return f"{self.days} days"


# ---------------------------------------------------------------- the table

FL_HB_837 = date(2023, 3, 24)  # ch. 2023-15, Laws of Fla.: approved and in force March 24, 2023
# Acts 2024, No. 423 took effect July 1, 2024 and applies "to delictual actions arising after the effective
# date"; a loss on July 1 itself keeps the one-year period (the shorter one, to be safe).
LA_ACT_423_FIRST_DAY = date(2024, 7, 2)
# Mont. Code Ann. § 27-2-204 carries a version "effective October 1, 2026"
MT_2026_VERSION = date(2026, 10, 1)

KY_MOTOR = (
    "a motor-vehicle injury may come under the Motor Vehicle Reparations Act, KRS 304.39-230(6): two years "
    "after the injury or the last basic or added reparation (PIP) payment, whichever is later, for tort claims "
    "the Act has not abolished. Whether the Act applies (a motorcycle, a rejection of its tort limitation, a "
    "vehicle without Kentucky security) and the day of the last PIP payment are facts casebot does not have, "
    "and without the Act the one-year period of KRS 413.140(1)(a) governs."
)
MT_NEW_VERSION = (
    "Mont. Code Ann. § 27-2-204 has a version in force from October 1, 2026 whose text casebot's sources do "
    "not show, so casebot cannot say the three-year period still applies to losses from that day."
)

PERIODS: tuple[StatePeriod, ...] = (
    StatePeriod(
        "AL", 2, None, "Ala. Code § 6-2-38(l)", None,
        "actions for any injury to the person or rights of another not arising from contract",
        "https://legalnewsline.com/stories/510524856-ala-sc-rules-on-statute-of-limitations-issue",
        QUOTED,
    ),
    StatePeriod(
        "AK", 2, None, "Alaska Stat. § 09.10.070(a)", None,
        "“for personal injury or death” … within two years of the accrual of the cause of action",
        "https://getpocketlaw.com/law/state_alaska/section-09-10-070-actions-for-torts-for-injury-to-personal-"
        "property-for-certain-statutory-liabilities-and-against-peace-officers-and-coroners-to-be-brought-in-"
        "two-years_8c411f674c82",
        STATUTE_READ,
    ),
    StatePeriod(
        "AZ", 2, None, "Ariz. Rev. Stat. § 12-542(1)", None,
        "“for injuries done to the person of another” within two years after the cause of action accrues",
        "https://law.uslawyerdatabase.com/category/us-law/2022-arizona-revised-statutes/"
        "title-12-courts-and-civil-proceedings/article-3-personal-actions",
        STATUTE_READ,
    ),
    StatePeriod(
        "AR", 3, None, "Ark. Code Ann. § 16-56-105(3)", None,
        "the three-year statute Arkansas applies to negligence (“any contract or liability, expressed or "
        "implied”); assault and battery are one year under § 16-56-104",
        "https://law.onecle.com/arkansas/title-16/16-56-105.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "CA", 2, None, "Cal. Civ. Proc. Code § 335.1", None,
        "injury caused by the wrongful act or neglect of another",
        "https://leginfo.legislature.ca.gov/faces/codes_displaySection.xhtml?lawCode=CCP&sectionNum=335.1",
        CITATION_ONLY,
    ),
    StatePeriod(
        "CO", 2, None, "Colo. Rev. Stat. § 13-80-102(1)(a)", None,
        "tort actions two years; motor vehicle: “all tort actions for bodily injury … arising out of the use or "
        "operation of a motor vehicle” three years, even where the defendant was not driving (City & County of "
        "Denver v. Gonzales, 17 P.3d 137 (Colo. 2001)), but not product or strict-liability claims "
        "(§ 13-80-101(1)(n)(II)); § 13-80-102(1)(a) itself not re-read",
        "https://casetext.com/statute/colorado-revised-statutes/title-13-courts-and-court-procedure/"
        "limitation-of-actions/article-80-limitations-personal-actions/"
        "section-13-80-101-general-limitation-of-actions-three-years",
        STATUTE_READ,
        motor_years=3,
        motor_statute="Colo. Rev. Stat. § 13-80-101(1)(n)(I)",
    ),
    StatePeriod(
        "CT", 2, None, "Conn. Gen. Stat. § 52-584", None,
        "injury caused by negligence: two years from the day the injury is first sustained or discovered, and "
        "never more than three years from the act or omission",
        "https://codes.findlaw.com/ct/title-52-civil-actions/ct-gen-st-sect-52-584.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "DE", 2, None, "Del. Code Ann. tit. 10, § 8119", None,
        "“2 years from the date upon which it is claimed that such alleged injuries were sustained”",
        "https://www.kimmelcarter.com/single-post/the-race-against-time-understanding-the-statute-of-limitations",
        QUOTED,
    ),
    StatePeriod(
        "DC", 3, None, "D.C. Code § 12-301(a)(8)", None,
        "actions “for which a limitation is not otherwise specially prescribed” three years; assault and battery "
        "one year under § 12-301(a)(4)",
        "https://code.dccouncil.gov/us/dc/council/code/sections/12-301.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "FL", 4, None, "Fla. Stat. § 95.11(3)(a) (before HB 837)", None,
        "negligence accruing before March 24, 2023",
        "https://www.flsenate.gov/Session/Bill/2023/837",
        CITATION_ONLY,
    ),
    StatePeriod(
        "FL", 2, None, "Fla. Stat. § 95.11(5)(a) (enacted as § 95.11(4)(a) by HB 837, ch. 2023-15, Laws of Fla.)", FL_HB_837,
        "negligence accruing on or after March 24, 2023; HB 837 speaks of causes of action accruing after its "
        "effective date, and the effective day itself is given the shorter period, to be safe",
        "https://www.subrogationrecoverylawblog.com/2024/02/05/",
        QUOTED,
    ),
    StatePeriod(
        "GA", 2, None, "Ga. Code Ann. § 9-3-33", None,
        "injuries to the person",
        "https://law.justia.com/codes/georgia/title-9/chapter-3/article-2/section-9-3-33/",
        CITATION_ONLY,
    ),
    StatePeriod(
        "HI", 2, None, "Haw. Rev. Stat. § 657-7", None,
        "“damage or injury to persons or property … within two years after the cause of action accrued”; motor "
        "vehicle torts run from the accident or the last no-fault payment, whichever is later "
        "(§ 431:10C-315, not re-read), never earlier than this date",
        "https://law.justia.com/codes/hawaii/2022/title-36/chapter-657/section-657-7/",
        STATUTE_READ,
    ),
    StatePeriod(
        "ID", 2, None, "Idaho Code § 5-219(4)", None,
        "“an action to recover damages … for an injury to the person” within two years",
        "https://legislature.idaho.gov/statutesrules/idstat/Title5/T5CH2/SECT5-219/",
        STATUTE_READ,
    ),
    StatePeriod(
        "IL", 2, None, "735 ILCS 5/13-202", None,
        "“actions for damages for an injury to the person … within two years next after the cause of action "
        "accrued”",
        "https://www.nolo.com/legal-encyclopedia/what-is-the-personal-injury-statute-of-limitations-in-illinois.html",
        QUOTED,
    ),
    StatePeriod(
        "IN", 2, None, "Ind. Code § 34-11-2-4(a)", None,
        "“injury to person or character … within two (2) years after the cause of action accrues”",
        "http://www.statutes-of-limitations.com/state/indiana",
        QUOTED,
    ),
    StatePeriod(
        "IA", 2, None, "Iowa Code § 614.1(2)", None,
        "“injuries to the person or reputation … whether based on contract or tort … within two years”",
        "https://docketmath.com/blog/statute-of-limitations-general-personal-injury-negligence-iowa",
        QUOTED,
    ),
    StatePeriod(
        "KS", 2, None, "Kan. Stat. Ann. § 60-513(a)(4)", None,
        "“injury to the rights of another, not arising on contract”; accrual at substantial injury, ten-year "
        "repose (§ 60-513(b)); assault and battery one year (§ 60-514)",
        "https://docketmath.com/blog/statute-of-limitations-trespass-to-chattels-conversion-kansas",
        QUOTED,
    ),
    StatePeriod(
        "KY", 1, None, "Ky. Rev. Stat. § 413.140(1)(a)", None,
        "“an action for an injury to the person of the plaintiff” within one year; motor-vehicle injuries are "
        "refused (KRS 304.39-230(6)).",
        "https://docsbay.net/an-act-relating-to-civil-actions",
        QUOTED,
        motor_refuse=KY_MOTOR,
    ),
    StatePeriod(
        "LA", 1, None, "La. Civ. Code art. 3492 (repealed by Acts 2024, No. 423)", None,
        "delictual actions arising before July 2, 2024: one year from the day injury or damage is sustained "
        "(Act 423 applies to actions arising after its effective date, July 1, 2024)",
        "https://casetext.com/statute/louisiana-revised-statutes/civil-code/book-iii-of-the-different-modes-of-"
        "acquiring-the-ownership-of-things/title-xxiv-prescription/chapter-4-liberative-prescription/"
        "section-1-one-year-prescription/section-3492-delictual-actions",
        STATUTE_READ,
    ),
    StatePeriod(
        "LA", 2, None, "La. Civ. Code art. 3493.1 (enacted as art. 3493.11 by Acts 2024, No. 423)",
        LA_ACT_423_FIRST_DAY,
        "delictual actions arising after July 1, 2024 (the Act's effective date; the day itself keeps one year, "
        "to be safe): two years from the day injury or damage is sustained",
        "https://app.legiplex.com/la/legislature/2024/2024-r/bills/hb315/draft-245783?id=245783",
        STATUTE_READ,
    ),
    StatePeriod(
        "ME", 6, None, "Me. Rev. Stat. tit. 14, § 752", None,
        "“all civil actions shall be commenced within 6 years after the cause of action accrues”; assault, "
        "battery and defamation two years (§ 753)",
        "https://docketmath.com/blog/howto-statute-of-limitations-maine",
        QUOTED,
    ),
    StatePeriod(
        "MD", 3, None, "Md. Code Ann., Cts. & Jud. Proc. § 5-101", None,
        "“a civil action at law shall be filed within three years from the date it accrues”",
        "https://casetext.com/statute/code-of-maryland/article-courts-and-judicial-proceedings/"
        "title-5-limitations-prohibited-actions-and-immunities/subtitle-1-limitations/"
        "section-5-101-three-year-limitation-in-general",
        STATUTE_READ,
    ),
    StatePeriod(
        "MA", 3, None, "Mass. Gen. Laws ch. 260, § 2A", None,
        "“actions of tort … shall be commenced only within three years next after the cause of action accrues”",
        "https://www.massachusettspersonalinjurylawyer-blog.com/2014/02/28/claim-expire/",
        QUOTED,
    ),
    StatePeriod(
        "MI", 3, None, "Mich. Comp. Laws § 600.5805(2)", None,
        "“3 years after the time of the death or injury for all actions to recover damages … for injury to a "
        "person or property”",
        "https://michiganlegalcenter.lawcobra.com/michigan-personal-injury-statutes/statutes-of-limitations/"
        "mcl-%C2%A7-600-5805",
        QUOTED,
    ),
    StatePeriod(
        "MN", 6, None, "Minn. Stat. § 541.05, subd. 1(5)", None,
        "negligence: “any other injury to the person or rights of another, not arising on contract” six years "
        "(Villaume v. Wilkinson, 296 N.W. 176 (Minn. 1941)); libel, slander, assault, battery, false "
        "imprisonment “or other tort resulting in personal injury” two years under § 541.07(1), read as "
        "intentional torts only",
        "http://statutes.laws-info.com/minnesota/540-552/541/541_05",
        STATUTE_READ,
    ),
    StatePeriod(
        "MS", 3, None, "Miss. Code Ann. § 15-1-49(1)", None,
        "“all actions for which no other period of limitation is prescribed … within three (3) years”; "
        "intentional torts one year (§ 15-1-35)",
        "https://casetext.com/statute/mississippi-code-1972/title-15-limitations-of-actions-and-prevention-of-"
        "frauds/chapter-1-limitation-of-actions/section-15-1-49-limitations-applicable-to-actions-not-"
        "otherwise-specifically-provided-for/analysis?citingPage=1",
        QUOTED,
    ),
    StatePeriod(
        "MO", 5, None, "Mo. Rev. Stat. § 516.120(4)", None,
        "“any other injury to the person or rights of another, not arising on contract” within five years",
        "https://revisor.mo.gov/main/OneSection.aspx?section=516.120",
        CITATION_ONLY,
    ),
    StatePeriod(
        "MT", 3, None, "Mont. Code Ann. § 27-2-204(1)", None,
        "“an action upon a liability not founded upon an instrument in writing is within 3 years”; assault, "
        "battery, libel and slander two years (§ 27-2-204(3)); read as in force before October 1, 2026",
        "https://archive.legmt.gov/bills/2019/mca/title_0270/chapter_0020/part_0020/section_0040/"
        "0270-0020-0020-0040.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "MT", None, None, "Mont. Code Ann. § 27-2-204 (version effective October 1, 2026)", MT_2026_VERSION,
        "the new version's text was not found in casebot's sources",
        "https://docketmath.com/blog/statute-of-limitations-product-liability-montana",
        CITATION_ONLY,
        refuse=MT_NEW_VERSION,
    ),
    StatePeriod(
        "NE", 4, None, "Neb. Rev. Stat. § 25-207(3)", None,
        "“an action for an injury to the rights of the plaintiff, not arising on contract” within four years",
        "https://nebraskalegislature.gov/laws/statutes.php?statute=25-207",
        CITATION_ONLY,
    ),
    StatePeriod(
        "NV", 2, None, "Nev. Rev. Stat. § 11.190(4)(e)", None,
        "“an action to recover damages for injuries to a person … caused by the wrongful act or neglect of "
        "another” within two years (one guide numbers it § 11.190(3)(d): confirm the subsection)",
        "https://legalclarity.org/what-is-nevadas-statute-of-limitations-for-personal-injury/",
        QUOTED,
    ),
    StatePeriod(
        "NH", 3, None, "N.H. Rev. Stat. Ann. § 508:4(I)", None,
        "personal actions within three years of the act or omission (or its discovery)",
        "http://www.gencourt.state.nh.us/rsa/html/LII/508/508-mrg.htm",
        STATUTE_READ,
    ),
    StatePeriod(
        "NJ", 2, None, "N.J. Stat. Ann. § 2A:14-2(a)", None,
        "“every action at law for an injury to the person caused by the wrongful act, neglect or default … "
        "within two years next after the cause of any such action shall have accrued”",
        "https://docketmath.com/blog/statute-of-limitations-general-personal-injury-negligence-new-jersey",
        QUOTED,
    ),
    StatePeriod(
        "NM", 3, None, "N.M. Stat. Ann. § 37-1-8", None,
        "“for an injury to the person or reputation of any person, within three years”",
        "https://law.justia.com/codes/new-mexico/2021/chapter-37/article-1/section-37-1-8/",
        STATUTE_READ,
    ),
    StatePeriod(
        "NY", 3, None, "N.Y. C.P.L.R. § 214(5)", None,
        "an action to recover damages for a personal injury",
        "https://www.nysenate.gov/legislation/laws/CVP/214",
        CITATION_ONLY,
    ),
    StatePeriod(
        "NC", 3, None, "N.C. Gen. Stat. § 1-52(5)", None,
        "“any other injury to the person or rights of another, not arising on contract” within three years; "
        "accrual when bodily harm becomes apparent, ten-year repose (§ 1-52(16))",
        "https://www.ncleg.gov/EnactedLegislation/Statutes/HTML/ByArticle/Chapter_1/Article_5.html",
        QUOTED,
    ),
    StatePeriod(
        "ND", 6, None, "N.D. Cent. Code § 28-01-16(5)", None,
        "“any other injury to the person or rights of another not arising upon contract” within six years",
        "https://www.ndlegis.gov/cencode/t28c01.pdf",
        CITATION_ONLY,
    ),
    StatePeriod(
        "OH", 2, None, "Ohio Rev. Code Ann. § 2305.10(A)", None,
        "“an action for bodily injury … shall be brought within two years after the cause of action accrues”",
        "https://instalawyer.io/laws/ohio-revised-code/section-230510-bodily-injury",
        STATUTE_READ,
    ),
    StatePeriod(
        "OK", 2, None, "Okla. Stat. tit. 12, § 95(A)(3)", None,
        "“an action for injury to the rights of another, not arising on contract” within two years",
        "https://docketmath.com/blog/statute-of-limitations-section-1983-civil-rights-claims-oklahoma",
        QUOTED,
    ),
    StatePeriod(
        "OR", 2, None, "Or. Rev. Stat. § 12.110(1)", None,
        "“any injury to the person or rights of another, not arising on contract” within two years",
        "https://oregon.public.law/statutes/ors_12.110",
        CITATION_ONLY,
    ),
    StatePeriod(
        "PA", 2, None, "42 Pa. Cons. Stat. § 5524(2)", None,
        "“an action to recover damages for injuries to the person … caused by the wrongful act or neglect or "
        "unlawful violence or negligence of another” within two years",
        "http://law.onecle.com/pennsylvania/judiciary-and-judicial-procedure/00.055.024.000.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "RI", 3, None, "R.I. Gen. Laws § 9-1-14(b)", None,
        "“actions for injuries to the person shall be commenced and sued within three (3) years next after the "
        "cause of action shall accrue”",
        "http://webserver.rilin.state.ri.us/Statutes/title9/9-1/9-1-14.htm",
        STATUTE_READ,
    ),
    StatePeriod(
        "SC", 3, None, "S.C. Code Ann. § 15-3-530(5)", None,
        "“an action for assault, battery, or any injury to the person or rights of another, not arising on "
        "contract” within three years",
        "https://law.justia.com/codes/south-carolina/2018/title-15/chapter-3/section-15-3-530/",
        STATUTE_READ,
    ),
    StatePeriod(
        "SD", 3, None, "S.D. Codified Laws § 15-2-14(3)", None,
        "“an action for personal injury” within three years",
        "https://law.justia.com/cases/south-dakota/supreme-court/1993/18198-1.html",
        QUOTED,
    ),
    StatePeriod(
        "TN", 1, None, "Tenn. Code Ann. § 28-3-104(a)(1)(A)", None,
        "“injuries to the person” within one year; two years where criminal charges are brought for the "
        "conduct (§ 28-3-104(a)(2)): a longer period casebot does not apply",
        "https://www.hickslawfirm.com/statute-of-limitations-for-a-personal-injury-case-in-tennessee",
        QUOTED,
    ),
    StatePeriod(
        "TX", 2, None, "Tex. Civ. Prac. & Rem. Code § 16.003(a)", None,
        "“personal injury … not later than two years after the day the cause of action accrues”",
        "https://content.next.westlaw.com/Link/Document/FullText?cite=TXCPS16.003",
        STATUTE_READ,
    ),
    StatePeriod(
        "UT", 4, None, "Utah Code Ann. § 78B-2-307(4)", None,
        "the four-year catch-all (“for relief not otherwise provided for by law”) that Utah applies to "
        "negligence; numbered (4) since the 2023 amendment",
        "https://le.utah.gov/xcode/Title78B/Chapter2/C78B-2-S307_2023050320230503.html",
        STATUTE_READ,
    ),
    StatePeriod(
        "VT", 3, None, "Vt. Stat. Ann. tit. 12, § 512(4)", None,
        "“injuries to the person suffered by the act or default of another person” within three years, "
        "accruing on discovery of the injury",
        "https://docketmath.com/blog/statute-of-limitations-general-personal-injury-negligence-vermont",
        QUOTED,
    ),
    StatePeriod(
        "VA", 2, None, "Va. Code Ann. § 8.01-243(A)", None,
        "“every action for personal injuries, whatever the theory of recovery … within two years after the "
        "cause of action accrues”",
        "https://lawserver.com/law/state/virginia/va-code/virginia_code_8-01-243",
        STATUTE_READ,
    ),
    StatePeriod(
        "WA", 3, None, "Wash. Rev. Code § 4.16.080(2)", None,
        "“any other injury to the person or rights of another” within three years (Stenberg v. Pacific Power & "
        "Light Co., 104 Wn.2d 710 (1985))",
        "http://courts.mrsc.org/html/supreme/104wn2d/104wn2d0710.htm",
        QUOTED,
    ),
    StatePeriod(
        "WV", 2, None, "W. Va. Code § 55-2-12(b)", None,
        "“within two years next after the right to bring the same shall have accrued if it be for damages for "
        "personal injuries”",
        "http://www.statutes-of-limitations.com/state/west_virginia",
        QUOTED,
    ),
    StatePeriod(
        "WI", 3, None, "Wis. Stat. § 893.54(1m)(a)", None,
        "“injuries to the person, including … an accident involving a motor vehicle” within three years; "
        "wrongful death in a motor-vehicle accident two years (§ 893.54(2m))",
        "https://law.justia.com/codes/wisconsin/2022/chapter-893/section-893-54/",
        STATUTE_READ,
    ),
    StatePeriod(
        "WY", 4, None, "Wyo. Stat. Ann. § 1-3-105(a)(iv)(C)", None,
        "“an injury to the rights of the plaintiff, not arising on contract” within four years",
        "https://law.justia.com/codes/wyoming/2010/Title1/chapter3.html",
        STATUTE_READ,
    ),
)  # fmt: skip

CLAIM_DEADLINES: tuple[ClaimDeadline, ...] = (
    ClaimDeadline(
        "AZ", None, 180, "Ariz. Rev. Stat. § 12-821.01(A)",
        "http://selfhelpcenter.blogspot.com/2005/04/first-things-first.html",
        "notice of claim to a public entity or public employee “within one hundred eighty days after the cause "
        "of action accrues”, with a specific settlement amount; the suit itself within one year (§ 12-821)",
        QUOTED,
    ),
    ClaimDeadline(
        "CA", 6, None, "Cal. Gov. Code § 911.2(a)",
        "https://impactattorneys.com/government-code-911-2",
        "a claim for death or injury to person presented “not later than six months after the accrual of the "
        "cause of action”; late-claim application under § 911.4",
        STATUTE_READ,
    ),
    ClaimDeadline(
        "NJ", None, 90, "N.J. Stat. Ann. § 59:8-8",
        "https://statutes.laws.com/new-jersey/title-59/section-59-8/59-8-8",
        "a claim for injury presented “not later than the ninetieth day after accrual”; late notice only by "
        "leave of court within one year (§ 59:8-9)",
        STATUTE_READ,
    ),
    ClaimDeadline(
        "NY", None, 90, "N.Y. Gen. Mun. Law § 50-e(1)(a)",
        "http://ny.elaws.us/law/gmu_art4_sec.50-e",
        "notice of claim against a public corporation “within ninety days after the claim arises”; claims "
        "against the State itself go to the Court of Claims under its own rules",
        STATUTE_READ,
    ),
    ClaimDeadline(
        "TX", 6, None, "Tex. Civ. Prac. & Rem. Code § 101.101(a)",
        "https://www.cctexas.com/departments/city-secretary/notice-claim-civil-practice",
        "notice “not later than six months after the day that the incident giving rise to the claim occurred”; "
        "a city's charter may require notice sooner (§ 101.101(b)): check the city's charter",
        STATUTE_READ,
    ),
)  # fmt: skip


def _period_words(row: StatePeriod) -> StatePeriod:
    key = (row.state, row.effective_from.isoformat() if row.effective_from else "")
    if key in PERIOD_WORDS:
        words, on, source = PERIOD_WORDS[key]
        return replace(row, words=words, checked_on=on, words_source="" if source == row.source else source)
    return replace(row, words=quoted(row.note))


def _claim_words(row: ClaimDeadline) -> ClaimDeadline:
    if row.state in CLAIM_WORDS:
        words, on, source = CLAIM_WORDS[row.state]
        return replace(row, words=words, checked_on=on, words_source=source)
    return replace(row, words=quoted(row.note))


PERIODS = tuple(_period_words(r) for r in PERIODS)
CLAIM_DEADLINES = tuple(_claim_words(c) for c in CLAIM_DEADLINES)

STATES: tuple[str, ...] = tuple(dict.fromkeys(row.state for row in PERIODS))

"""The words of each statute that set a row's period, and the day they were last read: for every row of
bot/rules/limitation_table.py (a test fails when a row has neither words nor a refusal).

Where a row's note already quotes the statute (“…”), those words are its words, read when the table was built
(TABLE_BUILT). The rows below were read again on CHECKED_TODAY, from the source named with them. Every row
that computes a date has its words: a test fails for one without."""

from __future__ import annotations

import re
from datetime import date

TABLE_BUILT = date(2026, 11, 29)  # the day the table was built and its sources read
CHECKED_TODAY = date(2026, 12, 5)  # the rows whose words were read again (issue 19)

# (state, first day of the row or "") -> (the words, the day read, where)
PERIOD_WORDS: dict[tuple[str, str], tuple[str, date, str]] = {
    ("CA", ""): (
        "“Within two years: An action for assault, battery, or injury to, or for the death of, an individual "
        "caused by the wrongful act or neglect of another.”",
        CHECKED_TODAY,
        "https://impactattorneys.com/?p=7379",
    ),
    ("GA", ""): (
        "“actions for injuries to the person shall be brought within two years after the right of action "
        "accrues”",
        CHECKED_TODAY,
        "https://attornews.com/georgias-2-year-statute-of-limitations-for-personal-injury-claims-explained/",
    ),
    ("NY", ""): (
        "“The following actions must be commenced within three years: … 5. an action to recover damages for a "
        "personal injury except as provided in sections 214-b, 214-c, 214-i and 215”",
        CHECKED_TODAY,
        "https://lexace.ai/us/statute/new-york/cvp-214",
    ),
    ("OR", ""): (
        "“An action for assault, battery, false imprisonment, or for any injury to the person or rights of "
        "another, not arising on contract, and not especially enumerated in this chapter, shall be commenced "
        "within two years”",
        CHECKED_TODAY,
        "https://www.oregonlaws.org/ors/12.110",
    ),
    ("FL", ""): (
        "“(3) WITHIN FOUR YEARS. (a) An action founded on negligence.” (the 2020 text, before HB 837)",
        CHECKED_TODAY,
        "https://flsenate.gov/Laws/Statutes/2020/0095.11",
    ),
    ("FL", "2023-03-24"): (
        "“an action founded on negligence” within two years (as quoted by the Eleventh Circuit of the new "
        "§ 95.11(4)(a); renumbered (5)(a) since, as issue 19's check found, not re-read here)",
        CHECKED_TODAY,
        "https://syfert.com/florida/statutes/0095.11.html",
    ),
    ("LA", ""): (
        "“Delictual actions are subject to a liberative prescription of one year. This prescription commences "
        "to run from the day injury or damage is sustained.”",
        CHECKED_TODAY,
        "https://casetext.com/statute/louisiana-revised-statutes/civil-code/book-iii-of-the-different-modes-of-"
        "acquiring-the-ownership-of-things/title-xxiv-prescription/chapter-4-liberative-prescription/"
        "section-1-one-year-prescription/section-3492-delictual-actions",
    ),
    ("LA", "2024-07-02"): (
        "“Delictual actions are subject to a liberative prescription of two years. This prescription commences "
        "to run from the day injury or damage is sustained.” Section 3: “shall apply to delictual actions "
        "arising after the effective date of this Act”; Section 4: “effective on July 1, 2024”",
        CHECKED_TODAY,
        "https://app.legiplex.com/la/legislature/2024/2024-r/bills/hb315/draft-245783?id=245783",
    ),
    ("MT", ""): (
        "“the period prescribed for the commencement of an action upon a liability not founded upon an "
        "instrument in writing is within 3 years”",
        CHECKED_TODAY,
        "https://archive.legmt.gov/bills/2019/mca/title_0270/chapter_0020/part_0020/section_0040/"
        "0270-0020-0020-0040.html",
    ),
    ("AL", ""): (
        "“All actions for any injury to the person or rights of another not arising from contract and not "
        "specifically enumerated in this section must be brought within two years.”",
        CHECKED_TODAY,
        "https://legalnewsline.com/stories/510524856-ala-sc-rules-on-statute-of-limitations-issue",
    ),
    ("CT", ""): (
        "“No action to recover damages for injury to the person, or to real or personal property, caused by "
        "negligence, or by reckless or wanton misconduct, or by malpractice of a physician, … shall be brought "
        "but within two years from the date when the injury is first sustained or discovered or in the "
        "exercise of reasonable care should have been discovered, and except that no such action may be "
        "brought more than three years from the date of the act or omission complained of”",
        CHECKED_TODAY,
        "https://codes.findlaw.com/ct/title-52-civil-actions/ct-gen-st-sect-52-584.html",
    ),
    ("NH", ""): (
        "“I. Except as otherwise provided by law, all personal actions, except actions for slander or libel, "
        "may be brought only within 3 years of the act or omission complained of, except that when the injury "
        "and its causal relationship to the act or omission were not discovered and could not reasonably have "
        "been discovered at the time of the act or omission, the action shall be commenced within 3 years of "
        "the time the plaintiff discovers, or in the exercise of reasonable diligence should have discovered, "
        "the injury and its causal relationship to the act or omission complained of.”",
        CHECKED_TODAY,
        "http://www.gencourt.state.nh.us/rsa/html/LII/508/508-mrg.htm",
    ),
}

CLAIM_WORDS: dict[str, tuple[str, date, str]] = {
    "AZ": (
        "“Persons who have claims against a public entity or a public employee shall file claims … within one "
        "hundred eighty days after the cause of action accrues.”",
        CHECKED_TODAY,
        "http://azleg.gov/legtext/50leg/2r/bills/hb2319h.htm",
    ),
    "CA": (
        "“A claim relating to a cause of action for death or for injury to person … shall be presented … not "
        "later than six months after the accrual of the cause of action.”",
        CHECKED_TODAY,
        "https://self-law.org/code/ca/government-code/911-2",
    ),
}

_QUOTE = re.compile(r"“[^”]+”")


def quoted(note: str) -> str:
    """The statute's words a note quotes (“…”), joined; "" when it quotes none."""
    return " … ".join(_QUOTE.findall(note))

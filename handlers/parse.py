"""Reading `/case` and `/offer` text: words, quotes, mentions, dates and amounts, for every subcommand, in one place.

Each `parse_*` takes the words after the subcommand and answers the keyword arguments of one service call,
or raises an InputError that carries the subcommand's usage line and an example."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from bot.errors import BadAmount, BadDate, InputError
from bot.rules.parsing import looks_like_date, parse_amount, parse_day, printable

# Slack's escaped mentions, `<@U123ABC>` or `<@U123ABC|dana>`; `@U123ABC` is accepted too (the console).
_MENTION_RE = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$|^@([UW][A-Z0-9]+)$")
# Anything a person meant as a date but did not write as YYYY-MM-DD (11/02/2026, 2026-1-5, 2026.11.02).
_DATEISH_RE = re.compile(r"^\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}$")
_STATE_RE = re.compile(r"^[A-Za-z]{2}$")
_ORDINAL_RE = re.compile(r"^(\d{1,3})(?:st|nd|rd|th)?$", re.IGNORECASE)
# Typographic quotes Slack may substitute, as their plain equivalents.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})

CASE = "/case"
OFFER = "/offer"

USAGE: dict[tuple[str, str], tuple[str, str]] = {
    # (command, subcommand): (usage line, example)
    (CASE, "help"): ("/case help", "/case help"),
    (CASE, "new"): (
        "/case new <case-no> <client name…> [@manager] [YYYY-MM-DD] [sol YYYY-MM-DD]",
        "/case new PI-2041 Jane Roe 2026-11-02",
    ),
    (CASE, "show"): ("/case show <case-no>", "/case show PI-2041"),
    (CASE, "provider add"): (
        "/case provider <case-no> add <provider name…> [YYYY-MM-DD]",
        "/case provider PI-2041 add Valley Orthopedics 2026-11-02",
    ),
    (CASE, "provider received"): (
        "/case provider <case-no> received <provider> records|bills|both [YYYY-MM-DD]",
        '/case provider PI-2041 received "Valley Ortho" both',
    ),
    (CASE, "provider followed-up"): (
        "/case provider <case-no> followed-up <provider> [YYYY-MM-DD]",
        "/case provider PI-2041 followed-up 1",
    ),
    (CASE, "provider"): (
        "/case provider <case-no> add|received|followed-up …",
        "/case provider PI-2041 add Valley Orthopedics",
    ),
    (CASE, "contacted"): (
        "/case contacted <case-no> [client|adjuster] [YYYY-MM-DD] [note…]",
        "/case contacted PI-2041 client 2026-11-20 left a voicemail",
    ),
    (CASE, "advance"): (
        "/case advance <case-no> [<stage>] [YYYY-MM-DD] [because <reason…>]",
        "/case advance PI-2041",
    ),
    (CASE, "holdup"): (
        "/case holdup <case-no> chart-notes|billing|wage-loss|other [note…]  ·  "
        "/case holdup <case-no> clear [chart-notes|billing|wage-loss|other|all]",
        "/case holdup PI-2041 chart-notes",
    ),
    (CASE, "demand"): (
        "/case demand <case-no> sent|ack|resent [YYYY-MM-DD] [adjuster <name…>]",
        "/case demand PI-2041 sent 2026-11-02 adjuster Pat Lee",
    ),
    (CASE, "accounting"): (
        "/case accounting <case-no> <gross> [costs <amount>] [liens <amount>] [litigation-costs <amount>]",
        "/case accounting PI-2041 60k costs 2,400 liens 8,150",
    ),
    (CASE, "assign"): ("/case assign <case-no> @user", "/case assign PI-2041 @dana"),
    (CASE, "close"): ("/case close <case-no> settled|litigation|dropped", "/case close PI-2041 settled"),
    (CASE, "mine"): ("/case mine", "/case mine"),
    (CASE, "due"): ("/case due [YYYY-MM-DD]", "/case due 2026-11-30"),
    (CASE, "overdue"): ("/case overdue [@user]", "/case overdue"),
    (CASE, "away"): (
        "/case away [until YYYY-MM-DD] [cover @user]",
        "/case away until 2026-12-07 cover @dana",
    ),
    (CASE, "back"): ("/case back", "/case back"),
    (CASE, "role"): ("/case role @user manager|lead|admin", "/case role @dana lead"),
    (CASE, "sol"): (
        "/case sol <case-no> <YYYY-MM-DD>  ·  /case sol <case-no> loss <YYYY-MM-DD> <state>",
        "/case sol PI-2041 loss 2026-03-02 CA",
    ),
    (CASE, "fees"): (
        "/case fees <case-no> [presuit <rate>] [litigation <rate>] [base gross|net]",
        "/case fees PI-2041 presuit 33 1/3% litigation 40% base net",
    ),
    (CASE, "handover"): ("/case handover @from @to", "/case handover @dana @lee"),
    (OFFER, "help"): ("/offer help", "/offer help"),
    (OFFER, "received"): (
        "/offer received <case-no> <amount> [final] [YYYY-MM-DD]",
        "/offer received PI-2041 12,500 2026-11-20",
    ),
    (OFFER, "list"): ("/offer list <case-no>", "/offer list PI-2041"),
    (OFFER, "informed"): ("/offer informed <case-no> [<n>] [YYYY-MM-DD]", "/offer informed PI-2041 2"),
}

HOLDUP_KINDS = ("chart-notes", "billing", "wage-loss", "other")
CLOSE_OUTCOMES = ("settled", "litigation", "dropped")
ROLE_NAMES = ("manager", "lead", "admin")


@dataclass(frozen=True)
class Parsed:
    """One command as read: which subcommand (its USAGE key) and the service's keyword arguments."""

    command: str
    sub: str
    args: dict[str, Any]

    @property
    def usage(self) -> str:
        return USAGE[(self.command, self.sub)][0]

    @property
    def example(self) -> str:
        return USAGE[(self.command, self.sub)][1]


def usage_error(command: str, sub: str, message: str, *, example: str | None = None) -> InputError:
    usage, default_example = USAGE.get((command, sub), USAGE[(command, "help")])
    return InputError(message, usage=usage, example=example or default_example)


def tokenize(text: str) -> list[str]:
    """Words, with "quoted words" (straight or typographic quotes) kept together; apostrophes in names stay."""
    text = printable(text or "").translate(_QUOTES).replace("\u00a0", " ")
    words: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if text[i].isspace():
            i += 1
            continue
        quote = text[i] if text[i] in "\"'" else None
        if quote:
            end = text.find(quote, i + 1)
            # A lone apostrophe (O'Brien's, 'til) is just part of the word.
            if end != -1 and (end + 1 == n or text[end + 1].isspace()):
                words.append(text[i + 1 : end].strip())
                i = end + 1
                continue
        j = i
        while j < n and not text[j].isspace():
            j += 1
        words.append(text[i:j])
        i = j
    return [w for w in words if w]


def mention(word: str) -> str | None:
    match = _MENTION_RE.match(word.strip())
    return (match.group(1) or match.group(2)) if match else None


def is_dateish(word: str) -> bool:
    return looks_like_date(word) or bool(_DATEISH_RE.match(word))


def day_of(word: str) -> date:
    return parse_day(word)


def _case_no(command: str, sub: str, words: list[str]) -> str:
    if not words:
        raise usage_error(command, sub, "Which case? Give its number.")
    word = words.pop(0)
    if mention(word) or is_dateish(word):
        raise usage_error(command, sub, f"“{word[:40]}” is not a case number.")
    return word


def _no_more(command: str, sub: str, words: list[str]) -> None:
    if words:
        raise usage_error(command, sub, f"I don't know what to do with “{' '.join(words)[:60]}”.")


def _date_opt(command: str, sub: str, words: list[str]) -> date | None:
    """An optional date as the next word."""
    if words and is_dateish(words[0]):
        return _day(command, sub, words.pop(0))
    return None


def _day(command: str, sub: str, word: str) -> date:
    try:
        return day_of(word)
    except BadDate as exc:
        raise BadDate(exc.message, example=USAGE[(command, sub)][1], usage=USAGE[(command, sub)][0]) from None


def _amount(command: str, sub: str, word: str) -> Decimal:
    try:
        return parse_amount(word)
    except BadAmount as exc:
        raise BadAmount(
            exc.message, example=USAGE[(command, sub)][1], usage=USAGE[(command, sub)][0]
        ) from None


def _user(command: str, sub: str, word: str | None, what: str = "person") -> str:
    user = mention(word or "")
    if user is None:
        shown = f"“{word[:40]}” is not" if word else "Name"
        raise usage_error(command, sub, f"{shown} a Slack mention: @-mention the {what}.")
    return user


# ---------------------------------------------------------------- /case


def parse_new(words: list[str]) -> dict[str, Any]:
    sub = "new"
    number = _case_no(CASE, sub, words)
    manager: str | None = None
    on: date | None = None
    limitation: date | None = None
    name: list[str] = []
    while words:
        word = words.pop(0)
        if word.lower() == "sol" and words and is_dateish(words[0]):
            if limitation is not None:
                raise usage_error(CASE, sub, "Give the statute of limitations date once.")
            limitation = _day(CASE, sub, words.pop(0))
        elif mention(word):
            if manager is not None:
                raise usage_error(CASE, sub, "A case has one manager: @-mention just one person.")
            manager = mention(word)
        elif is_dateish(word):
            if on is not None:
                raise usage_error(
                    CASE, sub, "Give one treatment-complete date (and the limitation date after “sol”)."
                )
            on = _day(CASE, sub, word)
        elif word.startswith("<@") or word.startswith("<#") or word.startswith("<!"):
            raise usage_error(CASE, sub, f"“{word[:40]}” is not a person: @-mention the manager.")
        else:
            name.append(word)
    if not name:
        raise usage_error(CASE, sub, "Give the client's name after the case number.")
    return {
        "number": number,
        "client": " ".join(name),
        "manager": manager,
        "on": on,
        "limitation_on": limitation,
    }


def parse_show(words: list[str]) -> dict[str, Any]:
    number = _case_no(CASE, "show", words)
    _no_more(CASE, "show", words)
    return {"number": number}


def parse_provider(words: list[str]) -> tuple[str, dict[str, Any]]:
    number = _case_no(CASE, "provider", words)
    if not words:
        raise usage_error(CASE, "provider", "Say add, received or followed-up after the case number.")
    action = words.pop(0).lower().replace("_", "-")
    action = {"followedup": "followed-up", "follow-up": "followed-up", "followup": "followed-up"}.get(
        action, action
    )
    sub = f"provider {action}"
    if (CASE, sub) not in USAGE:
        raise usage_error(CASE, "provider", f"“{action[:30]}” is not add, received or followed-up.")
    on = None
    if words and is_dateish(words[-1]):
        on = _day(CASE, sub, words.pop())
    if action == "add":
        if not words:
            raise usage_error(CASE, sub, "Name the provider.")
        return sub, {"number": number, "name": " ".join(words), "on": on}
    if action == "received":
        if len(words) < 2:
            raise usage_error(
                CASE,
                sub,
                "Name the provider (its number on the card or the start of its name) and "
                "what arrived: records, bills or both.",
            )
        what = words.pop().lower()
        if what not in ("records", "bills", "both"):
            raise usage_error(CASE, sub, f"“{what[:30]}” is not records, bills or both.")
        return sub, {"number": number, "ref": " ".join(words), "what": what, "on": on}
    if not words:
        raise usage_error(CASE, sub, "Name the provider: its number on the card or the start of its name.")
    return sub, {"number": number, "ref": " ".join(words), "on": on}


def parse_contacted(words: list[str]) -> dict[str, Any]:
    sub = "contacted"
    number = _case_no(CASE, sub, words)
    kind = "client"
    if words and words[0].lower() in ("client", "adjuster"):
        kind = words.pop(0).lower()
    on = _date_opt(CASE, sub, words)
    note = " ".join(words).strip() or None
    return {"number": number, "kind": kind, "on": on, "note": note}


def parse_advance(words: list[str]) -> dict[str, Any]:
    sub = "advance"
    number = _case_no(CASE, sub, words)
    because = None
    lowered = [w.lower() for w in words]
    if "because" in lowered:
        at = lowered.index("because")
        because = " ".join(words[at + 1 :]).strip()
        words = words[:at]
        if not because:
            raise usage_error(
                CASE,
                sub,
                "Say why after “because”.",
                example=f"/case advance {number} demand_queue because the last bill is on its way",
            )
    to = None
    if words and not is_dateish(words[0]):
        to = words.pop(0)
    on = _date_opt(CASE, sub, words)
    _no_more(CASE, sub, words)
    return {"number": number, "to": to, "on": on, "because": because}


def parse_holdup(words: list[str]) -> tuple[str, dict[str, Any]]:
    sub = "holdup"
    number = _case_no(CASE, sub, words)
    if not words:
        raise usage_error(
            CASE, sub, "Say what holds it up: chart-notes, billing, wage-loss or other (or clear)."
        )
    kind = words.pop(0).lower().replace("_", "-")
    kind = {"chartnotes": "chart-notes", "chart": "chart-notes", "wageloss": "wage-loss"}.get(kind, kind)
    if kind == "clear":
        what = words.pop(0).lower() if words else "all"
        if what not in (*HOLDUP_KINDS, "all"):
            raise usage_error(
                CASE, sub, f"“{what[:30]}” is not a hold-up: chart-notes, billing, wage-loss, other or all."
            )
        _no_more(CASE, sub, words)
        return "clear", {"number": number, "kind": what}
    if kind not in HOLDUP_KINDS:
        raise usage_error(
            CASE, sub, f"“{kind[:30]}” is not a hold-up: chart-notes, billing, wage-loss or other."
        )
    note = " ".join(words).strip() or None
    if kind == "other" and not note:
        raise usage_error(
            CASE, sub, "Say what holds it up.", example=f"/case holdup {number} other police report"
        )
    return "set", {"number": number, "kind": kind, "note": note}


def parse_demand(words: list[str]) -> tuple[str, dict[str, Any]]:
    sub = "demand"
    number = _case_no(CASE, sub, words)
    if not words or words[0].lower() not in ("sent", "ack", "acknowledged", "resent"):
        got = f"“{words[0][:30]}” is not" if words else "Say"
        raise usage_error(CASE, sub, f"{got} sent, ack or resent.")
    event = words.pop(0).lower()
    event = "ack" if event == "acknowledged" else event
    on = _date_opt(CASE, sub, words)
    adjuster = None
    if words and words[0].lower() == "adjuster":
        if event == "ack":
            raise usage_error(CASE, sub, "An acknowledgment takes only a date.")
        names = words[1:]
        if names and on is None and is_dateish(names[-1]):
            on = _day(CASE, sub, names.pop())
        adjuster = " ".join(names).strip()
        if not adjuster:
            raise usage_error(CASE, sub, "Name the adjuster after “adjuster”.")
        words = []
    _no_more(CASE, sub, words)
    args: dict[str, Any] = {"number": number, "on": on}
    if event != "ack":
        args["adjuster"] = adjuster
    return event, args


def parse_accounting(words: list[str]) -> dict[str, Any]:
    sub = "accounting"
    number = _case_no(CASE, sub, words)
    if not words:
        raise usage_error(CASE, sub, "Give the gross settlement.")
    gross = _amount(CASE, sub, words.pop(0))
    extra: dict[str, Decimal | None] = {"costs": None, "liens": None, "litigation_costs": None}
    while words:
        key = words.pop(0).lower().replace("_", "-")
        field = {"costs": "costs", "liens": "liens", "litigation-costs": "litigation_costs"}.get(key)
        if field is None:
            raise usage_error(CASE, sub, f"“{key[:30]}” is not costs, liens or litigation-costs.")
        if not words:
            raise usage_error(CASE, sub, f"Give an amount after “{key}”.")
        extra[field] = _amount(CASE, sub, words.pop(0))
    return {"number": number, "gross": gross, **extra}


def parse_assign(words: list[str]) -> dict[str, Any]:
    sub = "assign"
    number = _case_no(CASE, sub, words)
    manager = _user(CASE, sub, words.pop(0) if words else None, "new manager")
    _no_more(CASE, sub, words)
    return {"number": number, "manager": manager}


def parse_close(words: list[str]) -> dict[str, Any]:
    sub = "close"
    number = _case_no(CASE, sub, words)
    outcome = words.pop(0).lower() if words else ""
    if outcome not in CLOSE_OUTCOMES:
        got = f"“{outcome[:30]}” is not" if outcome else "Say whether it"
        raise usage_error(CASE, sub, f"{got} settled, litigation or dropped.")
    _no_more(CASE, sub, words)
    return {"number": number, "outcome": outcome}


def parse_nothing(sub: str) -> Callable[[list[str]], dict[str, Any]]:
    def parse(words: list[str]) -> dict[str, Any]:
        _no_more(CASE, sub, words)
        return {}

    return parse


def parse_due(words: list[str]) -> dict[str, Any]:
    day = _date_opt(CASE, "due", words)
    _no_more(CASE, "due", words)
    return {"day": day}


def parse_overdue(words: list[str]) -> dict[str, Any]:
    user = _user(CASE, "overdue", words.pop(0)) if words else None
    _no_more(CASE, "overdue", words)
    return {"user": user}


def parse_away(words: list[str]) -> dict[str, Any]:
    sub = "away"
    until = cover = None
    while words:
        word = words.pop(0).lower()
        if word == "until" and words:
            until = _day(CASE, sub, words.pop(0))
        elif word == "cover" and words:
            cover = _user(CASE, sub, words.pop(0), "person who covers")
        else:
            raise usage_error(CASE, sub, f"I don't know what to do with “{word[:40]}”.")
    return {"until": until, "cover": cover}


def parse_role(words: list[str]) -> dict[str, Any]:
    sub = "role"
    user = _user(CASE, sub, words.pop(0) if words else None)
    role = words.pop(0).lower() if words else ""
    if role not in ROLE_NAMES:
        got = f"“{role[:20]}” is not a role:" if role else "Give the role:"
        raise usage_error(CASE, sub, f"{got} manager, lead or admin.")
    _no_more(CASE, sub, words)
    return {"user": user, "role": role}


def parse_sol(words: list[str]) -> dict[str, Any]:
    """The limitation date itself, or `loss <day> <state>` to compute it (both: the date given wins)."""
    sub = "sol"
    number = _case_no(CASE, sub, words)
    on = _date_opt(CASE, sub, words)
    loss_on: date | None = None
    state: str | None = None
    if words and words[0].lower() == "loss":
        words.pop(0)
        if not words or not is_dateish(words[0]):
            raise usage_error(CASE, sub, "Give the day of the loss after “loss”, then its state.")
        loss_on = _day(CASE, sub, words.pop(0))
        if not words:
            raise usage_error(CASE, sub, "Give the state where the loss happened: two letters, like CA.")
        word = words.pop(0)
        if not _STATE_RE.match(word):
            raise usage_error(CASE, sub, f"“{word[:20]}” is not a state: two letters, like CA.")
        state = word.upper()
    _no_more(CASE, sub, words)
    if on is None and loss_on is None:
        raise usage_error(
            CASE, sub, "Give the limitation date, or “loss” with the day of the loss and its state."
        )
    return {"number": number, "on": on, "loss_on": loss_on, "state": state}


_FEE_KEYS = {"presuit": "presuit", "pre-suit": "presuit", "litigation": "litigation", "base": "base"}


def parse_fees(words: list[str]) -> dict[str, Any]:
    """`presuit 33 1/3%`, `litigation 40%`, `base net`, in any order; `default` puts a term back."""
    from bot.rules.fees import parse_rate

    sub = "fees"
    number = _case_no(CASE, sub, words)
    terms: dict[str, str] = {}
    while words:
        key = words.pop(0).lower()
        field = _FEE_KEYS.get(key)
        if field is None:
            raise usage_error(CASE, sub, f"“{key[:30]}” is not presuit, litigation or base.")
        if field in terms:
            raise usage_error(CASE, sub, f"Give {field} once.")
        value: list[str] = []
        while words and words[0].lower() not in _FEE_KEYS:
            value.append(words.pop(0))
        text = " ".join(value)
        if field == "base":
            if text.lower() not in ("gross", "net", "default"):
                got = f"“{text[:20]}” is not" if text else "Say after “base” whether the fee is on"
                raise usage_error(CASE, sub, f"{got} gross or net (of costs).")
            text = text.lower()
        elif not text:
            raise usage_error(CASE, sub, f"Give the {field} fee rate after “{key}”, like 33 1/3% or 40%.")
        elif text.lower() == "default":
            text = "default"
        else:
            try:
                parse_rate(text, what=f"{field} fee")
            except InputError as exc:
                raise usage_error(CASE, sub, exc.message) from None
        terms[field] = text
    if not terms:
        raise usage_error(
            CASE, sub, "Give at least one term: presuit <rate>, litigation <rate> or base gross|net."
        )
    return {
        "number": number,
        "presuit": terms.get("presuit"),
        "litigation": terms.get("litigation"),
        "base": terms.get("base"),
    }


def parse_handover(words: list[str]) -> dict[str, Any]:
    sub = "handover"
    from_user = _user(CASE, sub, words.pop(0) if words else None, "manager whose cases move")
    if words and words[0].lower() == "to":
        words.pop(0)
    to_user = _user(CASE, sub, words.pop(0) if words else None, "manager who takes them")
    _no_more(CASE, sub, words)
    return {"from_user": from_user, "to_user": to_user}


# ---------------------------------------------------------------- /offer


def parse_offer_received(words: list[str]) -> dict[str, Any]:
    sub = "received"
    number = _case_no(OFFER, sub, words)
    if not words:
        raise usage_error(OFFER, sub, "Give the amount offered.")
    amount = _amount(OFFER, sub, words.pop(0))
    final, on = False, None
    while words:
        word = words.pop(0)
        if word.lower() == "final" and not final:
            final = True
        elif is_dateish(word) and on is None:
            on = _day(OFFER, sub, word)
        else:
            raise usage_error(OFFER, sub, f"I don't know what to do with “{word[:40]}”.")
    return {"number": number, "amount": amount, "final": final, "on": on}


def parse_offer_list(words: list[str]) -> dict[str, Any]:
    number = _case_no(OFFER, "list", words)
    _no_more(OFFER, "list", words)
    return {"number": number}


def parse_offer_informed(words: list[str]) -> dict[str, Any]:
    sub = "informed"
    number = _case_no(OFFER, sub, words)
    n = None
    if words and not is_dateish(words[0]):
        match = _ORDINAL_RE.match(words[0])
        if not match or int(match.group(1)) < 1:
            raise usage_error(OFFER, sub, f"“{words[0][:30]}” is not an offer number like 1 or 2nd.")
        n = int(match.group(1))
        words.pop(0)
    on = _date_opt(OFFER, sub, words)
    _no_more(OFFER, sub, words)
    return {"number": number, "n": n, "on": on}

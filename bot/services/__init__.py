"""The services: one function per user action, each one transaction that changes a case and writes its audit
entry together, or changes nothing. One module per subject; this package names the user actions (and the
types a caller needs: Firm, Outcome, Home, the roles) in one place. What the services share among themselves
(changes.py's checks, audit and re-planning; a Session-taking helper) is imported from its module, not here."""

from __future__ import annotations

from bot.services.cases import (
    assign,
    check_may_see,
    create_case,
    has_cases,
    my_case_lists,
    my_cases,
    show_case,
)
from bot.services.claim_events import fix_claim, record_claim_event
from bot.services.closing import close_case
from bot.services.contacts import log_contact, record_attempt
from bot.services.corrections import (
    fix_client,
    fix_contact,
    fix_demand,
    fix_holdup,
    fix_offer,
    fix_provider,
    fix_treatment,
)
from bot.services.demand import demand_ack, demand_resent, demand_sent
from bot.services.firm import Firm, Outcome
from bot.services.holdups import clear_holdup, set_holdup
from bot.services.home import Home, home
from bot.services.ledger import (
    add_cost,
    add_lien,
    lien_accepted,
    lien_paid,
    lien_reduced,
    record_bill,
    record_no_bill,
)
from bot.services.obligations import (
    coming_up,
    due_for,
    log_from_digest,
    my_day,
    overdue,
    overdue_page,
    snooze,
    snooze_until,
)
from bot.services.offers import list_offers, offer_informed, offer_received
from bot.services.people import set_away, set_back, set_role
from bot.services.providers import add_provider, provider_followed_up, provider_received
from bot.services.stages import advance
from bot.services.team import change_team, team
from bot.services.undo import undo_change

__all__ = [
    "Firm",
    "Outcome",
    "add_cost",
    "add_lien",
    "add_provider",
    "advance",
    "assign",
    "change_team",
    "check_may_see",
    "clear_holdup",
    "close_case",
    "coming_up",
    "create_case",
    "demand_ack",
    "demand_resent",
    "demand_sent",
    "due_for",
    "home",
    "Home",
    "my_day",
    "fix_claim",
    "fix_client",
    "fix_contact",
    "fix_demand",
    "fix_holdup",
    "fix_offer",
    "fix_provider",
    "fix_treatment",
    "has_cases",
    "lien_accepted",
    "lien_paid",
    "lien_reduced",
    "list_offers",
    "log_contact",
    "log_from_digest",
    "my_case_lists",
    "my_cases",
    "offer_informed",
    "offer_received",
    "overdue",
    "overdue_page",
    "provider_followed_up",
    "provider_received",
    "record_bill",
    "record_attempt",
    "record_claim_event",
    "record_no_bill",
    "set_away",
    "set_back",
    "set_holdup",
    "set_role",
    "show_case",
    "snooze",
    "snooze_until",
    "team",
    "undo_change",
]

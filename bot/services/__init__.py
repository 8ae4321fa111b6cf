"""The services: one function per user action, each one transaction that changes a case and writes its audit
entry together, or changes nothing. One module per subject; this package names them all in one place."""

from __future__ import annotations

from bot.services.cases import (
    assign,
    check_may_see,
    close_case,
    create_case,
    has_cases,
    my_cases,
    show_case,
)
from bot.services.changes import (
    announce_change,
    audit,
    card_of,
    change_case,
    enter_stage,
    event_day,
    find_case,
    find_case_for,
    may_change,
    may_reassign,
    may_see,
    replan,
    require_open,
    role_of,
)
from bot.services.contacts import log_contact, record_contact
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
from bot.services.firm import LEAD_ROLES, ROLES, Firm, Outcome, Transaction
from bot.services.holdups import clear_holdup, set_holdup
from bot.services.ledger import add_cost, add_lien, lien_accepted, lien_paid, lien_reduced, record_bill
from bot.services.obligations import (
    SNOOZE_DAYS,
    ComingDay,
    OverduePage,
    coming_up,
    due_for,
    log_from_digest,
    overdue,
    overdue_page,
    snooze,
    snooze_until,
)
from bot.services.offers import list_offers, offer_informed, offer_received
from bot.services.people import claim_event, person, remember_person, role, set_away, set_back, set_role
from bot.services.providers import add_provider, provider_followed_up, provider_received
from bot.services.stages import advance
from bot.services.team import change_team, team
from bot.services.undo import undo_change

__all__ = [
    "ComingDay",
    "Firm",
    "LEAD_ROLES",
    "Outcome",
    "OverduePage",
    "ROLES",
    "SNOOZE_DAYS",
    "Transaction",
    "add_cost",
    "add_lien",
    "add_provider",
    "advance",
    "announce_change",
    "assign",
    "audit",
    "card_of",
    "change_case",
    "change_team",
    "check_may_see",
    "claim_event",
    "clear_holdup",
    "close_case",
    "coming_up",
    "create_case",
    "demand_ack",
    "demand_resent",
    "demand_sent",
    "due_for",
    "enter_stage",
    "event_day",
    "find_case",
    "find_case_for",
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
    "may_change",
    "may_reassign",
    "may_see",
    "my_cases",
    "offer_informed",
    "offer_received",
    "overdue",
    "overdue_page",
    "person",
    "provider_followed_up",
    "provider_received",
    "record_bill",
    "record_contact",
    "remember_person",
    "replan",
    "require_open",
    "role",
    "role_of",
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

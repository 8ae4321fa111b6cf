"""Every message, modal and Home tab casebot shows, as pure `build_*` functions from plain data to Block Kit.

One kit (kit.py: blocks at Slack's limits and `esc()` for user text), then the builders by subject: replies
(help, refusals, outcomes), card, offers, ledger (the card's ledger, accounting, the statement), lists (mine,
due, overdue), home, modals, digests (the digest and reminders), alerts (escalations, the weekly report, limitation alerts) and outbound (each
message kind casebot sends on its own to its builder). Nothing here talks to Slack or the database.

The replies to commands are importable from here; the digests' own action ids live in handlers.blocks.digests."""

from handlers.blocks.calendar_links import build_calendar_link, build_calendar_links
from handlers.blocks.card import ADVANCE, LOG_CONTACT, PROVIDER_RECEIVED, build_case_card, user_text
from handlers.blocks.home import build_home
from handlers.blocks.kit import (
    BUTTON_CHARS,
    HEADER_CHARS,
    MESSAGE_BLOCKS,
    SECTION_CHARS,
    VIEW_BLOCKS,
    Block,
    Reply,
    all_text,
    button,
    code,
    context,
    day,
    divider,
    esc,
    esc_message,
    fit,
    header,
    lines_sections,
    section,
)
from handlers.blocks.ledger import build_accounting, build_statement_sent, ledger_blocks
from handlers.blocks.lists import (
    OVERDUE_NEXT,
    OVERDUE_PAGE_ITEMS,
    OVERDUE_PREVIOUS,
    build_due,
    build_mine,
    build_overdue,
    build_overdue_page,
    due_line,
    overdue_line,
    overdue_order,
    overdue_page_count,
    overdue_page_of,
    read_page_value,
)
from handlers.blocks.modals import (
    LOG_CONTACT_VIEW,
    NEW_CASE_VIEW,
    build_log_contact_modal,
    build_new_case_modal,
)
from handlers.blocks.offers import OFFER_INFORMED, build_offers
from handlers.blocks.replies import (
    UNDO,
    build_error,
    build_message,
    build_outcome,
    build_usage_card,
    read_undo_value,
    undo_button,
)

__all__ = [
    "ADVANCE",
    "UNDO",
    "read_undo_value",
    "undo_button",
    "BUTTON_CHARS",
    "HEADER_CHARS",
    "LOG_CONTACT",
    "LOG_CONTACT_VIEW",
    "MESSAGE_BLOCKS",
    "NEW_CASE_VIEW",
    "OFFER_INFORMED",
    "OVERDUE_NEXT",
    "OVERDUE_PAGE_ITEMS",
    "OVERDUE_PREVIOUS",
    "PROVIDER_RECEIVED",
    "SECTION_CHARS",
    "VIEW_BLOCKS",
    "Block",
    "Reply",
    "all_text",
    "build_accounting",
    "build_case_card",
    "build_due",
    "build_calendar_link",
    "build_calendar_links",
    "build_error",
    "build_usage_card",
    "build_home",
    "build_log_contact_modal",
    "build_message",
    "build_mine",
    "build_new_case_modal",
    "build_offers",
    "build_outcome",
    "build_overdue",
    "build_overdue_page",
    "build_statement_sent",
    "button",
    "context",
    "day",
    "divider",
    "due_line",
    "code",
    "esc",
    "esc_message",
    "fit",
    "header",
    "ledger_blocks",
    "lines_sections",
    "overdue_line",
    "overdue_order",
    "overdue_page_count",
    "overdue_page_of",
    "read_page_value",
    "section",
    "user_text",
]

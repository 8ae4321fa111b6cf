"""The forms: a new case (`/case new` with no words) and Log contact (the card's button)."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from handlers.blocks.kit import Block, esc, plain, section

# callback_ids of the two modals
NEW_CASE_VIEW = "new_case"
LOG_CONTACT_VIEW = "log_contact_view"

TITLE_CHARS = 24
LABEL_CHARS = 2000


def build_new_case_modal(user: str, today: date, *, channel: str | None = None) -> dict[str, Any]:
    return {
        "type": "modal",
        "callback_id": NEW_CASE_VIEW,
        "title": plain("New case", TITLE_CHARS),
        "submit": plain("Open case", TITLE_CHARS),
        "close": plain("Cancel", TITLE_CHARS),
        "private_metadata": json.dumps({"channel": channel}) if channel else "",
        "blocks": [
            _input(
                "number",
                "Case number",
                {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "max_length": 40,
                    "placeholder": plain("PI-2041", 150),
                },
            ),
            _input(
                "client",
                "Client's name",
                {"type": "plain_text_input", "action_id": "value", "max_length": 200},
            ),
            _input(
                "manager",
                "Case manager",
                {"type": "users_select", "action_id": "value", "initial_user": user},
            ),
            _input(
                "on",
                "Treatment completed",
                {"type": "datepicker", "action_id": "value", "initial_date": today.isoformat()},
                hint="Today or earlier: the playbook's clocks count from this day.",
            ),
            _input(
                "sol", "Statute of limitations", {"type": "datepicker", "action_id": "value"}, optional=True
            ),
        ],
    }


ACCOUNTING_CHOICE = "client:accounting"  # the Log contact form's "Who" for the accounting conversation


def build_log_contact_modal(number: str, today: date, *, channel: str | None = None) -> dict[str, Any]:
    options = [
        {"text": plain("Client", 75), "value": "client"},
        {"text": plain("Adjuster", 75), "value": "adjuster"},
        # Step 9's conversation with the client: the only contact that closes R12.
        {"text": plain("Client: the accounting conversation (step 9)", 75), "value": ACCOUNTING_CHOICE},
    ]
    return {
        "type": "modal",
        "callback_id": LOG_CONTACT_VIEW,
        "title": plain("Log contact", TITLE_CHARS),
        "submit": plain("Log it", TITLE_CHARS),
        "close": plain("Cancel", TITLE_CHARS),
        "private_metadata": json.dumps({"case": number, "channel": channel}),
        "blocks": [
            section(f"*{esc(number)}*"),
            _input(
                "kind",
                "Who",
                {
                    "type": "radio_buttons",
                    "action_id": "value",
                    "options": options,
                    "initial_option": options[0],
                },
            ),
            _input(
                "on", "Day", {"type": "datepicker", "action_id": "value", "initial_date": today.isoformat()}
            ),
            _input(
                "note",
                "Note",
                {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 2000},
                optional=True,
            ),
        ],
    }


def _input(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str | None = None
) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, LABEL_CHARS),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = plain(hint, LABEL_CHARS)
    return block

"""One translation of errors into replies: a refusal lands on the form field it concerns, and casebot's own
faults read the same from a command, a card button, a digest button, the overdue pages and a form."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot import services
from handlers.blocks.digests import OPEN_CASE
from handlers.refusals import PROBLEM
from tests.kit.workspace import Slack


def _new_case(**values: Any) -> dict[str, dict[str, Any]]:
    form = {"number": "PI-5", "client": "Lee Park", "manager": "U1", "on": "2026-11-02", "sol": None}
    form.update(values)
    return {
        "number": {"value": form["number"]},
        "client": {"value": form["client"]},
        "manager": {"selected_user": form["manager"]},
        "on": {"selected_date": form["on"]},
        "sol": {"selected_date": form["sol"]},
    }


@pytest.mark.parametrize(
    ("values", "field", "says"),
    [
        ({"number": "PI 5!"}, "number", "is not a case number"),
        ({"client": ""}, "client", "client's name"),
        ({"manager": "UGUEST"}, "manager", "a guest"),
        ({"manager": "UNOBODY"}, "manager", "Slack does not know"),
        ({"on": "2026-12-25"}, "on", "in the future"),
    ],
)
def test_a_form_shows_a_refusal_on_the_field_it_concerns(
    workspace: Slack, values: dict[str, Any], field: str, says: str
) -> None:
    answer = workspace.submit("U1", "new_case", _new_case(**values))
    assert answer.body["response_action"] == "errors"
    assert list(answer.body["errors"]) == [field], answer.body
    assert says in answer.body["errors"][field]
    assert services.has_cases(workspace.firm) is False


def _boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("the database said something odd")


def test_casebots_own_fault_reads_the_same_everywhere(
    workspace: Slack, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.case("U1", "new PI-1 Jane Roe 2026-11-02")
    for name in ("show_case", "advance", "overdue_page", "log_contact"):
        monkeypatch.setattr(services, name, _boom)

    shown: list[str] = [workspace.case("U1", "show PI-1").all_text]
    workspace.click("U1", "advance", json.dumps({"case": "PI-1", "expected": "records"}))
    workspace.click("U1", "overdue_page_next", json.dumps({"page": 2, "user": None}))
    workspace.click("U1", OPEN_CASE, "PI-1", channel="DU1")
    shown += [json.dumps(call.params) for call in workspace.standin.calls_to("response_url")]
    form = workspace.submit(
        "U1",
        "log_contact_view",
        {
            "kind": {"selected_option": {"value": "client"}},
            "on": {"selected_date": None},
            "note": {"value": ""},
        },
        metadata=json.dumps({"case": "PI-1"}),
    )

    assert len(shown) == 4, shown
    for text in shown:
        assert PROBLEM in text, text
    assert form.body["errors"] == {"kind": PROBLEM.removeprefix(":x: ")}

"""One vocabulary: each word of the playbook's (roles, contact kinds, close outcomes, the claim deadline, the
day forms, the refusal of a non-member) is defined in one place, and the stage table carries its guard as a
rule function. Pure: no database."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

from bot.rules import playbook as pb
from bot.services.members import Member, not_member

REPO = Path(__file__).resolve().parents[2]


def _module_level_names() -> Counter[str]:
    """How many modules of bot/ and handlers/ define each module-level name (an assignment, not an import;
    a command table entry, `X = Subcommand(…)`, is the subcommand, not its word)."""
    found: Counter[str] = Counter()
    for package in ("bot", "handlers"):
        for path in (REPO / package).rglob("*.py"):
            for node in ast.parse(path.read_text(encoding="utf-8")).body:
                if not isinstance(node, ast.Assign | ast.AnnAssign) or node.value is None:
                    continue
                call = node.value.func if isinstance(node.value, ast.Call) else None
                if isinstance(call, ast.Name) and call.id == "Subcommand":
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                found.update(t.id for t in targets if isinstance(t, ast.Name))
    return found


def test_each_vocabulary_word_is_defined_once() -> None:
    defined = _module_level_names()
    for name in ("ROLES", "LEAD_ROLES", "CONTACT_KINDS", "RECORDED_CONTACT_KINDS", "CLAIM_DEADLINE", "FORMS"):
        assert defined[name] == 1, f"{name} is defined {defined[name]} times"


def test_the_word_lists_come_from_the_enums() -> None:
    assert pb.ROLES == tuple(pb.Role) == ("manager", "lead", "admin")
    assert set(pb.LEAD_ROLES) == {pb.Role.LEAD, pb.Role.ADMIN}
    assert pb.CONTACT_KINDS == tuple(pb.ContactKind) == ("client", "adjuster")
    assert pb.RECORDED_CONTACT_KINDS == ("client", "adjuster", "provider")
    assert tuple(pb.CloseOutcome) == pb.CLOSED_STAGES == ("settled", "litigation", "dropped")
    assert set(pb.CLOSE_NEEDS) == set(pb.CloseOutcome)
    assert all(pb.Kind(k) for k in pb.RECORDED_CONTACT_KINDS)


def test_a_stored_string_is_its_word() -> None:
    """Storage keeps plain strings: a StrEnum member equals, hashes and formats as its value."""
    assert "lead" in pb.LEAD_ROLES and "manager" not in pb.LEAD_ROLES
    assert {pb.Role.ADMIN: 1}["admin"] == 1
    assert f"{pb.CloseOutcome.SETTLED}" == "settled"


def test_the_stage_guard_is_a_rule_on_the_table() -> None:
    guarded = {s: info.requires for s, info in pb.STAGES.items() if info.requires is not None}
    assert guarded == {pb.Stage.RECORDS: pb.all_records_in}
    assert "no providers yet" in pb.all_records_in(pb.GuardFacts("PI-1", ()))
    owing = pb.all_records_in(pb.GuardFacts("PI-1", (("Valley Ortho", "bills"), ("Dr. Lee", ""))))
    assert owing == "PI-1 can't go to the demand yet: still owed by Valley Ortho (bills)."
    assert pb.all_records_in(pb.GuardFacts("PI-1", (("Dr. Lee", ""),))) is None


def test_one_refusal_for_someone_who_is_not_a_member() -> None:
    assert not_member(None) is None
    assert not_member(Member("U1", "manager")) is None
    guest = not_member(Member("U1", "manager", is_guest=True), who="<@U1> is", field="manager")
    assert guest is not None and guest.field == "manager"
    assert guest.message == (
        "<@U1> is a guest in this Slack workspace; casebot is for the firm's own full members. "
        "Ask a workspace admin if that is wrong."
    )
    wording = "casebot is for the firm's own full members"
    where = [
        str(p.relative_to(REPO))
        for package in ("bot", "handlers")
        for p in (REPO / package).rglob("*.py")
        if wording in p.read_text(encoding="utf-8")
    ]
    assert where == ["bot/services/members.py"]

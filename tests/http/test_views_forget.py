"""Views that forget: a change names everyone whose view it altered, and casebot publishes their Home again at
once (views.publish on the Slack stand-in), through the real server. Whoever loses a case (reassigned, handed
over, taken off its team, a case opened by mistake undone) gets a Home without it; whoever becomes a guest or
is deactivated gets the Home that says casebot is not for them, with no case on it."""

from __future__ import annotations

import json

import pytest

from bot import services
from handlers.render import render_view
from handlers.slack.standin import SlackStandIn
from tests.kit.served import ServedSlack

CLIENT = "Imogen Vantablack"
OTHER = "Bartholomew Quince"


@pytest.fixture
def standin(standin: SlackStandIn) -> SlackStandIn:
    standin.add_user("U3", name="u3")
    return standin


@pytest.fixture
def served(served: ServedSlack) -> ServedSlack:
    served.case("UADMIN", "role <@ULEAD> lead")
    served.case("U1", f"new PI-7 {CLIENT} 2026-11-02")
    served.case("U2", f"new PI-8 {OTHER} 2026-11-02")
    for user in ("U2", "U3"):
        served.case(user, "mine")  # casebot knows them (what Slack says of them is cached)
    for user in ("ULEAD", "U1", "U2", "U3"):
        served.open_home(user)  # each is looking at their Home (a change publishes only Homes opened lately)
    return served


def homes(served: ServedSlack) -> dict[str, str]:
    """Each person's Home as last published since the stand-in was reset, as they read it."""
    return {
        call.params["user_id"]: render_view(call.params["view"])
        for call in served.standin.calls_to("views.publish")
    }


def test_a_reassignment_republishes_the_old_and_new_managers_and_the_team(served: ServedSlack) -> None:
    served.case("U1", "team PI-7 add <@U3>")
    assert services.show_case(served.firm, "U3", "PI-7").client == CLIENT
    served.standin.reset()
    served.case("ULEAD", "assign PI-7 <@U2>")
    shown = homes(served)
    assert set(shown) == {"ULEAD", "U1", "U2", "U3"}  # the lead's own, as after any change of theirs
    assert CLIENT not in shown["U1"] and "PI-7" not in shown["U1"], "the old manager's Home forgot it"
    assert CLIENT not in shown["U3"] and "PI-7" not in shown["U3"], "so did the team it left"
    assert CLIENT in shown["U2"] and OTHER in shown["U2"]

    # Undone: the case, and its team, are back where they were, and every Home says so.
    served.standin.reset()
    served.case("ULEAD", "undo PI-7")
    shown = homes(served)
    assert {"U1", "U2", "U3"} <= set(shown)
    assert CLIENT in shown["U1"] and CLIENT in shown["U3"] and CLIENT not in shown["U2"]


def test_what_a_change_names_is_who_it_moved_and_nobody_else(served: ServedSlack) -> None:
    served.case("U1", "team PI-7 add <@U3>")
    served.case("U1", "away cover <@U2>")
    served.standin.reset()
    served.case("U1", "contacted PI-7 client")
    assert set(homes(served)) == {"U1"}, "a contact moves nobody's view but the caller's"
    outcome = services.assign(served.firm, "ULEAD", "PI-7", "UADMIN", keep_team=True)
    # U1 and their cover U2 lose it; U3 stays on the team, but their list names another manager now.
    assert outcome.views == {"U1", "U2", "U3", "UADMIN"}
    outcome = services.change_team(served.firm, "ULEAD", "PI-7", "remove", "U3")
    assert outcome.views == {"U3"}


def test_a_handover_republishes_both_managers_and_the_teams(served: ServedSlack) -> None:
    served.case("U1", "team PI-7 add <@U3>")
    served.standin.reset()
    served.case("ULEAD", "handover <@U1> <@U2>")
    shown = homes(served)
    assert {"U1", "U2", "U3"} <= set(shown)
    assert CLIENT not in shown["U1"] and CLIENT not in shown["U3"]
    assert CLIENT in shown["U2"] and OTHER in shown["U2"]


def test_someone_taken_off_a_team_gets_a_home_without_the_case(served: ServedSlack) -> None:
    served.case("U1", "team PI-7 add <@U3>")
    assert CLIENT in homes(served)["U3"], "added: their Home shows it at once"
    served.standin.reset()
    served.case("U1", "team PI-7 remove <@U3>")
    shown = homes(served)
    assert set(shown) == {"U1", "U3"}
    assert CLIENT not in shown["U3"] and "On your team" not in shown["U3"]


def test_a_cover_that_starts_or_ends_republishes_the_cover(served: ServedSlack) -> None:
    served.standin.reset()
    served.case("U1", "away cover <@U2>")
    assert set(homes(served)) == {"U2"}
    served.standin.reset()
    served.case("U1", "away cover <@U3>")  # another cover: the first stops covering, the second starts
    assert set(homes(served)) == {"U2", "U3"}
    served.standin.reset()
    served.case("U1", "back")
    assert set(homes(served)) == {"U3"}


def test_a_case_opened_for_someone_or_taken_back_republishes_their_home(served: ServedSlack) -> None:
    served.standin.reset()
    served.case("ULEAD", "new PI-9 Zed Alder <@U3> 2026-11-02")
    shown = homes(served)
    assert "Zed Alder" in shown["U3"]
    served.standin.reset()
    served.case("ULEAD", "undo PI-9")
    assert "Zed Alder" not in homes(served)["U3"]


def test_a_lead_made_a_manager_loses_the_firm_overview_at_once(served: ServedSlack) -> None:
    served.standin.reset()
    served.event({"type": "app_home_opened", "user": "ULEAD", "tab": "home"}, event_id="EvLead")
    assert "The firm" in homes(served)["ULEAD"]
    served.standin.reset()
    served.case("UADMIN", "role <@ULEAD> manager")
    assert "The firm" not in homes(served)["ULEAD"]


def _user_change(served: ServedSlack, user: str, event_id: str, **flags: bool) -> None:
    profile = {"real_name": user.lower(), "team": served.standin.team_id}
    body = {"id": user, "team_id": served.standin.team_id, "name": user.lower(), "profile": profile, **flags}
    answer = served.event({"type": "user_change", "user": body}, event_id=event_id)
    assert answer.status == 200


@pytest.mark.parametrize(
    ("flags", "says"),
    [
        ({"is_restricted": True}, "a guest in this Slack workspace"),
        ({"is_ultra_restricted": True}, "a guest in this Slack workspace"),
        ({"deleted": True}, "deactivated in Slack"),
    ],
)
def test_someone_made_a_guest_or_deactivated_gets_the_refusal_home_at_once(
    served: ServedSlack, flags: dict[str, bool], says: str
) -> None:
    served.event({"type": "app_home_opened", "user": "U1", "tab": "home"}, event_id="EvOpen")
    assert CLIENT in homes(served)["U1"]
    served.standin.reset()
    _user_change(served, "U1", "EvGuest", **flags)
    (published,) = served.standin.calls_to("views.publish")
    assert published.params["user_id"] == "U1"
    home = render_view(published.params["view"])
    assert says in home and "the firm's" in home
    assert CLIENT not in home and "PI-7" not in home and "PI-8" not in home
    assert CLIENT not in json.dumps(published.params)

    # A change Slack reports again (or of a name only) publishes nothing more; coming back does.
    served.standin.reset()
    _user_change(served, "U1", "EvGuest2", **flags)
    assert not served.standin.calls_to("views.publish")
    _user_change(served, "U1", "EvBack")
    assert CLIENT in homes(served)["U1"]


def test_a_bot_or_a_new_name_publishes_no_home(served: ServedSlack) -> None:
    served.standin.reset()
    _user_change(served, "U2", "EvName")  # a member stays a member: nothing to take back
    assert not served.standin.calls_to("views.publish")
    _user_change(served, "U3", "EvBot", is_bot=True)  # a bot has no Home to publish to
    assert not served.standin.calls_to("views.publish")

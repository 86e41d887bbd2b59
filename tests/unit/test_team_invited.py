"""XX-11(1) 可以邀请人大代表、政协委员、有关法律专家、行业管理专家等参加: the list is open (等). A person
invited from elsewhere — a 县财政局 official, a villagers' representative — joins as invited, not
as the working unit's staff; a team refused them unless they were misstated as staff."""

from __future__ import annotations

import pytest

from domain.errors import Refused
from tests.support import World, XXScript


def _team(script: XXScript, affiliation: str, invited_id: str) -> None:
    script.do(script.lead, "case.form_team", {"members": [
        {"principal_id": str(script.lead.principal_id), "team_role": "leader"},
        {"principal_id": invited_id, "team_role": "member", "affiliation": affiliation},
    ]})


def test_a_team_may_invite_others_than_the_four_named(world: World) -> None:
    script = XXScript(world)
    script.advance_to("form_team")
    finance = world.person("刘洋", ["lead_unit"], "息县财政局")
    with pytest.raises(Refused) as refused:  # stated as the working unit's staff, which they are not
        _team(script, "staff", str(finance.principal_id))
    assert refused.value.rule == "XX/team-composition" and "其他受邀人员" in refused.value.zh
    _team(script, "other_invited", str(finance.principal_id))
    assert script.case.team[str(finance.principal_id)]["affiliation"] == "other_invited"

"""Steps of the evaluation team's composition (息县办法第十一条第（一）项): 小组由承担评估具体工作的单位
相关人员组成，可以邀请人大代表、政协委员、有关法律专家、行业管理专家等参加."""

from __future__ import annotations

import re
from typing import Any

from pytest_bdd import given, parsers, when

from tests.bdd.story import Story

QUOTED = re.compile(r'"([^"]+)"')
#: "刘洋"（人大代表）: an invited member and what they are invited as
INVITED = re.compile(r'"([^"]+)"（([^）]+)）')
AFFILIATIONS = {
    "人大代表": "npc_deputy",
    "政协委员": "cppcc_member",
    "法律专家": "legal_expert",
    "行业管理专家": "sector_expert",
}


@given(parsers.parse('"{name}"是"{unit}"的工作人员'))
def staff_of(story: Story, name: str, unit: str) -> None:
    story.add_person(name, [], unit)


@given(parsers.parse('"{name}"是受邀参加评估的人大代表'))
def a_deputy(story: Story, name: str) -> None:
    story.add_person(name, [], "息县人民代表大会代表")


def _members(story: Story, staff: list[str], invited: list[tuple[str, str]]) -> list[dict[str, Any]]:
    members = [{"principal_id": str(story.person(name).principal_id), "team_role": "member", "affiliation": "staff"}
               for name in staff]
    members += [{"principal_id": str(story.person(name).principal_id), "team_role": "member",
                 "affiliation": AFFILIATIONS[what]} for name, what in invited]
    members[0]["team_role"] = "leader"
    return members


@when(parsers.re(r'^"(?P<person>[^"]+)"成立评估小组，本单位人员为(?P<staff>(?:"[^"]+"、?)+)'
                 r'(?:，邀请(?P<invited>.+)参加)?$'))
def form_team(story: Story, person: str, staff: str, invited: str | None) -> None:
    story.act(story.person(person), "case.form_team", {
        "members": _members(story, QUOTED.findall(staff), INVITED.findall(invited or ""))})


@when(parsers.re(r'^"(?P<person>[^"]+)"成立评估小组，只邀请(?P<invited>.+)参加$'))
def form_team_of_invited(story: Story, person: str, invited: str) -> None:
    story.act(story.person(person), "case.form_team", {"members": _members(story, [], INVITED.findall(invited))})

"""Steps of the preparation phase (息县办法第十一条): the team's composition (第（一）项: 小组由承担评估具体
工作的单位相关人员组成，可以邀请人大代表、政协委员、有关法律专家、行业管理专家等参加) and the questionnaire
designed (第（三）项) before a questionnaire survey is conducted (第十二条第（二）项)."""

from __future__ import annotations

import re
from typing import Any
from uuid import uuid4

from pytest_bdd import given, parsers, when

from tests.bdd.story import Story
from tests.support import today

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


@given(parsers.re(r'^"(?P<person>[^"]+)"已成立评估小组，本单位人员为(?P<staff>(?:"[^"]+"、?)+)'
                  r'，邀请(?P<invited>.+)参加$'))
def team_formed(story: Story, person: str, staff: str, invited: str) -> None:
    form_team(story, person, staff, invited)
    story.require_success()
    story.case_script.done.append("form_team")


@when(parsers.re(r'^"(?P<person>[^"]+)"成立评估小组，只邀请(?P<invited>.+)参加$'))
def form_team_of_invited(story: Story, person: str, invited: str) -> None:
    story.act(story.person(person), "case.form_team", {"members": _members(story, [], INVITED.findall(invited))})


@when(parsers.re(r'^"(?P<person>[^"]+)"开展(?P<online>网上)?问卷调查$'))
def conduct_survey(story: Story, person: str, online: str | None) -> None:
    story.act(story.person(person), "case.conduct_survey", {
        "survey_id": str(uuid4()), "online": online is not None, "period_from": today(-3), "period_to": today(),
        "respondents": 120, "summary": "问卷调查结果"})

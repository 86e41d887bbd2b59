"""Steps of 取消评估资格 (《重大行政决策程序暂行条例》第四十一条): the unit that engaged an agency
or an expert on a case revokes their eligibility to evaluate; no later case under either text
entrusts or engages them again."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from pytest_bdd import given, parsers, then, when

from domain.model.agency import Agency
from domain.model.principal import Principal
from tests.bdd.steps import entrusted_elsewhere
from tests.bdd.story import Story
from tests.support import NXScript


def _revocation(case_id: UUID, first_hash: str) -> dict[str, Any]:
    return {"case_id": str(case_id), "conduct": "评估报告所用数据与统计部门数据明显不符且拒不改正",
            "consequences": "评估结论失实，导致决策调整失误",
            "cited_events": [{"aggregate_id": str(case_id), "version": 1, "hash": first_hash}]}


def _first_hash(story: Story, case_id: UUID) -> str:
    event = story.ledger.stored_event(case_id, 1)
    assert event is not None
    return event.hash


@given(parsers.parse('评估机构"{name}"在另一案件中违反规定造成严重后果，已被取消评估资格'))
def a_revoked_agency(story: Story, name: str) -> None:
    other = entrusted_elsewhere(story, name)
    story.world.do(other.lead, "agency.revoke_eligibility", other.agency_id,
                   _revocation(other.case_id, _first_hash(story, other.case_id)))


@given(parsers.parse('专家"{name}"在另一案件中违反规定造成严重后果，已被取消评估资格'))
def a_revoked_expert(story: Story, name: str) -> None:
    other = NXScript(story.world)
    other.expert = story.people.get(name) or story.add_person(name, ["expert"], "宁夏社会科学院")
    other.advance_to("collect_material")  # engaged there
    story.world.do(other.lead, "principal.revoke_eligibility", other.expert.principal_id,
                   _revocation(other.case_id, _first_hash(story, other.case_id)))


@when(parsers.parse('"{person}"以受委托机构在本案中违反规定、造成严重后果为由，取消其评估资格'))
def revoke_the_agency(story: Story, person: str) -> None:
    case_id = story.case_script.case_id
    story.act(story.person(person), "agency.revoke_eligibility", _revocation(case_id, _first_hash(story, case_id)),
              target=story.nx.agency_id)


@when(parsers.parse('"{person}"以专家"{expert}"在本案中违反规定、造成严重后果为由，取消其评估资格'))
def revoke_the_expert(story: Story, person: str, expert: str) -> None:
    case_id = story.case_script.case_id
    story.act(story.person(person), "principal.revoke_eligibility",
              _revocation(case_id, _first_hash(story, case_id)), target=story.person(expert).principal_id)


@then("受委托机构的评估资格已被取消，记录援引本案的事件")
def agency_revoked(story: Story) -> None:
    agency = story.ledger.find(story.nx.agency_id, Agency)
    assert agency is not None and agency.eligibility_revoked is not None
    assert agency.eligibility_revoked["case_id"] == str(story.case_script.case_id)
    assert agency.eligibility_revoked["cited_events"]


@then(parsers.parse('专家"{expert}"的评估资格已被取消'))
def expert_revoked(story: Story, expert: str) -> None:
    principal = story.ledger.find(story.person(expert).principal_id, Principal)
    assert principal is not None and principal.eligibility_revoked is not None

"""Steps of 《重大行政决策程序暂行条例》第四十一条: the unit that engaged an agency or an expert on a
case criticises them and orders a rectification by a deadline (通报批评、责令限期整改), and records
the rectification; or revokes their eligibility to evaluate, after which no later case under either
text entrusts or engages them again."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID, uuid4

from pytest_bdd import given, parsers, then, when

from domain.errors import MalformedInput
from domain.model.agency import Agency
from domain.model.calendar import china_date
from domain.model.principal import Principal
from projections import queries
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


# --- 通报批评、责令限期整改 and 整改完成 (the article's first step) ---------------------------------


def _criticism(story: Story, case_id: UUID, days: int, **changes: Any) -> dict[str, Any]:
    """A criticism whose deadline is ``days`` after today (China's day); ``changes`` override."""
    args = {"case_id": str(case_id), "criticism_id": str(uuid4()),
            "breach": "问卷调查样本未按评估方案抽取，且未如实说明", "rectification": "按评估方案重新抽样并补充调查",
            "deadline": (china_date(story.clock.now()) + timedelta(days=days)).isoformat(),
            "cited_events": [{"aggregate_id": str(case_id), "version": 1, "hash": _first_hash(story, case_id)}]}
    return {**args, **changes}


@when(parsers.parse('"{person}"以受委托机构在本案中违反职业道德为由予以通报批评，责令{days:d}日内整改'))
def criticise_the_agency(story: Story, person: str, days: int) -> None:
    story.act(story.person(person), "agency.criticise", _criticism(story, story.case_script.case_id, days),
              target=story.nx.agency_id)


@given(parsers.parse('"{person}"已对受委托机构予以通报批评，责令{days:d}日内整改'))
def criticised_the_agency(story: Story, person: str, days: int) -> None:
    criticise_the_agency(story, person, days)
    story.require_success()


@when(parsers.parse('"{person}"以专家"{expert}"在本案中违反本条例规定为由予以通报批评，责令{days:d}日内整改'))
def criticise_the_expert(story: Story, person: str, expert: str, days: int) -> None:
    story.act(story.person(person), "principal.criticise", _criticism(story, story.case_script.case_id, days),
              target=story.person(expert).principal_id)


@when(parsers.parse('"{person}"不援引任何事件，对受委托机构予以通报批评'))
def criticise_citing_nothing(story: Story, person: str) -> None:
    story.act(story.person(person), "agency.criticise",
              _criticism(story, story.case_script.case_id, 30, cited_events=[]), target=story.nx.agency_id)


@when(parsers.parse('"{person}"援引一个哈希不符的事件，对受委托机构予以通报批评'))
def criticise_citing_a_wrong_hash(story: Story, person: str) -> None:
    case_id = story.case_script.case_id
    wrong = [{"aggregate_id": str(case_id), "version": 1, "hash": "0" * 64}]
    story.act(story.person(person), "agency.criticise", _criticism(story, case_id, 30, cited_events=wrong),
              target=story.nx.agency_id)


@when(parsers.parse('"{person}"对受委托机构予以通报批评，整改期限为昨天'))
def criticise_with_a_past_deadline(story: Story, person: str) -> None:
    story.act(story.person(person), "agency.criticise", _criticism(story, story.case_script.case_id, -1),
              target=story.nx.agency_id)


@when(parsers.parse('{days:d}日后，"{person}"记录受委托机构整改完成'))
def record_the_rectification(story: Story, days: int, person: str) -> None:
    story.clock.advance(timedelta(days=days))
    agency = story.ledger.find(story.nx.agency_id, Agency)
    assert agency is not None and len(agency.criticisms) == 1
    story.act(story.person(person), "agency.record_rectification",
              {"criticism_id": next(iter(agency.criticisms)), "account": "已重新抽样并补充调查，报告相应修改"},
              target=story.nx.agency_id)


@given(parsers.parse('评估机构"{name}"在另一案件中违反职业道德，已被通报批评、责令限期整改'))
def a_criticised_agency(story: Story, name: str) -> None:
    other = entrusted_elsewhere(story, name)
    story.world.do(other.lead, "agency.criticise", other.agency_id, _criticism(story, other.case_id, 30))


@then("该操作因未援引事件被拒绝")
def refused_for_citing_nothing(story: Story) -> None:
    assert isinstance(story.error, MalformedInput) and "cited_events" in str(story.error), f"{story.error!r}"
    assert story.rows() == story.before


@then(parsers.parse("受委托机构的记录载有这次通报批评，整改期限为{days:d}日后，尚未整改"))
def agency_criticised(story: Story, days: int) -> None:
    agency = story.ledger.find(story.nx.agency_id, Agency)
    assert agency is not None and agency.eligibility_revoked is None
    [criticism] = agency.criticisms.values()
    assert criticism["case_id"] == str(story.case_script.case_id) and criticism["cited_events"]
    assert criticism["deadline"] == (china_date(story.clock.now()) + timedelta(days=days)).isoformat()
    assert criticism["rectification"] is None


@then(parsers.parse('专家"{expert}"的记录载有这次通报批评'))
def expert_criticised(story: Story, expert: str) -> None:
    principal = story.ledger.find(story.person(expert).principal_id, Principal)
    assert principal is not None and principal.eligibility_revoked is None
    [criticism] = principal.criticisms.values()
    assert criticism["case_id"] == str(story.case_script.case_id)


@then(parsers.re(r"^受委托机构的整改记录为(?P<when>按期|逾期)完成$"))
def rectified(story: Story, when: str) -> None:
    agency = story.ledger.find(story.nx.agency_id, Agency)
    assert agency is not None
    [criticism] = agency.criticisms.values()
    assert criticism["rectification"]["on_time"] is (when == "按期")


@then(parsers.parse('评估机构"{name}"的记录载有{count:d}次通报批评'))
def agency_record_shows(story: Story, read_models: Any, name: str, count: int) -> None:
    read_models.catch_up()
    [row] = [a for a in queries.agencies(read_models.views) if a["name"] == name]
    assert len(row["records"]["criticisms"]) == count

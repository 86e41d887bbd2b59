"""Steps of issue 18's outsourcing scenarios (NX-4, XX-20; XX-6, XX-13(3)): who works for an
entrusted agency — its registered staff and the experts it engaged — and what they may do."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from api.signer import Signer
from domain.errors import Conflict, MalformedInput, Refused
from domain.evidence.signing import SigningKey
from domain.model import outsourcing
from tests.bdd.steps import cited_key
from tests.bdd.story import Story
from tests.support import NXScript, digest, today


def agency_named(story: Story, name: str) -> UUID:
    """An agency of the scenario, or the one the 宁夏商务厅 script registers and entrusts."""
    if name in story.agencies:
        return story.agencies[name]
    if isinstance(story.script, NXScript) and name == "宁夏大学经济管理学院":
        return story.script.agency_id
    raise AssertionError(f"no agency called {name} in this scenario: {sorted(story.agencies)}")


def engagement_args(story: Story, person: str, expert: str, statement: str) -> dict[str, Any]:
    agency = story.ledger.get_principal(story.person(person).principal_id).agency_id
    return {"expert_id": str(story.person(expert).principal_id), "field": "农村环境治理",
            "agency_id": str(agency), "own_staff_insufficient": statement}


@given(parsers.parse('"{person}"已说明"{statement}"，外聘专家"{expert}"'))
def engaged_with_statement(story: Story, person: str, statement: str, expert: str) -> None:
    engage_with_statement(story, person, statement, expert)
    story.require_success()


@when(parsers.parse('"{person}"说明"{statement}"，外聘专家"{expert}"'))
def engage_with_statement(story: Story, person: str, statement: str, expert: str) -> None:
    story.act(story.person(person), "case.engage_expert", engagement_args(story, person, expert, statement))


@given(parsers.parse('"{name}"登记为评估机构"{agency}"的人员，未附劳动合同或聘任文件'))
def agency_person_without_employment(story: Story, name: str, agency: str) -> None:
    """A person the agency puts forward as its own, registered with it but not as its staff:
    no labour contract or appointment letter is on record."""
    story.add_person(name, [], agency, agency_named(story, agency))


@when(parsers.parse('"{person}"召开座谈会'))
def hold_forum(story: Story, person: str) -> None:
    story.act(story.person(person), "case.hold_forum", story.case_script.forum_args(uuid4()))


def survey_args() -> dict[str, Any]:
    return {"survey_id": str(uuid4()), "online": False, "period_from": today(-3), "period_to": today(),
            "respondents": 120, "summary": "问卷调查结果"}


@when(parsers.parse('管理员登记"{name}"为评估机构"{agency}"的工作人员，附劳动合同摘要'))
def register_staff_with_contract(story: Story, name: str, agency: str) -> None:
    register_staff(story, name, agency, {"document": "labour_contract", "digest": digest(f"劳动合同：{name}")})


@when(parsers.parse('管理员登记"{name}"为评估机构"{agency}"的工作人员，未附劳动合同或聘任文件'))
def register_staff_without_contract(story: Story, name: str, agency: str) -> None:
    register_staff(story, name, agency, None)


def register_staff(story: Story, name: str, agency: str, employment: dict[str, str] | None) -> None:
    key, principal_id = SigningKey.generate(), uuid4()
    args: dict[str, Any] = {
        "kind": "person", "name": name, "public_keys": [key.public_key.jwk], "roles": ["agency_staff"],
        "unit": agency, "agency_id": str(agency_named(story, agency)),
        "proofs": [story.world.proof(key, principal_id)],
    }
    if employment is not None:
        args["employment"] = employment
    story.people[name] = Signer(principal_id, key, name)
    story.act(story.world.admin, "principal.register", args, target=principal_id)


@then(parsers.parse('"{name}"的登记载明劳动合同摘要'))
def registration_has_contract(story: Story, name: str) -> None:
    principal = story.ledger.get_principal(story.person(name).principal_id)
    assert principal.employment is not None
    assert principal.employment["document"] == "labour_contract"
    assert principal.employment["digest"] == digest(f"劳动合同：{name}")


@then("该登记因缺少用工证明被拒绝")
def registration_refused(story: Story) -> None:
    assert isinstance(story.error, MalformedInput), f"{story.error!r}"
    assert "employment" in str(story.error)
    assert story.rows() == story.before, "nothing is stored"


@then(parsers.parse('"{expert}"的外聘记录载明受委托机构自身力量不能满足需要的说明'))
def engagement_states_need(story: Story, expert: str) -> None:
    engagement = story.case.experts[str(story.person(expert).principal_id)]
    assert engagement["own_staff_insufficient"].strip()
    assert engagement["agency_id"] is not None


@then(parsers.parse('"{expert}"随后开展问卷调查，该操作被记录'))
def expert_surveys(story: Story, expert: str) -> None:
    story.act(story.person(expert), "case.conduct_survey", survey_args())
    assert story.error is None, f"refused: {story.error}"
    assert len(story.rows()) > len(story.before)


@then(parsers.re(r'^"(?P<expert>[^"]+)"随后收集资料，该操作被拒绝，依据(?P<cited>[^，]+)$'))
def expert_collects_refused(story: Story, expert: str, cited: str) -> None:
    story.act(story.person(expert), "case.collect_material", story.case_script.material_args(uuid4()))
    assert isinstance(story.error, Refused), f"{story.error!r}"
    assert story.error.article == cited_key(cited), f"{story.error}"
    assert story.rows() == story.before, "a refused action leaves the store unchanged"


# --- review fixes: the team, old staff, each text's words ------------------------------------------


@given(parsers.parse('"{person}"已成立评估小组，吸收"{member}"为成员'))
def team_formed_with(story: Story, person: str, member: str) -> None:
    """The 承办处室 forms the team with its leader and one member of its choosing."""
    script = story.case_script
    story.act(story.person(person), "case.form_team", {"members": [
        {"principal_id": str(script.lead.principal_id), "team_role": "leader"},
        {"principal_id": str(story.person(member).principal_id), "team_role": "member"},
    ]})
    story.require_success()
    script.done.append("form_team")


@given(parsers.parse('"{name}"此前已登记为评估机构"{agency}"的工作人员，当时未要求附劳动合同或聘任文件'))
def staff_registered_before_evidence(story: Story, name: str, agency: str) -> None:
    """A principal stored before issue 18 asked for the evidence of employment: the role
    agency_staff with the agency, no evidence on record (registration without it is refused now,
    so the old rule is put back for this one registration)."""
    key = SigningKey.generate()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(outsourcing, "require_employment", lambda *_: None)
        signer = story.world.enrol({"kind": "person", "name": name, "public_keys": [key.public_key.jwk],
                                    "roles": ["agency_staff"], "unit": agency,
                                    "agency_id": str(agency_named(story, agency))}, key)
    assert story.ledger.get_principal(signer.principal_id).employment is None
    story.people[name] = signer


@when(parsers.parse('管理员为"{name}"补录劳动合同摘要'))
def record_contract(story: Story, name: str) -> None:
    story.act(story.world.admin, "principal.grant_role", {
        "role": "agency_staff", "employment": {"document": "labour_contract", "digest": digest(f"劳动合同：{name}")},
    }, target=story.person(name).principal_id)


@then(parsers.parse('"{name}"仍只持有一项受委托机构工作人员角色'))
def role_held_once(story: Story, name: str) -> None:
    principal = story.ledger.get_principal(story.person(name).principal_id)
    assert principal.roles.count("agency_staff") == 1, principal.roles


@then("该补录因角色已附用工证明被拒绝")
def recording_conflicts(story: Story) -> None:
    assert isinstance(story.error, Conflict), f"{story.error!r}"
    assert story.rows() == story.before, "nothing is stored"


@then("拒绝理由说明由管理员补录劳动合同或聘任文件")
def refusal_says_how_to_record(story: Story) -> None:
    assert isinstance(story.error, Refused), f"{story.error!r}"
    assert "principal.grant_role" in story.error.zh and "补录用工证明" in story.error.zh


@then(parsers.parse('"{person}"随后收集资料，该操作被记录'))
def collects_recorded(story: Story, person: str) -> None:
    story.act(story.person(person), "case.collect_material", story.case_script.material_args(uuid4()))
    assert story.error is None, f"refused: {story.error}"
    assert len(story.rows()) > len(story.before)


@then(parsers.re(r'^拒绝理由援引原文“(?P<quote>[^”]+)”(，不含“(?P<absent>[^”]+)”)?$'))
def refusal_quotes(story: Story, quote: str, absent: str | None) -> None:
    assert isinstance(story.error, Refused), f"{story.error!r}"
    assert quote in story.error.zh, story.error.zh
    assert absent is None or absent not in story.error.zh, story.error.zh


@then(parsers.re(r'^拒绝理由以中文写明“(?P<words>[^”]+)”$'))
def refusal_in_chinese(story: Story, words: str) -> None:
    """NX acceptance audit: a refusal names the work and the entrusted tasks in Chinese, not by codes."""
    assert isinstance(story.error, Refused), f"{story.error!r}"
    assert words in story.error.zh and "case." not in story.error.zh, story.error.zh

"""Steps of the making of a decision (H1; 息县办法第十八条; 《重大行政决策程序暂行条例》第三十条、第三十八条):
the collective discussion, each member's own opinion, the head's decision, a making transcribed
from the archive, and reverse tracing to the makers, in the words a legal reader uses."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.model.decision import Decision
from projections import making as read_model
from tests.bdd.story import Story
from tests.making_support import Making
from tests.support import digest

TEXTS = {"宁夏商务厅": "NX", "息县": "XX"}
BODIES = {"厅党组会议": "party_group_meeting", "厅务会议": "office_meeting", "厅专题会议": "special_meeting",
          "县政府常务会议": "county_standing_meeting", "县政府全体会议": "county_plenary_meeting"}
OPINIONS = {"同意": "agree", "不同意": "disagree", "保留": "reserve"}
OUTCOMES = {"同意": "approve", "不同意": "reject", "修改": "amend", "暂缓": "defer", "再次讨论": "rediscuss"}


class MakingHolder:
    making: Making | None = None
    source: str = ""

    @property
    def it(self) -> Making:
        assert self.making is not None, "the scenario has no decision to be made yet"
        return self.making


@pytest.fixture
def made() -> MakingHolder:
    return MakingHolder()


def _decision(story: Story, made: MakingHolder) -> Decision:
    found = story.ledger.find(made.it.decision_id, Decision)
    assert found is not None
    return found


def _opinion(story: Story, made: MakingHolder, name: str) -> dict[str, Any]:
    member = str(story.person(name).principal_id)
    opinions = [d["opinions"][member] for d in _decision(story, made).discussions.values() if member in d["opinions"]]
    assert len(opinions) == 1, opinions
    return opinions[0]


# --- given ---------------------------------------------------------------------------------------


@given(parsers.parse("{text}登记了一项待集体讨论的重大行政决策"))
def a_decision_to_make(story: Story, made: MakingHolder, text: str) -> None:
    made.making = Making(story.world, TEXTS[text])
    story.decision_id = made.it.decision_id
    it = made.it
    for signer in (it.drafter, it.reviewer, it.convener, it.head, it.agreeing, it.dissenter, it.outsider):
        story.people[signer.name] = signer


@given(parsers.parse('"{convener}"召集{body}集体讨论该决策，行政首长为"{head}"'))
@when(parsers.parse('"{convener}"召集{body}集体讨论该决策，行政首长为"{head}"'))
def convene(story: Story, made: MakingHolder, convener: str, body: str, head: str) -> None:
    it = made.it
    story.act(story.person(convener), "decision.convene_discussion", {
        "discussion_id": str(it.discussion_id), "body": BODIES[body], "held_on": "2021-06-10",
        "members": it.members, "head_id": str(story.person(head).principal_id)}, target=it.decision_id)


@given(parsers.parse('"{member}"在会上发表"{opinion}"意见，理由为"{reasons}"'))
@when(parsers.parse('"{member}"在会上发表"{opinion}"意见，理由为"{reasons}"'))
def state_opinion(story: Story, made: MakingHolder, member: str, opinion: str, reasons: str) -> None:
    story.act(story.person(member), "decision.state_opinion", {
        "discussion_id": str(made.it.discussion_id), "opinion": OPINIONS[opinion], "reasons": reasons},
        target=made.it.decision_id)


@given(parsers.parse('行政首长"{head}"作出"{outcome}"的决定，会上说明的理由为"{reason}"'))
@when(parsers.parse('行政首长"{head}"作出"{outcome}"的决定，会上说明的理由为"{reason}"'))
def decide_with_reason(story: Story, made: MakingHolder, head: str, outcome: str, reason: str) -> None:
    story.act(story.person(head), "decision.decide", {
        "discussion_id": str(made.it.discussion_id), "outcome": OUTCOMES[outcome],
        "reason_stated_at_meeting": reason}, target=made.it.decision_id)


@given(parsers.parse('行政首长"{head}"作出"{outcome}"的决定，未说明理由'))
@when(parsers.parse('行政首长"{head}"作出"{outcome}"的决定，未说明理由'))
def decide(story: Story, made: MakingHolder, head: str, outcome: str) -> None:
    decide_with_reason(story, made, head, outcome, "")


@given(parsers.parse('"{person}"记录决策承办单位与起草人，并由"{reviewer}"作出"合法"的合法性审查意见'))
def undertaken_and_reviewed(story: Story, made: MakingHolder, person: str, reviewer: str) -> None:
    it = made.it
    story.act(story.person(person), "decision.record_undertaking", {
        "undertaking_unit_id": str(it.unit_id), "drafter_id": str(story.person(person).principal_id)},
        target=it.decision_id)
    story.require_success()
    story.act(story.person(reviewer), "decision.record_legality_review",
              {"opinion": "lawful", "statement": "经审查，草案合法"}, target=it.decision_id)
    story.require_success()


@when(parsers.parse('"{person}"依档案"{source}"转录该决策的集体讨论，会议纪要载明"{member}"不同意，'
                    '理由为"{reasons}"'))
def transcribe(story: Story, made: MakingHolder, person: str, source: str, member: str, reasons: str) -> None:
    it = made.it
    made.source = source
    story.act(story.person(person), "decision.transcribe_making", {
        "source": source, "minutes_digest": digest(f"{source} 会议纪要"), "discussion_id": str(uuid4()),
        "body": it.body, "held_on": "2019-03-02", "members": it.members, "head_id": str(it.head.principal_id),
        "opinions": [{"member_id": str(story.person(member).principal_id), "opinion": "disagree", "reasons": reasons}],
        "outcome": "approve"}, target=it.decision_id)


# --- then ----------------------------------------------------------------------------------------


@then(parsers.parse('"{member}"的意见记录为其本人签名的"{opinion}"'))
def own_opinion(story: Story, made: MakingHolder, member: str, opinion: str) -> None:
    recorded = _opinion(story, made, member)
    assert recorded["opinion"] == OPINIONS[opinion] and recorded["transcribed"] is False
    assert recorded["by"] == story.person(member).principal_id


@then(parsers.parse('"{member}"的意见显示为依档案转录的"{opinion}"，注明来源，不作为其本人签名'))
def transcribed_opinion(story: Story, made: MakingHolder, member: str, opinion: str) -> None:
    recorded = _opinion(story, made, member)
    assert recorded["opinion"] == OPINIONS[opinion] and recorded["transcribed"] is True
    assert recorded["source"] == made.source and recorded["by"] != story.person(member).principal_id


@then("责任倒查列出决策过程中的人员及其意见：")
def traced(story: Story, made: MakingHolder, datatable: list[list[str]]) -> None:
    principals = {str(s.principal_id): {"name": name, "unit": ""} for name, s in story.people.items()}
    makers = read_model.makers(read_model.state(_decision(story, made)), str(made.it.decision_id), principals)
    shown = [[m["name"], m["role_zh"], read_model.OPINION_ZH.get(m["opinion"], "") if m["opinion"] else "",
              "档案转录" if m["transcribed"] else "本人签名"] for m in makers]
    assert shown == datatable[1:], shown


@then(parsers.parse('"{member}"列有减免责任的理由，依据《重大行政决策程序暂行条例》第三十八条，援引其意见记录'))
def relief_ground(story: Story, made: MakingHolder, member: str) -> None:
    principals = {str(s.principal_id): {"name": name, "unit": ""} for name, s in story.people.items()}
    makers = read_model.makers(read_model.state(_decision(story, made)), str(made.it.decision_id), principals)
    (maker,) = [m for m in makers if m["name"] == member and m["role"] == "member"]
    opinion = _opinion(story, made, member)
    assert maker["relief"] == {"ground": "recorded_dissent", "article": "713-38", "record": {
        "aggregate_id": str(made.it.decision_id), "version": opinion["version"], "hash": opinion["hash"]}}
    stored = story.ledger.stored_event(made.it.decision_id, opinion["version"])
    assert stored is not None and stored.hash == opinion["hash"]


@then(parsers.parse("该决策的决策档案按顺序列出决策过程的每一步，均核验通过并载明{cited}："))
def archived(story: Story, made: MakingHolder, cited: str, datatable: list[list[str]]) -> None:
    """713-33: the decision's dossier (api/dossier/decision.py) lists every event of the decision,
    each checked as printed; the steps of the making carry the article."""
    from api.dossier.decision import gather
    from api.http.labels import ACTION_LABELS
    from domain.model.articles import MAKING_ARTICLES
    from tests.bdd.steps import cited_key

    events = gather(story.ledger, _decision(story, made), {}, None, None).events()
    assert events and all(e["verified"] for e in events), [e["problems"] for e in events]
    making = [e for e in events if e["action"] in MAKING_ARTICLES]
    assert [[ACTION_LABELS[e["action"]][0], e["actor"]] for e in making] == datatable[1:]
    assert all(cited_key(cited) in e["articles"] for e in making)


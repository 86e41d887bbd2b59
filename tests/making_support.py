"""Helpers for the making of a decision (H1; XX-18, 国令第713号第三十条): an organ with its units,
the people who make a decision there, and the arguments of each step."""

from __future__ import annotations

from typing import Any
from uuid import UUID, uuid4

from api.signer import Signer
from domain.service.ledger import Recorded
from tests.support import World, digest

#: organ, its lead unit, office (which convenes), legality reviewer, per text
ORGANS = {
    "NX": ("宁夏回族自治区商务厅", "对外贸易处", "宁夏回族自治区商务厅办公室", "法规处", "office_meeting"),
    "XX": ("息县人民政府", "息县商务局", "息县人民政府办公室", "息县司法局", "county_standing_meeting"),
}


class Making:
    """A decision of ``jurisdiction`` registered by its organ, with the people who make it: a
    drafter of the lead unit, a legality reviewer, a convener, and three members of whom the
    first is the head (行政首长)."""

    def __init__(self, world: World, jurisdiction: str) -> None:
        self.world = world
        self.jurisdiction = jurisdiction
        organ, unit, office, justice, self.body = ORGANS[jurisdiction]
        self.organ_id = self.world.organisation(organ, "organ", None)
        self.unit_id = self.world.organisation(unit, "unit", self.organ_id)
        self.office_id = self.world.organisation(office, "office", self.organ_id)
        self.justice_id = self.world.organisation(justice, "justice", self.organ_id)
        self.drafter = self.person("王建军", ["lead_unit"], self.unit_id, unit)
        self.reviewer = self.person("刘芳", ["justice_reviewer"], self.justice_id, justice)
        self.convener = self.person("赵敏", ["decision_organ", "government_office"], self.office_id, office)
        self.head = self.person("李国华", [], self.organ_id, organ)
        self.agreeing = self.person("张伟", [], self.organ_id, organ)
        self.dissenter = self.person("陈静", [], self.organ_id, organ)
        self.outsider = self.person("周涛", [], self.organ_id, organ)
        self.decision_id = uuid4()
        world.do(self.convener, "decision.register", self.decision_id, {
            "jurisdiction": jurisdiction, "title": "关于支持跨境电子商务加快发展的若干措施",
            "document_number": "宁商规发〔2021〕3号" if jurisdiction == "NX" else "息政〔2020〕12号",
            "organ": organ, "decided_on": "2021-06-18", "purpose": "扩大跨境电商进出口规模",
            "organisation_id": str(self.organ_id)})
        self.discussion_id = uuid4()

    def person(self, name: str, roles: list[str], organisation_id: UUID, unit: str) -> Signer:
        return self.world.member(name, roles, organisation_id, unit)

    @property
    def members(self) -> list[str]:
        return [str(s.principal_id) for s in (self.head, self.agreeing, self.dissenter)]

    def do(self, signer: Signer, action: str, args: dict[str, Any]) -> Recorded:
        return self.world.do(signer, action, self.decision_id, args)

    def convene(self, **changes: Any) -> Recorded:
        args = {"discussion_id": str(self.discussion_id), "body": self.body, "held_on": "2021-06-10",
                "members": self.members, "head_id": str(self.head.principal_id), **changes}
        return self.do(self.convener, "decision.convene_discussion", args)

    def state(self, signer: Signer, opinion: str, reasons: str = "理由如会议记录") -> Recorded:
        return self.do(signer, "decision.state_opinion",
                       {"discussion_id": str(self.discussion_id), "opinion": opinion, "reasons": reasons})

    def decide(self, outcome: str, reason: str = "") -> Recorded:
        return self.do(self.head, "decision.decide", {"discussion_id": str(self.discussion_id),
                                                      "outcome": outcome, "reason_stated_at_meeting": reason})

    def made(self) -> Making:
        """The whole making: undertaking, participation, review, discussion with one dissent,
        the head's approval with the majority, publication."""
        self.do(self.drafter, "decision.record_undertaking", {
            "undertaking_unit_id": str(self.unit_id), "drafter_id": str(self.drafter.principal_id)})
        self.do(self.convener, "decision.record_participation", {
            "kind": "public_participation", "work": "网上公开征求意见30日", "held_on": "2021-05-01",
            "document_digest": digest("征求意见情况")})
        self.do(self.reviewer, "decision.record_legality_review",
                {"opinion": "lawful", "statement": "经审查，草案合法"})
        self.convene()
        self.state(self.agreeing, "agree", "有利于扩大进出口")
        self.state(self.dissenter, "disagree", "财政补贴标准过高，风险评估不充分")
        self.decide("approve")
        self.do(self.convener, "decision.record_publication",
                {"published_on": "2021-06-18", "channel": "政府网站", "reference": "宁商规发〔2021〕3号"})
        return self

    def transcription(self, **changes: Any) -> dict[str, Any]:
        return {
            "source": "档案号 2019-决-017", "minutes_digest": digest("会议纪要"),
            "discussion_id": str(uuid4()), "body": self.body, "held_on": "2019-03-02",
            "members": self.members, "head_id": str(self.head.principal_id),
            "opinions": [{"member_id": str(self.dissenter.principal_id), "opinion": "disagree",
                          "reasons": "纪要载明：资金来源不明确"},
                         {"member_id": str(self.agreeing.principal_id), "opinion": "agree",
                          "reasons": "纪要载明：同意"}],
            "outcome": "approve", **changes,
        }

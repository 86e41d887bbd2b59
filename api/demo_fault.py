"""The demo's fourth case: a decision of 息县's 县政府常务会议 that the evaluation finds seriously
wrong (XX-18), traced back to its makers, and the accountability that followed (国令第713号第三十
条、第三十八条; XX-23): the decision made in a collective discussion where one deputy county head
dissents, each member's opinion signed by the member; the evaluation's report finding the
decision seriously wrong; the procedure that ends with relief for the dissenter (recorded dissent,
713-38) and a sanction for the head."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from api.demo_cases import _digest, day
from api.demo_cast import XX_UNIT

if TYPE_CHECKING:
    from api.signer import Signer
    from domain.service.ledger import Ledger

PLANT = "息县产业集聚区标准化厂房建设实施方案"


class DemoFault:
    """The scenario; :class:`api.demo.Demo` supplies the people, the organisations and the
    signing."""

    ledger: Ledger
    people: dict[str, Signer]
    organisations: dict[str, UUID]
    finding: UUID  # the evaluation's finding of the fault, which the procedure takes up

    if TYPE_CHECKING:
        def _do(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> None: ...

    def _event(self, aggregate_id: UUID, version: int) -> dict[str, Any]:
        """A stored event as a citation names it: place and hash."""
        event = self.ledger.stored_event(aggregate_id, version)
        if event is None:
            raise RuntimeError(f"no event {aggregate_id} v{version}")
        return {"aggregate_id": str(aggregate_id), "version": version, "hash": event.hash}

    def fault_case(self) -> UUID:
        #: the stored events the procedure cites, by who or what they record
        self.records: dict[str, dict[str, Any]] = {}
        decision = self._made_decision()
        case = self._evaluation(decision)
        self._accountability(decision, case)
        return case

    # --- the making (XX-18; 713-30) --------------------------------------------------------

    def _made_decision(self) -> UUID:
        p = self.people
        decision = uuid4()
        self._do(p["chen_jianhua"], "decision.register", decision, {
            "jurisdiction": "XX",
            "title": PLANT,
            "document_number": "息政〔2021〕27号",
            "organ": "息县人民政府（县政府常务会议）",
            "organisation_id": str(self.organisations["xx"]),
            "decided_on": "2021-05-20",
            "purpose": "两年内在产业集聚区建成标准化厂房12万平方米，引进纺织服装、电子信息企业30家以上，新增就业3000人。",
        })
        self._making(decision)
        # issue 18 — avoidance: the list, or none, before a case opens (713-36)
        self._do(p["chen_jianhua"], "decision.record_demonstrators", decision, {"none": True})
        return decision

    def _making(self, decision: UUID) -> None:
        """Drafted by the 住建局, reviewed for legality by the 司法局, discussed at the 县政府常务
        会议 where 郑国栋 dissents, decided by the county head 刘志远, published."""
        p = self.people
        self._do(p["chen_jianhua"], "decision.record_undertaking", decision, {
            "undertaking_unit_id": str(self.organisations["xx_housing"]),
            "drafter_id": str(p["sun_li"].principal_id),
        })
        self._do(p["chen_jianhua"], "decision.record_participation", decision, {
            "kind": "risk_assessment", "held_on": "2021-04-22",
            "work": "委托第三方开展社会稳定风险评估，结论为低风险；未开展招商需求和债务风险论证。",
            "document_digest": _digest("标准化厂房建设项目社会稳定风险评估报告"),
        })
        self._do(p["huang_zhigang"], "decision.record_legality_review", decision, {
            "opinion": "lawful_with_changes",
            "statement": "方案总体合法；建议补充建设资金来源和债务风险防控措施，融资须符合预算法规定。",
        })
        meeting = uuid4()
        members = [p[h].principal_id for h in ("liu_zhiyuan", "zheng_guodong", "xu_ming")]
        self._do(p["wu_tao"], "decision.convene_discussion", decision, {
            "discussion_id": str(meeting), "body": "county_standing_meeting", "held_on": "2021-05-18",
            "members": [str(m) for m in members], "head_id": str(p["liu_zhiyuan"].principal_id),
        })
        for handle, opinion, reasons in (
            ("xu_ming", "agree", "厂房建设是承接产业转移的基础，宜尽快启动。"),
            ("zheng_guodong", "disagree", "未做招商需求论证，12万平方米规模过大；以平台公司融资建设将形成隐性债务，建议先论证、分期建设。"),
        ):
            self._do(p[handle], "decision.state_opinion", decision, {
                "discussion_id": str(meeting), "opinion": opinion, "reasons": reasons,
            })
            self.records[handle] = self._event(decision, self.ledger.version_of(decision))
        self._do(p["liu_zhiyuan"], "decision.state_opinion", decision, {
            "discussion_id": str(meeting), "opinion": "agree", "reasons": "抓住产业转移窗口期，先建后招。",
        })
        self._do(p["liu_zhiyuan"], "decision.decide", decision, {
            "discussion_id": str(meeting), "outcome": "approve",
        })
        self.records["decided"] = self._event(decision, self.ledger.version_of(decision))
        self._do(p["wu_tao"], "decision.record_publication", decision, {
            "published_on": "2021-05-20", "channel": "息县人民政府门户网站", "reference": "息政〔2021〕27号",
        })

    # --- the evaluation that finds the decision seriously wrong ----------------------------

    def _evaluation(self, decision: UUID) -> UUID:
        p = self.people
        case = uuid4()
        self._do(p["chen_jianhua"], "case.open", case, {
            "decision_id": str(decision), "jurisdiction": "XX",
            "title": "产业集聚区标准化厂房建设实施方案后评估", "lead_unit": XX_UNIT,
            "grounds": ["XX-9(2)"],
            "ground_statement": "厂房建成一年后出租率不足三成，县审计局审计报告指出建设资金形成政府隐性债务1.8亿元。",
            "procedure": "simplified",
            "simplified_reason": "问题集中于厂房使用和债务两项，数据由有关部门掌握，采取座谈会和征求意见即可查清。",
        })
        forum = uuid4()
        self._do(p["chen_jianhua"], "case.hold_forum", case, {
            "meeting_id": str(forum), "held_on": day(-30), "place": "息县产业集聚区管委会会议室",
            "participants": [
                {"name": "入驻企业代表（5家）", "affiliation": "企业", "stakeholder": True},
                {"name": "县财政局、县审计局业务骨干", "affiliation": "有关部门", "stakeholder": False},
            ],
            "summary": "企业反映厂房层高和承重不符合电子企业需要，周边配套不足；有关部门介绍债务和闲置情况。",
        })
        for title, source, stance, period in (
            ("产业集聚区标准化厂房出租情况统计", "息县产业集聚区管委会", "opposing", "after"),
            ("息县审计局关于标准化厂房建设资金的审计报告", "息县审计局", "opposing", "after"),
            # XX-12(1): information from before the implementation as well
            ("厂房建设前产业集聚区企业入驻与用地情况", "息县产业集聚区管委会", "neutral", "before"),
        ):
            self._do(p["sun_li"], "case.collect_material", case, {
                "material_id": str(uuid4()), "title": title, "source": source, "stance": stance,
                "classification": "none", "period": period, "digest": _digest(title), "summary": title,
            })
        self._do(p["sun_li"], "case.record_opinion", case, {
            "opinion_id": str(uuid4()), "source": "入驻企业代表", "stance": "opposing",
            "summary": "厂房建成后才招商，设计未征求企业意见，多数厂房无法直接使用。", "via": str(forum),
        })
        self._do(p["chen_jianhua"], "case.close_evidence", case, {})
        self._do(p["sun_li"], "case.draw_conclusion", case, {
            "conclusion": "决策未经招商需求论证即启动建设，厂房闲置率七成以上，形成政府隐性债务1.8亿元，属决策严重失误。",
        })
        sections = {
            "XX-14(1)": "县住建局采取简易程序，通过座谈会、收集有关部门资料和征求企业意见开展评估。",
            "XX-14(2)": "建成厂房12万平方米，出租率28%，引进企业7家，新增就业410人；建设资金形成政府隐性债务1.8亿元。",
            "XX-14(3)": "结论：决策严重失误。建议：中止后续建设，已建厂房改造后定向招商，化解债务。",
            "XX-14(4)": "评估资料不涉及国家秘密、商业秘密和个人隐私。",
        }
        self._do(p["sun_li"], "case.draft_report", case, {
            "draft_id": str(uuid4()), "sections": sections,
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
        })
        self._do(p["chen_jianhua"], "case.finalise_report", case, {
            "report_id": str(uuid4()), "sections": sections, "recommendation": "suspend",
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "addressed_items": [f"XX-8({i})" for i in range(1, 7)],  # XX-8 on the simplified procedure (issue 18)
        })
        self.records["report"] = self._event(case, self.ledger.version_of(case))
        self.finding = uuid4()  # 经评估发现并确认 (XX-18): the evaluation's own finding of the fault
        self._do(p["chen_jianhua"], "case.confirm_decision_fault", case, {
            "finding_id": str(self.finding), "fault": "serious_error", "cited_events": [self.records["report"]],
            "statement": "评估确认：方案未经招商需求和债务风险论证即决定建设，厂房闲置率七成以上，"
            "形成政府隐性债务1.8亿元，属决策严重失误。",
        })
        return case

    # --- accountability (XX-18; 713-38) ----------------------------------------------------

    def _accountability(self, decision: UUID, case: UUID) -> None:
        """The inspector of 息县 opens a procedure on the fault the evaluation found, investigates,
        tells each subject, hears them, and decides: 郑国栋, who dissented at the meeting, is
        exempted on his recorded dissent; the head 刘志远 and the undertaking unit's 陈建华 are
        sanctioned; 陈建华 appeals and the review upholds the decision."""
        p, r = self.people, self.records
        procedure = uuid4()
        head, dissenter, direct = (p[h].principal_id for h in ("liu_zhiyuan", "zheng_guodong", "chen_jianhua"))
        audit = {"title": "息县审计局关于标准化厂房建设资金的审计报告", "source": "息县审计局",
                 "digest": _digest("息县审计局关于标准化厂房建设资金的审计报告")}
        self._do(p["jiang_weiguo"], "accountability.open", procedure, {
            "jurisdiction": "XX", "decision_id": str(decision), "ground": "decision_fault",
            "fault": "serious_error", "case_id": str(case), "finding_id": str(self.finding),
            "subjects": [
                {"subject_id": str(head), "role": "head"},
                {"subject_id": str(dissenter), "role": "leader"},
                {"subject_id": str(direct), "role": "direct"},
            ],
            "evidence": {"events": [r["report"], r["decided"]], "documents": [audit]},
            "statement": "后评估报告确认《息县产业集聚区标准化厂房建设实施方案》未经招商需求和债务风险论证即决定建设，"
            "厂房闲置率七成以上，形成政府隐性债务1.8亿元，属决策严重失误，依照息县办法第十八条立案。",
        })
        self._do(p["jiang_weiguo"], "accountability.investigate", procedure, {
            "evidence": {"events": [r["zheng_guodong"]], "documents": [
                {"title": "县政府第12次常务会议纪要", "source": "息县人民政府办公室",
                 "digest": _digest("县政府第12次常务会议纪要")}]},
            "facts": "常务会议上郑国栋副县长明确提出未做招商需求论证、规模过大和隐性债务风险，不同意实施；"
            "刘志远县长未采纳，作出同意实施的决定；县住建局作为承办单位未组织需求论证。",
        })
        for subject, facts, handling in (
            (head, "作为行政首长，在未经需求和债务风险论证、有组成人员明确反对的情况下决定实施。", "拟给予记过处分"),
            (dissenter, "参加常务会议，对该决策表示不同意并说明理由。", "拟依照第三十八条免除责任"),
            (direct, "作为承办单位负责人，未组织招商需求论证即提交方案。", "拟给予警告处分"),
        ):
            self._do(p["jiang_weiguo"], "accountability.notify", procedure, {
                "subject_id": str(subject), "facts": facts, "intended_handling": handling,
            })
        self._do(p["zheng_guodong"], "accountability.state_defence", procedure, {
            "statement": "本人在常务会议上已明确表示不同意，意见载于会议记录，请依照规定免除责任。",
        })
        self._do(p["liu_zhiyuan"], "accountability.state_defence", procedure, {
            "statement": "决策时考虑承接产业转移的窗口期，对招商难度估计不足，愿意承担责任。",
        })
        self._do(p["jiang_weiguo"], "accountability.decide", procedure, {"decisions": [
            {"subject_id": str(dissenter), "outcome": "exempted",
             "relief": {"ground": "recorded_dissent", "record": r["zheng_guodong"]},
             "reasons": "对严重失误的决策表示不同意，意见如实记录在案，依照国令第713号第三十八条免除责任。"},
            {"subject_id": str(head), "outcome": "sanctioned", "sanctions": ["demerit"],
             "reasons": "对决策严重失误负有主要领导责任。"},
            {"subject_id": str(direct), "outcome": "sanctioned", "sanctions": ["warning"],
             "reasons": "承办单位未履行论证职责，负直接责任。"},
        ]})
        self._do(p["chen_jianhua"], "accountability.appeal", procedure, {
            "statement": "需求论证未列入当时的工作安排，承办单位按县政府要求限期起草，处分过重。",
        })
        self._do(p["jiang_weiguo"], "accountability.review", procedure, {
            "subject_id": str(direct), "result": "upheld",
            "reasons": "论证招商需求是承办单位起草方案的应有之责，原决定事实清楚、处理适当，维持。",
        })
        self._do(p["jiang_weiguo"], "case.close_finding", case, {
            "finding_id": str(self.finding), "outcome": "held_accountable",
            "statement": "已依责任追究程序作出处理决定并经复核（对郑国栋免除责任，对刘志远、陈建华给予处分）。",
        })

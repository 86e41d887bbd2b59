"""The demo's three cases, act by act, each signed by its actor (see :mod:`api.demo`): the NX case
run end to end, the XX case on the simplified procedure, and the NX case with misconduct the rules
flag and an inspector finds."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

from api.demo_cast import MARKET_UNIT, NX_UNIT, XX_UNIT
from domain import clock
from domain.model.calendar import china_date

if TYPE_CHECKING:
    from api.signer import Signer
    from domain.errors import Refused
    from domain.service.ledger import Ledger


def day(offset: int) -> str:
    """A date relative to the ledger's clock (China Standard Time), as the case's people state
    them: the demo's cases span the weeks before today, so the deadlines they count are real."""
    return str(china_date(clock.now()) + timedelta(days=offset))


def _digest(text: str) -> str:
    """Stands in for the SHA-256 of a document the evaluators hold."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class DemoCases:
    """The scenarios; :class:`api.demo.Demo` supplies the people, the organisations and the
    signing."""

    ledger: Ledger
    people: dict[str, Signer]
    agencies: dict[str, UUID]
    organisations: dict[str, UUID]

    if TYPE_CHECKING:
        def _do(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> None: ...

        def _refused(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> Refused: ...

    def nx_case(self) -> UUID:
        p = self.people
        decision, case = uuid4(), uuid4()
        self._do(p["li_na"], "decision.register", decision, {
            "jurisdiction": "NX",
            "title": "宁夏回族自治区商务厅关于支持跨境电子商务加快发展的若干措施",
            "document_number": "宁商规发〔2021〕3号",
            "organ": "宁夏回族自治区商务厅（厅务会议）",
            "organisation_id": str(self.organisations["nx"]),
            "decided_on": "2021-06-18",
            "purpose": "培育外贸新业态新模式，扩大跨境电商进出口规模，带动区内枸杞、葡萄酒、滩羊等特色产品出口。",
        })
        self._do(p["li_na"], "decision.record_demonstrators", decision, {"demonstrators": [
            {"name": "宁夏社会科学院综合经济研究所", "kind": "organisation",
             "work": "2021年4月承担措施出台前的可行性论证和社会风险评估"},
            {"name": "张卫东", "kind": "expert", "work": "论证会主论证专家，提出补贴标准测算意见"},
        ]})
        self._do(p["ma_xiaodong"], "case.open", case, {
            "decision_id": str(decision),
            "jurisdiction": "NX",
            "title": "跨境电商若干措施实施情况后评估",
            "lead_unit": NX_UNIT,
            "grounds": ["NX-4(2)", "NX-4(3)"],
            "ground_statement": "措施实施一年来全区跨境电商进出口额增幅为18.6%，低于30%的预期目标；"
            "12345热线和企业座谈中多家企业反映补贴申报材料重复提交、兑现周期长。",
            "scope": "whole",
        })
        self._do(p["ma_xiaodong"], "case.form_team", case, {"members": [
            {"principal_id": str(p["ma_xiaodong"].principal_id), "team_role": "leader", "affiliation": "staff"},
            {"principal_id": str(p["li_na"].principal_id), "team_role": "member", "affiliation": "staff"},
            {"principal_id": str(p["wang_qiang"].principal_id), "team_role": "member", "affiliation": "staff"},
        ]})
        self._do(p["li_na"], "case.submit_plan", case, {
            "parts": {
                "purpose": "评估若干措施实施结果与决策目的的符合程度，查找补贴政策执行中的问题，为调整措施提供依据。",
                "scope": "整体评估：措施涉及的主体培育、平台建设、物流通关、资金支持四个方面。",
                "methods": "问卷调查（面向全区跨境电商企业）、企业座谈会、实地调研、统计数据分析、成本效益分析。",
                "procedure_and_schedule": "2022年7月成立小组和制定方案；8月提请厅务会议审议；8—9月委托第三方开展调查；10月形成报告。",
                "budget": "评估经费12万元，列入对外贸易处2022年部门预算，其中委托费用9.6万元。",
            },
            "content_items": ["NX-6(1)", "NX-6(2)", "NX-6(3)", "NX-6(5)"],
        })
        self._do(p["zhao_min"], "case.approve_evaluation", case, {
            "body": "office_meeting", "meeting": f"{day(-80)[:4]}年第15次厅务会议", "decided_on": day(-80),
        })
        self._do(p["ma_xiaodong"], "case.entrust_agency", case, {
            "agency_id": str(self.agencies["nxu"]),
            "tasks": ["materials", "survey", "forum", "field_visit", "analysis", "report_drafting"],
            "scope": ["问卷设计与实施", "企业座谈与实地调研", "数据分析并起草评估报告初稿"],
            "agreement_ref": "宁商外贸委〔2022〕07号",
        })
        self._do(p["yang_fan"], "case.engage_expert", case, {
            "expert_id": str(p["ma_jianguo"].principal_id),
            "field": "国际贸易与跨境电商",
            "agency_id": str(self.agencies["nxu"]),
        })
        materials = [
            ("liu_yang", "2021年度全区跨境电商进出口统计数据", "银川海关", "neutral", "work_secret", "after"),
            ("wang_qiang", "跨境电商企业补贴兑现情况台账", NX_UNIT, "neutral", "work_secret", "after"),
            ("liu_yang", "企业来函：补贴申报材料重复提交问题", "宁夏某跨境电商企业", "opposing", "commercial_secret", "during"),
            ("wang_qiang", "2020年全区跨境电商发展情况", "宁夏回族自治区统计局", "neutral", "none", "before"),
            ("liu_yang", "某电商平台“政策红利”推广文章", "网络公开文章", "supporting", "none", "after"),
        ]
        material_ids = []
        for handle, title, source, stance, classification, period in materials:
            material_id = uuid4()
            material_ids.append(material_id)
            self._do(p[handle], "case.collect_material", case, {
                "material_id": str(material_id), "title": title, "source": source,
                "stance": stance, "classification": classification, "period": period,
                "digest": _digest(title), "summary": f"{title}（{source}）",
            })
        for index in (0, 2, 4):  # NX-9: a second person confirms the stance of what the agency collected
            self._do(p["wang_qiang"], "case.confirm_stance", case, {
                "material_id": str(material_ids[index]), "stance": materials[index][3], "note": "已核对原件",
            })
        self._do(p["yang_fan"], "case.exclude_material", case, {
            "material_id": str(material_ids[4]),
            "reason": "该文章系平台商业推广材料，所引数据无出处、无法核实，不作为评估依据。",
        })
        survey, forum = uuid4(), uuid4()
        self._do(p["liu_yang"], "case.conduct_survey", case, {
            "survey_id": str(survey), "online": True, "period_from": day(-70),
            "period_to": day(-55), "respondents": 136,
            "summary": "面向全区跨境电商企业发放网上问卷，回收有效问卷136份，对补贴政策总体满意度为71%。",
        })
        self._do(p["yang_fan"], "case.hold_forum", case, {
            "meeting_id": str(forum), "held_on": day(-50), "place": "银川市综合保税区管委会会议室",
            "participants": [
                {"name": "宁夏某跨境电商企业代表", "affiliation": "企业", "stakeholder": True},
                {"name": "银川综合保税区管委会代表", "affiliation": "园区管理机构", "stakeholder": True},
                {"name": "宁夏电子商务协会代表", "affiliation": "行业协会", "stakeholder": True},
                {"name": "银川海关代表", "affiliation": "海关", "stakeholder": False},
            ],
            "summary": "企业普遍认可平台建设和物流补贴，反映申报材料多、兑现慢、海外仓补贴门槛偏高。",
        })
        self._do(p["liu_yang"], "case.record_opinion", case, {
            "opinion_id": str(uuid4()), "source": "宁夏某跨境电商企业代表", "stance": "opposing",
            "summary": "海外仓补贴要求自有面积不低于1000平方米，中小企业难以达到，建议降低门槛。",
            "via": str(forum),
        })
        self._do(p["liu_yang"], "case.record_opinion", case, {
            "opinion_id": str(uuid4()), "source": "宁夏电子商务协会代表", "stance": "supporting",
            "summary": "跨境电商公共服务平台上线后企业通关时间平均缩短一天，应继续保留。",
            "via": str(forum),
        })
        self._do(p["ma_xiaodong"], "case.close_evidence", case, {"note": "问卷、座谈和统计资料已收集完毕。"})
        self._do(p["yang_fan"], "case.draw_conclusion", case, {
            "conclusion": "措施总体有效但未达预期：平台与物流支持成效明显，资金补贴申报繁琐、海外仓门槛偏高制约了中小企业参与，建议调整补贴方式。",
        })
        draft = uuid4()
        sections = {
            "NX-7(1)": "受承办处室委托，宁夏大学经济管理学院于2022年8月至10月开展评估，采用问卷调查、座谈会、统计分析等方法。",
            "NX-7(2)": "措施自2021年7月施行，累计兑现补贴资金2860万元，支持企业87家，建成公共海外仓3个。",
            "NX-7(3)": "进出口额增长18.6%，低于预期；成本效益比1:3.2；主要问题为申报材料重复、兑现周期平均97天、海外仓门槛偏高。",
            "NX-7(4)": "建议调整执行：简化申报、缩短兑现周期、降低海外仓补贴门槛，其余条款继续实施。",
            "NX-7(5)": "评估中剔除一份无法核实数据来源的网络推广文章，理由已记录在案。",
        }
        self._do(p["yang_fan"], "case.draft_report", case, {
            "draft_id": str(draft), "sections": sections, "digest": _digest(json.dumps(sections, ensure_ascii=False)),
        })
        self._do(p["ma_xiaodong"], "case.engage_expert", case, {
            "expert_id": str(p["zhou_li"].principal_id), "field": "区域经济与政策评估",
        })
        self._do(p["zhou_li"], "case.give_expert_opinion", case, {
            "draft_id": str(draft), "opinion": "agree_with_changes",
            "comments": "结论有数据支撑；建议补充补贴资金对出口增量的边际效应分析。",
        })
        report = uuid4()
        sections["NX-7(3)"] += "补充边际效应分析：每万元补贴带动出口增量约3.2万元。"
        self._do(p["ma_xiaodong"], "case.finalise_report", case, {
            "report_id": str(report), "sections": sections, "recommendation": "adjust",
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "addressed_items": ["NX-6(1)", "NX-6(2)", "NX-6(3)", "NX-6(5)"],
        })
        self._do(p["ma_xiaodong"], "case.submit_report", case, {
            "report_id": str(report), "recommendation": "adjust",
            "report_digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "note": "根据评估报告，提请厅务会议审议调整若干措施中的补贴申报和海外仓支持条款。",
        })
        self._do(p["zhao_min"], "case.record_ruling", case, {
            "report_id": str(report), "ruling": "adjust", "body": "office_meeting",
            "report_digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "meeting": f"{day(0)[:4]}年第21次厅务会议",
            "measures": [
                "已受理未兑现的补贴按原标准继续兑现，避免企业损失",
                "申报材料实行一次提交、部门共享，兑现周期压缩至30日内",
                "新旧条款设六个月过渡期，并提前向社会公告",
            ],
        })
        return case

    def xx_case(self) -> UUID:
        p = self.people
        decision, case = uuid4(), uuid4()
        self._do(p["sun_li"], "decision.register", decision, {
            "jurisdiction": "XX",
            "title": "息县农村生活垃圾治理实施方案",
            "document_number": "息政〔2020〕12号",
            "organ": "息县人民政府",
            "organisation_id": str(self.organisations["xx"]),
            "decided_on": "2020-04-10",
            "purpose": "建立户分类、村收集、乡转运、县处理的农村生活垃圾收运处置体系，实现农村生活垃圾治理全覆盖。",
        })
        # issue 18 — avoidance: the list, or none, before the case opens (713-36)
        self._do(p["sun_li"], "decision.record_demonstrators", decision, {"none": True})
        self._do(p["chen_jianhua"], "case.open", case, {
            "decision_id": str(decision),
            "jurisdiction": "XX",
            "title": "息县农村生活垃圾治理实施方案跟踪反馈与后评估",
            "lead_unit": XX_UNIT,
            "grounds": ["XX-9(3)", "XX-9(4)"],
            "ground_statement": "2022年县长热线收到涉及垃圾清运不及时的诉求43件；决策执行单位向县政府申请开展后评估。",
            "scope": "partial",
            "scope_parts": ["垃圾收运频次与设施配置", "保洁经费保障"],
            "procedure": "simplified",
            "simplified_reason": "评估范围限于收运和经费两项，社会关注点集中，采取座谈会、网上问卷和征求意见即可全面了解实施情况。",
        })
        consultation, forum = uuid4(), uuid4()
        self._do(p["sun_li"], "case.solicit_opinions", case, {
            "consultation_id": str(consultation), "channel": "息县人民政府门户网站“政民互动”栏目",
            "period_from": day(-40), "period_to": day(-26), "responses": 58,
            "summary": "收到意见58条，集中在偏远村组清运频次不足和垃圾桶破损更换不及时。",
        })
        self._do(p["sun_li"], "case.conduct_survey", case, {
            "survey_id": str(uuid4()), "online": True, "period_from": day(-40),
            "period_to": day(-21), "respondents": 412,
            "summary": "网上问卷回收412份，群众对村容村貌改善的满意度为86%。",
        })
        self._do(p["chen_jianhua"], "case.hold_forum", case, {
            "meeting_id": str(forum), "held_on": day(-19), "place": "息县城郊乡政府会议室",
            "participants": [
                {"name": "城郊乡分管副乡长", "affiliation": "乡镇政府", "stakeholder": True},
                {"name": "村民代表（6人）", "affiliation": "村民", "stakeholder": True},
                {"name": "保洁公司负责人", "affiliation": "第三方保洁企业", "stakeholder": True},
            ],
            "summary": "与会者认为收运体系基本建成，建议偏远村组增加清运频次、乡镇保洁经费按人口动态调整。",
        })
        complaint = uuid4()
        self._do(p["sun_li"], "case.collect_material", case, {
            "material_id": str(complaint), "title": "县长热线垃圾清运诉求登记表（含来电人信息）",
            "source": "息县12345政务服务便民热线", "stance": "opposing",
            "classification": "personal_privacy", "period": "during",
            "digest": _digest("县长热线垃圾清运诉求登记表"), "summary": "2022年度涉及垃圾清运的诉求43件及办理情况。",
        })
        self._do(p["sun_li"], "case.collect_material", case, {
            "material_id": str(uuid4()), "title": "2020—2022年农村保洁经费拨付情况",
            "source": "息县财政局", "stance": "neutral", "classification": "none", "period": "after",
            "digest": _digest("2020—2022年农村保洁经费拨付情况"), "summary": "三年累计拨付保洁经费4120万元。",
        })
        self._do(p["sun_li"], "case.collect_material", case, {  # XX-12(1): information from before as well
            "material_id": str(uuid4()), "title": "2019年农村生活垃圾收运处置情况",
            "source": "息县住房和城乡建设局", "stance": "neutral", "classification": "none", "period": "before",
            "digest": _digest("2019年农村生活垃圾收运处置情况"), "summary": "方案实施前全县行政村垃圾收运覆盖率为41%。",
        })
        self._do(p["sun_li"], "case.record_opinion", case, {
            "opinion_id": str(uuid4()), "source": "村民代表", "stance": "mixed",
            "summary": "村里干净多了，但离乡镇远的组一周只清运一次，夏天有异味。",
            "via": str(forum),
        })
        self._do(p["chen_jianhua"], "case.close_evidence", case, {})
        self._do(p["sun_li"], "case.draw_conclusion", case, {
            "conclusion": "方案目标基本实现，收运体系覆盖全部行政村；偏远村组清运频次和保洁经费保障需完善。",
        })
        sections = {
            "XX-14(1)": "县住建局采取简易程序，通过网上征求意见、网上问卷和座谈会收集信息。",
            "XX-14(2)": "收运设施覆盖率100%，群众满意度86%；偏远村组清运频次不足，经费按固定标准拨付未随人口调整。",
            "XX-14(3)": "结论：方案继续实施。建议：偏远村组夏季清运不少于每周三次，保洁经费按常住人口动态核定。",
            "XX-14(4)": "县长热线登记表含个人信息，依照第二十二条予以保密，不予公开。",
        }
        self._do(p["sun_li"], "case.draft_report", case, {
            "draft_id": str(uuid4()), "sections": sections,
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
        })
        report = uuid4()
        self._do(p["chen_jianhua"], "case.finalise_report", case, {
            "report_id": str(report), "sections": sections, "recommendation": "continue",
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "addressed_items": ["XX-8(2)", "XX-8(4)"],  # XX-8 on the simplified procedure (issue 18)
        })
        self._do(p["huang_zhigang"], "case.pass_justice_review", case, {
            "report_id": str(report), "opinion": "报告内容合法，程序符合《息县重大行政决策实施情况跟踪反馈与后评估办法（试行）》第十五条规定。",
        })
        self._do(p["wu_tao"], "case.approve_report", case, {
            "report_id": str(report), "body": "county_government", "meeting": "县政府第36次常务会议",
            "report_digest": _digest(json.dumps(sections, ensure_ascii=False)),
        })
        self._do(p["chen_jianhua"], "case.publish_results", case, {
            "report_id": str(report),
            "report_digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "channels": [  # XX-17: 县政府门户网站 and 本单位网站
                {"channel": "county_portal", "url": "http://www.xixian.gov.cn/zwgk/pgbg/2023-0412.html"},
                {"channel": "unit_site", "url": "http://www.xixian.gov.cn/zfcxjsj/pgbg/2023-0412.html"},
            ],
            "summary": "《息县农村生活垃圾治理实施方案》跟踪反馈与后评估结论：方案继续实施，完善偏远村组清运频次和保洁经费动态核定机制。",
            "withheld_material_ids": [str(complaint)],
        })
        return case


    def misconduct_case(self) -> UUID:
        """县域商业体系建设 case: a demonstrator engaged with a justification (NX-8), an attempted
        hand-on of entrusted work (NX-4, refused and recorded), a conclusion before the evidence
        closed and before anyone was heard (NX-9, NX-10(3)), one person's exclusions falling on
        material the lead unit confirmed as opposing (NX-9), a report
        finalised after NX-11's 90 days, and the inspector's finding (NX-16)."""
        p = self.people
        decision, case = uuid4(), uuid4()
        self._do(p["he_jing"], "decision.register", decision, {
            "jurisdiction": "NX",
            "title": "宁夏回族自治区商务厅关于加快县域商业体系建设的实施意见",
            "document_number": "宁商发〔2021〕41号",
            "organ": "宁夏回族自治区商务厅（厅党组会议）",
            "organisation_id": str(self.organisations["nx"]),
            "decided_on": "2021-09-02",
            "purpose": "完善县乡村三级商业网络，提升农村流通效率，带动农产品上行和消费品下乡。",
        })
        self._do(p["he_jing"], "decision.record_demonstrators", decision, {"demonstrators": [
            {"name": "田志强", "kind": "expert", "principal_id": str(p["tian_zhiqiang"].principal_id),
             "work": "意见出台前承担主要论证工作，提出县域商业网点布局方案"},
        ]})
        self._do(p["gao_feng"], "case.open", case, {
            "decision_id": str(decision), "jurisdiction": "NX",
            "title": "县域商业体系建设实施意见实施情况后评估", "lead_unit": MARKET_UNIT,
            "grounds": ["NX-4(4)"],
            "ground_statement": "商务部县域商业体系建设工作要求开展中期评估。",
        })
        self._do(p["gao_feng"], "case.form_team", case, {"members": [
            {"principal_id": str(p["gao_feng"].principal_id), "team_role": "leader"},
            {"principal_id": str(p["he_jing"].principal_id), "team_role": "member"},
        ]})
        self._do(p["he_jing"], "case.submit_plan", case, {
            "parts": {
                "purpose": "评估县域商业网点建设成效。", "scope": "部分县区乡镇商贸中心和村级便民店。",
                "methods": "资料分析、问卷调查。", "procedure_and_schedule": "三个月内完成。",
                "budget": "评估经费6万元。",
            },
            "content_items": ["NX-6(1)", "NX-6(3)"],
        })
        self._do(p["zhao_min"], "case.approve_evaluation", case, {
            "body": "special_meeting", "meeting": f"{day(-120)[:4]}年县域商业专题会议", "decided_on": day(-120),
        })
        self._do(p["gao_feng"], "case.entrust_agency", case, {
            "agency_id": str(self.agencies["huaxin"]), "tasks": ["materials", "survey"],
            "scope": ["收集县域商业网点统计资料", "开展经营户问卷调查"], "agreement_ref": "宁商市建委〔2022〕03号",
        })
        self._refused(p["luo_bin"], "case.hand_over_work", case, {
            "tasks": ["survey"], "to": "银川某信息技术有限公司",
            "arrangement": "问卷调查整体交由该公司实施，费用按委托费用六成结算。",
        })
        self._do(p["gao_feng"], "case.engage_expert", case, {
            "expert_id": str(p["tian_zhiqiang"].principal_id), "field": "商贸流通",
            "justification": "全区熟悉县域商业网点布局的专家仅此一人，由其提供布局数据说明，不参与结论形成。",
        })
        self._do(p["he_jing"], "case.draw_conclusion", case, {
            "conclusion": "县域商业体系建设成效显著，建议继续实施。",
        })
        materials = [
            ("县域商业网点建设统计表", "各县区商务主管部门", "supporting"),
            ("乡镇商贸中心运营情况汇报", "乡镇政府", "supporting"),
            ("村级便民店经营户投诉汇总", "12345热线", "opposing"),
            ("部分商贸中心建成后闲置情况调查", "宁夏华信工程咨询有限公司", "opposing"),
            ("经营户问卷：物流成本未明显下降", "宁夏华信工程咨询有限公司", "opposing"),
            ("农产品上行销售额统计", "自治区统计局", "neutral"),
        ]
        ids = []
        for title, source, stance in materials:
            material_id = uuid4()
            ids.append(material_id)
            collector = p["luo_bin"] if "华信" in source else p["he_jing"]
            self._do(collector, "case.collect_material", case, {
                "material_id": str(material_id), "title": title, "source": source, "stance": stance,
                "classification": "none", "period": "after", "digest": _digest(title), "summary": title,
            })
        for material_id in ids[2:5]:  # NX-9: the lead unit confirms that these oppose the decision
            self._do(p["gao_feng"], "case.confirm_stance", case, {
                "material_id": str(material_id), "stance": "opposing", "note": "已核对原件",
            })
        for material_id, reason in zip(
            ids[2:5], ["与评估主题关联不大", "调查样本较少", "问卷设计存在偏差"], strict=True
        ):
            self._do(p["he_jing"], "case.exclude_material", case, {
                "material_id": str(material_id), "reason": reason,
            })
        self._do(p["gao_feng"], "case.close_evidence", case, {})
        sections = {
            "NX-7(1)": "承办处室组织评估，委托第三方收集资料。",
            "NX-7(2)": "全区建成乡镇商贸中心42个、村级便民店610个。",
            "NX-7(3)": "实施结果良好，未发现明显问题。",
            "NX-7(4)": "建议继续实施。",
        }
        draft = uuid4()
        self._do(p["he_jing"], "case.draft_report", case, {
            "draft_id": str(draft), "sections": sections, "digest": _digest(json.dumps(sections, ensure_ascii=False)),
        })
        self._do(p["he_jing"], "case.finalise_report", case, {
            "report_id": str(uuid4()), "sections": sections, "recommendation": "continue",
            "digest": _digest(json.dumps(sections, ensure_ascii=False)),
            "addressed_items": ["NX-6(1)", "NX-6(3)"],
        })
        evaluation = self.ledger.get_case(case)
        cited = [evaluation.conclusions[0]] + [
            evaluation.materials[str(m)]["excluded"] for m in ids[2:5]
        ]
        self._do(p["kong_deming"], "case.find_misconduct", case, {
            "finding_id": str(uuid4()),
            "conduct": "falsification",
            "persons": [
                {"principal_id": str(p["he_jing"].principal_id), "responsibility": "direct"},
                {"principal_id": str(p["gao_feng"].principal_id), "responsibility": "leader"},
            ],
            "cited_events": [
                {"aggregate_id": str(case), "version": entry["version"], "hash": entry["hash"]}
                for entry in cited
            ],
            "statement": "何静在证据收集结束前即形成“成效显著、继续实施”的结论，并以理由不充分的方式剔除全部三份反映问题的资料，"
            "致使评估报告未反映存在的问题，属弄虚作假；高峰作为处室负责人未履行审核把关责任。",
        })
        return case


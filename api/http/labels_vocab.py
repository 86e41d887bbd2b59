"""The domain's vocabulary in words (issue 19 — words): every value of every enum a page shows,
in Chinese and English, table by table, so that ``direct`` reads 直接责任人员 and ``opposing``
reads 反对 on a Chinese page. The tables are keyed by the enum classes themselves:
:data:`VOCABULARY` lists every one, and a unit test checks each value has both words, so a value
added to the domain without its words fails the tests rather than leaking onto a page."""

from __future__ import annotations

from enum import StrEnum

from domain.model import vocabulary as v
from domain.model.case_state import Phase

Words = dict[str, tuple[str, str]]

VOCABULARY: dict[type[StrEnum], Words] = {
    v.Jurisdiction: {
        "NX": ("宁夏商务厅办法", "Ningxia Commerce Department measures"),
        "XX": ("息县办法", "Xixian County measures"),
    },
    v.Procedure: {"standard": ("一般程序", "standard procedure"), "simplified": ("简易程序", "simplified procedure")},
    v.Scope: {"whole": ("整体评估", "whole evaluation"), "partial": ("部分评估", "partial evaluation")},
    v.DecisionBody: {
        "party_group_meeting": ("厅党组会议", "party group meeting"),
        "office_meeting": ("厅务会议", "department office meeting"),
        "special_meeting": ("厅专题会议", "special meeting"),
        "county_government": ("县政府", "county government"),
        "county_standing_meeting": ("县政府常务会议", "county government standing meeting"),
        "county_plenary_meeting": ("县政府全体会议", "county government plenary meeting"),
        "deciding_organ": ("作出决策的机关", "the deciding organ"),
    },
    v.ParticipationKind: {"public_participation": ("公众参与", "public participation"),
                          "risk_assessment": ("风险评估", "risk assessment")},
    v.LegalityOpinion: {"lawful": ("合法", "lawful"), "lawful_with_changes": ("修改后合法", "lawful with changes"),
                        "unlawful": ("不合法", "unlawful")},
    v.MemberOpinion: {"agree": ("同意", "agree"), "disagree": ("不同意", "disagree"), "reserve": ("保留", "reserve")},
    v.HeadOutcome: {"approve": ("同意", "approve"), "reject": ("不同意", "reject"), "amend": ("修改", "amend"),
                    "defer": ("暂缓", "defer"), "rediscuss": ("再次讨论", "discuss again")},
    v.OrganisationKind: {
        "organ": ("行政机关", "administrative organ"), "unit": ("处室或部门", "working unit"),
        "office": ("办公室", "office"), "justice": ("司法行政部门", "justice department"),
        "decision_body": ("决策机关", "decision body"), "inspection": ("纪检监察机构", "discipline inspection"),
        "credit": ("信用主管部门", "credit department"),
    },
    v.PrincipalKind: {"person": ("个人", "person"), "system": ("系统", "system")},
    v.AgencyKind: {
        "university": ("高等学校", "university"), "research_institute": ("科研机构", "research institute"),
        "law_firm": ("律师事务所", "law firm"), "social_organisation": ("社会组织", "social organisation"),
        "consultancy": ("咨询机构", "consultancy"),
    },
    v.TeamRole: {"leader": ("组长", "team leader"), "member": ("成员", "team member")},
    v.Affiliation: {
        "staff": ("承担评估具体工作的单位人员", "staff of the unit doing the work"),
        "npc_deputy": ("人大代表", "NPC deputy"), "cppcc_member": ("政协委员", "CPPCC member"),
        "legal_expert": ("法律专家", "legal expert"), "sector_expert": ("行业管理专家", "sector expert"),
        "other_invited": ("其他受邀人员", "other invited person"),
    },
    v.Stance: {"supporting": ("支持", "supporting"), "opposing": ("反对", "opposing"),
               "neutral": ("中立", "neutral"), "mixed": ("兼有支持和反对", "mixed")},
    v.Classification: {
        "none": ("不涉密", "not classified"), "work_secret": ("工作秘密", "work secret"),
        "commercial_secret": ("商业秘密", "commercial secret"), "personal_privacy": ("个人隐私", "personal privacy"),
        "state_secret": ("国家秘密", "state secret"),
    },
    v.Period: {"before": ("实施前", "before implementation"), "during": ("实施中", "during implementation"),
               "after": ("实施后", "after implementation")},
    v.Ruling: {"continue": ("继续实施", "continue"), "adjust": ("调整", "adjust"), "suspend": ("中止", "suspend"),
               "terminate": ("终止", "terminate")},
    v.ExpertOpinion: {"agree": ("同意", "agree"), "agree_with_changes": ("修改后同意", "agree with changes"),
                      "disagree": ("不同意", "disagree")},
    v.DemonstratorKind: {"expert": ("专家", "expert"), "agency": ("专业机构", "professional agency"),
                         "organisation": ("社会组织", "social organisation")},
    v.EntrustedTask: {
        "materials": ("收集信息资料", "collecting materials"), "survey": ("问卷调查", "survey"),
        "forum": ("座谈会", "forum"), "hearing": ("论证会", "hearing"), "field_visit": ("实地调研", "site visit"),
        "consultation": ("征求意见", "consultation"), "analysis": ("分析资料、得出初步结论", "analysis and conclusions"),
        "report_drafting": ("起草评估报告", "drafting the report"),
    },
    v.Misconduct: {
        "dereliction": ("失职渎职", "dereliction of duty"), "falsification": ("弄虚作假", "falsification"),
        "interference": ("干扰评估", "interference with the evaluation"),
        "ineffective_work": ("工作不力、方式方法简单", "ineffective work"),
    },
    v.Responsibility: {"leader": ("负有责任的领导人员", "responsible leader"),
                       "direct": ("直接责任人员", "directly responsible person")},
    v.FindingOutcome: {"held_accountable": ("已追究责任", "held accountable"),
                       "no_liability": ("经核查不予追究", "no liability after review"),
                       "rectified": ("已整改", "rectified")},
    v.SuperiorBasis: {"commissioned": ("接受上级委任", "commissioned by the superior"),
                      "assisting": ("根据上级要求协助评估", "assisting the superior"),
                      "own_reason": ("本级自行评估", "own evaluation, with reasons")},
    v.AccountabilityGround: {"evaluation_misconduct": ("评估中的违规行为", "misconduct in an evaluation"),
                             "decision_fault": ("决策过错", "fault in the making of the decision")},
    v.Conduct: {
        "dereliction": ("失职渎职", "dereliction of duty"), "falsification": ("弄虚作假", "falsification"),
        "interference": ("干扰评估", "interference with the evaluation"),
        "ineffective_work": ("工作不力、方式方法简单", "ineffective work"), "other": ("其他", "other"),
    },
    v.DecisionFault: {"serious_error": ("决策严重失误", "seriously wrong decision"),
                      "undue_delay": ("久拖不决造成重大损失、恶劣影响", "undue delay causing major loss or grave adverse effect"),
                      "procedure_not_followed": ("未按照规定履行决策程序", "decision procedure not followed"),
                      "dereliction_in_procedure": ("履行决策程序时失职渎职", "dereliction in the decision procedure"),
                      "falsification_in_procedure": ("履行决策程序时弄虚作假", "falsification in the decision procedure")},
    v.SubjectRole: {"head": ("行政首长", "head of the organ"), "leader": ("负有责任的领导人员", "responsible leader"),
                    "direct": ("直接责任人员", "directly responsible person"), "unit": ("有关单位", "unit")},
    v.Outcome: {"no_liability": ("不予追究", "no liability"), "reduced": ("减轻责任", "reduced liability"),
                "exempted": ("免除责任", "exempted"), "sanctioned": ("给予处分", "sanctioned")},
    v.Sanction: {
        "warning": ("警告", "warning"), "demerit": ("记过", "demerit"), "major_demerit": ("记大过", "major demerit"),
        "demotion": ("降级", "demotion"), "removal": ("撤职", "removal from post"), "expulsion": ("开除", "expulsion"),
        "circulated": ("通报", "circulated criticism"), "admonition": ("诫勉", "admonition"),
        "organisational": ("组织调整或者组织处理", "organisational adjustment or handling"),
    },
    v.ReliefGround: {"recorded_dissent": ("在集体讨论中持不同意见并记录在案", "dissent recorded in the collective discussion"),
                     "fault_tolerance": ("容错纠错", "fault tolerance"), "other": ("其他", "other")},
    v.ReviewResult: {"upheld": ("维持", "upheld"), "changed": ("变更", "changed")},
    v.RulingBasis: {"studied_and_agreed": ("经报县政府研究同意", "studied and agreed by the county government"),
                    "emergency_suspension": ("情况紧急，行政首长先决定中止执行", "emergency suspension by the head")},
    v.PublicationChannel: {"county_portal": ("县政府门户网站", "county government portal"),
                           "unit_site": ("本单位网站", "the unit's website"), "website": ("网站", "website")},
    v.Role: {
        "administrator": ("系统管理员", "administrator"), "lead_unit": ("承办单位", "lead unit"),
        "agency_staff": ("受委托机构人员", "agency staff"), "expert": ("专家", "expert"),
        "decision_organ": ("决策机关", "decision organ"), "justice_reviewer": ("司法行政部门", "justice reviewer"),
        "government_office": ("政府办公室", "government office"),
        "discipline_inspector": ("纪检监察", "discipline inspector"),
        "credit_authority": ("信用主管部门", "credit department"), "ledger": ("账本", "the ledger"),
    },
    Phase: {
        "preparation": ("准备阶段", "preparation"), "awaiting_approval": ("待决定开展", "awaiting approval"),
        "declined": ("决定不开展", "declined"), "implementation": ("实施阶段", "implementation"),
        "conclusion": ("结论形成阶段", "conclusion"), "report_finalised": ("报告已形成", "report finalised"),
        "justice_review_passed": ("合法性审核通过", "justice review passed"),
        "report_approved": ("报告已审定", "report approved"), "submitted": ("已提请审议", "submitted"),
        "ruled": ("已作出决定", "ruled"), "published": ("结果已公开", "published"),
    },
}

#: a deadline's states (:func:`projections.queries.deadlines`), and a finding's
DEADLINE_STATUS: Words = {
    "open": ("未到期", "running"), "met": ("按期完成", "met"), "late": ("逾期完成", "met late"),
    "overdue": ("已逾期", "overdue"), "undetermined": ("尚无法确定", "undetermined"),
}
FINDING_STATUS: Words = {"open": ("未结", "open"), "closed": ("已结", "closed")}

#: every value any table knows, for a value shown without its kind (the first table wins)
ANY_VALUE: Words = {}
for _table in (*VOCABULARY.values(), DEADLINE_STATUS):
    for _key, _pair in _table.items():
        ANY_VALUE.setdefault(_key, _pair)


def of(kind: type[StrEnum] | str, value: object, lang: str) -> str:
    """The word for ``value`` of enum ``kind`` (a class, or its name), or the value itself when
    unknown (what a person typed stays as typed)."""
    table = VOCABULARY.get(kind) if isinstance(kind, type) else BY_NAME.get(kind)
    pair = (table or ANY_VALUE).get(str(value))
    if pair is None:
        return "" if value is None else str(value)
    return pair[0] if lang == "zh" else pair[1]


BY_NAME: dict[str, Words] = {kind.__name__: table for kind, table in VOCABULARY.items()}
BY_NAME["DeadlineStatus"] = DEADLINE_STATUS
BY_NAME["FindingStatus"] = FINDING_STATUS
#: who took part in making a decision (:data:`projections.making.ROLE_ZH`)
BY_NAME["MakingRole"] = {
    "drafter": ("起草人", "drafter"), "legality_reviewer": ("合法性审查人", "legality reviewer"),
    "member": ("集体讨论组成人员", "member of the collective discussion"), "head": ("行政首长", "head of the organ"),
    "transcriber": ("档案转录人", "transcriber from the archive"),
}

"""One vocabulary for both regulations: the terms a case is recorded in.

Codes that come from an enumerated article item are the article key itself (``NX-4(3)`` is
NX 第四条 item （三）), so a recorded ground, content item or report section names its source,
and one from the other text is visibly foreign. ``NX`` is the Ningxia commerce department's
measure (2021), ``XX`` the Xixian county measure (息政办〔2021〕43号).
"""

from __future__ import annotations

from enum import StrEnum


class Jurisdiction(StrEnum):
    """Which text a case is judged under; bound when the case opens."""

    NX = "NX"  # 宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）
    XX = "XX"  # 息县重大行政决策实施情况跟踪反馈与后评估办法（试行）


#: NX-4's seven and XX-9's five grounds for evaluation (评估情形).
TRIGGER_GROUNDS: dict[Jurisdiction, dict[str, str]] = {
    Jurisdiction.NX: {
        "NX-4(1)": "重大行政决策主要依据的法律、法规、规章、政策以及其他客观情况发生重大变化",
        "NX-4(2)": "重大行政决策实施后明显未达到预期效果",
        "NX-4(3)": "公民、法人或者其他组织对重大行政决策执行或实施情况提出较多意见，且理由充分",
        "NX-4(4)": "上级有关部门提出有必要评估",
        "NX-4(5)": "厅决策机关认为有必要开展评估",
        "NX-4(6)": "其他处室认为有必要开展评估，且理由充分",
        "NX-4(7)": "其他有专项规定依据必须要开展评估",
    },
    Jurisdiction.XX: {
        "XX-9(1)": "重大行政决策所依据的法律、法规、规章、政策以及其他客观情况发生重大变化",
        "XX-9(2)": "重大行政决策实施后明显未达到预期效果",
        "XX-9(3)": "公民、法人或者其他组织对决策实施情况提出较多意见",
        "XX-9(4)": "决策执行单位向县政府申请对其实施的重大行政决策事项开展决策后评估",
        "XX-9(5)": "县政府认为有必要",
    },
}

#: Evaluation content items (评估内容): NX-6 and XX-8.
CONTENT_ITEMS: dict[Jurisdiction, dict[str, str]] = {
    Jurisdiction.NX: {
        "NX-6(1)": "实施结果与决策目的是否符合",
        "NX-6(2)": "成本、效益分析",
        "NX-6(3)": "存在的问题",
        "NX-6(4)": "近期效益和长远影响",
        "NX-6(5)": "在特定对象中的认知度、满意度",
        "NX-6(6)": "其他需要评估的事项",
        "NX-6(7)": "财务绩效评价等专项规定的内容",
    },
    Jurisdiction.XX: {
        "XX-8(1)": "与法律、法规、规章以及国家有关政策规定是否一致，与同位阶的其他重大行政决策是否协调",
        "XX-8(2)": "是否得到执行，各项内容或者管理措施是否必要、适当，是否有针对性地解决相关的社会问题",
        "XX-8(3)": "执行程序是否正当、具有操作性",
        "XX-8(4)": "与经济社会发展方向的符合程度，在公众中的认知度、满意度",
        "XX-8(5)": "实施带来的近期效益和长远影响",
        "XX-8(6)": "实施结果与决策目的是否符合",
    },
}

#: Report sections (评估报告内容): NX-7 and XX-14.
REPORT_SECTIONS: dict[Jurisdiction, dict[str, str]] = {
    Jurisdiction.NX: {
        "NX-7(1)": "评估工作的基本情况",
        "NX-7(2)": "重大行政决策实施的基本情况",
        "NX-7(3)": "实施结果、成本效益、存在问题及其影响因素等及改进对策",
        "NX-7(4)": "继续实施、调整或者终止执行的意见建议",
        "NX-7(5)": "其他认为有必要报告的事项",
    },
    Jurisdiction.XX: {
        "XX-14(1)": "跟踪反馈与后评估工作的基本情况",
        "XX-14(2)": "实施绩效、制度设计等跟踪反馈与后评估内容分析",
        "XX-14(3)": "跟踪反馈与后评估结论及建议",
        "XX-14(4)": "其他需要说明的问题",
    },
}

#: Parts of the evaluation plan (评估方案): NX-10(1) and XX-11(2).
PLAN_PARTS: dict[Jurisdiction, dict[str, str]] = {
    Jurisdiction.NX: {
        "purpose": "评估目的",
        "scope": "评估范围",
        "methods": "评估方法",
        "procedure_and_schedule": "评估程序与时间安排",
        "budget": "经费预算",
    },
    Jurisdiction.XX: {
        "purpose": "目的",
        "object_and_content": "对象与内容",
        "standard_and_method": "标准与方法",
        "steps_and_schedule": "步骤与时间安排",
        "budget": "经费预算",
        "organisational_support": "组织保障",
    },
}


class Procedure(StrEnum):
    STANDARD = "standard"  # NX-10 四步 / XX-10 三阶段
    SIMPLIFIED = "simplified"  # 简易程序, XX-15 only


class Scope(StrEnum):
    WHOLE = "whole"  # 整体评估 (NX-5, XX-10)
    PARTIAL = "partial"  # 部分评估


class DecisionBody(StrEnum):
    """Bodies that decide. NX-4: 厅决策机关 is one of the first three."""

    PARTY_GROUP_MEETING = "party_group_meeting"  # 厅党组会议
    OFFICE_MEETING = "office_meeting"  # 厅务会议
    SPECIAL_MEETING = "special_meeting"  # 厅专题会议
    COUNTY_GOVERNMENT = "county_government"  # 县政府 (XX-13(4), XX-16)
    # H1 making: the county government's meetings that discuss a decision (国令第713号第三十条)
    COUNTY_STANDING_MEETING = "county_standing_meeting"  # 县政府常务会议
    COUNTY_PLENARY_MEETING = "county_plenary_meeting"  # 县政府全体会议
    # issue 18 — bodies (XX-26): the township government or county department whose own decision
    # it is, applying the measures 参照执行
    DECIDING_ORGAN = "deciding_organ"  # 作出决策的乡镇人民政府或县政府部门


NX_DECISION_BODIES = frozenset(
    {DecisionBody.PARTY_GROUP_MEETING, DecisionBody.OFFICE_MEETING, DecisionBody.SPECIAL_MEETING}
)


# H1 making: the making of a decision (XX-18; 国令第713号第三十条、第三十三条)
#: the county government's bodies of collective discussion (国令第713号第三十条)
XX_DISCUSSION_BODIES = frozenset({DecisionBody.COUNTY_STANDING_MEETING, DecisionBody.COUNTY_PLENARY_MEETING})


class ParticipationKind(StrEnum):
    """决策过程中的公众参与与风险评估 (国令第713号第十四条至第二十四条; expert demonstration is
    ``decision.record_demonstrators``)."""

    PUBLIC_PARTICIPATION = "public_participation"  # 公众参与
    RISK_ASSESSMENT = "risk_assessment"  # 风险评估


class LegalityOpinion(StrEnum):
    """合法性审查意见 (国令第713号第二十五条至第二十八条)."""

    LAWFUL = "lawful"  # 合法
    LAWFUL_WITH_CHANGES = "lawful_with_changes"  # 修改后合法
    UNLAWFUL = "unlawful"  # 不合法


class MemberOpinion(StrEnum):
    """集体讨论中组成人员的意见 (国令第713号第三十条)."""

    AGREE = "agree"  # 同意
    DISAGREE = "disagree"  # 不同意
    RESERVE = "reserve"  # 保留


class HeadOutcome(StrEnum):
    """行政首长的决定 (国令第713号第三十条)."""

    APPROVE = "approve"  # 同意
    REJECT = "reject"  # 不同意
    AMEND = "amend"  # 修改
    DEFER = "defer"  # 暂缓
    REDISCUSS = "rediscuss"  # 再次讨论


class Role(StrEnum):
    """What a principal may do. Case membership (team, entrusted agency, engaged expert) is
    recorded on the case; these are standing roles."""

    ADMINISTRATOR = "administrator"  # 系统管理员: registers persons and their keys
    LEAD_UNIT = "lead_unit"  # 承办处室 (NX) / 决策执行单位 (XX) staff
    AGENCY_STAFF = "agency_staff"  # 受委托评估机构工作人员
    EXPERT = "expert"  # 专家
    DECISION_ORGAN = "decision_organ"  # 厅决策机关 / 县政府
    JUSTICE_REVIEWER = "justice_reviewer"  # 司法行政部门 (XX-6, XX-13(4))
    GOVERNMENT_OFFICE = "government_office"  # 县政府办公室 (XX-6)
    DISCIPLINE_INSPECTOR = "discipline_inspector"  # 纪检监察
    CREDIT_AUTHORITY = "credit_authority"  # 信用主管部门 (NX-17, XX-24 的"有关部门"): H3 credit
    LEDGER = "ledger"  # the ledger's own key: system events only


class OrganisationKind(StrEnum):
    """What an organisation (单位) is, for the reach of the roles held in it (issue 16 point 1).

    An organ (机关) and its working units reach themselves and what is under them; a body that
    serves an organ — its office, its legality reviewer, its decision meeting, the discipline
    inspection group stationed in it — reaches the organ it serves and everything under that."""

    ORGAN = "organ"  # 行政机关: 自治区商务厅, 县人民政府, 乡镇人民政府 (XX-26)
    UNIT = "unit"  # 处室 / 部门 / 决策执行单位: a working unit of an organ
    OFFICE = "office"  # 办公室 (县政府办公室, XX-6): serves its organ
    JUSTICE = "justice"  # 司法行政部门 / 法规处 (XX-6, XX-13(4)): reviews for its organ
    DECISION_BODY = "decision_body"  # 厅决策机关 / 政府常务会议 (NX-10(2)): decides for its organ
    INSPECTION = "inspection"  # 纪检监察机构 (NX-16, XX-23): inspects its organ
    CREDIT = "credit"  # 信用主管部门 (NX-17, XX-24 的"有关部门"): decides bad-credit records — H3 credit


#: bodies whose roles reach the organ they serve (their parent) and all under it
SERVING_BODIES = frozenset(
    {OrganisationKind.OFFICE, OrganisationKind.JUSTICE, OrganisationKind.DECISION_BODY, OrganisationKind.INSPECTION}
)

#: the standing roles exercised within an organisation's scope; the others act by membership of
#: a case (experts, agency staff), by the ledger's own key, or administer the directory
SCOPED_ROLES = frozenset(
    {Role.LEAD_UNIT, Role.DECISION_ORGAN, Role.JUSTICE_REVIEWER, Role.GOVERNMENT_OFFICE, Role.DISCIPLINE_INSPECTOR,
     Role.CREDIT_AUTHORITY}  # H3 credit
)


class PrincipalKind(StrEnum):
    PERSON = "person"
    SYSTEM = "system"


class AgencyKind(StrEnum):
    """受委托评估机构 (NX-4, XX-20)."""

    UNIVERSITY = "university"  # 高等学校
    RESEARCH_INSTITUTE = "research_institute"  # 科研机构
    LAW_FIRM = "law_firm"  # 律师事务所
    SOCIAL_ORGANISATION = "social_organisation"  # 社会组织
    CONSULTANCY = "consultancy"  # 咨询机构


class TeamRole(StrEnum):
    LEADER = "leader"  # 组长
    MEMBER = "member"  # 成员


class Affiliation(StrEnum):
    """Who sits on a team (XX-11(1))."""

    STAFF = "staff"  # 承担评估具体工作的单位人员
    NPC_DEPUTY = "npc_deputy"  # 人大代表
    CPPCC_MEMBER = "cppcc_member"  # 政协委员
    LEGAL_EXPERT = "legal_expert"  # 法律专家
    SECTOR_EXPERT = "sector_expert"  # 行业管理专家
    OTHER_INVITED = "other_invited"  # 等: another invited person (another department's official, a residents' representative)


class Stance(StrEnum):
    """The stance of a material or opinion towards the decision (NX-9, XX-7)."""

    SUPPORTING = "supporting"
    OPPOSING = "opposing"
    NEUTRAL = "neutral"
    MIXED = "mixed"


class Classification(StrEnum):
    """Confidentiality of a material (NX-15, XX-22)."""

    NONE = "none"
    WORK_SECRET = "work_secret"  # 工作秘密
    COMMERCIAL_SECRET = "commercial_secret"  # 商业秘密
    PERSONAL_PRIVACY = "personal_privacy"  # 个人隐私
    STATE_SECRET = "state_secret"  # 国家秘密


class Period(StrEnum):
    """When the information describes (XX-12(1): 实施前后)."""

    BEFORE = "before"
    DURING = "during"
    AFTER = "after"


class Ruling(StrEnum):
    """The decision organ's ruling on the decision (NX-12a, NX-14, XX-16)."""

    CONTINUE = "continue"  # 继续实施
    ADJUST = "adjust"  # 调整
    SUSPEND = "suspend"  # 中止
    TERMINATE = "terminate"  # 终止


class ExpertOpinion(StrEnum):
    AGREE = "agree"
    AGREE_WITH_CHANGES = "agree_with_changes"
    DISAGREE = "disagree"


class DemonstratorKind(StrEnum):
    """Who did the decision's main pre-decision demonstration (NX-8)."""

    EXPERT = "expert"
    AGENCY = "agency"  # 专业机构
    ORGANISATION = "organisation"  # 社会组织


class EntrustedTask(StrEnum):
    """What an agency may be entrusted with (委托范围, NX-4, XX-20)."""

    MATERIALS = "materials"  # 收集信息资料
    SURVEY = "survey"  # 问卷调查
    FORUM = "forum"  # 座谈会
    HEARING = "hearing"  # 论证会
    FIELD_VISIT = "field_visit"  # 实地调研
    CONSULTATION = "consultation"  # 征求意见
    ANALYSIS = "analysis"  # 分析资料、得出初步结论
    REPORT_DRAFTING = "report_drafting"  # 起草评估报告


class Misconduct(StrEnum):
    """Conduct an inspector finds (NX-16, XX-23)."""

    DERELICTION = "dereliction"  # 失职渎职
    FALSIFICATION = "falsification"  # 弄虚作假
    INTERFERENCE = "interference"  # 干扰评估
    INEFFECTIVE_WORK = "ineffective_work"  # NX-16: 结果无法运用与其工作不力、方式方法简单有关


class Responsibility(StrEnum):
    LEADER = "leader"  # 负有责任的领导人员
    DIRECT = "direct"  # 直接责任人员


class FindingOutcome(StrEnum):
    """How an inspector closes a finding. A closed finding stays on the record (XX-18)."""

    HELD_ACCOUNTABLE = "held_accountable"  # 已追究责任
    NO_LIABILITY = "no_liability"  # 经核查不予追究
    RECTIFIED = "rectified"  # 已整改


class SuperiorBasis(StrEnum):
    """Why a county evaluates a decision a superior organ evaluates (XX-19)."""

    COMMISSIONED = "commissioned"  # 接受上级委任
    ASSISTING = "assisting"  # 根据上级要求协助评估
    OWN_REASON = "own_reason"  # 本级自行评估，说明理由


# --- H2 accountability: the procedure of 责任追究 (NX-16, XX-23, XX-18; 国令第713号第三十八条) ---------


class AccountabilityGround(StrEnum):
    """Why a procedure is opened (立案事由)."""

    EVALUATION_MISCONDUCT = "evaluation_misconduct"  # 评估中的失职渎职等行为 (NX-16, XX-23)
    DECISION_FAULT = "decision_fault"  # 决策过程中的行政过错 (XX-18; 713-38)


class Conduct(StrEnum):
    """Conduct found in an evaluation (NX-16, XX-23): the named ones and, for the texts' "等", a
    described other."""

    DERELICTION = "dereliction"  # 失职渎职
    FALSIFICATION = "falsification"  # 弄虚作假
    INTERFERENCE = "interference"  # 干扰评估
    INEFFECTIVE_WORK = "ineffective_work"  # NX-16: 评估结果无法运用与其工作不力、方式方法简单有关
    OTHER = "other"  # 等: described


class DecisionFault(StrEnum):
    """A fault in the making of a decision (XX-18): the decision's own (国令第713号第三十八条), or a
    unit's in the procedure (第三十九条: 决策承办单位或者承担决策有关工作的单位)."""

    SERIOUS_ERROR = "serious_error"  # 决策严重失误 (713-38)
    UNDUE_DELAY = "undue_delay"  # 依法应当及时作出决策而久拖不决，造成重大损失、恶劣影响 (713-38)
    PROCEDURE_NOT_FOLLOWED = "procedure_not_followed"  # 未按照规定履行决策程序 (713-39)
    DERELICTION_IN_PROCEDURE = "dereliction_in_procedure"  # 履行决策程序时失职渎职 (713-39)
    FALSIFICATION_IN_PROCEDURE = "falsification_in_procedure"  # 履行决策程序时弄虚作假 (713-39)


#: faults of a unit in the decision procedure, whose leaders and direct persons answer for them (713-39)
UNIT_FAULTS = frozenset({DecisionFault.PROCEDURE_NOT_FOLLOWED, DecisionFault.DERELICTION_IN_PROCEDURE,
                         DecisionFault.FALSIFICATION_IN_PROCEDURE})


class SubjectRole(StrEnum):
    """Who a procedure names: persons by their responsibility, or (XX-23) a unit as party."""

    HEAD = "head"  # 行政首长
    LEADER = "leader"  # 负有责任的领导人员
    DIRECT = "direct"  # 直接责任人员
    UNIT = "unit"  # 有关单位 (XX-23): a party, never a sanctioned person


class Outcome(StrEnum):
    """A decision on one subject (决定)."""

    NO_LIABILITY = "no_liability"  # 不予追究
    REDUCED = "reduced"  # 从轻或者减轻
    EXEMPTED = "exempted"  # 免除
    SANCTIONED = "sanctioned"  # 给予处分或者问责


class Sanction(StrEnum):
    """The sanctions a decision may impose: 《公职人员政务处分法》第七条's six, and the 问责 measures
    (问责规定)."""

    WARNING = "warning"  # 警告
    DEMERIT = "demerit"  # 记过
    MAJOR_DEMERIT = "major_demerit"  # 记大过
    DEMOTION = "demotion"  # 降级
    REMOVAL = "removal"  # 撤职
    EXPULSION = "expulsion"  # 开除
    CIRCULATED = "circulated"  # 通报
    ADMONITION = "admonition"  # 诫勉
    ORGANISATIONAL = "organisational"  # 组织调整或者组织处理


class ReliefGround(StrEnum):
    """Why liability is reduced or exempted (减免责任的理由)."""

    RECORDED_DISSENT = "recorded_dissent"  # 国令第713号第三十八条: 集体讨论中明确持不同意见并记录在案
    FAULT_TOLERANCE = "fault_tolerance"  # 容错纠错
    OTHER = "other"  # 其他 (described)


class ReviewResult(StrEnum):
    """申诉、复核的处理结果."""

    UPHELD = "upheld"  # 维持
    CHANGED = "changed"  # 变更


# --- issue 18 — bodies and readings (NX-4, XX-13(4), XX-16, XX-26; 国令第713号第三十七条) ---------

#: the county government's bodies: 县政府 itself, and its 常务会议 and 全体会议, where the county
#: government studies and decides (国令第713号第三十条): each counts as the county government
COUNTY_BODIES = frozenset(
    {DecisionBody.COUNTY_GOVERNMENT, DecisionBody.COUNTY_STANDING_MEETING, DecisionBody.COUNTY_PLENARY_MEETING}
)

#: what the name of a county government's meeting must contain to be the body it claims to be
COUNTY_BODY_NAMES: dict[DecisionBody, str] = {
    DecisionBody.COUNTY_STANDING_MEETING: "常务会",
    DecisionBody.COUNTY_PLENARY_MEETING: "全体会",
}

#: what a meeting's name must contain to be the body it claims to be (NX-4: 厅党组会议、厅务会议、厅专题会议)
NX_BODY_NAMES: dict[DecisionBody, str] = {
    DecisionBody.PARTY_GROUP_MEETING: "党组会",
    DecisionBody.OFFICE_MEETING: "厅务会",
    DecisionBody.SPECIAL_MEETING: "专题会",
}


class RulingBasis(StrEnum):
    """The procedure a ruling to stop, suspend or change a decision rests on (XX-16 第二款;
    国令第713号第三十七条)."""

    STUDIED_AND_AGREED = "studied_and_agreed"  # 经报县政府研究同意
    EMERGENCY_SUSPENSION = "emergency_suspension"  # 情况紧急，行政首长先决定中止执行
# issue 18 — the report records the whole process; publication channels (XX-17)
class PublicationChannel(StrEnum):
    """Where results are published: XX-17 names two channels, both required."""

    COUNTY_PORTAL = "county_portal"  # 县政府门户网站 (XX-17)
    UNIT_SITE = "unit_site"  # 本单位网站 (XX-17)
    WEBSITE = "website"  # 网站 (NX names no channel; an address published before issue 18)

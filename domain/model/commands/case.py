"""Commands on evaluation cases: each step of NX-10's four steps and XX-10..13's three phases,
and XX-15's simplified procedure. Every identifier of a thing created inside a case (a material,
a meeting, a report) is chosen by the signer, so a signed intent names exactly what it records."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from domain.model.commands.base import Command, Digest, IsoDate, LongText, Name, Text, unique
from domain.model.commands.publication import Channel, ProcessDigest, Url
from domain.model.vocabulary import (
    Affiliation,
    Classification,
    DecisionBody,
    EntrustedTask,
    ExpertOpinion,
    Jurisdiction,
    Period,
    Procedure,
    Ruling,
    RulingBasis,
    Scope,
    Stance,
    SuperiorBasis,
    TeamRole,
)

Codes = Annotated[list[str], AfterValidator(unique), Field(min_length=1, max_length=20)]
Items = Annotated[list[Text], Field(min_length=1, max_length=100)]
Sections = Annotated[dict[str, LongText], Field(min_length=1, max_length=20)]
Tasks = Annotated[list[EntrustedTask], AfterValidator(unique), Field(min_length=1, max_length=10)]
Justification = Annotated[str, Field(max_length=2000)]
BASE64 = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --- opening and preparation (NX-4, NX-10(1)(2); XX-9, XX-11) --------------------------------


class SuperiorBasisStatement(_Part):
    """Why the county evaluates a decision a superior organ is to evaluate (XX-19)."""

    kind: SuperiorBasis
    statement: Text


class OpenCase(Command):
    """立案: the lead unit opens an evaluation of a registered decision on its text's grounds."""

    ACTION = "case.open"

    decision_id: UUID
    jurisdiction: Jurisdiction
    title: Name
    lead_unit: Name  # 承办处室 (NX) / 决策执行单位 (XX)
    grounds: Codes  # NX-4(1)…(7) or XX-9(1)…(5)
    ground_statement: Text  # the facts behind the grounds
    scope: Scope = Scope.WHOLE  # NX-5, XX-10
    scope_parts: Annotated[list[Text], Field(max_length=50, default_factory=list)]
    procedure: Procedure = Procedure.STANDARD
    simplified_reason: Annotated[str, Field(max_length=2000)] = ""  # XX-15
    superior_basis: SuperiorBasisStatement | None = None  # XX-19


class TeamMember(_Part):
    principal_id: UUID
    team_role: TeamRole
    affiliation: Affiliation = Affiliation.STAFF
    # issue 18 — avoidance (NX-8): why a pre-decision demonstrator is on the team (原则上不得参与)
    justification: Justification = ""


class FormTeam(Command):
    """成立评估小组 (NX-10(1), XX-11(1))."""

    ACTION = "case.form_team"

    members: Annotated[list[TeamMember], Field(min_length=1, max_length=50)]


class SubmitPlan(Command):
    """制定评估方案 (NX-10(1), XX-11(2)): the plan's parts and the content items it covers
    (NX-6, XX-8)."""

    ACTION = "case.submit_plan"

    parts: Sections
    content_items: Codes


class PrepareSurvey(Command):
    """制定调查提纲，设计调查问卷 (XX-11(3))."""

    ACTION = "case.prepare_survey"

    outline: LongText
    questionnaire_title: Name
    questions: Items


class ApproveEvaluation(Command):
    """厅决策机关研究审议，决定开展评估 (NX-10(2), NX-4)."""

    ACTION = "case.approve_evaluation"

    body: DecisionBody
    meeting: Name  # e.g. 2021年第12次厅务会议
    decided_on: IsoDate


class DeclineEvaluation(Command):
    """厅决策机关决定不开展评估 (NX-10(2))."""

    ACTION = "case.decline_evaluation"

    body: DecisionBody
    meeting: Name
    decided_on: IsoDate
    reason: Text


class EntrustAgency(Command):
    """委托第三方评估 (NX-4, XX-20): the agency and the scope of the entrustment."""

    ACTION = "case.entrust_agency"

    agency_id: UUID
    tasks: Tasks  # 委托范围: what the agency may do on this case
    scope: Items  # 委托范围 as the agreement words it
    agreement_ref: Name  # 委托协议编号
    justification: Justification = ""  # kept as signed; excuses no demonstrating unit (713-36)


class EngageExpert(Command):
    """外聘专家 (NX-4, XX-20): by the lead unit, or by an entrusted agency under its entrustment."""

    ACTION = "case.engage_expert"

    expert_id: UUID
    field: Name  # 专业领域
    agency_id: UUID | None = None  # the entrustment the engagement falls under
    justification: Justification = ""  # NX-8 原则上
    # issue 18 — outsourcing (XX-20): 自身力量不能满足评估工作需要的 — why the agency's own staff
    # cannot meet the need; required of an engagement under an agency's entrustment under XX
    own_staff_insufficient: Justification = ""


# --- evaluation work (NX-10(3), XX-12, XX-15) -----------------------------------------------


class Sealed(_Part):
    """Content encrypted before it was signed (:mod:`domain.model.sealing`): the signature and the
    chain hash cover the ciphertext, never the plaintext (NX-15, XX-22)."""

    alg: Literal["A256GCM", "SM4GCM"]  # issue 20 — sm4: SM4-GCM as an option
    kid: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    iv: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9+/]{16}$")]  # 12 bytes
    ct: Annotated[str, StringConstraints(min_length=24, max_length=40_000, pattern=BASE64)]


class MaterialContent(_Part):
    """What a material says: sealed as one value when the material is classified."""

    title: Name
    source: Name
    digest: Digest
    summary: Text


class CollectMaterial(Command):
    """收集信息资料 (NX-9, XX-12(1)): who chose it, its source, stance and classification.

    The content (title, source, digest, summary) is in clear for an unclassified material and
    travels as one ``sealed`` value for a classified one (NX-15, XX-22); the classification,
    stance and period stay in clear because the rules judge them (NX-9, XX-7). Which of the two a
    classification needs is the case's rule (``procedure/classified-material-sealed``); this
    model only refuses a mix of both."""

    ACTION = "case.collect_material"

    material_id: UUID
    title: Name | None = None
    source: Name | None = None
    stance: Stance
    classification: Classification
    period: Period
    digest: Digest | None = None
    summary: Text | None = None
    sealed: Sealed | None = None
    # issue 18 — evidence (NX-9, XX-7): the survey, meeting, visit or consultation it came from
    via: UUID | None = None

    @model_validator(mode="after")
    def _content_in_clear_or_sealed(self) -> CollectMaterial:
        clear = [name for name in MaterialContent.model_fields if getattr(self, name) is not None]
        if self.sealed is not None and clear:
            raise ValueError(f"a sealed material carries no content in clear ({', '.join(clear)})")
        if self.sealed is None and len(clear) != len(MaterialContent.model_fields):
            missing = [name for name in MaterialContent.model_fields if getattr(self, name) is None]
            raise ValueError(f"missing {', '.join(missing)} (or the content sealed)")
        return self


class ExcludeMaterial(Command):
    """剔除资料 (NX-9, XX-7): every exclusion names its reason and who chose it."""

    ACTION = "case.exclude_material"

    material_id: UUID
    reason: Justification  # a blank reason is refused by NX-9 / XX-7


class ConductSurvey(Command):
    """问卷调查 (NX-10(3), XX-12(2)); online questionnaires are XX-15's simplified method."""

    ACTION = "case.conduct_survey"

    survey_id: UUID
    online: bool
    period_from: IsoDate
    period_to: IsoDate
    respondents: Annotated[int, Field(ge=0, le=10_000_000)]
    summary: Text
    # NX-10(3) 应注重听取社会公众特别是利害关系人的意见: how many respondents are 利害关系人
    stakeholder_respondents: Annotated[int, Field(ge=0, le=10_000_000)] = 0

    @model_validator(mode="after")
    def _stakeholders_among_respondents(self) -> ConductSurvey:
        if self.stakeholder_respondents > self.respondents:
            raise ValueError("stakeholder_respondents cannot exceed respondents")
        return self


class Participant(_Part):
    name: Name
    affiliation: Name
    stakeholder: bool  # 利害关系人 (NX-10(3))


class HoldMeeting(Command):
    meeting_id: UUID
    held_on: IsoDate
    place: Name
    participants: Annotated[list[Participant], Field(min_length=1, max_length=500)]
    summary: Text


class HoldForum(HoldMeeting):
    """召开座谈会 (NX-10(3), XX-12(2), XX-15)."""

    ACTION = "case.hold_forum"


class HoldHearing(HoldMeeting):
    """召开论证会 (NX-10(3), XX-12(2), XX-15)."""

    ACTION = "case.hold_hearing"


class VisitSite(Command):
    """实地调研 (NX-10(3), XX-12(2))."""

    ACTION = "case.visit_site"

    visit_id: UUID
    visited_on: IsoDate
    place: Name
    summary: Text


class SolicitOpinions(Command):
    """征求意见 (XX-15): a public or targeted call for opinions."""

    ACTION = "case.solicit_opinions"

    consultation_id: UUID
    channel: Name
    period_from: IsoDate
    period_to: IsoDate
    responses: Annotated[int, Field(ge=0, le=10_000_000)]
    summary: Text


class RecordOpinion(Command):
    """记录意见 (NX-9, XX-7; 国令第713号 Art. 30): one opinion as stated, dissent included."""

    ACTION = "case.record_opinion"

    opinion_id: UUID
    source: Name
    stance: Stance
    summary: Text
    via: UUID | None = None  # the survey, meeting or consultation it came from


class CloseEvidence(Command):
    """证据收集结束: from here on nothing is collected (NX-9, XX-12)."""

    ACTION = "case.close_evidence"

    note: Annotated[str, Field(max_length=2000)] = ""


class DrawConclusion(Command):
    """得出初步结论 (NX-10(3), XX-12(3))."""

    ACTION = "case.draw_conclusion"

    conclusion: LongText


# --- report and conclusion (NX-10(4), NX-7; XX-13, XX-14) -------------------------------------


class DraftReport(Command):
    """起草评估报告 (NX-10(4), XX-13(1))."""

    ACTION = "case.draft_report"

    draft_id: UUID
    sections: Sections  # NX-7(1)…(5) or XX-14(1)…(4)
    digest: Digest


class GiveExpertOpinion(Command):
    """专家论证 (NX-10(4), XX-13(2)): one expert's signed opinion on a draft."""

    ACTION = "case.give_expert_opinion"

    draft_id: UUID
    opinion: ExpertOpinion
    comments: Text


class FinaliseReport(Command):
    """正式形成评估报告 (NX-10(4), XX-13(3))."""

    ACTION = "case.finalise_report"

    report_id: UUID
    sections: Sections
    recommendation: Ruling
    digest: Digest
    addressed_items: Annotated[list[str], AfterValidator(unique), Field(max_length=20)] = Field(
        default_factory=list
    )  # the plan's content items (NX-6, XX-8) the report addresses
    # issue 18 — the 全过程记录 bound (NX-10(4)); the case refuses a missing or other digest
    # (None only in acts recorded before issue 18)
    process_record_digest: ProcessDigest | None = None


class PassJusticeReview(Command):
    """司法行政部门审核通过 (XX-6, XX-13(4))."""

    ACTION = "case.pass_justice_review"

    report_id: UUID
    opinion: Text


class ReturnJusticeReview(Command):
    """司法行政部门审核退回 (XX-6, XX-13(4))."""

    ACTION = "case.return_justice_review"

    report_id: UUID
    reasons: Text


class ApproveReport(Command):
    """县政府审定 (XX-13(4))."""

    ACTION = "case.approve_report"

    report_id: UUID
    body: DecisionBody
    meeting: Name
    report_digest: Digest | None = None  # issue 18 — the report's digest (required since; None only before)


class SubmitReport(Command):
    """提请厅决策机关审议 (NX-12b) with a recommendation, naming the finalised report by its digest."""

    ACTION = "case.submit_report"

    report_id: UUID
    recommendation: Ruling
    note: Text
    report_digest: Digest | None = None  # the finalised report's digest: which text is submitted (required)


# --- results (NX-12a, NX-14; XX-16, XX-17) ---------------------------------------------------


class RecordRuling(Command):
    """决策机关作出决定 (NX-12a, NX-14, XX-16): continue, adjust, suspend or terminate."""

    ACTION = "case.record_ruling"

    report_id: UUID
    ruling: Ruling
    body: DecisionBody
    meeting: Name
    measures: Annotated[list[Text], Field(max_length=50, default_factory=list)]  # NX-14, XX-16 避免或减少损失
    # issue 18 — bodies and readings (XX-16 第二款; 国令第713号第三十七条): a ruling to stop, suspend or
    # change the decision states the procedure it rests on; a major change names the follow-up procedure
    basis: RulingBasis | None = None
    emergency: Annotated[str, Field(max_length=2000)] = ""  # 情况紧急: what made it urgent
    major_change: bool = False  # 对决策内容作重大修改
    follow_up: Annotated[str, Field(max_length=2000)] = ""  # 后续法定程序: 国令第713号 (XX-16), 自治区规定 (NX-13)
    report_digest: Digest | None = None  # issue 18 — the report's digest (required since; None only before)


class PublishResults(Command):
    """公开评估结果 (XX-17), classified material withheld."""

    ACTION = "case.publish_results"

    report_id: UUID
    url: Url | None = None  # one address: acts recorded before issue 18 only (now ``channels``)
    summary: LongText
    withheld_material_ids: Annotated[list[UUID], Field(max_length=1000, default_factory=list)]
    # issue 18 — XX-17: 县政府门户网站 and 本单位网站; the report's digest
    channels: Annotated[list[Channel], Field(max_length=5, default_factory=list)]
    report_digest: Digest | None = None


class RecordShredding(Command):
    """依法销毁: on a lawful request (a data subject's, or an order), a sealed material's data key
    is destroyed (crypto-shredding). The act is signed and kept — who recorded it, the request's
    reference, its basis, which key — while the ciphertext, its signature and its hash stay,
    unreadable by anyone."""

    ACTION = "case.record_shredding"

    material_id: UUID
    kid: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")]
    request_ref: Name  # the request's reference (登记号, 文号) — never the data subject's name
    basis: Text  # the lawful basis (e.g. 《个人信息保护法》第四十七条) and why


# --- entrustment, accountability, findings -------------------------------------------------


class HandOverWork(Command):
    """转交委托事项: an entrusted agency hands entrusted work on to another unit or person.
    NX-4 and XX-20 forbid it (不得擅自将委托事项变相转包); the attempt is refused and recorded as a
    finding."""

    ACTION = "case.hand_over_work"

    tasks: Tasks
    to: Name  # the unit or person it would go to
    arrangement: Text

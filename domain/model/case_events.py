"""Events of an evaluation case: how each signed act changes the case.

Each event class names its topic and the command whose signed arguments it applies. They are
bound into :class:`domain.model.case.EvaluationCase` as class attributes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from domain.model.acts import Act
from domain.model.aggregate import LedgerCreated, LedgerEvent
from domain.model.commands import case as c
from domain.model.commands import findings as fc
from domain.model.evidence_work import stated_beforehand
from domain.model.publication import channels_of

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase


def _by(event: LedgerEvent, act: Act[Any]) -> dict[str, Any]:
    return event.provenance(act)


class Opened(LedgerCreated):
    TOPIC = "decision-ledger/EvaluationCase/Opened/v1"
    COMMAND = c.OpenCase

    def on(self, case: EvaluationCase, act: Act[c.OpenCase]) -> None:
        command = act.command
        case.decision_id = command.decision_id
        case.jurisdiction = command.jurisdiction.value
        case.title = command.title
        case.lead_unit = command.lead_unit
        case.grounds = list(command.grounds)
        case.ground_statement = command.ground_statement
        case.scope = command.scope.value
        case.scope_parts = list(command.scope_parts)
        case.procedure = command.procedure.value
        case.simplified_reason = command.simplified_reason
        case.opened = _by(self, act)


class TeamFormed(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/TeamFormed/v1"
    COMMAND = c.FormTeam

    def on(self, case: EvaluationCase, act: Act[c.FormTeam]) -> None:
        case.team = {
            str(member.principal_id): {
                "team_role": member.team_role.value,
                "affiliation": member.affiliation.value,
                # issue 18 — avoidance (NX-8): kept only where a reason was given
                **({"justification": member.justification} if member.justification else {}),
            }
            for member in act.command.members
        }
        case.team_formed = _by(self, act)


class PlanSubmitted(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/PlanSubmitted/v1"
    COMMAND = c.SubmitPlan

    def on(self, case: EvaluationCase, act: Act[c.SubmitPlan]) -> None:
        revision = (case.plan or {}).get("revision", 0) + 1
        case.plan = {
            "parts": sorted(act.command.parts),
            "content_items": list(act.command.content_items),
            "revision": revision,
            # issue 18 — evidence (NX-9, XX-7): what the plan states before any evidence, by digest
            "stated": stated_beforehand(case, act.command.parts.values()),
            **_by(self, act),
        }


class SurveyPrepared(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/SurveyPrepared/v1"
    COMMAND = c.PrepareSurvey

    def on(self, case: EvaluationCase, act: Act[c.PrepareSurvey]) -> None:
        case.survey_plan = {
            "questionnaire_title": act.command.questionnaire_title,
            "questions": len(act.command.questions),
            **_by(self, act),
        }


class EvaluationApproved(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/EvaluationApproved/v1"
    COMMAND = c.ApproveEvaluation

    def on(self, case: EvaluationCase, act: Act[c.ApproveEvaluation]) -> None:
        case.approval = {
            "body": act.command.body.value,
            "meeting": act.command.meeting,
            "decided_on": act.command.decided_on,
            **_by(self, act),
        }


class EvaluationDeclined(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/EvaluationDeclined/v1"
    COMMAND = c.DeclineEvaluation

    def on(self, case: EvaluationCase, act: Act[c.DeclineEvaluation]) -> None:
        case.declined = {
            "body": act.command.body.value,
            "meeting": act.command.meeting,
            "reason": act.command.reason,
            **_by(self, act),
        }


class AgencyEntrusted(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/AgencyEntrusted/v1"
    COMMAND = c.EntrustAgency

    def on(self, case: EvaluationCase, act: Act[c.EntrustAgency]) -> None:
        case.agencies[str(act.command.agency_id)] = {
            "tasks": [task.value for task in act.command.tasks],
            "scope": list(act.command.scope),
            "agreement_ref": act.command.agreement_ref,
            "justification": act.command.justification,
            # issue 18 — evidence (NX-9, XX-7): what the entrustment states before any evidence
            "stated": stated_beforehand(case, act.command.scope),
            **_by(self, act),
        }


class ExpertEngaged(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ExpertEngaged/v1"
    COMMAND = c.EngageExpert

    def on(self, case: EvaluationCase, act: Act[c.EngageExpert]) -> None:
        case.experts[str(act.command.expert_id)] = {
            "field": act.command.field,
            "agency_id": act.command.agency_id,
            "justification": act.command.justification,
            "own_staff_insufficient": act.command.own_staff_insufficient,  # issue 18 — outsourcing (XX-20)
            **_by(self, act),
        }


class MaterialCollected(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/MaterialCollected/v1"
    COMMAND = c.CollectMaterial

    def on(self, case: EvaluationCase, act: Act[c.CollectMaterial]) -> None:
        command = act.command
        content: dict[str, Any] = (
            {"title": command.title, "source": command.source, "digest": command.digest}
            if command.sealed is None
            else {"sealed": command.sealed.model_dump(), "shredded": None}
        )
        case.materials[str(command.material_id)] = {
            **content,
            "stance": command.stance.value,
            "classification": command.classification.value,
            "period": command.period.value,
            "collected": _by(self, act),
            "excluded": None,
            # issue 18 — evidence (NX-9, XX-7): its source, and a second person's confirmation
            "via": command.via,
            "confirmed": None,
        }


class MaterialShredded(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/MaterialShredded/v1"
    COMMAND = c.RecordShredding

    def on(self, case: EvaluationCase, act: Act[c.RecordShredding]) -> None:
        case.materials[str(act.command.material_id)]["shredded"] = {
            "kid": act.command.kid,
            "request_ref": act.command.request_ref,
            "basis": act.command.basis,
            **_by(self, act),
        }


class MaterialExcluded(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/MaterialExcluded/v1"
    COMMAND = c.ExcludeMaterial

    def on(self, case: EvaluationCase, act: Act[c.ExcludeMaterial]) -> None:
        case.materials[str(act.command.material_id)]["excluded"] = {
            "reason": act.command.reason,
            **_by(self, act),
        }


class _ActivityEvent(LedgerEvent):
    """Surveys, meetings, visits and consultations: the ways opinions are heard."""

    KIND = ""
    ID_FIELD = ""

    def on(self, case: EvaluationCase, act: Act[Any]) -> None:
        fields = act.command.model_dump(mode="json", exclude={self.ID_FIELD, "summary", "stakeholder_respondents"})
        participants = fields.pop("participants", None)
        if participants is not None:
            fields["participants"] = len(participants)
            fields["stakeholders"] = sum(1 for p in participants if p["stakeholder"])
        if getattr(act.command, "stakeholder_respondents", 0):  # NX-10(3): a survey of the parties concerned
            fields["stakeholders"] = act.command.stakeholder_respondents
        case.activities[str(getattr(act.command, self.ID_FIELD))] = {
            "kind": self.KIND,
            **fields,
            **_by(self, act),
        }


class SurveyConducted(_ActivityEvent):
    TOPIC = "decision-ledger/EvaluationCase/SurveyConducted/v1"
    COMMAND = c.ConductSurvey
    KIND = "survey"
    ID_FIELD = "survey_id"


class ForumHeld(_ActivityEvent):
    TOPIC = "decision-ledger/EvaluationCase/ForumHeld/v1"
    COMMAND = c.HoldForum
    KIND = "forum"
    ID_FIELD = "meeting_id"


class HearingHeld(_ActivityEvent):
    TOPIC = "decision-ledger/EvaluationCase/HearingHeld/v1"
    COMMAND = c.HoldHearing
    KIND = "hearing"
    ID_FIELD = "meeting_id"


class SiteVisited(_ActivityEvent):
    TOPIC = "decision-ledger/EvaluationCase/SiteVisited/v1"
    COMMAND = c.VisitSite
    KIND = "site_visit"
    ID_FIELD = "visit_id"


class OpinionsSolicited(_ActivityEvent):
    TOPIC = "decision-ledger/EvaluationCase/OpinionsSolicited/v1"
    COMMAND = c.SolicitOpinions
    KIND = "consultation"
    ID_FIELD = "consultation_id"


class OpinionRecorded(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/OpinionRecorded/v1"
    COMMAND = c.RecordOpinion

    def on(self, case: EvaluationCase, act: Act[c.RecordOpinion]) -> None:
        case.opinions[str(act.command.opinion_id)] = {
            "source": act.command.source,
            "stance": act.command.stance.value,
            "via": act.command.via,
            **_by(self, act),
        }


class EvidenceClosed(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/EvidenceClosed/v1"
    COMMAND = c.CloseEvidence

    def on(self, case: EvaluationCase, act: Act[c.CloseEvidence]) -> None:
        case.evidence_closed = _by(self, act)


class ConclusionDrawn(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ConclusionDrawn/v1"
    COMMAND = c.DrawConclusion

    def on(self, case: EvaluationCase, act: Act[c.DrawConclusion]) -> None:
        case.conclusions.append(_by(self, act))


class ReportDrafted(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ReportDrafted/v1"
    COMMAND = c.DraftReport

    def on(self, case: EvaluationCase, act: Act[c.DraftReport]) -> None:
        case.drafts[str(act.command.draft_id)] = {
            "sections": sorted(act.command.sections),
            "digest": act.command.digest,
            "expert_opinions": {},
            **_by(self, act),
        }


class ExpertOpinionGiven(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ExpertOpinionGiven/v1"
    COMMAND = c.GiveExpertOpinion

    def on(self, case: EvaluationCase, act: Act[c.GiveExpertOpinion]) -> None:
        case.drafts[str(act.command.draft_id)]["expert_opinions"][str(act.actor_id)] = {
            "opinion": act.command.opinion.value,
            **_by(self, act),
        }


class ReportFinalised(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ReportFinalised/v1"
    COMMAND = c.FinaliseReport

    def on(self, case: EvaluationCase, act: Act[c.FinaliseReport]) -> None:
        case.report = {
            "report_id": act.command.report_id,
            "sections": sorted(act.command.sections),
            "addressed_items": list(act.command.addressed_items),
            "recommendation": act.command.recommendation.value,
            "digest": act.command.digest,
            "process_record_digest": act.command.process_record_digest,  # issue 18 (NX-10(4))
            **_by(self, act),
        }
        case.justice_review = None


class JusticeReviewPassed(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/JusticeReviewPassed/v1"
    COMMAND = c.PassJusticeReview

    def on(self, case: EvaluationCase, act: Act[c.PassJusticeReview]) -> None:
        case.justice_review = {"status": "passed", "report_id": act.command.report_id, **_by(self, act)}


class JusticeReviewReturned(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/JusticeReviewReturned/v1"
    COMMAND = c.ReturnJusticeReview

    def on(self, case: EvaluationCase, act: Act[c.ReturnJusticeReview]) -> None:
        case.justice_review = {
            "status": "returned",
            "report_id": act.command.report_id,
            "reasons": act.command.reasons,
            **_by(self, act),
        }


class ReportApproved(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ReportApproved/v1"
    COMMAND = c.ApproveReport

    def on(self, case: EvaluationCase, act: Act[c.ApproveReport]) -> None:
        case.report_approval = {
            "report_id": act.command.report_id,
            "body": act.command.body.value,
            "meeting": act.command.meeting,
            "report_digest": act.command.report_digest,  # issue 18
            **_by(self, act),
        }


class ReportSubmitted(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ReportSubmitted/v1"
    COMMAND = c.SubmitReport

    def on(self, case: EvaluationCase, act: Act[c.SubmitReport]) -> None:
        case.submission = {
            "report_id": act.command.report_id,
            "recommendation": act.command.recommendation.value,
            **_by(self, act),
        }


class RulingRecorded(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/RulingRecorded/v1"
    COMMAND = c.RecordRuling

    def on(self, case: EvaluationCase, act: Act[c.RecordRuling]) -> None:
        case.ruling = {
            "report_id": act.command.report_id,
            "ruling": act.command.ruling.value,
            "body": act.command.body.value,
            "meeting": act.command.meeting,
            "measures": list(act.command.measures),
            # issue 18 — bodies and readings (XX-16 第二款; 713-37): the procedure the ruling rests on
            **({"basis": act.command.basis.value, "emergency": act.command.emergency} if act.command.basis else {}),
            # NX-13: a major change under either text, with the procedure it follows
            **({"major_change": act.command.major_change, "follow_up": act.command.follow_up}
               if act.command.basis or act.command.major_change else {}),
            "report_digest": act.command.report_digest,  # issue 18
            **_by(self, act),
        }


class ResultsPublished(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/ResultsPublished/v1"
    COMMAND = c.PublishResults

    def on(self, case: EvaluationCase, act: Act[c.PublishResults]) -> None:
        case.publication = {
            "report_id": act.command.report_id,
            "channels": channels_of(act.command),  # issue 18 — XX-17's two channels
            "summary": act.command.summary,
            "withheld_material_ids": list(act.command.withheld_material_ids),
            "report_digest": act.command.report_digest,  # issue 18
            **_by(self, act),
        }


class MisconductFound(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/MisconductFound/v1"
    COMMAND = fc.FindMisconduct

    def on(self, case: EvaluationCase, act: Act[fc.FindMisconduct]) -> None:
        command = act.command
        case.findings.append(
            {
                "finding_id": command.finding_id,
                "source": "inspector",
                "rule": f"{case.jurisdiction}/accountability",
                "conduct": command.conduct.value,
                "summary_zh": command.statement,
                "articles": case.accountability_articles(),
                "persons": [
                    {"principal_id": p.principal_id, "responsibility": p.responsibility.value}
                    for p in command.persons
                ],
                "cited_events": [e.model_dump() for e in command.cited_events],
                "closed": None,
                **_by(self, act),
            }
        )


class FindingRaised(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/FindingRaised/v1"
    COMMAND = fc.RaiseFinding

    def on(self, case: EvaluationCase, act: Act[fc.RaiseFinding]) -> None:
        command = act.command
        case.findings.append(
            {
                "finding_id": command.finding_id,
                "source": "rule",
                "rule": command.rule,
                "rulebook": command.rulebook,
                "articles": list(command.articles),
                "summary_zh": command.summary_zh,
                "persons": [{"principal_id": p, "responsibility": ""} for p in command.persons],
                "cited_events": [e.model_dump() for e in command.cited_events],
                "figures": dict(command.figures),
                "attempted": command.attempt is not None,
                "closed": None,
                **_by(self, act),
            }
        )


class FindingClosed(LedgerEvent):
    TOPIC = "decision-ledger/EvaluationCase/FindingClosed/v1"
    COMMAND = fc.CloseFinding

    def on(self, case: EvaluationCase, act: Act[fc.CloseFinding]) -> None:
        for finding in case.findings:
            if finding["finding_id"] == act.command.finding_id:
                finding["closed"] = {
                    "outcome": act.command.outcome.value,
                    "statement": act.command.statement,
                    **_by(self, act),
                }

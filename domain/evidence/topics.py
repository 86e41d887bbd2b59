"""Topics: the names under which aggregates and their events are stored (docs/spec.md, "Topics").

A stored event's ``topic`` names what it records; its signed intent names the ``action`` the
person asked for. An event is bound to its intent only if its topic is the one its action
records (:data:`EVENT_OF_ACTION`). Topics are explicit and versioned (``…/v1``), so a stored
event keeps its meaning whatever the code's modules are called.
"""

from __future__ import annotations

PREFIX = "decision-ledger/"

#: the aggregates' own topics (a creation event stores its aggregate's topic as ``originator_topic``)
PRINCIPAL = "decision-ledger/Principal/v1"
AGENCY = "decision-ledger/Agency/v1"
DECISION = "decision-ledger/Decision/v1"
CASE = "decision-ledger/EvaluationCase/v1"
ORGANISATION = "decision-ledger/Organisation/v1"
ACCOUNTABILITY = "decision-ledger/Accountability/v1"  # H2 accountability
HOLIDAY_NOTICE = "decision-ledger/HolidayNotice/v1"  # issue 18 — deadlines on the official calendar

#: every action a person (or the ledger) can sign, and the one event topic it records; an
#: action that records nothing (an attempt the rules refuse and keep only as a finding) is absent
EVENT_OF_ACTION: dict[str, str] = {
    "principal.register": "decision-ledger/Principal/Registered/v1",
    "principal.grant_role": "decision-ledger/Principal/RoleGranted/v1",
    "principal.revoke_role": "decision-ledger/Principal/RoleRevoked/v1",
    "principal.add_key": "decision-ledger/Principal/KeyAdded/v1",
    "principal.rotate_key": "decision-ledger/Principal/KeyRotated/v1",
    "principal.revoke_key": "decision-ledger/Principal/KeyRevoked/v1",
    "principal.transfer": "decision-ledger/Principal/Transferred/v1",
    # H3 lifetime
    "principal.retire": "decision-ledger/Principal/Retired/v1",
    "principal.rename": "decision-ledger/Principal/Renamed/v1",
    "organisation.register": "decision-ledger/Organisation/Registered/v1",
    "organisation.name_text": "decision-ledger/Organisation/TextNamed/v1",
    "principal.confirm_key": "decision-ledger/Principal/KeyConfirmed/v1",
    "principal.rotate_ledger_key": "decision-ledger/Principal/LedgerKeyProposed/v1",
    "agency.register": "decision-ledger/Agency/Registered/v1",
    "agency.record_qualification": "decision-ledger/Agency/QualificationRecorded/v1",
    "agency.record_bad_credit": "decision-ledger/Agency/BadCreditRecorded/v1",
    "case.confirm_decision_fault": "decision-ledger/EvaluationCase/DecisionFaultConfirmed/v1",
    "agency.revoke_eligibility": "decision-ledger/Agency/EligibilityRevoked/v1",
    "principal.revoke_eligibility": "decision-ledger/Principal/EligibilityRevoked/v1",
    "agency.criticise": "decision-ledger/Agency/Criticised/v1",
    "principal.criticise": "decision-ledger/Principal/Criticised/v1",
    "agency.record_rectification": "decision-ledger/Agency/RectificationRecorded/v1",
    "principal.record_rectification": "decision-ledger/Principal/RectificationRecorded/v1",
    # H3 credit
    "credit.propose": "decision-ledger/Agency/CreditProposed/v1",
    "credit.decide": "decision-ledger/Agency/CreditDecided/v1",
    "credit.repair": "decision-ledger/Agency/CreditRepaired/v1",
    "decision.register": "decision-ledger/Decision/Registered/v1",
    "decision.record_demonstrators": "decision-ledger/Decision/DemonstratorsRecorded/v1",
    "decision.record_superior_evaluation": "decision-ledger/Decision/SuperiorEvaluationRecorded/v1",
    # H1 making: the making of a decision (XX-18; 713-30, 713-33)
    "decision.record_undertaking": "decision-ledger/Decision/UndertakingRecorded/v1",
    "decision.record_participation": "decision-ledger/Decision/ParticipationRecorded/v1",
    "decision.record_legality_review": "decision-ledger/Decision/LegalityReviewRecorded/v1",
    "decision.convene_discussion": "decision-ledger/Decision/DiscussionConvened/v1",
    "decision.state_opinion": "decision-ledger/Decision/OpinionStated/v1",
    "decision.decide": "decision-ledger/Decision/Decided/v1",
    "decision.record_publication": "decision-ledger/Decision/PublicationRecorded/v1",
    "decision.transcribe_making": "decision-ledger/Decision/MakingTranscribed/v1",
    "case.open": "decision-ledger/EvaluationCase/Opened/v1",
    "case.form_team": "decision-ledger/EvaluationCase/TeamFormed/v1",
    "case.submit_plan": "decision-ledger/EvaluationCase/PlanSubmitted/v1",
    "case.prepare_survey": "decision-ledger/EvaluationCase/SurveyPrepared/v1",
    "case.approve_evaluation": "decision-ledger/EvaluationCase/EvaluationApproved/v1",
    "case.decline_evaluation": "decision-ledger/EvaluationCase/EvaluationDeclined/v1",
    "case.entrust_agency": "decision-ledger/EvaluationCase/AgencyEntrusted/v1",
    "case.engage_expert": "decision-ledger/EvaluationCase/ExpertEngaged/v1",
    "case.collect_material": "decision-ledger/EvaluationCase/MaterialCollected/v1",
    "case.exclude_material": "decision-ledger/EvaluationCase/MaterialExcluded/v1",
    "case.record_shredding": "decision-ledger/EvaluationCase/MaterialShredded/v1",
    "case.conduct_survey": "decision-ledger/EvaluationCase/SurveyConducted/v1",
    "case.hold_forum": "decision-ledger/EvaluationCase/ForumHeld/v1",
    "case.hold_hearing": "decision-ledger/EvaluationCase/HearingHeld/v1",
    "case.visit_site": "decision-ledger/EvaluationCase/SiteVisited/v1",
    "case.solicit_opinions": "decision-ledger/EvaluationCase/OpinionsSolicited/v1",
    "case.record_opinion": "decision-ledger/EvaluationCase/OpinionRecorded/v1",
    "case.close_evidence": "decision-ledger/EvaluationCase/EvidenceClosed/v1",
    "case.draw_conclusion": "decision-ledger/EvaluationCase/ConclusionDrawn/v1",
    "case.draft_report": "decision-ledger/EvaluationCase/ReportDrafted/v1",
    "case.give_expert_opinion": "decision-ledger/EvaluationCase/ExpertOpinionGiven/v1",
    "case.finalise_report": "decision-ledger/EvaluationCase/ReportFinalised/v1",
    "case.pass_justice_review": "decision-ledger/EvaluationCase/JusticeReviewPassed/v1",
    "case.return_justice_review": "decision-ledger/EvaluationCase/JusticeReviewReturned/v1",
    "case.approve_report": "decision-ledger/EvaluationCase/ReportApproved/v1",
    "case.submit_report": "decision-ledger/EvaluationCase/ReportSubmitted/v1",
    "case.record_ruling": "decision-ledger/EvaluationCase/RulingRecorded/v1",
    "case.publish_results": "decision-ledger/EvaluationCase/ResultsPublished/v1",
    "case.find_misconduct": "decision-ledger/EvaluationCase/MisconductFound/v1",
    "case.raise_finding": "decision-ledger/EvaluationCase/FindingRaised/v1",
    "case.close_finding": "decision-ledger/EvaluationCase/FindingClosed/v1",
    # H2 accountability: the procedure of 责任追究
    "accountability.open": "decision-ledger/Accountability/Opened/v1",
    "accountability.investigate": "decision-ledger/Accountability/Investigated/v1",
    "accountability.notify": "decision-ledger/Accountability/SubjectNotified/v1",
    "accountability.state_defence": "decision-ledger/Accountability/DefenceStated/v1",
    "accountability.decide": "decision-ledger/Accountability/Decided/v1",
    "accountability.appeal": "decision-ledger/Accountability/Appealed/v1",
    "accountability.review": "decision-ledger/Accountability/Reviewed/v1",
    # issue 18 — deadlines on the official calendar: a year's holiday notice, adopted and confirmed
    "holiday_notice.adopt": "decision-ledger/HolidayNotice/Adopted/v1",
    "holiday_notice.confirm": "decision-ledger/HolidayNotice/Confirmed/v1",
    # issue 18 — duty to supply (XX-6)
    "case.request_materials": "decision-ledger/EvaluationCase/MaterialsRequested/v1",
    "case.answer_request": "decision-ledger/EvaluationCase/RequestAnswered/v1",
    "case.refuse_request": "decision-ledger/EvaluationCase/RequestRefused/v1",
    "case.coordinate_supply": "decision-ledger/EvaluationCase/SupplyCoordinated/v1",
    # issue 18 — evidence (NX-9, XX-7)
    "case.record_interim_finding": "decision-ledger/EvaluationCase/InterimFindingRecorded/v1",
    "case.confirm_stance": "decision-ledger/EvaluationCase/StanceConfirmed/v1",
}

#: the principal events whose arguments change a key history (domain.evidence.keys)
REGISTERED = EVENT_OF_ACTION["principal.register"]
PRINCIPAL_EVENTS = "decision-ledger/Principal/"


def aggregate_of(event_topic: str) -> str:
    """The aggregate topic an event topic belongs to: ``decision-ledger/Principal/Registered/v1``
    belongs to ``decision-ledger/Principal/v1``."""
    parts = event_topic.split("/")
    return "/".join((parts[0], parts[1], parts[-1])) if len(parts) == 4 else ""

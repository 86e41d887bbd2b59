"""Writes: one endpoint per action, each taking the signed intent's DSSE envelope.

The request body is the envelope the ledger stores. Its schema, per action, says what the
base64 ``payload`` holds (JSON Schema ``contentEncoding`` / ``contentMediaType`` /
``contentSchema``): the intent, with that action's arguments. The server checks the envelope,
the signature, the key active now, the role, the expected version (a stale one is 409, a replay
of a recorded intent too), then the rulebook; a refusal stores nothing.
"""

from __future__ import annotations

import copy
import inspect
from typing import Any, Literal

from fastapi import APIRouter, Path, Request
from pydantic import BaseModel, ConfigDict, Field, create_model

from api.http.examples import example_envelope
from api.http.problems import ApiError, Problem
from api.http.service import Service
from api.store.data_keys import sealed_kids
from domain.errors import LedgerError
from domain.evidence.intent import INTENT_TYPE, SignedIntent
from domain.evidence.signing import INTENT_PAYLOAD_TYPE
from domain.model.actions import ACTIONS, ActionSpec
from domain.model.words import action_words

#: action → (path, name of the path parameter holding the target, or None when the intent names it)
ROUTES: dict[str, tuple[str, str | None]] = {
    "principal.register": ("/v1/principals", None),
    "principal.grant_role": ("/v1/principals/{principal_id}/roles", "principal_id"),
    "principal.revoke_role": ("/v1/principals/{principal_id}/role-revocations", "principal_id"),
    "principal.add_key": ("/v1/principals/{principal_id}/keys", "principal_id"),
    "principal.rotate_key": ("/v1/principals/{principal_id}/key-rotations", "principal_id"),
    "principal.revoke_key": ("/v1/principals/{principal_id}/key-revocations", "principal_id"),
    "principal.transfer": ("/v1/principals/{principal_id}/transfers", "principal_id"),
    # H3 lifetime
    "principal.retire": ("/v1/principals/{principal_id}/retirement", "principal_id"),
    "principal.rename": ("/v1/principals/{principal_id}/names", "principal_id"),
    "organisation.register": ("/v1/organisations", None),
    "organisation.name_text": ("/v1/organisations/{organisation_id}/text", "organisation_id"),
    "principal.confirm_key": ("/v1/principals/{principal_id}/key-confirmations", "principal_id"),
    "principal.rotate_ledger_key": ("/v1/principals/{principal_id}/ledger-key-rotations", "principal_id"),
    "agency.register": ("/v1/agencies", None),
    "agency.record_qualification": ("/v1/agencies/{agency_id}/qualifications", "agency_id"),
    "agency.record_bad_credit": ("/v1/agencies/{agency_id}/bad-credit", "agency_id"),
    "agency.revoke_eligibility": ("/v1/agencies/{agency_id}/eligibility-revocations", "agency_id"),
    "principal.revoke_eligibility": ("/v1/principals/{principal_id}/eligibility-revocations", "principal_id"),
    "agency.criticise": ("/v1/agencies/{agency_id}/criticisms", "agency_id"),
    "principal.criticise": ("/v1/principals/{principal_id}/criticisms", "principal_id"),
    "agency.record_rectification": ("/v1/agencies/{agency_id}/rectifications", "agency_id"),
    "principal.record_rectification": ("/v1/principals/{principal_id}/rectifications", "principal_id"),
    # H3 credit
    "credit.propose": ("/v1/agencies/{agency_id}/credit-proposals", "agency_id"),
    "credit.decide": ("/v1/agencies/{agency_id}/credit-decisions", "agency_id"),
    "credit.repair": ("/v1/agencies/{agency_id}/credit-repairs", "agency_id"),
    "decision.register": ("/v1/decisions", None),
    "decision.record_demonstrators": ("/v1/decisions/{decision_id}/demonstrators", "decision_id"),
    "decision.record_superior_evaluation": ("/v1/decisions/{decision_id}/superior-evaluations", "decision_id"),
    # H1 making: the making of a decision (XX-18; 713-30, 713-33)
    "decision.record_undertaking": ("/v1/decisions/{decision_id}/undertaking", "decision_id"),
    "decision.record_participation": ("/v1/decisions/{decision_id}/participation", "decision_id"),
    "decision.record_legality_review": ("/v1/decisions/{decision_id}/legality-reviews", "decision_id"),
    "decision.convene_discussion": ("/v1/decisions/{decision_id}/discussions", "decision_id"),
    "decision.state_opinion": ("/v1/decisions/{decision_id}/discussion-opinions", "decision_id"),
    "decision.decide": ("/v1/decisions/{decision_id}/head-decisions", "decision_id"),
    "decision.record_publication": ("/v1/decisions/{decision_id}/publication", "decision_id"),
    "decision.transcribe_making": ("/v1/decisions/{decision_id}/transcriptions", "decision_id"),
    "case.open": ("/v1/cases", None),
    "case.form_team": ("/v1/cases/{case_id}/team", "case_id"),
    "case.submit_plan": ("/v1/cases/{case_id}/plan", "case_id"),
    "case.prepare_survey": ("/v1/cases/{case_id}/survey-outline", "case_id"),
    "case.approve_evaluation": ("/v1/cases/{case_id}/approval", "case_id"),
    "case.decline_evaluation": ("/v1/cases/{case_id}/declination", "case_id"),
    "case.entrust_agency": ("/v1/cases/{case_id}/entrustments", "case_id"),
    "case.engage_expert": ("/v1/cases/{case_id}/experts", "case_id"),
    "case.hand_over_work": ("/v1/cases/{case_id}/hand-overs", "case_id"),
    "case.collect_material": ("/v1/cases/{case_id}/materials", "case_id"),
    "case.exclude_material": ("/v1/cases/{case_id}/material-exclusions", "case_id"),
    "case.record_shredding": ("/v1/cases/{case_id}/material-shreddings", "case_id"),
    "case.conduct_survey": ("/v1/cases/{case_id}/surveys", "case_id"),
    "case.hold_forum": ("/v1/cases/{case_id}/forums", "case_id"),
    "case.hold_hearing": ("/v1/cases/{case_id}/hearings", "case_id"),
    "case.visit_site": ("/v1/cases/{case_id}/site-visits", "case_id"),
    "case.solicit_opinions": ("/v1/cases/{case_id}/consultations", "case_id"),
    "case.record_opinion": ("/v1/cases/{case_id}/opinions", "case_id"),
    "case.close_evidence": ("/v1/cases/{case_id}/evidence-closure", "case_id"),
    "case.draw_conclusion": ("/v1/cases/{case_id}/conclusions", "case_id"),
    "case.draft_report": ("/v1/cases/{case_id}/drafts", "case_id"),
    "case.give_expert_opinion": ("/v1/cases/{case_id}/expert-opinions", "case_id"),
    "case.finalise_report": ("/v1/cases/{case_id}/report", "case_id"),
    "case.pass_justice_review": ("/v1/cases/{case_id}/justice-review/passed", "case_id"),
    "case.return_justice_review": ("/v1/cases/{case_id}/justice-review/returned", "case_id"),
    "case.approve_report": ("/v1/cases/{case_id}/report-approval", "case_id"),
    "case.submit_report": ("/v1/cases/{case_id}/submission", "case_id"),
    "case.record_ruling": ("/v1/cases/{case_id}/ruling", "case_id"),
    "case.publish_results": ("/v1/cases/{case_id}/publication", "case_id"),
    "case.confirm_decision_fault": ("/v1/cases/{case_id}/decision-faults", "case_id"),
    "case.find_misconduct": ("/v1/cases/{case_id}/misconduct-findings", "case_id"),
    "case.close_finding": ("/v1/cases/{case_id}/finding-closures", "case_id"),
    # H2 accountability: the procedure of 责任追究
    "accountability.open": ("/v1/accountabilities", None),
    "accountability.investigate": ("/v1/accountabilities/{accountability_id}/investigations", "accountability_id"),
    "accountability.notify": ("/v1/accountabilities/{accountability_id}/notices", "accountability_id"),
    "accountability.state_defence": ("/v1/accountabilities/{accountability_id}/defences", "accountability_id"),
    "accountability.decide": ("/v1/accountabilities/{accountability_id}/decisions", "accountability_id"),
    "accountability.appeal": ("/v1/accountabilities/{accountability_id}/appeals", "accountability_id"),
    "accountability.review": ("/v1/accountabilities/{accountability_id}/reviews", "accountability_id"),
    # issue 18 — deadlines on the official calendar: a year's holiday notice (id: notice_id(year))
    "holiday_notice.adopt": ("/v1/holiday-notices", None),
    "holiday_notice.confirm": ("/v1/holiday-notices/{notice_id}/confirmations", "notice_id"),
    # issue 18 — duty to supply (XX-6)
    "case.request_materials": ("/v1/cases/{case_id}/material-requests", "case_id"),
    "case.answer_request": ("/v1/cases/{case_id}/material-requests/answers", "case_id"),
    "case.refuse_request": ("/v1/cases/{case_id}/material-requests/refusals", "case_id"),
    "case.coordinate_supply": ("/v1/cases/{case_id}/material-requests/coordination", "case_id"),
    # issue 18 — evidence (NX-9, XX-7)
    "case.record_interim_finding": ("/v1/cases/{case_id}/interim-findings", "case_id"),
    "case.confirm_stance": ("/v1/cases/{case_id}/stance-confirmations", "case_id"),
}
NOT_OVER_HTTP = {"case.raise_finding"}  # signed by the ledger's own key only


class Signature(BaseModel):
    model_config = ConfigDict(extra="forbid")

    keyid: str = Field(min_length=1, max_length=128, description="RFC 7638 thumbprint of the signing key")
    # issue 20 — sm2: or an SM2 key's strict-DER signature, at most 72 bytes (96 base64 characters)
    sig: str = Field(min_length=12, max_length=96, description="standard base64 of the 64-byte Ed25519 signature "
                     "(or of an SM2 key's DER signature, docs/spec.md §22) "
                     "over PAE(payloadType, payload)")


class Recorded(BaseModel):
    """What the ledger stored."""

    aggregate_id: str
    version: int
    event: str
    topic: str
    hash: str
    recorded_at: str
    notification_id: int | None
    findings: list[str] = Field(description="rule ids of the findings raised with this event")


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """The schema with its ``$defs`` references replaced by their definitions."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(copy.deepcopy(defs[node["$ref"].split("/")[-1]]))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)  # type: ignore[no-any-return]


def intent_schema(spec: ActionSpec) -> dict[str, Any]:
    return {
        "type": "object",
        "description": "RFC 8785 canonical JSON; signed exactly as sent",
        "required": ["action", "actor", "args", "expected_version", "nonce", "signed_at", "target", "type"],
        "additionalProperties": False,
        "properties": {
            "action": {"const": spec.name},
            "actor": {"type": "string", "format": "uuid"},
            "args": inline_refs(spec.command.model_json_schema()),
            "expected_version": {"type": "integer", "minimum": 0,
                                 "description": "0 to create; else the version the signer read"},
            "nonce": {"type": "string", "minLength": 16, "maxLength": 64},
            "signed_at": {"type": "string", "pattern": r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$"},
            "target": {"type": "string", "format": "uuid"},
            "type": {"const": INTENT_TYPE},
        },
    }


def envelope_model(spec: ActionSpec) -> type[BaseModel]:
    name = "".join(part.title() for part in spec.name.replace(".", "_").split("_")) + "Envelope"
    return create_model(  # type: ignore[call-overload, no-any-return]
        name,
        __config__=ConfigDict(extra="forbid", json_schema_extra={"examples": [example_envelope(spec)]}),
        __doc__=f"The signed intent of {spec.name} (DSSE v1).",
        payload=(str, Field(min_length=4, json_schema_extra={
            "contentEncoding": "base64",
            "contentMediaType": INTENT_PAYLOAD_TYPE,
            "contentSchema": intent_schema(spec),
        })),
        payloadType=(Literal[INTENT_PAYLOAD_TYPE], ...),  # type: ignore[valid-type, arg-type]
        signatures=(list[Signature], Field(min_length=1, max_length=1)),
    )


def _endpoint(spec: ActionSpec, model: type[BaseModel], parameter: str | None) -> Any:
    async def record(request: Request, body: Any, **path: str) -> Recorded:
        service: Service = request.app.state.service
        envelope = body.model_dump()
        try:
            signed = SignedIntent.open(envelope)
            if signed.intent.action != spec.name:
                raise ApiError("invalid-request",
                               f"此地址记录「{action_words(spec.name)[0]}」（{spec.name}），签署的意图却是 "
                               f"{signed.intent.action} — this endpoint records {spec.name}; the signed intent asks for "
                               f"{signed.intent.action}")
            if parameter is not None and path[parameter] != str(signed.intent.target):
                raise ApiError("invalid-request",
                               f"签署的意图针对 {signed.intent.target}，不是地址中的 {path[parameter]} — "
                               f"the signed intent targets {signed.intent.target}, not {path[parameter]}")
            # a data key minted for this material is claimed so that it cannot expire meanwhile
            claimed = _claim(service, signed.intent.args)
            # judged and stored with the writes that arrive meanwhile (group commit); the event
            # loop serves other requests while this one waits
            try:
                recorded = await service.writer.record(signed)
            except BaseException:
                for kid in claimed:
                    service.data_keys.release(kid)  # type: ignore[union-attr]
                raise
        except LedgerError as error:
            service.metrics.refused.labels(error.kind).inc()
            request.scope.setdefault("state", {})["log_fields"] = {"action": spec.name, "refused": error.kind}
            raise
        service.metrics.appended.labels(recorded.event).inc(1 + len(recorded.findings))
        request.scope.setdefault("state", {})["log_fields"] = {
            "action": spec.name, "actor": str(signed.intent.actor), "aggregate": str(recorded.aggregate_id),
            "version": recorded.version,
        }
        return Recorded(**recorded.to_json())

    parameters = [
        inspect.Parameter("request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request),
        inspect.Parameter("body", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=model),
    ]
    if parameter is not None:
        parameters.append(inspect.Parameter(
            parameter, inspect.Parameter.KEYWORD_ONLY, annotation=str,
            default=Path(pattern=r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$",
                         description="the aggregate the signed intent targets"),
        ))
    record.__signature__ = inspect.Signature(parameters, return_annotation=Recorded)  # type: ignore[attr-defined]
    record.__name__ = spec.name.replace(".", "_")
    return record


def _claim(service: Service, args: Any) -> list[str]:
    """Claim the minted data keys a write seals with (issue 16, point 6); refused if one expired."""
    if service.data_keys is None:
        return []
    return [kid for kid in sealed_kids(args) if service.data_keys.claim(kid)]


ERRORS = {
    code: {"model": Problem, "content": {"application/problem+json": {}}, "description": text}
    for code, text in {
        400: "unreadable: bad JSON, canonical form, base64, or signing time out of range",
        401: "the signature does not verify",
        403: "the key is not active, or the role or case membership does not allow the action",
        404: "the target does not exist",
        409: "stale expected version, or a replay of a recorded intent",
        413: "body too large",
        422: "refused by a rule (article, message_zh, message_en) or not matching the schema",
    }.items()
}


def router() -> APIRouter:
    api = APIRouter(tags=["writes"])
    for name, spec in ACTIONS.items():
        if name in NOT_OVER_HTTP:
            continue
        path, parameter = ROUTES[name]
        model = envelope_model(spec)
        api.add_api_route(
            path,
            _endpoint(spec, model, parameter),
            methods=["POST"],
            status_code=201,
            response_model=Recorded,
            responses=ERRORS,  # type: ignore[arg-type]
            summary=f"{name}: {(spec.command.__doc__ or '').strip().splitlines()[0]}",
            description=(spec.command.__doc__ or "").strip()
            + (f"\n\nWho may sign: {', '.join(sorted(r.value for r in spec.roles))}." if spec.roles else ""),
            operation_id=name.replace(".", "_"),
        )
    return api

"""docs/spec.md §18 held to the product: the 全过程记录 of a case and its digest rebuilt from the spec
and a case bundle (§12) alone — base64, JSON, SHA-256 and ``rfc8785``, nothing of
``domain/model/process_record.py`` — agree with what the ledger serves and what the finalisation signed.
The articles are the timeline's, as §18.1 defines them."""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any
from uuid import uuid4

import rfc8785

from projections.export import Exporter
from projections.timeline import timeline
from tests.support import Projected, XXScript

FORMAT = "decision-ledger/process-record/v1"


def intent_of(event: dict[str, Any]) -> dict[str, Any]:
    intent: dict[str, Any] = json.loads(base64.b64decode(event["state"]["envelope"]["payload"]))
    return intent


def names_over_time(bundle: dict[str, Any]) -> dict[str, list[tuple[str, str]]]:
    """Per principal: (timestamp, name) of its registration and renames, in order (§18.1 actor)."""
    names: dict[str, list[tuple[str, str]]] = {}
    for event in sorted(bundle["events"], key=lambda e: e["leaf_index"]):
        intent = intent_of(event)
        if intent["action"] in ("principal.register", "principal.rename"):
            names.setdefault(event["aggregate_id"], []).append((event["state"]["timestamp"], intent["args"]["name"]))
    return names


def name_at(history: list[tuple[str, str]], moment: str) -> str:
    return [name for at, name in history if at <= moment][-1]  # §1 times sort as text


def rebuild(bundle: dict[str, Any], articles: dict[int, list[str]], through: int) -> dict[str, Any]:
    case_id = bundle["subject"]["id"]
    events = sorted((e for e in bundle["events"] if e["aggregate_id"] == case_id), key=lambda e: e["version"])
    names = names_over_time(bundle)
    acts = []
    for event in events[:through]:
        intent = intent_of(event)
        acts.append({
            "version": event["version"],
            "action": intent["action"],
            "actor": {"principal_id": intent["actor"],
                      "name": name_at(names[intent["actor"]], event["state"]["timestamp"])},
            "recorded_at": event["state"]["timestamp"],
            "articles": intent["args"]["articles"] if intent["action"] == "case.raise_finding"
            else articles[event["version"]],
            "event_hash": event["state"]["hash"],
        })
    return {"format": FORMAT, "case_id": case_id, "jurisdiction": intent_of(events[0])["args"]["jurisdiction"],
            "through_version": through, "acts": acts}


def digest(record: dict[str, Any]) -> str:
    return "sha256:" + hashlib.sha256(rfc8785.dumps(record)).hexdigest()


def test_the_digest_a_report_binds_is_rebuilt_from_the_spec_and_a_bundle(projected: Projected) -> None:
    world = projected.world
    xx = XXScript(world)
    xx.advance_to("finalise_report")
    projected.clock.advance(timedelta(minutes=1))
    world.do(world.admin, "principal.rename", xx.member.principal_id, {"name": "孙莉", "reason": "依法变更姓名"})
    xx.do(xx.member, "case.draft_report", xx.report_args(xx.SECTIONS, "draft_id", uuid4()))  # under the new name
    xx.run_all()
    projected.projector.catch_up()
    projected.projector.sign_checkpoint(world.ledger_key)
    bundle = Exporter(projected.ledger, projected.projector, world.ledger_key).case(str(xx.case_id))

    reader = projected.ledger.get_principal(xx.lead.principal_id)
    articles = {e["version"]: e["articles"] for e in timeline(projected.ledger, xx.case_id, reader)}
    finalisation = next(e for e in bundle["events"] if e["aggregate_id"] == str(xx.case_id)
                        and intent_of(e)["action"] == "case.finalise_report")
    signed = intent_of(finalisation)["args"]["process_record_digest"]
    record = rebuild(bundle, articles, finalisation["version"] - 1)
    assert digest(record) == signed
    drafted_by = [a["actor"]["name"] for a in record["acts"] if a["action"] == "case.draft_report"]
    assert drafted_by == ["孙丽", "孙莉"], "each act names its signer as they were named then"

    from domain.model import process_record  # the product, only to compare with what it serves

    served = process_record.document(xx.case, process_record.names_from(projected.ledger))
    assert served["record"] == record and served["digest"] == signed
    assert served["binding"]["process_record_digest"] == signed and served["binding"]["matches"] is True
    everything = rebuild(bundle, articles, xx.case.version)
    assert [{**a, "later": True} for a in everything["acts"][finalisation["version"] - 1:]] == served["later"]

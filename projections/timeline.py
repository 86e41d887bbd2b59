"""A case's history as people read it: every event, who signed it, the article it carries
out, whether it verifies, and where its inclusion proof is — redacted for the reader (NX-15,
XX-22)."""

from __future__ import annotations

import copy
from typing import Any
from uuid import UUID

from domain.errors import LedgerError
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.evidence.times import format_time
from domain.model.aggregate import LedgerEvent
from domain.model.articles import ACTION_ARTICLES
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.model.sealing import SHREDDED, Place
from domain.service.access import (
    WITHHELD,
    cleared_for,
    disclose_material,
    redact_material,
    sealed_content,
)
from domain.service.ledger import Ledger

REDACTED_ARGS = ("title", "source", "summary", "digest")


def verify_event(ledger: Ledger, event: LedgerEvent, previous_hash: str) -> list[str]:
    """What fails for one stored event: its hash, its link, its signature under the key the
    signer held when it was recorded. Empty when it verifies."""
    problems = []
    state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
    if event_hash(event.originator_id, event.originator_version, type(event).TOPIC, state) != event.hash:  # type: ignore[attr-defined]
        problems.append("hash")
    if event.prev_hash != previous_hash:
        problems.append("chain")
    try:
        envelope = Envelope.from_json(event.envelope)
        intent = Intent.decode(envelope.payload)
        signer = ledger.find(intent.actor, Principal)
        record = signer.key(envelope.keyid) if signer else None
        if record is None or not record.active_at(event.timestamp):
            problems.append("key")
        else:
            envelope.verify(record.public_key)
    except LedgerError:
        problems.append("signature")
    return problems


def timeline(ledger: Ledger, case_id: UUID, reader: Principal) -> list[dict[str, Any]]:
    case = ledger.get_case(case_id)
    names: dict[UUID, str] = {}
    out = []
    previous = genesis_hash(case_id)
    for stored in ledger.events.get(case_id):
        event = stored if isinstance(stored, LedgerEvent) else None
        if event is None:
            continue
        envelope = Envelope.from_json(event.envelope)
        intent = Intent.decode(envelope.payload)
        if intent.actor not in names:
            signer = ledger.find(intent.actor, Principal)
            names[intent.actor] = signer.name if signer else str(intent.actor)
        args = dict(intent.args)
        if intent.action == "case.raise_finding":
            articles = list(args.get("articles", []))
        else:
            articles = ACTION_ARTICLES.get(intent.action, {}).get(case.jurisdiction, [])
        if intent.action == "case.collect_material":
            args = _material_args(ledger, case, reader, args)
        problems = verify_event(ledger, event, previous)
        previous = event.hash
        out.append({
            "version": event.originator_version,
            "event": type(event).__name__,
            "action": intent.action,
            "recorded_at": format_time(event.timestamp),
            "signed_at": format_time(intent.signed_at),
            "actor_id": str(intent.actor),
            "actor": names[intent.actor],
            "keyid": envelope.keyid,
            "articles": articles,
            "rulebook": event.rulebook,
            "args": args,
            "hash": event.hash,
            "verified": not problems,
            "problems": problems,
            "proof": f"/v1/public/proofs/inclusion?event={case_id}:{event.originator_version}",
        })
    return out


def _material_args(ledger: Ledger, case: EvaluationCase, reader: Principal, args: dict[str, Any]) -> dict[str, Any]:
    """A collected material's signed arguments as this reader may see them: a sealed content
    opened for a cleared reader (NX-15, XX-22), withheld from others, shredded for everyone once
    its key is destroyed."""
    material_id = str(args.get("material_id"))
    material = case.materials.get(material_id)
    if material is None:
        return args
    shredded = bool(material.get("shredded"))
    if not cleared_for(reader, case, material, ledger):
        marker = SHREDDED if shredded else WITHHELD
        shown = {k: v for k, v in args.items() if k != "sealed"}
        return {**shown, **dict.fromkeys(REDACTED_ARGS, marker), "withheld": True}
    if "sealed" not in args:
        return args
    place = Place(case.id, UUID(material_id))
    return {**args, **sealed_content(ledger.keyring, args["sealed"], place, shredded)}


def readable_case(case: EvaluationCase, reader: Principal, ledger: Ledger) -> EvaluationCase:
    """The case with the materials the reader is cleared for opened, and the others redacted (a
    copy)."""
    shown = copy.copy(case)
    keyring = ledger.keyring
    shown.materials = {
        mid: (disclose_material(keyring, case.id, mid, m) if cleared_for(reader, case, m, ledger)
              else redact_material(m))
        for mid, m in case.materials.items()
    }
    return shown

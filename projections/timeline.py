"""A case's history as people read it: every event, who signed it, the article it carries
out, whether it verifies, and where its inclusion proof is — redacted for the reader (NX-15,
XX-22)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any
from uuid import UUID

from domain.errors import LedgerError
from domain.evidence import hashing  # issue 20 — sm3
from domain.evidence.hashing import event_hash, genesis_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.evidence.times import format_time
from domain.model.aggregate import A, Directory, LedgerEvent
from domain.model.articles import ACTION_ARTICLES
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.model.sealing import SHREDDED, Place
from domain.service.access import (
    WITHHELD,
    CaseFacts,
    clearance,
    disclose_material,
    redact_material,
    sealed_content,
)
from domain.service.ledger import Ledger

REDACTED_ARGS = ("title", "source", "summary", "digest")


def verify_event(ledger: Directory, event: LedgerEvent, previous_hash: str, suite: str = hashing.SHA256
                 ) -> list[str]:
    """What fails for one stored event: its hash (``suite``: the ledger's, issue 20 — sm3), its
    link, its signature under the key the signer held when it was recorded. Empty when it verifies."""
    problems = []
    state = {k: v for k, v in vars(event).items() if k not in ("originator_id", "originator_version")}
    with hashing.using(suite):
        recomputed = event_hash(event.originator_id, event.originator_version, type(event).TOPIC, state)  # type: ignore[attr-defined]
    if recomputed != event.hash:
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


class Looked:
    """The ledger as one reading of a timeline consults it: each aggregate found once (the
    signers, the case's decision, the organisations its access rules walk), not once per event.
    A page is read at one moment, so what it finds does not change while it is built."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._found: dict[tuple[UUID, type], Any] = {}

    def find(self, aggregate_id: UUID, kind: type[A]) -> A | None:
        key = (aggregate_id, kind)
        if key not in self._found:
            self._found[key] = self.ledger.find(aggregate_id, kind)
        return self._found[key]  # type: ignore[no-any-return]

    def stored_event_hash(self, aggregate_id: UUID, version: int) -> str | None:
        return self.ledger.stored_event_hash(aggregate_id, version)

    def stored_event(self, aggregate_id: UUID, version: int) -> Any | None:
        return self.ledger.stored_event(aggregate_id, version)

    def namesakes(self, name: str, unit: str) -> list[Any]:
        return self.ledger.namesakes(name, unit)


def timeline(ledger: Ledger, case_id: UUID, reader: Principal, *, offset: int = 0, limit: int | None = None,
             case: EvaluationCase | None = None, facts: CaseFacts | None = None) -> list[dict[str, Any]]:
    """The case's events ``offset`` to ``offset + limit`` (all from ``offset`` when ``limit`` is
    None), each as the reader may see it, with whether it verifies.

    Only the events shown are read and verified, plus the one event before the first of them,
    whose recorded hash the first one's link is checked against. For each event shown,
    ``verified`` means (``problems`` names what failed):

    * ``hash``: its hash, recomputed over its content (RFC 8785), is the hash it records;
    * ``chain``: its ``prev_hash`` is the hash recorded by the case's event before it (for the
      first event, the case's genesis hash): the link to the previous event is checked for every
      event shown, on every page, the first included;
    * ``key`` / ``signature``: its envelope's Ed25519 signature verifies under the key its signer
      held when it was recorded.

    It does not say that the events not shown verify (each is checked when it is shown; the whole
    ledger, checkpoints and log included, is ``decision-ledger verify``'s), nor that the previous
    event's own content matches its recorded hash (that is the previous event's own mark).
    ``case`` is the case as it stands now, when the caller has it already; or, with ``facts`` (who
    belongs to the case now, issue 19 — perf2), the case at a version at or after the last event
    shown: its materials, judged as ``facts`` say the reader may see them."""
    case = case if case is not None else ledger.get_case(case_id)
    looked = Looked(ledger)
    cleared = clearance(reader, facts or case, looked)  # what depends on the reader and the case, found once
    names: dict[UUID, str] = {}
    out: list[dict[str, Any]] = []
    with hashing.using(ledger.hash_suite):  # issue 20 — sm3
        previous = genesis_hash(case_id)
    if offset > 0:  # the event before the first shown: only its recorded hash is used
        previous = ledger.stored_event_hash(case_id, offset) or ""
    upto = None if limit is None else offset + limit
    for stored in ledger.events.get(case_id, gt=offset or None, lte=upto):
        event = stored if isinstance(stored, LedgerEvent) else None
        if event is None:
            continue
        envelope = Envelope.from_json(event.envelope)
        intent = Intent.decode(envelope.payload)
        if intent.actor not in names:
            signer = looked.find(intent.actor, Principal)
            names[intent.actor] = signer.name if signer else str(intent.actor)
        args = dict(intent.args)
        if intent.action == "case.raise_finding":
            articles = list(args.get("articles", []))
        else:
            articles = ACTION_ARTICLES.get(intent.action, {}).get(case.jurisdiction, [])
        if intent.action == "case.collect_material":
            args = _material_args(ledger, cleared, case, args)
        problems = verify_event(looked, event, previous, ledger.hash_suite)
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


def _material_args(ledger: Ledger, cleared: Callable[[dict[str, Any]], bool], case: EvaluationCase,
                   args: dict[str, Any]) -> dict[str, Any]:
    """A collected material's signed arguments as this reader may see them: a sealed content
    opened for a cleared reader (NX-15, XX-22), withheld from others, shredded for everyone once
    its key is destroyed."""
    material_id = str(args.get("material_id"))
    material = case.materials.get(material_id)
    if material is None:
        return args
    shredded = bool(material.get("shredded"))
    if not cleared(material):
        marker = SHREDDED if shredded else WITHHELD
        shown = {k: v for k, v in args.items() if k != "sealed"}
        return {**shown, **dict.fromkeys(REDACTED_ARGS, marker), "withheld": True}
    if "sealed" not in args:
        return args
    place = Place(case.id, UUID(material_id))
    return {**args, **sealed_content(ledger.keyring, args["sealed"], place, shredded)}


def readable_case(case: EvaluationCase, reader: Principal, ledger: Ledger, looked: Looked | None = None) -> EvaluationCase:
    """The case with the materials the reader is cleared for opened, and the others redacted (a
    copy). ``looked``: the reading's lookups, when the caller has them (one page's)."""
    shown = copy.copy(case)
    keyring = ledger.keyring
    looked = looked or Looked(ledger)  # the decision and organisations the clearance walks, found once, not per material
    cleared = clearance(reader, case, looked)  # what depends on the reader and the case, found once
    shown.materials = {
        mid: (disclose_material(keyring, case.id, mid, m) if cleared(m) else redact_material(m))
        for mid, m in case.materials.items()
    }
    return shown

"""What a case's dossier (卷宗) holds, gathered from the ledger for one reader: the cover, the
report, the 全过程记录 (:func:`domain.model.process_record.document`, the function the
``/v1/cases/{id}/process-record`` read serves), findings and the ruling, the materials as the
reader may see them, the signers' keys, and every event — streamed from the store a page at a
time, so a case of tens of thousands of events is never held as one list of envelopes.

Redaction: the web reader sees what the JSON read of the case gives them (materials opened only
where they are cleared, :func:`projections.timeline.readable_case`); the command line reads as
the operator, who is cleared for no classified material: every classified or sealed material is
withheld (its existence and level only), and no sealed plaintext is ever opened for the dossier.
Event arguments are not printed (only the report's sections and the submission note, which every
reader of the case reads in its timeline)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain import clock
from domain.evidence import hashing  # issue 20 — sm3
from domain.evidence.hashing import genesis_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.model import process_record
from domain.model.aggregate import LedgerEvent
from domain.model.case import EvaluationCase
from domain.model.decision import Decision
from domain.model.principal import Principal
from domain.service.access import redact_material
from domain.service.ledger import Ledger
from projections.timeline import readable_case, verify_event

#: events read from the store at a time
PAGE = 500


@dataclass
class Checkpoint:
    """The signed checkpoint the dossier is printed under, and how far it covers the case."""

    tree_size: int
    root: str
    signed_at: str
    note: str
    covers_through: int  # the last version of the case inside it (0: none)


@dataclass
class Dossier:
    case: EvaluationCase
    decision: Decision | None
    process: dict[str, Any]
    report_sections: dict[str, str]
    submission_note: str
    materials: list[dict[str, Any]]
    signers: list[dict[str, Any]]
    names: dict[str, str]
    checkpoint: Checkpoint | None
    reader: str  # who it is printed for: a name, or "" for the operator
    ledger: Ledger  # where the events are read from, as they are printed
    printed_at: datetime = field(default_factory=clock.now)
    summaries_en: dict[str, str] = field(default_factory=dict)  # finding id → the English its event signed

    def events(self) -> Iterator[dict[str, Any]]:
        """Every event of the case in order, a page at a time: the process record's entry for
        it (action, signer's name then, articles, hash), with the signed envelope's key
        fingerprint and signing time, and whether its hash, chain link and signature verify."""
        entries = self.process["record"]["acts"] + self.process["later"]
        later_from = entries[len(self.process["record"]["acts"])]["version"] if self.process["later"] else None
        with hashing.using(self.ledger.hash_suite):  # issue 20 — sm3
            previous = genesis_hash(self.case.id)
        signers = Remembering(self.ledger)  # each signer replayed once, not once an event
        done = 0
        while done < self.case.version:
            page = list(self.ledger.events.get(self.case.id, gt=done, lte=self.case.version, limit=PAGE))
            if not page:
                break
            for stored in page:
                event = cast(LedgerEvent, stored)
                envelope = Envelope.from_json(event.envelope)
                intent = Intent.decode(envelope.payload)
                entry = entries[event.originator_version - 1]
                if entry["version"] != event.originator_version or entry["event_hash"] != event.hash:
                    raise RuntimeError(f"the process record and the store disagree at version {entry['version']}")
                problems = verify_event(cast(Ledger, signers), event, previous, self.ledger.hash_suite)
                previous = event.hash
                yield {
                    **entry,
                    "signed_at": intent.signed_at,
                    "keyid": envelope.keyid,
                    "verified": not problems,
                    "problems": problems,
                    "later": later_from is not None and event.originator_version >= later_from,
                }
            done = page[-1].originator_version


class Remembering:
    """The ledger's ``find``, each aggregate looked up once (what :func:`verify_event` asks)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self.found: dict[tuple[UUID, type], Any] = {}

    def find(self, aggregate_id: UUID, kind: type) -> Any:
        if (aggregate_id, kind) not in self.found:
            self.found[(aggregate_id, kind)] = self.ledger.find(aggregate_id, kind)
        return self.found[(aggregate_id, kind)]


def _signed_args(ledger: Ledger, case_id: UUID, version: int | None) -> dict[str, Any]:
    """The signed arguments of one act of the case (its intent, verbatim)."""
    if not version:
        return {}
    event = ledger.stored_event(case_id, version)
    if event is None:
        return {}
    return dict(Intent.decode(Envelope.from_json(event.envelope).payload).args)


def _materials(case: EvaluationCase, reader: Principal | None, ledger: Ledger) -> list[dict[str, Any]]:
    """The materials as this reader may see them (for the operator: none classified opened)."""
    if reader is not None:
        shown = readable_case(case, reader, ledger).materials
    else:
        shown = {mid: (m if m.get("classification") == "none" and "sealed" not in m else redact_material(m))
                 for mid, m in case.materials.items()}
    rows = []
    for mid, material in shown.items():
        collected = material.get("collected") or {}
        rows.append({"material_id": mid, "title": material.get("title", ""), "source": material.get("source", ""),
                     "classification": material.get("classification", ""), "stance": material.get("stance", ""),
                     "withheld": bool(material.get("withheld")), "excluded": bool(material.get("excluded")),
                     "version": collected.get("version", 0)})
    rows.sort(key=lambda row: row["version"])
    return rows


def _signers(case: EvaluationCase, ledger: Ledger, names: dict[str, str]) -> list[dict[str, Any]]:
    """Everyone who signed an act of the case, once, with every key they ever held."""
    return signers_of(dict.fromkeys(str(act["actor_id"]) for act in case.acts), ledger, names)


def signers_of(actor_ids: Iterable[str], ledger: Ledger, names: dict[str, str]) -> list[dict[str, Any]]:
    """Each signer (by principal id, in order) with their unit and every key they ever held, its
    active times; their names are added to ``names``."""
    rows = []
    for actor_id in actor_ids:
        principal = ledger.find(UUID(actor_id), Principal)
        if principal is None:
            continue
        names[actor_id] = principal.name
        keys = sorted(principal.key_history.keys.values(),
                      key=lambda k: (k.active_from is None, k.active_from or datetime.min))
        rows.append({"principal_id": actor_id, "name": principal.name, "unit": principal.unit,
                     "keys": [{"keyid": k.keyid, "active_from": k.active_from, "active_until": k.active_until,
                               "pending": k.pending} for k in keys]})
    return rows


def checkpoint_over(log: Any, aggregate_id: UUID, version: int) -> Checkpoint | None:
    """The newest signed checkpoint of the transparency log, and the last version of the
    aggregate (a case, a decision) in it."""
    newest = log.checkpoints(1, 0)
    if not newest:
        return None
    row = newest[0]
    size = int(row["tree_size"])
    covers = _last_inside(log, str(aggregate_id), version, size)
    root = row["root"]
    return Checkpoint(tree_size=size, root=root.hex() if isinstance(root, bytes) else str(root),
                      signed_at=str(row.get("signed_at") or ""), note=str(row["note"]), covers_through=covers)


def _last_inside(log: Any, case_id: str, version: int, size: int) -> int:
    """The last version of the case whose leaf lies inside a tree of ``size`` leaves (0: none):
    a case's versions enter the log in order, so a binary search asks the log a few times."""
    from projections.tlog import LogError

    def inside(v: int) -> bool:
        try:
            return bool(log.leaf(case_id, v).leaf_index < size)
        except LogError:  # not yet in the log
            return False

    low, high = 0, version  # versions 1..low are inside; high+1.. are not
    while low < high:
        middle = (low + high + 1) // 2
        if inside(middle):
            low = middle
        else:
            high = middle - 1
    return low


def gather(ledger: Ledger, case: EvaluationCase, reader: Principal | None, log: Any | None) -> Dossier:
    """The dossier of ``case`` (as it stands) for ``reader`` (None: the operator at the command
    line), printed under the newest checkpoint of ``log`` (a :class:`projections.tlog.LogReader`)."""
    process = process_record.document(case, process_record.names_from(ledger))
    decision = ledger.find(case.decision_id, Decision) if case.decision_id else None
    report = case.report or {}
    sections = _signed_args(ledger, case.id, report.get("version")).get("sections") or {}
    submission = case.submission or {}
    note = _signed_args(ledger, case.id, submission.get("version")).get("note") or ""
    names: dict[str, str] = {}
    signers = _signers(case, ledger, names)
    summaries_en = {}
    for finding in case.findings:
        if finding.get("source") == "rule":  # the ledger's finding keeps its English beside the Chinese
            english = _signed_args(ledger, case.id, finding.get("version")).get("summary_en")
            if english:
                summaries_en[str(finding["finding_id"])] = str(english)
        for person in finding.get("persons", []):
            pid = str(person["principal_id"])
            if pid not in names:
                found = ledger.find(UUID(pid), Principal)
                names[pid] = found.name if found else pid
    return Dossier(
        case=case, decision=decision, process=process,
        report_sections={str(k): str(v) for k, v in dict(sections).items()}, submission_note=str(note),
        materials=_materials(case, reader, ledger), signers=signers, names=names,
        checkpoint=checkpoint_over(log, case.id, case.version) if log is not None else None,
        reader=reader.name if reader is not None else "", ledger=ledger, summaries_en=summaries_en,
    )

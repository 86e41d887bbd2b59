"""Building offline evidence bundles (format: :mod:`domain.evidence.bundle`, docs/spec.md).

A case bundle holds every version of the case and of the decision it evaluates; a person bundle
holds every event of the person's own principal, every act they signed and every finding naming
them. Both hold the ledger's genesis and, whole, the principal of every signer of an event in the
bundle (and, transitively, of those who signed those principals' events), each event with its
inclusion proof under one signed checkpoint, and a head signed by the ledger key saying what the
bundle must hold, so that anything left out shows.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import NotFound
from domain.evidence import topics
from domain.evidence.bundle import Bundle, BundleEvent, Consistency, LedgerInfo, key_list
from domain.evidence.bundle_witnesses import witnessed_member
from domain.evidence.checkpoint import (
    Checkpoint,
    NoteError,
    SignedNote,
    open_checkpoint,
    verifier_key,
)
from domain.evidence.hashing import jsonable
from domain.evidence.heads import BundleHead
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope, SigningKey
from domain.evidence.tlog_proof import TlogProof
from domain.evidence.verifier import KeyChecks
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords
from projections.queries import person_chain
from projections.runner import Projector
from projections.signed import WITNESSED_FILE
from projections.timestamps import TimestampStore
from projections.tlog import LogError


class Exporter:
    """Bundles of one ledger, under its latest signed checkpoint; the ledger key signs each
    bundle's head, so it must be at hand. With ``witnessed`` (the newest checkpoint a quorum of the
    ledger's witnesses cosigned, ``witnessed.note``), each bundle carries it: format v4 (§20.5)."""

    def __init__(self, ledger: Ledger, projector: Projector, ledger_key: SigningKey | None = None,
                 witnessed: str | None = None) -> None:
        self.ledger = ledger
        self.witnessed = witnessed
        self.projector = projector
        self.reader = projector.reader
        self.ledger_key = ledger_key
        self.cosigned = self._cosigned_size(witnessed) if witnessed is not None else 0
        self.records = LedgerRecords(ledger)

    def _cosigned_size(self, witnessed: str) -> int:
        """The size of the checkpoint in ``witnessed.note``, the ledger's own; a :class:`LogError`
        naming the file if not (edited beside the key, it was a 500 or a bare parse error, or a
        bundle carrying a checkpoint the ledger never signed)."""
        try:
            return self._ledgers(witnessed).size
        except NoteError as error:
            raise LogError(f"{WITNESSED_FILE} beside the ledger key is not the ledger's signed checkpoint "
                           f"({error}): no bundle carries it; `decision-ledger verify` names it") from None

    def _ledgers(self, note: str) -> Checkpoint:
        """A checkpoint this ledger signed (``NoteError`` if not): under any key the ledger principal
        ever held — one signed before a rotation, by the key it rotated out, is still the ledger's."""
        genesis = self.ledger.genesis()
        refusal = NoteError("the ledger principal has no key")
        for record in self.ledger.get_principal(genesis.ledger_id).key_history.keys.values():
            if record.active_from is not None:
                try:
                    return open_checkpoint(note, record.public_key, self.reader.origin)
                except NoteError as error:
                    refusal = error
        raise refusal

    def _stored(self, aggregate_id: str, version: int | None = None) -> list[BundleEvent]:
        """Stored events of an aggregate (one version, or all), with their log positions."""
        uid = UUID(aggregate_id)
        recorder = self.ledger.events.recorder
        rows = recorder.select_events(uid) if version is None else recorder.select_events(uid, gt=version - 1,
                                                                                          lte=version)
        out = []
        for row in rows:
            leaf = self.reader.leaf(aggregate_id, row.originator_version)
            out.append(BundleEvent(leaf.leaf_index, aggregate_id, row.originator_version, row.topic, "",
                                   jsonable(self.records.decode(row.state))))
        return out

    @staticmethod
    def _signer(event: BundleEvent) -> str:
        return str(Intent.decode(Envelope.from_json(event.state["envelope"]).payload).actor)

    def _signers_whole(self, events: dict[tuple[str, int], BundleEvent], whole: set[str]) -> None:
        """Add the ledger principal whole (its genesis, and its key rotations, which say which key
        signs the checkpoint) and, whole, every signer's principal, until no new signer appears."""
        ledger_id = str(self.ledger.genesis().ledger_id)
        for event in self._stored(ledger_id):
            events.setdefault((event.aggregate_id, event.version), event)
        whole.add(ledger_id)
        while True:
            signers = {self._signer(e) for e in events.values()} - whole
            if not signers:
                return
            for principal in signers:
                whole.add(principal)
                for event in self._stored(principal):
                    events.setdefault((event.aggregate_id, event.version), event)

    def _finish(self, kind: str, subject_id: str, events: dict[tuple[str, int], BundleEvent], whole: set[str],
                listed: set[tuple[str, int]], decision: str | None = None) -> dict[str, Any]:
        if self.ledger_key is None:
            raise LogError("a bundle carries a head signed by the ledger key, which is not at hand "
                           "(pass --keys, the directory init wrote)")
        latest = self.reader.latest_checkpoint()
        if latest is None:
            raise LogError("the log has no checkpoint yet: run `decision-ledger project` first")
        size, note = latest
        ordered = sorted(events.values(), key=lambda e: e.leaf_index)
        beyond = [e for e in ordered if e.leaf_index >= size]
        if beyond:
            raise LogError(f"{len(beyond)} events are newer than the latest checkpoint: run `project` to sign one")
        listed = {(aggregate, version) for aggregate, version in listed if aggregate not in whole}
        checks = KeyChecks()
        names: dict[str, str] = {}
        paths = self.reader.inclusions([e.leaf_index for e in ordered], size)  # their nodes in one go
        for event, path in zip(ordered, paths, strict=True):
            event.inclusion_path = [p.hex() for p in path]
            event.tlog_proof = TlogProof(event.leaf_index, tuple(path), note).render()  # issue 20 — stamps
            event.why = ("genesis" if event.leaf_index == 0
                         else "subject" if event.aggregate_id == subject_id or (event.aggregate_id, event.version) in listed
                         else "context" if event.aggregate_id == decision else "keys")
            checks.learn(event.aggregate_id, event.topic, event.state)
            if event.topic == topics.REGISTERED:
                names[event.aggregate_id] = str(Intent.decode(Envelope.from_json(event.state["envelope"]).payload)
                                                .args.get("name", ""))
        checkpoint = Checkpoint.from_text(SignedNote.parse(note).text)
        last = {aggregate: max((e for e in ordered if e.aggregate_id == aggregate), key=lambda e: e.version)
                for aggregate in whole}
        head = BundleHead(
            checkpoint.origin, kind, subject_id, size,
            complete={aggregate: (event.version, event.state["hash"]) for aggregate, event in last.items()},
            events=tuple((e.aggregate_id, e.version, e.state["hash"]) for e in ordered
                         if (e.aggregate_id, e.version) in listed),
        )
        genesis = self.ledger.genesis()
        ledger_key = self.ledger_key.public_key
        bundle = Bundle(
            subject_kind=kind,
            subject_id=subject_id,
            ledger=LedgerInfo(str(genesis.ledger_id), checkpoint.origin, genesis.ledger_keyid,
                              verifier_key(checkpoint.origin, ledger_key)),
            checkpoint=note,
            tree_size=size,
            events=ordered,
            keys=key_list(checks, names),
            head=head.sign(self.ledger_key),
            timestamps=TimestampStore(self.reader).for_bundle([e.leaf_index for e in ordered], size),
            witnessed=self._witnessed(size),
        )
        return bundle.to_json()

    def _witnessed(self, size: int) -> dict[str, Any] | None:
        """The witnessed checkpoint and the consistency proof from it to the bundle's (size ``size``)."""
        if self.witnessed is None:
            return None
        cosigned = self.cosigned
        if not 0 < cosigned <= size:
            return None
        return witnessed_member(self.witnessed, self.reader.consistency(cosigned, size) if cosigned < size else [])

    def case(self, case_id: str) -> dict[str, Any]:
        """A case's bundle: the case and its decision whole, and their signers."""
        case = self.ledger.find_case(UUID(case_id))
        if case is None:
            raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")
        events = {(e.aggregate_id, e.version): e for e in self._stored(case_id)}
        decision = str(case.decision_id)
        for event in self._stored(decision):
            events.setdefault((event.aggregate_id, event.version), event)
        whole = {case_id, decision}
        self._signers_whole(events, whole)
        return self._finish("case", case_id, events, whole, set(), decision)

    def person(self, principal_id: str) -> dict[str, Any]:
        """A person's bundle: their principal whole, every act they signed and every finding naming
        them (their lifetime chain), and the signers of all of it."""
        if self.ledger.find(UUID(principal_id), Principal) is None:
            raise NotFound(f"没有人员 {principal_id} / no principal {principal_id}")
        chain = person_chain(self.projector.views, principal_id)
        listed = {(a["aggregate_id"], a["version"]) for a in chain["actions"]}
        listed |= {(f["case_id"], f["version"]) for f in chain["findings"]}
        events: dict[tuple[str, int], BundleEvent] = {}
        for aggregate, version in sorted(listed):
            for event in self._stored(aggregate, version):
                events.setdefault((aggregate, version), event)
        for event in self._stored(principal_id):
            events.setdefault((principal_id, event.version), event)
        whole = {principal_id}
        self._signers_whole(events, whole)
        return self._finish("person", principal_id, events, whole, listed)

    def since(self, bundle: dict[str, Any], note: str) -> dict[str, Any]:
        """Add the RFC 9162 consistency proof from a checkpoint the recipient holds (``note``, a
        checkpoint this ledger signed) to the bundle's checkpoint."""
        try:
            old = self._ledgers(note)
        except NoteError as refusal:
            raise LogError(f"the checkpoint to prove from is not this ledger's: {refusal}") from None
        if not 0 < old.size <= bundle["tree_size"]:
            raise LogError(f"a checkpoint of size {old.size} cannot precede the bundle's ({bundle['tree_size']})")
        path = self.reader.consistency(old.size, bundle["tree_size"])
        return {**bundle, "consistency": Consistency(note, [p.hex() for p in path]).to_json()}

"""Building offline evidence bundles (format: :mod:`domain.evidence.bundle`).

A bundle holds the subject's events — a case's every version, or a person's every signed act
and every finding naming them — the ledger's genesis, and the key events of every principal
whose signature appears (and, transitively, of those who signed those key events), each with
its inclusion proof under one signed checkpoint.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.errors import NotFound
from domain.evidence.bundle import BUNDLE_FORMAT
from domain.evidence.checkpoint import Checkpoint, SignedNote, verifier_key
from domain.evidence.hashing import jsonable
from domain.evidence.heads import CaseHead
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope, SigningKey
from domain.evidence.times import format_time
from domain.evidence.verifier import KeyChecks
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from domain.service.records import LedgerRecords
from projections.queries import person_chain
from projections.runner import Projector
from projections.tlog import LogError

PRINCIPAL_TOPIC = "decision-ledger/Principal/"


class Exporter:
    def __init__(self, ledger: Ledger, projector: Projector, ledger_key: SigningKey | None = None) -> None:
        self.ledger = ledger
        self.projector = projector
        self.reader = projector.reader
        self.ledger_key = ledger_key  # signs a case's head (domain.evidence.heads)
        self.records = LedgerRecords(ledger)

    def _stored(self, aggregate_id: str, version: int | None = None) -> list[dict[str, Any]]:
        """Stored events of an aggregate (one version, or all), with their log positions."""
        uid = UUID(aggregate_id)
        if version is None:
            rows = self.ledger.events.recorder.select_events(uid)
        else:
            rows = self.ledger.events.recorder.select_events(uid, gt=version - 1, lte=version)
        out = []
        for row in rows:
            state = self.records.decode(row.state)
            leaf = self.reader.leaf(aggregate_id, row.originator_version)
            out.append({
                "leaf_index": leaf.leaf_index,
                "notification_id": leaf.notification_id,
                "aggregate_id": aggregate_id,
                "version": row.originator_version,
                "topic": row.topic,
                "state": jsonable(state),
            })
        return out

    @staticmethod
    def _signer(event: dict[str, Any]) -> str:
        return str(Intent.decode(Envelope.from_json(event["state"]["envelope"]).payload).actor)

    def _with_keys(self, events: dict[tuple[str, int], dict[str, Any]]) -> None:
        """Add the genesis and every signer's key events, until no new signer appears."""
        genesis = self.ledger.genesis()
        for event in self._stored(str(genesis.ledger_id), 1):
            events.setdefault((event["aggregate_id"], 1), {**event, "why": "genesis"})
        done: set[str] = set()
        while True:
            signers = {self._signer(e) for e in events.values()} - done
            if not signers:
                return
            for principal in signers:
                done.add(principal)
                for event in self._stored(principal):
                    events.setdefault((event["aggregate_id"], event["version"]), {**event, "why": "keys"})

    def _finish(self, subject: dict[str, str], events: dict[tuple[str, int], dict[str, Any]]) -> dict[str, Any]:
        latest = self.reader.latest_checkpoint()
        if latest is None:
            raise LogError("the log has no checkpoint yet: run `decision-ledger project` first")
        size, note = latest
        ordered = sorted(events.values(), key=lambda e: e["leaf_index"])
        beyond = [e for e in ordered if e["leaf_index"] >= size]
        if beyond:
            raise LogError(f"{len(beyond)} events are newer than the latest checkpoint: run `project` to sign one")
        checker = KeyChecks()
        paths = self.reader.inclusions([e["leaf_index"] for e in ordered], size)  # their nodes in one go
        for event, path in zip(ordered, paths, strict=True):
            event["inclusion_path"] = [p.hex() for p in path]
            if event["topic"].startswith(PRINCIPAL_TOPIC):
                checker.learn(event["aggregate_id"], event["topic"], event["state"])
        checkpoint = Checkpoint.from_text(SignedNote.parse(note).text)
        genesis = self.ledger.genesis()
        record = self.ledger.get_principal(genesis.ledger_id).key(genesis.ledger_keyid)
        ledger_key = record.public_key if record else None
        names = {str(p): self.ledger.get_principal(UUID(p)).name for p in checker.keys}
        return {
            "format": BUNDLE_FORMAT,
            "subject": subject,
            "ledger": {
                "ledger_id": str(genesis.ledger_id),
                "origin": checkpoint.origin,
                "ledger_keyid": genesis.ledger_keyid,
                "verifier_key": verifier_key(checkpoint.origin, ledger_key) if ledger_key else None,
            },
            "checkpoint": note,
            "tree_size": size,
            "events": ordered,
            "keys": [
                {
                    "principal_id": principal,
                    "name": names[principal],
                    "keys": [
                        {
                            "keyid": r.keyid,
                            "jwk": r.jwk,
                            "active_from": format_time(r.active_from),
                            "active_until": format_time(r.active_until) if r.active_until else None,
                            "ended_by": r.ended_by,
                        }
                        for r in history.keys.values()
                    ],
                }
                for principal, history in sorted(checker.keys.items())
            ],
        }

    def case(self, case_id: str) -> dict[str, Any]:
        case = self.ledger.find_case(UUID(case_id))
        if case is None:
            raise NotFound(f"no evaluation case {case_id}")
        if self.ledger_key is None:
            raise LogError("a case bundle carries the case's head signed by the ledger key, which is not at hand "
                           "(pass --keys, the directory init wrote)")
        events = {(e["aggregate_id"], e["version"]): {**e, "why": "subject"} for e in self._stored(case_id)}
        for event in self._stored(str(case.decision_id)):
            events.setdefault((event["aggregate_id"], event["version"]), {**event, "why": "context"})
        self._with_keys(events)
        bundle = self._finish({"kind": "case", "id": case_id}, events)
        last = max((e for e in bundle["events"] if e["aggregate_id"] == case_id), key=lambda e: e["version"])
        head = CaseHead(bundle["ledger"]["origin"], case_id, last["version"], last["state"]["hash"], bundle["tree_size"])
        bundle["head"] = head.sign(self.ledger_key)
        return bundle

    def since(self, bundle: dict[str, Any], old_size: int) -> dict[str, Any]:
        """Add the RFC 9162 consistency proof from a checkpoint the recipient holds (of
        ``old_size``) to the bundle's checkpoint."""
        if not 0 < old_size <= bundle["tree_size"]:
            raise LogError(f"a checkpoint of size {old_size} cannot precede the bundle's ({bundle['tree_size']})")
        path = self.reader.consistency(old_size, bundle["tree_size"])
        return {**bundle, "consistency": {"old_size": old_size, "consistency_path": [p.hex() for p in path]}}

    def person(self, principal_id: str) -> dict[str, Any]:
        if self.ledger.find(UUID(principal_id), Principal) is None:
            raise NotFound(f"no principal {principal_id}")
        chain = person_chain(self.projector.views, principal_id)
        events: dict[tuple[str, int], dict[str, Any]] = {}
        wanted = [(a["aggregate_id"], a["version"]) for a in chain["actions"]]
        wanted += [(f["case_id"], f["version"]) for f in chain["findings"]]
        for aggregate, version in wanted:
            for event in self._stored(aggregate, version):
                events.setdefault((aggregate, version), {**event, "why": "subject"})
        for event in self._stored(principal_id):
            events.setdefault((principal_id, event["version"]), {**event, "why": "subject"})
        self._with_keys(events)
        return self._finish({"kind": "person", "id": principal_id}, events)

"""Offline evidence bundles: one JSON file that proves a case's (or a person's) events without
the ledger, the database or the network (docs/spec.md §12).

One typed model (:class:`Bundle`), written by the exporter; the verifier
(:mod:`domain.evidence.bundle_verifier`) checks every member it names, so no field is served
that the verifier does not check.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.evidence.times import format_time
from domain.evidence.verifier import (
    KeyChecks,
)

BUNDLE_FORMAT = "decision-ledger/bundle/v3"  # issue 20 — stamps: v2 + tlog_proof, timestamps (§21.3)
BUNDLE_FORMAT_V4 = "decision-ledger/bundle/v4"  # v3 + the witnesses' cosigned checkpoint (§20.5)
BUNDLE_FORMAT_V2 = "decision-ledger/bundle/v2"
BUNDLE_FORMAT_V1 = "decision-ledger/bundle/v1"
WHY = ("genesis", "subject", "context", "keys")



@dataclass
class BundleEvent:
    leaf_index: int
    aggregate_id: str
    version: int
    topic: str
    why: str
    state: dict[str, Any]
    inclusion_path: list[str] = field(default_factory=list)
    notification_id: int | None = None  # format v1 only
    tlog_proof: str = ""  # format v3: the inclusion proof as C2SP tlog-proof text (§21.2)

    def to_json(self) -> dict[str, Any]:
        return {"leaf_index": self.leaf_index, "aggregate_id": self.aggregate_id, "version": self.version,
                "topic": self.topic, "why": self.why, "state": self.state, "inclusion_path": self.inclusion_path,
                "tlog_proof": self.tlog_proof}


@dataclass(frozen=True)
class KeyEntry:
    keyid: str
    jwk: dict[str, str]
    active_from: str
    active_until: str | None
    ended_by: str
    reason: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"keyid": self.keyid, "jwk": self.jwk, "active_from": self.active_from,
                "active_until": self.active_until, "ended_by": self.ended_by, "reason": self.reason}


@dataclass(frozen=True)
class PrincipalKeys:
    principal_id: str
    name: str
    keys: tuple[KeyEntry, ...]

    def to_json(self) -> dict[str, Any]:
        return {"principal_id": self.principal_id, "name": self.name, "keys": [k.to_json() for k in self.keys]}


@dataclass(frozen=True)
class LedgerInfo:
    ledger_id: str
    origin: str
    ledger_keyid: str
    verifier_key: str

    def to_json(self) -> dict[str, Any]:
        return {"ledger_id": self.ledger_id, "origin": self.origin, "ledger_keyid": self.ledger_keyid,
                "verifier_key": self.verifier_key}


@dataclass(frozen=True)
class Consistency:
    old_checkpoint: str
    consistency_path: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"old_checkpoint": self.old_checkpoint, "consistency_path": self.consistency_path}


@dataclass(frozen=True)
class Timestamp:
    """Format v3: a TSA's reply over a checkpoint the ledger signed, and the consistency proof from
    that checkpoint to the bundle's (§21.3)."""

    checkpoint: str
    response: str  # base64 of the DER TimeStampResp
    consistency_path: list[str]

    def to_json(self) -> dict[str, Any]:
        return {"checkpoint": self.checkpoint, "response": self.response, "consistency_path": self.consistency_path}


@dataclass
class Bundle:
    """A bundle as the exporter writes it (format v3, or v4 when it carries a witnessed checkpoint)
    and the verifier reads it."""

    subject_kind: str
    subject_id: str
    ledger: LedgerInfo
    checkpoint: str
    tree_size: int
    events: list[BundleEvent]
    keys: list[PrincipalKeys]
    head: str
    consistency: Consistency | None = None
    timestamps: list[Timestamp] = field(default_factory=list)
    #: format v4: the newest checkpoint a quorum of witnesses cosigned and the proof to ``checkpoint``
    witnessed: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": BUNDLE_FORMAT if self.witnessed is None else BUNDLE_FORMAT_V4,
            "subject": {"kind": self.subject_kind, "id": self.subject_id},
            "ledger": self.ledger.to_json(),
            "checkpoint": self.checkpoint,
            "tree_size": self.tree_size,
            "events": [e.to_json() for e in self.events],
            "keys": [k.to_json() for k in self.keys],
            "head": self.head,
            "timestamps": [t.to_json() for t in self.timestamps],
        }
        if self.consistency is not None:
            data["consistency"] = self.consistency.to_json()
        if self.witnessed is not None:
            data["witnessed"] = self.witnessed
        return data


def key_list(checks: KeyChecks, names: dict[str, str], with_reason: bool = True) -> list[PrincipalKeys]:
    """The ``keys`` list the key events in a bundle say: each principal's keys, from, until, how
    they ended (and why), with the name the principal was registered under."""
    return [
        PrincipalKeys(principal, names.get(principal, ""), tuple(
            KeyEntry(r.keyid, r.jwk, format_time(r.active_from),
                     format_time(r.active_until) if r.active_until else None, r.ended_by,
                     r.reason if with_reason else "")
            for r in history.keys.values() if r.active_from is not None  # a pending key never signed
        ))
        for principal, history in sorted(checks.keys.items())
    ]

"""The store-level checks ``verify`` adds once the events themselves are checked (issue 16,
point 4): the log's nodes, tracking and remembered checkpoints (:mod:`projections.log_audit`),
and — when the events verify, so that a difference is the derived data's and not the events' —
the read models and the case snapshots against a replay (:mod:`projections.views_audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from domain.evidence.signing import PublicKey
from domain.evidence.verifier import VerificationReport
from domain.service.ledger import Ledger
from projections.log_audit import audit_log
from projections.runner import Projector
from projections.signed import CheckpointMemory
from projections.timestamps import audit_timestamps
from projections.views_audit import audit_snapshots, audit_views

if TYPE_CHECKING:  # the RFC 3161 reader is imported when a TSA certificate is given
    from domain.evidence.timestamps import Trust


def ledger_public_key(ledger: Ledger, keyid: str | None) -> PublicKey | None:
    """The ledger key the verified genesis names (``keyid``: the report's), or None."""
    if keyid is None:
        return None
    try:
        genesis = ledger.genesis()
        record = ledger.get_principal(genesis.ledger_id).key(keyid)
    except Exception:  # noqa: BLE001 — a store whose genesis does not read: the events' breaks say why
        return None
    return record.public_key if record is not None else None


def audit_store(report: VerificationReport, ledger: Ledger, projector: Projector | None,
                memory: CheckpointMemory | None, tsa_trust: Trust | None = None) -> None:
    events_hold = not report.breaks
    key = ledger_public_key(ledger, report.ledger_keyid)
    if projector is not None:
        audit_log(report, projector.reader, key, memory, ledger.name)
        audit_timestamps(report, projector.reader, tsa_trust)  # issue 20 — stamps
    if not events_hold:
        report.notes.append("the read models and snapshots were not compared: the events themselves are broken")
        return
    if projector is not None:
        audit_views(report, ledger, projector.views)
    audit_snapshots(report, ledger)

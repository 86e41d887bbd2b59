"""The store-level checks ``verify`` adds once the events themselves are checked (issue 16,
point 4): the log's nodes, tracking and remembered checkpoints (:mod:`projections.log_audit`),
and — when the events verify, so that a difference is the derived data's and not the events' —
the read models and the case snapshots against a replay (:mod:`projections.views_audit`)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

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


#: the report's note when the read models and snapshots were not compared on request
SKIPPED = "the read models and snapshots were not compared: --skip-read-models"


class Concurrent(Protocol):
    """The read models' and snapshots' audit, already running elsewhere (another process)."""

    def merge(self, report: VerificationReport) -> None:
        """Wait for it and add its breaks and notes to ``report``."""
        ...

    def cancel(self) -> None:
        """Stop it: the events are broken, so its findings are not reported."""
        ...


def audit_store(report: VerificationReport, ledger: Ledger, projector: Projector | None,
                memory: CheckpointMemory | None, tsa_trust: Trust | None = None, derived: Concurrent | None = None,
                *, views: bool = True) -> None:
    """The store-level checks, added to ``report`` in one order whoever runs them: the log's,
    the timestamps' (``tsa_trust``: their signatures too), then — when the events verify, and
    unless ``views`` is false (``verify --skip-read-models``, noted in the report) — the read
    models' and the snapshots' (here, or by ``derived`` where it already runs beside the event
    checks)."""
    events_hold = not report.breaks
    key = ledger_public_key(ledger, report.ledger_keyid)
    if projector is not None:
        audit_log(report, projector.reader, key, memory, ledger.name)
        audit_timestamps(report, projector.reader, tsa_trust)  # issue 20 — stamps
    if not views:
        report.notes.append(SKIPPED)
        return
    if not events_hold:
        if derived is not None:
            derived.cancel()
        report.notes.append("the read models and snapshots were not compared: the events themselves are broken")
        return
    if derived is not None:
        derived.merge(report)
        return
    if projector is not None:
        audit_views(report, ledger, projector.views)
    audit_snapshots(report, ledger)

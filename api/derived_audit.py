"""The audit of the read models and the case snapshots (:mod:`projections.views_audit`), in a
process of its own that runs beside the event checks of ``verify --db`` instead of after them.

The audit replays every event into scratch read models, and every snapshotted case: at a large
store it costs about as much as a ``rebuild``, more than all the event checks together on one
core. It reads only the store and writes only its scratch copy, so it can start with the event
checks; its breaks and notes count only when the events verify (a broken event is the root
cause), so the parent merges them then, at the place the serial audit would have added them —
the report is the same, line for line — and stops the process otherwise.

The process opens its own connection with the ledger's settings and hands back its breaks and
notes (a few dozen at most per read model) through a pipe.
"""

from __future__ import annotations

import traceback
from multiprocessing.connection import Connection
from typing import Any

from api.settings import Database
from api.store.opening import open_ledger, open_projector
from api.verification_pool import worker_context
from domain.evidence.report import Break, VerificationReport
from projections.views_audit import audit_snapshots, audit_views

#: what the process hands back: ("done", breaks, notes) or ("failed", the traceback's text)
Outcome = tuple[str, Any, Any]


def _audit(database: Database, answer: Connection) -> None:
    """In the audit's process: the read models and the snapshots, into a report of their own."""
    try:
        ledger = open_ledger(database)
        report = VerificationReport()
        try:
            projector = open_projector(database, ledger, create=False)
            projector.reader.size()
        except Exception:  # noqa: BLE001 — no projection tables in this store: the snapshots alone
            projector = None
        if projector is not None:
            audit_views(report, ledger, projector.views)
        audit_snapshots(report, ledger)
        outcome: Outcome = ("done", report.breaks, report.notes)
    except Exception:  # noqa: BLE001 — handed to the parent, which raises it as the serial audit would
        outcome = ("failed", traceback.format_exc(), None)
    answer.send(outcome)
    answer.close()


class DerivedAudit:
    """The read models' and snapshots' audit of ``database``, started at once in its own
    process (:meth:`merge` waits for it, :meth:`cancel` stops it)."""

    def __init__(self, database: Database) -> None:
        context = worker_context()
        self._answer, sending = context.Pipe(duplex=False)
        self._process = context.Process(target=_audit, args=(database, sending), name="dl-verify-audit",
                                        daemon=True)
        self._process.start()
        sending.close()  # the child's end: only the child holds it now

    def merge(self, report: VerificationReport) -> None:
        """Wait for the audit and add its breaks and notes to ``report``."""
        try:
            kind, found, notes = self._answer.recv()
        except EOFError:
            self._process.join()
            raise RuntimeError(f"the audit of the read models ended without an answer "
                               f"(exit code {self._process.exitcode})") from None
        finally:
            self._answer.close()
        self._process.join()
        if kind != "done":
            raise RuntimeError(f"the audit of the read models failed in its process:\n{found}")
        breaks: list[Break] = found
        report.breaks.extend(breaks)
        report.notes.extend(notes)

    def cancel(self) -> None:
        """Stop the audit: its findings would not be reported (the events are broken)."""
        if self._process.is_alive():
            self._process.terminate()
        self._process.join()
        self._answer.close()

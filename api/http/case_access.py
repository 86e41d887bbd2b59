"""May this reader read this case — answered without replaying the case where the read models
can answer it (issue 19 point 7 — perf2: the version page of a case of 10,000 events).

The facts :func:`domain.service.access.can_read_case` reads (the case's decision, lead unit and
members) are held by the read models (:mod:`projections.membership`). A case's members only grow,
so the read models, even behind the events, admit no reader the events do not; where they do not
admit the reader (or do not hold the case yet) the ledger decides, as :func:`readable` always did,
with the same refusal.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

from api.http.reads import readable
from api.http.service import Service
from domain.errors import NotFound
from domain.evidence.times import format_time
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.service import access
from domain.service.access import CaseFacts
from domain.service.ledger import Ledger
from projections import membership
from projections.timeline import Looked


def readable_facts(svc: Service, who: Principal, case_id: str) -> tuple[CaseFacts, EvaluationCase | None]:
    """The facts that let ``who`` read the case — from the read models, else the case as it stands
    now (then also returned second: the caller need not replay it again). Refused as
    :func:`readable` refuses."""
    with svc.current().views.reading() as c:
        held = membership.memberships(c, who, [case_id]).get(case_id)
    if held is not None and access.can_read_case(who, held, Looked(svc.ledger)):
        return held, None
    case = readable(svc, who, case_id, shared=True)
    return case, case


def latest_version(ledger: Ledger, case_id: UUID) -> int:
    """The case's version now: its last stored event's, one row read (not the case replayed)."""
    for event in ledger.events.get(case_id, desc=True, limit=1):
        return int(event.originator_version)
    raise NotFound(f"没有评估案件 {case_id} / no evaluation case {case_id}")


def version_hint(svc: Service, case_id: str, moment: datetime) -> int:
    """The version of the case's last event recorded by ``moment`` as the actions read model has
    it (one query on the case's rows; 0 if none): a hint for :func:`replay.version_at`, which
    confirms it against the stored events."""
    with svc.current().views.reading() as c:
        row = c.execute("SELECT MAX(version) AS v FROM {dl_actions} WHERE case_id = ? AND recorded_at <= ?",
                        (case_id, format_time(moment))).fetchone()
    return int(row["v"]) if row and row["v"] is not None else 0

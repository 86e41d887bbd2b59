"""Which cases of a list a reader may open, without loading a case (issue 19 point 7): an
inspector's by their scope, the others' by the case-membership read model
(:mod:`projections.membership`, one query whatever the list) — for ``/cases``, ``/v1/cases`` and
search alike.

The read model, even behind the events, admits no reader the events do not (a case's members only
grow); a reader made a member a moment ago sees the case in the list once the read models have
caught up with that event, as every list read from the read models does.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.http.service import Service
from domain.model.principal import Principal
from projections import membership
from projections.scoping import Scope
from projections.timeline import Looked


def readable_rows(svc: Service, who: Principal, rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows (each with a ``case_id``) of the cases ``who`` may open, in their order."""
    scope = Scope(who, svc.ledger)
    rows = list(rows)
    unseen = [row for row in rows if not scope.oversees(row)]
    with svc.current().views.reading() as c:
        members = membership.readable_cases(c, who, Looked(svc.ledger), unseen) if unseen else set()
    return [row for row in rows if scope.oversees(row) or str(row["case_id"]) in members]

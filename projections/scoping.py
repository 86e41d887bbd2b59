"""Read models as one reader may see them: each row kept only where the reader's organisation
reaches it (issue 16 point 1, :mod:`domain.service.access`).

The read models hold everything; these filters decide, per request, what of it a reader is shown.
A case belongs to its decision's deciding organ; an act in a person's chain is judged by the
organisation the person belonged to when they did it, so the chain follows them across transfers.
What a filter leaves out is counted (``withheld``), never silently dropped.
"""

from __future__ import annotations

from functools import cache
from typing import Any
from uuid import UUID

from domain.evidence.times import parse_time
from domain.model.aggregate import Directory
from domain.model.decision import Decision
from domain.model.organisation import Organisation, acts_within, reaches
from domain.model.principal import Principal
from domain.service import access


class Scope:
    """What one reader's organisation reaches, with the lookups of one request cached."""

    def __init__(self, reader: Principal, directory: Directory) -> None:
        self.reader = reader
        self.directory = directory
        self.organisation_of_decision = cache(self._organisation_of_decision)
        self._reaches = cache(self._reaches_organisation)
        self._within = cache(self._within_organisation)

    def _organisation_of_decision(self, decision_id: str | None) -> UUID | None:
        decision = self.directory.find(UUID(decision_id), Decision) if decision_id else None
        return decision.organisation_id if decision is not None else None

    def _reaches_organisation(self, organisation_id: UUID | None) -> bool:
        return reaches(self.reader.organisation_id, organisation_id,
                       lambda oid: self.directory.find(oid, Organisation))

    def _within_organisation(self, organisation_id: UUID | None) -> bool:
        return acts_within(self.reader.organisation_id, organisation_id,
                           lambda oid: self.directory.find(oid, Organisation))

    def reaches_decision(self, decision_id: str | None) -> bool:
        """Does the reader's scope reach the decision's deciding organ (to oversee it)?"""
        return self._reaches(self.organisation_of_decision(decision_id))

    def within(self, decision_id: str | None) -> bool:
        """Is the decision within the reader's organisation: reached by it, or the decision of an
        organ the reader's unit belongs to (a 处室 counts its 厅's figures)?"""
        return self._within(self.organisation_of_decision(decision_id))

    def oversees(self, row: dict[str, Any]) -> bool:
        """An inspector whose scope reaches the row's decision (a case, a finding, a deadline)."""
        return access.is_inspector(self.reader) and self.reaches_decision(row.get("decision_id"))

    def chain(self, chain: dict[str, Any], subject: Principal | None) -> dict[str, Any]:
        """A lifetime chain with the acts and findings this reader may see; the number left out
        is ``withheld``."""
        def sees(row: dict[str, Any], at: str) -> bool:
            return access.sees_in_chain(self.reader, subject, parse_time(at),
                                        self.organisation_of_decision(row.get("decision_id")), self.directory)

        actions = [a for a in chain["actions"] if sees(a, a["recorded_at"])]
        findings = [f for f in chain["findings"] if sees(f, f["raised_at"])]
        procedures = [p for p in chain.get("procedures", []) if sees(p, p["opened_at"])]  # H2 accountability
        dissent = [d for d in chain.get("dissent", []) if sees(d, d["recorded_at"])]
        withheld = (len(chain["actions"]) - len(actions) + len(chain["findings"]) - len(findings)
                    + len(chain.get("procedures", [])) - len(procedures) + len(chain.get("dissent", [])) - len(dissent))
        return {
            **chain,
            "actions": actions,
            "findings": findings,
            "procedures": procedures,
            "dissent": dissent,
            "cases": sorted({a["case_id"] for a in actions if a["case_id"]} | {f["case_id"] for f in findings}),
            "withheld": withheld,
        }

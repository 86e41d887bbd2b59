"""Helpers for the accountability procedure (H2): citations and the arguments of each step."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from domain.service.ledger import Recorded
from tests.support import digest

DOCUMENT = {"title": "审计报告", "source": "县审计局 审〔2023〕5号", "digest": digest("审计报告")}


def cite(recorded: Recorded) -> dict[str, Any]:
    """A stored event as a citation: position pinned by hash."""
    return {"aggregate_id": str(recorded.aggregate_id), "version": recorded.version, "hash": recorded.event_hash}


def subject(principal_id: UUID, role: str) -> dict[str, Any]:
    return {"subject_id": str(principal_id), "role": role}


def open_args(jurisdiction: str, decision_id: UUID, subjects: list[dict[str, Any]], *,
              events: list[dict[str, Any]] | None = None, **changes: Any) -> dict[str, Any]:
    """立案 on misconduct in an evaluation by default (pass ``case_id`` and ``conduct``)."""
    args: dict[str, Any] = {
        "jurisdiction": jurisdiction, "decision_id": str(decision_id), "ground": "evaluation_misconduct",
        "subjects": subjects, "evidence": {"events": events or [], "documents": [DOCUMENT]},
        "statement": "经初步核实，决定立案",
    }
    args.update({k: str(v) if isinstance(v, UUID) else v for k, v in changes.items()})
    return args


def notice(principal_id: UUID) -> dict[str, Any]:
    return {"subject_id": str(principal_id), "facts": "经调查查明的事实", "intended_handling": "拟给予警告处分"}


def decided(principal_id: UUID, outcome: str, *, sanctions: tuple[str, ...] = (),
            relief: dict[str, Any] | None = None) -> dict[str, Any]:
    decision: dict[str, Any] = {"subject_id": str(principal_id), "outcome": outcome,
                                "sanctions": list(sanctions), "reasons": "依据查明的事实"}
    if relief is not None:
        decision["relief"] = relief
    return decision

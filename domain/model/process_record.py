"""全过程记录: the record of the whole process of an evaluation, generated from the case's own
stored events (NX-10(4) 评估报告应当记录评估的全过程; XX-14(1) 报告应当包括跟踪反馈与后评估工作的基本情况).

Every act of the case, in order — its version, action, signer (id and name as borne at that
moment), recording time, the articles it carries out and its event hash — is one entry. The
record is a deterministic document: its canonical bytes (RFC 8785, :func:`canonical_bytes`) give
the digest ``sha256:<hex>``. The evaluator's client computes that digest of the record as the case
stands and signs it into the finalisation (``process_record_digest``); the case refuses any other
digest, so the finalised report is bound to the process it records. Later acts (justice review,
approval, submission, ruling, publication, findings) are listed after the bound part, marked
``"later": true``. The approval, ruling and publication in turn name the report's digest they
concern (``report_digest``), and a mismatch is refused. docs/spec.md §18 describes the format for
outside verifiers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.errors import Refused
from domain.evidence.canonical import canonical_bytes
from domain.evidence.times import format_time
from domain.model.acts import Act, shared_id

if TYPE_CHECKING:
    from domain.model.aggregate import Context, Directory, LedgerEvent
    from domain.model.case import EvaluationCase

FORMAT = "decision-ledger/process-record/v1"

#: who signed an act, by id and the moment of the act: the name the person bore then
Names = Callable[[UUID, datetime], str]


def act_entry(event: LedgerEvent, act: Act[Any], jurisdiction: str) -> dict[str, Any]:
    """One act as the case keeps it for its process record (applied with every event)."""
    from domain.model.articles import ACTION_ARTICLES  # the catalogue imports the case's actions

    action = act.intent.action
    if action == "case.raise_finding":
        articles = list(act.command.articles)
    else:
        articles = list(ACTION_ARTICLES.get(action, {}).get(jurisdiction, []))
    return {
        "version": event.originator_version,
        "action": action,
        "actor_id": shared_id(act.actor_id),
        "at": event.timestamp,
        "articles": articles,
        "hash": event.hash,
    }


def name_at(principal: Any, moment: datetime) -> str:
    """The name a principal bore at a moment (更名 keeps the former names with their end)."""
    for former in principal.former_names:
        if moment < former["until"]:
            return str(former["name"])
    return str(principal.name)


def names_from(directory: Directory) -> Names:
    """Names looked up in the ledger's directory (each principal once)."""
    from domain.model.principal import Principal

    found: dict[UUID, Any] = {}

    def names(principal_id: UUID, moment: datetime) -> str:
        if principal_id not in found:
            found[principal_id] = directory.find(principal_id, Principal)
        principal = found[principal_id]
        return name_at(principal, moment) if principal is not None else str(principal_id)

    return names


def shown(entry: dict[str, Any], names: Names) -> dict[str, Any]:
    """An act as the record shows it (docs/spec.md §18.1)."""
    return {
        "version": entry["version"],
        "action": entry["action"],
        "actor": {"principal_id": str(entry["actor_id"]), "name": names(entry["actor_id"], entry["at"])},
        "recorded_at": format_time(entry["at"]),
        "articles": list(entry["articles"]),
        "event_hash": entry["hash"],
    }


def record_of(case_id: UUID, jurisdiction: str, acts: Sequence[dict[str, Any]], names: Names) -> dict[str, Any]:
    """The 全过程记录 of these acts (the part a finalisation binds)."""
    return {
        "format": FORMAT,
        "case_id": str(case_id),
        "jurisdiction": jurisdiction,
        "through_version": acts[-1]["version"] if acts else 0,
        "acts": [shown(entry, names) for entry in acts],
    }


def digest_of(record: dict[str, Any]) -> str:
    """``sha256:`` and the lowercase hex SHA-256 of the record's canonical bytes — the one
    function the client that signs and the case that checks both use."""
    return "sha256:" + hashlib.sha256(canonical_bytes(record)).hexdigest()


def _split(case: EvaluationCase) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The acts the current final report binds (before its finalisation) and the later ones;
    all acts while no report is final (what the next finalisation must bind)."""
    if not (case.report_is_final and case.report):
        return list(case.acts), []
    at = case.report["version"]
    return [a for a in case.acts if a["version"] < at], [a for a in case.acts if a["version"] >= at]


def document(case: EvaluationCase, names: Names) -> dict[str, Any]:
    """The process record as served: the bound part and its digest, the binding the finalised
    report carries (and whether it matches), and the later acts."""
    bound, later = _split(case)
    record = record_of(case.id, case.jurisdiction, bound, names)
    digest = digest_of(record)
    binding = None
    if case.report_is_final and case.report:
        signed = case.report.get("process_record_digest")
        binding = {
            "report_id": str(case.report["report_id"]),
            "report_digest": case.report["digest"],
            "finalised_at_version": case.report["version"],
            "process_record_digest": signed,
            "matches": signed == digest,
        }
    return {
        "record": record,
        "digest": digest,
        "binding": binding,
        "later": [{**shown(entry, names), "later": True} for entry in later],
    }


def current_digest(case: EvaluationCase, names: Names) -> str:
    """The digest a finalisation of the case as it stands must carry."""
    return digest_of(record_of(case.id, case.jurisdiction, case.acts, names))


# --- the case's checks -------------------------------------------------------------------------


def check_finalisation(case: EvaluationCase, digest: str | None, ctx: Context) -> None:
    """ARTICLE: NX-10(4), XX-14(1) — the report binds the record of the process up to it."""
    expected = current_digest(case, names_from(ctx.directory))
    if digest != expected:
        raise Refused(
            "NX-10(4)" if case.is_nx else "XX-14(1)",
            f"评估报告应当记录评估的全过程：所签署的全过程记录摘要（{digest or '未提供'}）不是本案截至目前的全过程记录（{expected}）",
            f"the report records the whole process: the process-record digest signed ({digest or 'none'}) "
            f"is not that of this case as it stands ({expected})",
            rule="process-record/bound-at-finalisation",
        )


def check_report_digest(case: EvaluationCase, digest: str | None, article: str) -> None:
    """The approved, ruled-on and published text is the finalised report: its digest is named."""
    expected = case.report["digest"] if case.report else None
    if digest is None or digest != expected:
        raise Refused(
            article,
            f"所审定、决定或公开的报告摘要（{digest or '未提供'}）与正式形成的评估报告（{expected}）不一致",
            f"the report digest named ({digest or 'none'}) is not that of the finalised report ({expected})",
            rule="process-record/report-digest",
        )

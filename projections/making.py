"""Read model of the making of a decision (H1; XX-18, 国令第713号第三十条) and the makers that
reverse tracing (责任倒查) reaches.

``dl_decision_making`` holds one row per decision with its making as recorded (undertaking,
participation, legality reviews, discussions with each member's opinion and the head's
decision, publication, transcriptions). :func:`makers` lists each person who made the decision,
with their opinion, whether it is their own signature or transcribed from the archive, and the
event that shows it; a member who recorded 不同意 carries the 减免责任 ground (``713-38``)
citing that record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol

from domain.model.decision import Decision
from projections.store import Views

TABLES: dict[str, str] = {"dl_decision_making": "decision_id TEXT PRIMARY KEY, making TEXT"}
UPSERTED = frozenset({"dl_decision_making"})

_MAKING = "INSERT INTO {dl_decision_making} VALUES (?,?) ON CONFLICT (decision_id) DO UPDATE SET making = excluded.making"

#: the roles in the making, in the order they act
ROLES = ("drafter", "legality_reviewer", "member", "head", "transcriber")
ROLE_ZH = {"drafter": "起草人", "legality_reviewer": "合法性审查人", "member": "集体讨论组成人员",
           "head": "行政首长", "transcriber": "档案转录人"}
OPINION_ZH = {"agree": "同意", "disagree": "不同意", "reserve": "保留", "approve": "同意", "reject": "不同意",
              "amend": "修改", "defer": "暂缓", "rediscuss": "再次讨论", "lawful": "合法",
              "lawful_with_changes": "修改后合法", "unlawful": "不合法"}


class RowSink(Protocol):
    def upsert(self, sql: str, row: tuple[Any, ...], key: int = 1, updates: bool = True) -> None: ...


def write(rows: RowSink, decision: Decision, dumps: Callable[[Any], str]) -> None:
    """The making of one decision as it stands (``dumps``: the views' one JSON spelling)."""
    if (made := state(decision)) is not None:
        rows.upsert(_MAKING, (str(decision.id), dumps(made)))


def state(decision: Decision) -> dict[str, Any] | None:
    """The making as the read model holds it (``None``: nothing of it is recorded)."""
    if not (decision.undertaking or decision.participation or decision.legality_reviews or decision.discussions
            or decision.publication or decision.transcriptions):
        return None
    return {
        "undertaking": decision.undertaking,
        "participation": decision.participation,
        "legality_reviews": decision.legality_reviews,
        "discussions": list(decision.discussions.values()),
        "publication": decision.publication,
        "transcriptions": decision.transcriptions,
    }


def making_of(views: Views, decision_id: str) -> dict[str, Any] | None:
    with views.reading() as c:
        row = c.execute("SELECT making FROM {dl_decision_making} WHERE decision_id = ?", (decision_id,)).fetchone()
    return json.loads(row["making"]) if row is not None else None


def _event(decision_id: str, record: dict[str, Any]) -> dict[str, Any]:
    return {"aggregate_id": decision_id, "version": record["version"], "hash": record["hash"]}


def makers(making: dict[str, Any] | None, decision_id: str,
           principals: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """Each person who made the decision (XX-18 责任倒查), in the order of the making."""
    if making is None:
        return []
    out: list[dict[str, Any]] = []

    def add(principal_id: str, role: str, record: dict[str, Any], **more: Any) -> None:
        person = principals.get(principal_id, {})
        out.append({
            "principal_id": principal_id, "name": person.get("name"), "unit": person.get("unit"),
            "role": role, "role_zh": ROLE_ZH[role], "opinion": None, "reasons": None,
            "transcribed": bool(record.get("transcribed")), "source": record.get("source"),
            "signed_by": str(record["by"]), "event": _event(decision_id, record), "relief": None, **more,
        })

    if (undertaking := making.get("undertaking")) is not None:
        add(str(undertaking["drafter_id"]), "drafter", undertaking,
            undertaking_unit_id=str(undertaking["undertaking_unit_id"]))
    for review in making.get("legality_reviews", []):
        add(str(review["reviewer_id"]), "legality_reviewer", review, opinion=review["opinion"],
            reasons=review["statement"])
    for transcription in making.get("transcriptions", []):
        add(str(transcription["by"]), "transcriber", transcription, transcribed=False,
            discussion_id=transcription["discussion_id"])
    for discussion in making.get("discussions", []):
        for member in discussion["members"]:
            opinion = discussion["opinions"].get(member)
            if member == discussion["head_id"]:
                head = discussion["decision"]
                if head is not None:
                    add(member, "head", head, opinion=head["outcome"], reasons=head["reason_stated_at_meeting"],
                        against_majority=head["against_majority"], discussion_id=discussion["discussion_id"])
                    continue
            if opinion is None:
                continue
            relief = None
            if opinion["opinion"] == "disagree":  # 国令第713号第三十八条: the record of the dissent
                relief = {"ground": "recorded_dissent", "article": "713-38", "record": _event(decision_id, opinion)}
            add(member, "member", opinion, opinion=opinion["opinion"], reasons=opinion["reasons"], relief=relief,
                discussion_id=discussion["discussion_id"])
    return out

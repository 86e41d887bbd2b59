"""The evidence work of a case as NX-9 / XX-7 read it (不得预设评估结论，不得按照工作人员的偏好取舍
信息资料): interim findings kept apart from conclusions, a material's stance taken from its source
or confirmed by a second person, and what the plan and the entrustment state before any evidence.

* 阶段性发现 (``case.record_interim_finding``): 跟踪反馈 reports what the work shows as it goes; an
  interim finding is recorded while the evidence is open and is never judged as a conclusion.
* 资料立场: the collector's label alone does not count. A stance counts as sourced when the
  source's own record states it: the material came ``via`` a recorded survey, meeting, visit or
  consultation and an opinion recorded ``via`` that same activity has that stance; or a related
  unit supplied the material (``case.answer_request``: the unit states it, signed and attested
  truthful, :mod:`domain.model.supply`). Otherwise a second person confirms it
  (``case.confirm_stance``), or it counts as :data:`UNCONFIRMED`. Findings on collection name the
  person who chose the material — its collector, or for a supplied one the person who requested
  it (:func:`chosen_by`), never the unit's signer.
* 预设结论: the plan and each entrustment keep their text, without spaces and punctuation, and
  whether any evidence existed when they were written; a conclusion one of whose sentences (at
  least :data:`PRESET_MIN_CHARS` characters) appears word for word in a text written before any
  evidence is flagged by the rule ``preset-in-plan`` (:mod:`domain.model.rules.evidence`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from domain.errors import Conflict, NotFound, Refused
from domain.model.acts import Act
from domain.model.aggregate import Context, LedgerEvent
from domain.model.commands.evidence import ConfirmStance, RecordInterimFinding

if TYPE_CHECKING:
    from domain.model.case import EvaluationCase

#: The stance an unconfirmed label counts as (neither sourced nor confirmed by a second person).
UNCONFIRMED = "unconfirmed"
#: A sentence shorter than this (characters, after removing spaces and punctuation) is too
#: common to show that a conclusion was written beforehand.
PRESET_MIN_CHARS = 8

_SENTENCE_END = re.compile(r"[。！？；;!?\n]+")


def article_of(case: EvaluationCase) -> str:
    return "NX-9" if case.is_nx else "XX-7"


def counted_stance(case: EvaluationCase, material: dict[str, Any]) -> str:
    """The stance the skew rules count: the second person's; else the label when its source
    states it (:func:`sourced`); else :data:`UNCONFIRMED`."""
    confirmed = material.get("confirmed")
    if confirmed:
        return str(confirmed["stance"])
    if sourced(case, material):
        return str(material["stance"])
    return UNCONFIRMED


def sourced(case: EvaluationCase, material: dict[str, Any]) -> bool:
    """Whether the source's own record supports a material's stance: a related unit supplied it
    (its stance is the unit's statement), or it came ``via`` an activity whose recorded opinions
    (``case.record_opinion`` with the same ``via``) include that stance. The activity record
    itself holds no stance, so a label ``via`` an activity without such an opinion is not sourced."""
    if material.get("supplied_for"):
        return True
    via = material.get("via")
    if not via:
        return False
    return any(str(o.get("via")) == str(via) and o["stance"] == material["stance"] for o in case.opinions.values())


def chosen_by(case: EvaluationCase, material: dict[str, Any]) -> Any:
    """Who chose to put a material on the case: its collector; for a material a related unit
    supplied, the person who requested it (the unit's signer chose nothing and is not named)."""
    supplied_for = material.get("supplied_for")
    if supplied_for:
        request = case.supply_requests.get(str(supplied_for))
        if request is not None:
            return request["by"]
    return material["collected"]["by"]


def normalised(text: str) -> str:
    """The text without spaces, punctuation or control characters."""
    return "".join(ch for ch in text if unicodedata.category(ch)[0] not in "PZC" and not ch.isspace())


def conclusion_sentences(text: str) -> list[str]:
    """Each sentence of a conclusion, normalised, if long enough to show it was written beforehand."""
    return [kept for sentence in _SENTENCE_END.split(text) if len(kept := normalised(sentence)) >= PRESET_MIN_CHARS]


def repeated_in(text: str, stated: Iterable[str]) -> list[str]:
    """The sentences of a conclusion that appear word for word in the texts stated beforehand."""
    texts = list(stated)
    return [sentence for sentence in conclusion_sentences(text) if any(sentence in t for t in texts)]


def has_evidence(case: EvaluationCase) -> bool:
    """Any material not excluded, any survey, meeting, visit or consultation, any opinion."""
    kept = any(not m["excluded"] for m in case.materials.values())
    return kept or bool(case.activities) or bool(case.opinions)


def stated_beforehand(case: EvaluationCase, texts: Iterable[str]) -> dict[str, Any]:
    """What a plan or an entrustment keeps for the ``preset-in-plan`` rule: its texts, normalised,
    and whether evidence had been gathered when it was written."""
    return {"texts": [normalised(t) for t in texts], "after_evidence": has_evidence(case)}


# --- interim findings -----------------------------------------------------------------------


def check_interim(case: EvaluationCase, act: Act[RecordInterimFinding]) -> None:
    if str(act.command.interim_id) in case.interim_findings:
        raise Conflict(f"本案已记录该阶段性发现 / interim finding {act.command.interim_id} is already recorded on this case")


class InterimFindingRecorded(LedgerEvent):
    """阶段性发现已记录."""

    TOPIC = "decision-ledger/EvaluationCase/InterimFindingRecorded/v1"
    COMMAND = RecordInterimFinding

    def on(self, case: EvaluationCase, act: Act[RecordInterimFinding]) -> None:
        case.interim_findings[str(act.command.interim_id)] = {
            "statement": act.command.statement,
            **self.provenance(act),
        }


# --- a stance confirmed by a second person -----------------------------------------------------


def check_stance_confirmation(case: EvaluationCase, act: Act[ConfirmStance], ctx: Context) -> None:
    material = case.materials.get(str(act.command.material_id))
    if material is None:
        raise NotFound(f"本案没有该资料 / no material {act.command.material_id} on this case")
    if material.get("confirmed"):
        raise Conflict(f"该资料的立场已核实 / the stance of material {act.command.material_id} is already confirmed")
    if material["collected"]["by"] == ctx.actor.id:
        raise Refused(article_of(case), "资料的立场应当由收集人以外的人员核实，收集人不得自行确认",
                      "a material's stance is confirmed by someone other than its collector",
                      rule="evidence/second-person-confirms")


class StanceConfirmed(LedgerEvent):
    """资料立场已由第二人核实."""

    TOPIC = "decision-ledger/EvaluationCase/StanceConfirmed/v1"
    COMMAND = ConfirmStance

    def on(self, case: EvaluationCase, act: Act[ConfirmStance]) -> None:
        case.materials[str(act.command.material_id)]["confirmed"] = {
            "stance": act.command.stance.value,
            "labelled": case.materials[str(act.command.material_id)]["stance"],
            **self.provenance(act),
        }

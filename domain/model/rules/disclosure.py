"""What a publication of results may withhold (XX-17).

XX-17 决策执行单位应当将跟踪反馈与后评估结果……向社会公开，涉及国家秘密、商业秘密或者个人隐私的内容除外。
The exception is the only ground for keeping a material out of the published results: a material
may be withheld only when it is classified — 国家秘密、商业秘密、个人隐私 under XX-17, and 工作秘密,
which XX-22 obliges everyone taking part to keep. An unclassified material is published; the
other direction (a classified material not withheld) is ``publication_withholds_classified``.
A material excluded from the evidence (NX-9, XX-7) is not among the published results at all, so
listing it among the withheld keeps nothing back.
NX sets no duty to publish (NX-15 only keeps secrets): the rule is XX's alone.
"""

from __future__ import annotations

from collections.abc import Iterator

from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import rule_of
from domain.model.vocabulary import Classification, Jurisdiction


def withheld_only_if_classified(jurisdiction: Jurisdiction, articles: tuple[str, ...]) -> Rule:
    """XX-17 向社会公开……除外: only a classified material is withheld from the published results."""

    @rule_of(jurisdiction, "withheld-only-if-classified", articles, "只有涉密或者涉及个人隐私的资料可以不予公开",
             "only classified material is withheld from publication", "refuse", {"case.publish_results"})
    def check(j: Judgement) -> Iterator[Refuse]:
        materials = j.the_case.materials
        unclassified = [
            str(materials[str(m)].get("title", m)) for m in j.command.withheld_material_ids
            if str(m) in materials and materials[str(m)]["classification"] == Classification.NONE.value
            and not materials[str(m)].get("excluded")
        ]
        if unclassified:
            yield Refuse(
                "评估结果应当向社会公开，只有涉及国家秘密、商业秘密或者个人隐私的内容（以及应当保密的工作秘密）可以不予公开；"
                f"未定密的资料不得列入不予公开范围：{'、'.join(unclassified)}",
                f"only classified material may be withheld from the published results; unclassified: {', '.join(unclassified)}",
            )

    return check

"""Rules on opening a case: the text's own grounds (NX-4, XX-9) and a superior's evaluation (XX-19)."""

from __future__ import annotations

from collections.abc import Iterator

from domain.model.decision import Decision
from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import article_words, codes, rule_of
from domain.model.vocabulary import TRIGGER_GROUNDS, Jurisdiction, SuperiorBasis

# --- opening --------------------------------------------------------------------------------


def trigger_grounds(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-4 有下列情形之一的，承办处室应当及时组织 (seven grounds); XX-9 (five grounds).
    A case opens only on its own text's grounds."""
    grounds = TRIGGER_GROUNDS[jurisdiction]

    @rule_of(jurisdiction, "trigger-grounds", (article,), "评估情形限于本办法规定", "grounds of the text only", "refuse", {"case.open"})
    def check(j: Judgement) -> Iterator[Refuse]:
        foreign = [g for g in j.command.grounds if g not in grounds]
        if foreign:
            yield Refuse(
                f"评估情形{codes([article_words(g, text=True) for g in foreign])}不是本办法{article_words(article)}规定的情形",
                f"grounds {', '.join(foreign)} are not among {article}'s grounds ({', '.join(grounds)})",
            )

    return check


def superior_evaluation(jurisdiction: Jurisdiction, article: str) -> Rule:
    """XX-19 执行上级改革任务或落实上级政策部署，依照有关规定应当由上级机关组织决策评估的，可以不重复
    组织执行评估，接受上级委任或根据上级要求协助评估的除外。

    The county *need not* evaluate such a decision; when it does, its case states its basis, and
    the basis is what the decision's record allows: the superior's commission or request to
    assist, as recorded on the decision (接受上级委任、根据上级要求协助评估), or otherwise the
    county's own stated reason (本级自行评估). A case cannot claim a commission nobody recorded,
    nor hide a recorded commission behind a reason of its own."""

    @rule_of(jurisdiction, "superior-evaluation", (article,), "上级机关组织评估的，县级评估应当说明依据",
           "a county case on a decision a superior evaluates states its basis", "refuse", {"case.open"})
    def check(j: Judgement) -> Iterator[Refuse]:
        decision = j.ctx.directory.find(j.command.decision_id, Decision)
        superior = decision.superior_evaluation if decision else None
        basis = j.command.superior_basis
        if superior and basis is None:
            yield Refuse(
                f"该决策由{superior['superior_organ']}组织评估，县级开展评估应当说明依据："
                "接受上级委任、根据上级要求协助评估，或本级自行评估的理由",
                "a superior organ evaluates this decision: state the basis of the county's case "
                "(commissioned, assisting, or its own reason)",
            )
        if basis is not None and not superior:
            yield Refuse(
                "该决策未记录上级机关组织评估，无需说明第十九条依据",
                "no superior evaluation is recorded for this decision; XX-19's basis does not apply",
            )
        if basis is None or not superior:
            return
        part = superior.get("county_part")
        if basis.kind is not SuperiorBasis.OWN_REASON and basis.kind.value != part:
            yield Refuse(
                f"该决策未记录{superior['superior_organ']}对本县的{BASIS_LABELS[basis.kind]}，"
                "不能以此为依据立案；本级自行评估的，说明本级的理由",
                f"no {basis.kind.value} of the county by the superior is recorded on this decision",
            )
        elif basis.kind is SuperiorBasis.OWN_REASON and part:
            yield Refuse(
                f"该决策已记录本县{BASIS_LABELS[SuperiorBasis(part)]}，应当以此为依据立案",
                f"the county is recorded as {part}: its case states that basis, not a reason of its own",
            )

    return check


#: XX-19's bases as the article words them
BASIS_LABELS = {
    SuperiorBasis.COMMISSIONED: "接受上级委任",
    SuperiorBasis.ASSISTING: "根据上级要求协助评估",
    SuperiorBasis.OWN_REASON: "本级自行评估",
}

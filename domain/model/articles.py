"""Every article of both texts, and what the ledger does with it.

An article's status means one thing (issue 18):

* ``enforced`` — a rule refuses: a rule of a rulebook, a procedure rule of the case, or a refusal an
  aggregate raises itself (:data:`AGGREGATE_RULES`);
* ``flagged`` — its rules only raise findings;
* ``recorded`` — an act is recorded with the article (:data:`ACTION_ARTICLES`, or who may take it)
  but nothing checks what the article says; an article checked only for who may act
  (``permission/…``) is this, with a note saying so;
* ``declaratory`` — nothing to check, with the reason why;
* ``pending`` — Decree 713's articles the ledger is yet to carry out, with what it is to do.

A scenario alone does not make an article ``recorded``: some act must carry it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.model.actions import ACTIONS
from domain.model.rules import rulebook_for
from domain.model.rules.base import Rulebook


@dataclass(frozen=True)
class Article:
    key: str
    title: str
    reason: str = ""  # why nothing is machine-checkable, for declaratory articles
    pending: str = ""  # what the ledger is to record or check, for an article it does not yet carry out


def _catalogue(*rows: tuple[str, str] | tuple[str, str, str]) -> dict[str, Article]:
    return {row[0]: Article(*row) for row in rows}


_ANNUAL = (
    "年度考核由考核机关组织，不是评估中的行为；账本为其保存每个案件的开始、完成、逾期和问题记录，"
    "按单位、年度的统计是读取模型（annual figures are a read model over the recorded cases）"
)

ARTICLES: dict[str, Article] = _catalogue(
    ("NX-1", "目的和依据", "制定目的与依据，不规定评估中的行为 (purpose and legal basis; no act to record)"),
    ("NX-2", "重大行政决策与评估的定义"),
    ("NX-3", "评估原则", "原则贯穿全部程序，可检查的部分由第九条和第十条的规则体现 (principles; their checkable parts are NX-9 and NX-10's rules)"),
    ("NX-4", "组织实施、委托评估与评估情形"),
    ("NX-5", "整体评估与部分评估"),
    ("NX-6", "评估内容"),
    ("NX-7", "评估报告内容"),
    ("NX-8", "决策前论证者原则上不得参与评估"),
    ("NX-9", "全面调查，不得预设结论，不得按偏好取舍资料"),
    ("NX-10", "评估程序"),
    ("NX-11", "九十日内完成评估"),
    ("NX-12a", "评估报告作为修改、中止或停止执行决策的依据"),
    ("NX-12b", "完成后十五日内提请厅决策机关审议"),
    ("NX-13", "决策内容重大修改"),  # NX/major-change-procedure: the ruling names the regional rules' procedure
    ("NX-14", "中止、终止或调整时采取措施"),
    ("NX-15", "保密"),
    ("NX-16", "工作人员责任追究"),
    ("NX-17", "受委托机构责任与不良信用记录"),
    ("NX-18", "纳入年度依法行政考核", _ANNUAL),
    ("NX-19", "解释与施行", "解释机关与施行日期，不规定评估中的行为 (interpretation and entry into force)"),
    ("XX-1", "目的和依据", "制定目的与依据，不规定评估中的行为 (purpose and legal basis; no act to record)"),
    ("XX-2", "适用范围"),
    ("XX-3", "重大行政决策的范围"),
    ("XX-4", "跟踪反馈与后评估的定义", "定义本办法的对象，即账本中的评估案件本身 (defines the evaluation: the case the ledger records)"),
    ("XX-5", "独立、客观、公正原则", "原则贯穿全部程序，可检查的部分由第七条和第十至十三条的规则体现 (principles; their checkable parts are XX-7 and XX-10..13's rules)"),
    ("XX-6", "组织实施、协调、审核与协助"),
    ("XX-7", "全面调查，不得预设结论，不得按偏好取舍资料"),
    ("XX-8", "评估内容"),
    ("XX-9", "评估情形"),
    ("XX-10", "整体与部分评估；三个阶段"),
    ("XX-11", "准备阶段"),
    ("XX-12", "实施阶段"),
    ("XX-13", "结论形成阶段"),
    ("XX-14", "评估报告内容"),
    ("XX-15", "简易程序"),
    ("XX-16", "结果应用"),
    ("XX-17", "结果公开"),
    ("XX-18", "终身责任追究与责任倒查"),
    ("XX-19", "上级机关组织评估的可不重复评估"),
    ("XX-20", "委托评估"),
    ("XX-21", "受委托评估机构的条件"),
    ("XX-22", "保密"),
    ("XX-23", "工作人员责任追究"),
    ("XX-24", "受委托机构责任与不良信用记录"),
    ("XX-25", "纳入年度政府绩效考核", _ANNUAL),
    ("XX-26", "乡镇和部门参照执行"),  # issue 18 — bodies: their own organ approves and rules (XX/report-body, XX/ruling-body)
    ("XX-27", "施行日期", "施行日期，不规定评估中的行为 (entry into force)"),
)


def article_root(key: str) -> str:
    """``NX-10(2)`` → ``NX-10``: the article an item key belongs to."""
    return key.split("(", 1)[0]


#: The articles of 《重大行政决策程序暂行条例》 (国令第713号) the ledger carries out, cited by number:
#: its text is not in the repository, the titles are our reading (ARTICLES.md), never a quotation.
#: ``pending`` says what the ledger is to do where nothing traces the article yet.
DECREE_713: dict[str, Article] = {
    article.key: article
    for article in (
        Article("713-30", "集体讨论决定：组成人员充分发表意见，行政首长最后发表意见并作出决定，不同意见如实载明",
                pending="记录会议、每位组成人员本人签署的意见（含不同意见）和行政首长的决定；与多数意见不一致而未说明理由的决定被拒绝 "
                        "(the meeting, each member's own signed opinion, the head's decision; a departure from the majority without its reason is refused)"),
        Article("713-33", "决策过程记录和材料及时完整归档"),
        Article("713-36", "决策后评估可以委托第三方，决策作出前承担主要论证评估工作的单位除外"),
        # issue 18 — bodies and readings: XX-16 第二款 applies it (XX/ruling-procedure)
        Article("713-37", "未经法定程序不得变更或者停止执行；情况紧急时行政首长可先决定中止执行"),
        Article("713-38", "决策严重失误、久拖不决的倒查责任、终身责任追究与持不同意见者减免责任"),
        Article("713-39", "承办单位或者承担决策有关工作的单位违反程序、失职、弄虚作假的责任追究"),
        Article("713-40", "执行单位拒不执行、推诿、拖延或者瞒报、谎报、漏报的责任追究"),
        Article("713-41", "违反职业道德和本条例规定的专家、专业机构、社会组织予以通报批评、责令限期整改；造成严重后果的，取消评估资格",
                pending="专家和机构的记录载有批评和取消评估资格，此后的委托或外聘被拒绝 "
                        "(expert and agency records carry such entries; a later engagement is refused)"),
    )
}


#: Every article the ledger knows: both texts, then Decree 713's
CATALOGUE: dict[str, Article] = {**ARTICLES, **DECREE_713}


def is_known(key: str) -> bool:
    return article_root(key) in CATALOGUE


@dataclass(frozen=True)
class RuleCitation:
    rule: str
    effect: str  # "refuse", "flag", "refuse+flag"


#: Rules an aggregate enforces itself, outside the rulebooks: the ``rule`` of its refusals, and
#: the articles it cites. A part that adds such a refusal adds its rule here, so the article is traced.
AGGREGATE_RULES: dict[str, tuple[str, ...]] = {
    # domain/model/decision.py: the superior's evaluation is recorded once (XX-19's exception holds)
    "XX/superior-evaluation-once": ("XX-19",),
    # domain/model/accountability.py: the procedure of 责任追究
    "NX-16/accountability-procedure": ("NX-16",),
    "XX-23/accountability-procedure": ("XX-23",),
    "XX-18/accountability-procedure": ("XX-18",),
    "713-38/accountability-procedure": ("713-38",),
    "713-39/accountability-procedure": ("713-39",),
    # domain/model/making.py: the making of a decision, signed by those who made it
    "NX/decision-body": ("NX-4",),
    "713/discussion-body": ("713-30",),
    "713/discussion-members": ("713-30",),
    "713/member-opinion": ("713-30",),
    "713/head-decision": ("713-30",),
    # domain/model/agency.py: credit as a process (the article is the case's text's)
    "credit/proposed-not-recorded": ("NX-17", "XX-24"),
    "credit/proposed-by-entrusting-unit": ("NX-17", "XX-24"),
    "credit/cited-events": ("NX-17", "XX-24"),
    # domain/model/fault.py: the evaluation confirms a fault of the decision (the article is the case's text's)
    "decision-fault/after-the-report": ("XX-18", "713-38"),
    "decision-fault/cited-events": ("XX-18", "713-38"),
    # domain/model/fault.py: a unit's fault in the decision procedure names the unit (713-39)
    "decision-fault/unit-named": ("XX-18", "713-38", "713-39"),
    "decision-fault/unit-of-the-making": ("713-39",),
    "decision-fault/finding-taken-up": ("XX-18", "713-38", "713-39"),
    # domain/model/eligibility.py: 取消评估资格
    "713-41/recorded-by-engaging-unit": ("713-41",),
    "713-41/cited-events": ("713-41",),
    "713-41/eligibility-revoked": ("713-41",),
    # issue 18 — duty to supply (XX-6): domain/model/supply.py (the article is the case's text's:
    # XX-6, or 713-40 under the Ningxia text, which is silent on related units)
    "supply/responsible-of-the-unit": ("XX-6", "713-40"),
    "supply/answered-by-the-unit": ("XX-6", "713-40"),
    "supply/truthful-attestation": ("XX-6", "713-40"),
    "supply/coordination-under-xx": ("NX-4",),
    # issue 18 — domain/model/evidence_work.py: a stance is confirmed by a second person
    "evidence/second-person-confirms": ("NX-9", "XX-7"),
    # issue 18 — the report records the whole process (domain/model/process_record.py, publication.py)
    "process-record/bound-at-finalisation": ("NX-10(4)", "XX-14(1)"),
    "process-record/report-digest": ("NX-12a", "NX-12b", "XX-13(4)", "XX-16", "XX-17"),
    "publication/both-channels": ("XX-17",),
    # issue 18 review — duty to supply (XX-6): the answer accounts for every requested item
    "supply/every-item-accounted": ("XX-6", "713-40"),
    # domain/model/criticism.py: 通报批评、责令限期整改 and 整改完成 (713-41)
    "713-41/criticised-by-engaging-unit": ("713-41",),
    "713-41/deadline-after-the-criticism": ("713-41",),
    "713-41/rectification-by-criticising-unit": ("713-41",),
}

PERMISSION = "permission/"


def rules_by_article(rulebooks: tuple[Rulebook, ...] | None = None) -> dict[str, list[RuleCitation]]:
    """Every rule of both rulebooks, the procedure rules the case enforces, and who may take
    each action (``permission/…``), by article."""
    books = rulebooks or (rulebook_for("NX"), rulebook_for("XX"))
    cited: dict[str, list[RuleCitation]] = {key: [] for key in CATALOGUE}
    for book in books:
        for rule in book.rules:
            for article in rule.articles:
                cited[article_root(article)].append(RuleCitation(rule.id, rule.effect))
        for procedure in book.procedure:
            article = procedure.article(book.jurisdiction.value)
            if article.startswith(book.id):
                citation = RuleCitation(f"procedure/{procedure.id}", "refuse")
                if citation not in cited[article_root(article)]:
                    cited[article_root(article)].append(citation)
    for rule_id, articles in AGGREGATE_RULES.items():
        for article in articles:
            cited[article_root(article)].append(RuleCitation(rule_id, "refuse"))
    for spec in ACTIONS.values():
        for article in (spec.article or "").split(" / "):
            if article:
                cited[article_root(article)].append(RuleCitation(f"{PERMISSION}{spec.name}", "refuse"))
    return cited


PERMISSION_ONLY = "只检查由谁办理（权限），没有本条的实体规则 (only who may take the step is checked; no rule of the article itself)"


def _status(article: Article, rules: list[RuleCitation], carried: bool) -> tuple[str, str]:
    """The status of an article and, unless a rule of the text enforces or flags it, why.
    ``carried``: some act is recorded with the article (:data:`ACTION_ARTICLES`)."""
    own = {citation.effect for citation in rules if not citation.rule.startswith(PERMISSION)}
    if any("refuse" in effect for effect in own):
        return "enforced", ""
    if own:
        return "flagged", ""
    if rules:
        return "recorded", PERMISSION_ONLY
    if carried:
        return "recorded", ""
    if article.pending:
        return "pending", article.pending
    return "declaratory", article.reason


def carried_articles() -> set[str]:
    """The articles some act is recorded with (by their root key)."""
    return ({article_root(article) for texts in ACTION_ARTICLES.values() for keys in texts.values() for article in keys}
            | {article_root(article) for keys in MAKING_ARTICLES.values() for article in keys})


def traceability(scenarios: dict[str, list[dict[str, str]]]) -> list[dict[str, Any]]:
    """One entry per article: its rules, its scenarios, its status and, if declaratory, why.
    ``scenarios`` maps article keys to ``{"feature": file, "scenario": name}`` entries."""
    cited = rules_by_article()
    carried = carried_articles()
    entries = []
    for key, article in CATALOGUE.items():
        status, reason = _status(article, cited[key], key in carried)
        entries.append(
            {
                "article": key,
                "title": article.title,
                "rules": [citation.rule for citation in cited[key]],
                "scenarios": scenarios.get(key, []),
                "status": status,
                "reason": reason,
            }
        )
    return entries


#: The articles each case action carries out, per text (shown beside each event of a case).
ACTION_ARTICLES: dict[str, dict[str, list[str]]] = {
    "case.open": {"NX": ["NX-4"], "XX": ["XX-9", "XX-6"]},
    "case.form_team": {"NX": ["NX-10(1)"], "XX": ["XX-11(1)"]},
    "case.submit_plan": {"NX": ["NX-10(1)", "NX-6"], "XX": ["XX-11(2)", "XX-8"]},
    "case.prepare_survey": {"NX": ["NX-10(3)"], "XX": ["XX-11(3)"]},
    "case.approve_evaluation": {"NX": ["NX-10(2)"], "XX": []},
    "case.decline_evaluation": {"NX": ["NX-10(2)"], "XX": []},
    "case.entrust_agency": {"NX": ["NX-4", "NX-8", "713-36"], "XX": ["XX-20", "XX-21", "713-36"]},
    "case.engage_expert": {"NX": ["NX-4", "NX-8"], "XX": ["XX-20"]},
    "case.hand_over_work": {"NX": ["NX-4"], "XX": ["XX-20"]},
    "case.collect_material": {"NX": ["NX-9", "NX-15"], "XX": ["XX-12(1)", "XX-22"]},
    "case.exclude_material": {"NX": ["NX-9"], "XX": ["XX-7"]},
    "case.record_shredding": {"NX": ["NX-15"], "XX": ["XX-22"]},
    "case.conduct_survey": {"NX": ["NX-10(3)"], "XX": ["XX-12(2)"]},
    "case.hold_forum": {"NX": ["NX-10(3)"], "XX": ["XX-12(2)"]},
    "case.hold_hearing": {"NX": ["NX-10(3)"], "XX": ["XX-12(2)"]},
    "case.visit_site": {"NX": ["NX-10(3)"], "XX": ["XX-12(2)"]},
    "case.solicit_opinions": {"NX": ["NX-10(3)"], "XX": ["XX-15"]},
    "case.record_opinion": {"NX": ["NX-9"], "XX": ["XX-7"]},
    "case.close_evidence": {"NX": ["NX-10(3)"], "XX": ["XX-12"]},
    "case.draw_conclusion": {"NX": ["NX-10(3)", "NX-9"], "XX": ["XX-12(3)", "XX-7"]},
    "case.draft_report": {"NX": ["NX-10(4)", "NX-7"], "XX": ["XX-13(1)", "XX-14"]},
    "case.give_expert_opinion": {"NX": ["NX-10(4)"], "XX": ["XX-13(2)"]},
    "case.finalise_report": {"NX": ["NX-10(4)", "NX-7", "NX-11"], "XX": ["XX-13(3)", "XX-14"]},
    "case.pass_justice_review": {"NX": [], "XX": ["XX-13(4)", "XX-6"]},
    "case.return_justice_review": {"NX": [], "XX": ["XX-13(4)", "XX-6"]},
    "case.approve_report": {"NX": [], "XX": ["XX-13(4)"]},
    "case.submit_report": {"NX": ["NX-12b"], "XX": []},
    "case.record_ruling": {"NX": ["NX-12a", "NX-14"], "XX": ["XX-16"]},
    "case.publish_results": {"NX": ["NX-15"], "XX": ["XX-17", "XX-22"]},
    "case.find_misconduct": {"NX": ["NX-16"], "XX": ["XX-23", "XX-18"]},
    "case.close_finding": {"NX": ["NX-16"], "XX": ["XX-23", "XX-18"]},
    # issue 18 — duty to supply (XX-6)
    "case.request_materials": {"NX": ["NX-9", "713-40"], "XX": ["XX-6", "XX-12(1)"]},
    "case.answer_request": {"NX": ["713-40"], "XX": ["XX-6"]},
    "case.refuse_request": {"NX": ["713-40"], "XX": ["XX-6", "713-40"]},
    "case.coordinate_supply": {"NX": [], "XX": ["XX-6"]},
    # issue 18 — evidence (NX-9, XX-7)
    "case.record_interim_finding": {"NX": ["NX-9"], "XX": ["XX-7"]},
    "case.confirm_stance": {"NX": ["NX-9"], "XX": ["XX-7"]},
    # issue 18 — bodies and readings: the decision under evaluation (NX-2, XX-3) is registered as such
    "decision.register": {"NX": ["NX-2"], "XX": ["XX-3"]},
}


#: The articles each step of a decision's making carries out (shown beside each event of the
#: decision in its dossier): the making, signed step by step, is the decision's process record,
#: archived whole (713-33: 决策过程记录和材料及时完整归档; the discussion: 713-30). Kept apart from
#: :data:`ACTION_ARTICLES`, whose table a case's bound process record lists (its digest is frozen).
MAKING_ARTICLES: dict[str, list[str]] = {
    "decision.record_undertaking": ["XX-18", "713-33"],
    "decision.record_participation": ["XX-18", "713-33"],
    "decision.record_legality_review": ["XX-18", "713-33"],
    "decision.convene_discussion": ["713-30", "713-33"],
    "decision.state_opinion": ["713-30", "713-33"],
    "decision.decide": ["713-30", "713-33"],
    "decision.record_publication": ["713-33"],
    "decision.transcribe_making": ["XX-18", "713-30", "713-33"],
}

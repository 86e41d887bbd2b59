"""Rules on what a plan and a report contain (NX-6, NX-7, NX-10(1); XX-8, XX-11(2), XX-14)."""

from __future__ import annotations

from collections.abc import Iterator

from domain.model.rules.base import Judgement, Refuse, Rule
from domain.model.rules.common import codes, rule_of
from domain.model.vocabulary import CONTENT_ITEMS, PLAN_PARTS, REPORT_SECTIONS, Jurisdiction, Scope

# --- plan, content, report ----------------------------------------------------------------------


def plan_complete(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-10(1) 评估方案应当包括评估目的、评估范围、评估方法、评估程序与时间安排，以及经费预算等;
    XX-11(2) 方案主要包括目的、对象与内容、标准与方法、步骤与时间安排、经费预算、组织保障等。"""
    parts = PLAN_PARTS[jurisdiction]

    @rule_of(jurisdiction, "plan-complete", (article,), "评估方案内容完整", "the plan has every part", "refuse", {"case.submit_plan"})
    def check(j: Judgement) -> Iterator[Refuse]:
        unknown = sorted(set(j.command.parts) - set(parts))
        if unknown:
            yield Refuse(
                f"评估方案的组成部分{codes(unknown)}不是{article}规定的内容",
                f"plan parts {', '.join(unknown)} are not among {article}'s ({', '.join(parts)})",
            )
            return
        missing = [key for key in parts if key not in j.command.parts]
        if missing:
            yield Refuse(
                f"评估方案缺少：{codes([parts[k] for k in missing])}",
                f"the plan lacks {', '.join(missing)}",
            )

    return check


def content_items(jurisdiction: Jurisdiction, article: str) -> Rule:
    """NX-6 评估工作围绕以下内容开展; XX-8 跟踪反馈与后评估围绕以下内容开展: the plan's content items
    are the text's own, and the final report addresses every item the plan lists."""
    items = CONTENT_ITEMS[jurisdiction]

    @rule_of(jurisdiction, "content-items", (article,), "评估内容属于本办法规定的内容，报告逐项回应",
           "content items are the text's own and the report addresses each",
           "refuse", {"case.submit_plan", "case.finalise_report"})
    def check(j: Judgement) -> Iterator[Refuse]:
        listed = j.command.content_items if j.action == "case.submit_plan" else j.command.addressed_items
        foreign = [code for code in listed if code not in items]
        if foreign:
            yield Refuse(
                f"评估内容{codes(foreign)}不是{article}规定的内容",
                f"content items {', '.join(foreign)} are not among {article}'s items",
            )
            return
        if j.action != "case.finalise_report":
            return
        plan = j.the_case.plan
        if plan:
            missing = [code for code in plan["content_items"] if code not in listed]
            if missing:
                yield Refuse(
                    f"评估报告未回应方案所列的评估内容：{codes(missing)}",
                    f"the report does not address the plan's content items {', '.join(missing)}",
                )
        elif j.the_case.is_simplified:
            yield from simplified_items(j, listed, items, article)

    return check


def simplified_items(j: Judgement, listed: list[str], items: dict[str, str], article: str) -> Iterator[Refuse]:
    """XX-15 采取简易程序的……最终形成跟踪反馈与后评估报告: the simplified procedure skips the plan, not
    XX-8's content. With no plan to list the items, the report of a whole evaluation addresses
    every item of XX-8; that of a partial evaluation (XX-10) at least one."""
    if j.the_case.scope == Scope.PARTIAL.value:
        if not listed:
            yield Refuse(
                f"简易程序的部分评估报告应当回应{article}所列评估内容中的至少一项",
                f"a simplified partial evaluation's report addresses at least one of {article}'s items",
            )
        return
    missing = [code for code in items if code not in listed]
    if missing:
        yield Refuse(
            f"简易程序未制定方案，评估报告应当逐项回应{article}所列评估内容，尚未回应：{codes(missing)}",
            f"with no plan, the simplified report addresses every item of {article}; missing {', '.join(missing)}",
        )


def report_sections(jurisdiction: Jurisdiction, article: str, required: tuple[str, ...]) -> Rule:
    """NX-7 评估报告应当包括以下内容; XX-14 跟踪反馈与后评估报告应当包括以下内容: a report uses the
    text's sections, and a final report has every required one."""
    sections = REPORT_SECTIONS[jurisdiction]

    @rule_of(jurisdiction, "report-sections", (article,), "评估报告内容完整", "the report has every required section",
           "refuse", {"case.draft_report", "case.finalise_report"})
    def check(j: Judgement) -> Iterator[Refuse]:
        given = list(j.command.sections)
        foreign = [key for key in given if key not in sections]
        if foreign:
            yield Refuse(
                f"报告章节{codes(foreign)}不是{article}规定的内容",
                f"report sections {', '.join(foreign)} are not among {article}'s sections",
            )
            return
        missing = [key for key in required if key not in given]
        if j.action == "case.finalise_report" and missing:
            yield Refuse(
                f"评估报告缺少：{codes([f'{k}{sections[k]}' for k in missing])}",
                f"the report lacks sections {', '.join(missing)}",
            )

    return check



"""The generated tables of docs/rulebooks.md: every article of both texts and what the ledger
does with it (what `decision-ledger articles` answers), and every action a person can sign, with
who may sign it. Written from the code, so the page cannot say what the code does not do::

    .venv/bin/python -m api.rulebook_tables --write docs/rulebooks.md

rewrites the tables between their markers in that file; without ``--write`` they are printed.
``tests/unit/test_docs.py`` fails when the file and the code disagree.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import Any

from api.http.labels import ROLE_LABELS
from api.http.writes import NOT_OVER_HTTP, ROUTES
from api.traceability import features_dir, read_scenarios, scenarios_by_article
from domain.model.accountability import Accountability
from domain.model.actions import ACTIONS, ActionSpec
from domain.model.articles import traceability
from domain.model.decision import Decision
from domain.model.principal import Principal

TEXTS = {
    "NX": "宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）",
    "XX": "息县重大行政决策实施情况跟踪反馈与后评估办法（试行）（息政办〔2021〕43号）",
    "713": "重大行政决策程序暂行条例（国务院令第713号）",  # cited by number; titles are our reading
}

#: NX numbers 第十二条 twice (docs/rulebooks.md); the features cite them the same way.
_TWICE = {"a": "（第一个）", "b": "（第二个）"}

_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 27 → 二十七 (articles run below a hundred)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else "十" if tens == 1 else _DIGITS[tens] + "十"
    return head + (_DIGITS[ones] if ones else "") if n else _DIGITS[0]


def article_citation(key: str) -> str:
    """``NX-4`` → 第四条; ``NX-12b`` → 第十二条（第二个）."""
    number = key.split("-", 1)[1]
    suffix = _TWICE.get(number[-1], "") if number[-1].isalpha() else ""
    return f"第{chinese_number(int(number.rstrip('ab')))}条{suffix}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _feature_link(name: str) -> str:
    return f"[{name.removesuffix('.feature')}](../features/{name})"


def articles_markdown(entries: list[dict[str, Any]]) -> str:
    """One table per text: article, title, status, the rules citing it (or why none can), and
    the feature files whose scenarios specify it."""
    parts: list[str] = []
    for text, title in TEXTS.items():
        parts += [f"**{text}** — 《{title}》", "",
                  "| 条款 | key | 标题 | status | rules (or why none, or what is pending) | scenarios |",
                  "|---|---|---|---|---|---|"]
        for entry in (e for e in entries if e["article"].startswith(text + "-")):
            rules = " ".join(f"`{rule}`" for rule in entry["rules"])
            rules = " ".join(part for part in (rules, _cell(entry["reason"])) if part) or "—"
            features = dict.fromkeys(s["feature"] for s in entry["scenarios"])
            scenarios = (f"{len(entry['scenarios'])}: " + ", ".join(map(_feature_link, features))
                         if features else "—")
            parts.append(f"| {article_citation(entry['article'])} | `{entry['article']}` | {_cell(entry['title'])} "
                         f"| {entry['status']} | {rules} | {scenarios} |")
        parts.append("")
    return "\n".join(parts).rstrip("\n")


def _who(spec: ActionSpec) -> str:
    if spec.roles:
        return ", ".join(f"{ROLE_LABELS[role][0]} `{role.value}`" for role in sorted(spec.roles))
    if spec.aggregate is Principal:
        return "本人或系统管理员 (the person themself, or an administrator)"
    if spec.aggregate is Accountability:  # H2 accountability: 陈述申辩 and 申诉
        return "被追究责任的人员本人 (the subject of the procedure themself)"
    if spec.aggregate is Decision:  # the making: 发表意见 and the head's 决定 (国令第713号第三十条)
        return "集体讨论的组成人员本人；决定由行政首长本人作出 (the member themself; the decision, the head themself)"
    if spec.name in ("case.answer_request", "case.refuse_request"):  # issue 18 — duty to supply (XX-6)
        return "被请求单位的人员 (a person of the requested unit)"
    return "本案人员 (the case decides: its lead unit, team, entrusted agency or engaged experts, as the step requires)"


def _summary(spec: ActionSpec) -> str:
    doc = (spec.command.__doc__ or "").strip().split("\n\n", 1)[0]
    return _cell(" ".join(doc.split()))


def actions_markdown() -> str:
    """Every action: its name, the client command and the HTTP route that take it, who may sign
    it, the article that says who takes the step, and what it records."""
    rows = ["| action | client command · HTTP | who may sign | article | what it records |",
            "|---|---|---|---|---|"]
    for name, spec in ACTIONS.items():
        group, verb = name.split(".", 1)
        if name in NOT_OVER_HTTP:
            where = "— (the ledger records it itself)"
        else:
            where = f"`client {group} {verb.replace('_', '-')}` · `POST {ROUTES[name][0]}`"
        rows.append(f"| `{name}` | {where} | {_who(spec)} | {spec.article or '—'} "
                    f"| {_summary(spec)} |")
    return "\n".join(rows)


def tables(features: Path | None = None) -> dict[str, str]:
    """The generated tables by marker name, from the same code the `articles` command runs."""
    entries = traceability(scenarios_by_article(read_scenarios(features or features_dir())))
    return {"articles": articles_markdown(entries), "actions": actions_markdown()}


def _block(name: str) -> re.Pattern[str]:
    return re.compile(rf"^<!-- generated: {name}\b[^\n]*-->\n(.*?)^<!-- end generated: {name} -->$",
                      re.DOTALL | re.MULTILINE)


def regenerate(page: str, generated: dict[str, str]) -> str:
    """``page`` with every generated block replaced by its table; a missing marker is an error."""
    for name, table in generated.items():
        found = _block(name).search(page)
        if found is None:
            raise ValueError(f"no '<!-- generated: {name} … -->' … '<!-- end generated: {name} -->' block")
        page = page[: found.start(1)] + table + "\n" + page[found.end(1):]
    return page


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m api.rulebook_tables", description=__doc__.splitlines()[0])
    parser.add_argument("--write", metavar="FILE", type=Path,
                        help="rewrite the generated blocks of FILE (docs/rulebooks.md) in place")
    options = parser.parse_args(argv)
    generated = tables()
    if options.write is None:
        sys.stdout.write("\n\n".join(generated.values()) + "\n")
        return 0
    page = options.write.read_text(encoding="utf-8")
    try:
        updated = regenerate(page, generated)
    except ValueError as error:
        parser.error(f"{options.write}: {error}")
    if updated != page:
        options.write.write_text(updated, encoding="utf-8")
        print(f"rewrote the generated tables of {options.write}")
    else:
        print(f"{options.write} is up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Evaluators act from the page (issue 19 point 2), in headless Chromium: an NX case run from
registering its decision to the submitted report through the pages alone, each step signed in the
browser by its own person's browser key (WebCrypto, kept in IndexedDB; the server never sees it),
the intent shown in Chinese before signing, a step out of order refused in Chinese with its
article quoted, and a finding raised at once shown.

Until browser-key enrolment lands, each person signs in with a token of their CLI key and adds
the browser key by consent (``principal.add_key`` signed with the CLI key)."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from uuid import UUID

import pytest

from api.demo_cast import NX_ORGAN, NX_UNIT
from domain import clock
from domain.model.calendar import china_date
from domain.model.case import Phase
from tests.integration.browser import shoot
from tests.integration.http_support import Served

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.parametrize("served", ["sqlite"], indirect=True)]

FORM = "#act-form"


class Person:
    """One person's browser: their own context (cookies, IndexedDB), signed in, with a browser key."""

    def __init__(self, browser: Any, served: Served, address: str, handle: str) -> None:
        self.served, self.address, self.handle = served, address, handle
        self.signer = served.people[handle]
        self.context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.keyid = self._browser_key()
        self._sign_in()

    def _sign_in(self) -> None:
        """Signed in by answering the server's challenge with the browser key (issue 19 point 1)."""
        page = self.page
        page.goto(f"{self.address}/signin?next=/cases")
        page.locator("button.key-signin").click()
        page.wait_for_url(re.compile(r"/cases$"))

    def _browser_key(self) -> str:
        """A key made in this browser, kept under the person's id, added with their consent."""
        person = str(self.signer.principal_id)
        ledger_id = str(self.served.ledger.genesis().ledger_id)
        self.page.goto(f"{self.address}/checkpoints")
        self.page.add_script_tag(url="/static/ledger.js")
        made = self.page.evaluate("""async ([person, ledger, name]) => {
            const key = await DecisionLedger.generateKey();
            await DecisionLedger.saveKey({principal_id: person, ledger_id: ledger, name, ...key});
            return {jwk: key.jwk, keyid: key.keyid, proof: await DecisionLedger.keyProof(key, ledger, person)};
        }""", [person, ledger_id, self.signer.name])
        added = self.served.client.post(f"/v1/principals/{person}/keys", json=self.served.sign(
            self.handle, "principal.add_key", UUID(person), {"public_key": made["jwk"], "proof": made["proof"]},
        ).to_json())
        assert added.status_code == 201, added.text
        return str(made["keyid"])

    # --- the pages --------------------------------------------------------------------------
    def offered(self, path: str) -> list[str]:
        self.page.goto(f"{self.address}{path}")
        return [str(a) for a in self.page.locator("a.offer").evaluate_all("els => els.map(e => e.dataset.action)")]

    def open_form(self, path: str, action: str) -> None:
        """Open an action offered on the page at ``path`` by following its link."""
        assert action in self.offered(path), f"{action} is offered to {self.handle}"
        self.page.click(f'a.offer[data-action="{action}"]')
        self.page.wait_for_selector(f"{FORM}")

    def fill(self, name: str, value: str, within: str = FORM + " >") -> None:
        self.page.fill(f'{within} .field[data-name="{name}"] .v', value)

    def choose(self, name: str, value: str, within: str = FORM + " >") -> None:
        self.page.select_option(f'{within} .field[data-name="{name}"] select.v', value)

    def pick(self, name: str, typed: str, choice: str, within: str = FORM + " >") -> None:
        """A person, organisation or agency looked up by name (GET /v1/lookup/…): typed, then the
        match containing ``choice`` chosen by keyboard (ArrowDown to it, Enter)."""
        field = f'{within} .field[data-name="{name}"]'
        self.page.fill(f"{field} input.lookup-text", typed)
        option = f'{field} [role="option"]'
        self.page.wait_for_selector(f'{option}:has-text("{choice}")')
        labels = self.page.locator(option).all_inner_texts()
        index = next(i for i, label in enumerate(labels) if choice in label)
        for _ in range(index + 1):
            self.page.press(f"{field} input.lookup-text", "ArrowDown")
        self.page.press(f"{field} input.lookup-text", "Enter")
        assert choice in self.page.input_value(f"{field} input.lookup-text")
        assert self.page.input_value(f"{field} input.v"), "the id chosen"

    def tick(self, name: str, *values: str) -> None:
        for value in values:
            self.page.check(f'{FORM} > .field[data-name="{name}"] input.v[value="{value}"]')

    def parts(self, name: str, texts: dict[str, str]) -> None:
        for key, text in texts.items():
            self.page.fill(f'{FORM} > .field[data-name="{name}"] textarea[data-key="{key}"]', text)

    def row(self, name: str, index: int) -> str:
        """The selector of a list's row (1-based), adding rows as needed."""
        rows = f'{FORM} > .field[data-name="{name}"] > fieldset > .rows > .row'
        while self.page.locator(rows).count() < index:
            self.page.click(f'{FORM} > .field[data-name="{name}"] > fieldset > button.add')
        return f"{rows}:nth-child({index})"

    def attach(self, name: str, content: bytes) -> None:
        """Choose a file: its SHA-256 is computed in the browser."""
        self.page.set_input_files(f'{FORM} > .field[data-name="{name}"] input.file',
                                  files=[{"name": f"{name}.txt", "mimeType": "text/plain", "buffer": content}])
        expected = hashlib.sha256(content).hexdigest()
        self.page.wait_for_function(
            "([sel, hex]) => document.querySelector(sel).value === hex",
            arg=[f'{FORM} > .field[data-name="{name}"] .v', expected])

    def material_form(self, case_page: str, title: str, source: str, stance: str, classification: str,
                      period: str, summary: str) -> None:
        """The collect-material form filled in (NX-9): the document's digest is of its title's bytes."""
        self.open_form(case_page, "case.collect_material")
        self.fill("title", title)
        self.fill("source", source)
        self.choose("stance", stance)
        self.choose("classification", classification)
        self.choose("period", period)
        self.attach("digest", title.encode())
        self.fill("summary", summary)

    def preview(self) -> str:
        self.page.click("#preview-button")
        self.page.wait_for_selector("#preview:not([hidden])")
        return str(self.page.inner_text("#preview"))

    def sign(self) -> dict[str, Any]:
        """Sign the intent shown and post it; the outcome shown."""
        self.page.click("#sign")
        self.page.wait_for_selector("#recorded, #refusal")
        if self.page.locator("#refusal").count():
            return {"refused": self.page.inner_text("#refusal")}
        return {"recorded": self.page.inner_text("#recorded"),
                "findings": self.page.locator("#findings li").all_inner_texts(),
                "next": self.page.get_attribute("#next", "href")}

    def submit(self, shot: str | None = None) -> dict[str, Any]:
        shown = self.preview()
        assert "签名并提交" in shown
        if shot:
            shoot(self.page, self.served, shot)
        outcome = self.sign()
        assert "recorded" in outcome, outcome
        return {**outcome, "preview": shown}


def _day(offset: int) -> str:
    return str(china_date(clock.now()) + timedelta(days=offset))


SECTIONS = {f"NX-7({i})": text for i, text in enumerate([
    "承办处室于本年度开展评估，采用问卷调查、座谈会等方法。",
    "措施施行一年，累计兑现补贴资金1200万元。",
    "进出口额增长12%，低于预期；主要问题为兑现周期长。",
    "建议调整执行：简化申报、缩短兑现周期。",
    "无其他事项。",
], start=1)}


@pytest.fixture
def people(browser: Any, served: Served, address: str) -> Iterator[dict[str, Person]]:
    """The NX case's people, each in their own browser with their own key."""
    made: dict[str, Person] = {}
    try:
        for handle in ("li_na", "ma_xiaodong", "zhao_min", "wang_qiang", "zhou_li"):
            made[handle] = Person(browser, served, address, handle)
        yield made
    finally:
        for person in made.values():
            person.context.close()


def test_an_nx_case_run_through_the_pages_each_step_signed_by_its_person(
        people: dict[str, Person], served: Served, address: str) -> None:
    li, ma, zhao, wang, zhou = (people[h] for h in ("li_na", "ma_xiaodong", "zhao_min", "wang_qiang", "zhou_li"))

    # 李娜 registers the decision (NX-2) and states that no expert or agency demonstrated it (NX-8)
    li.page.goto(f"{address}/decisions/new")
    li.choose("jurisdiction", "NX")
    li.fill("title", "宁夏回族自治区商务厅关于促进外贸稳规模优结构的若干措施")
    li.fill("document_number", "宁商规发〔2025〕9号")
    li.fill("organ", "宁夏回族自治区商务厅（厅务会议）")
    li.fill("decided_on", "2025-03-18")
    li.fill("purpose", "稳住外贸规模，优化外贸结构。")
    li.choose("organisation_id", str(served.demo.organisations[NX_ORGAN]))
    registered = li.submit("act-01-register-decision-preview")
    assert "宁商规发〔2025〕9号" in registered["preview"] and "宁夏回族自治区商务厅" in registered["preview"]
    decision_page = str(registered["next"])
    assert re.fullmatch(r"/decisions/[0-9a-f-]{36}/act", decision_page)
    li.open_form(decision_page, "decision.record_demonstrators")
    li.page.check(f'{FORM} > .field[data-name="none"] .v')
    assert "无承担主要论证工作的专家、机构" in li.submit()["preview"]

    # 马晓东 of the lead unit opens the case (NX-4)
    ma.open_form(decision_page, "case.open")
    assert ma.page.input_value(f'{FORM} > .field[data-name="lead_unit"] .v') == NX_UNIT
    ma.fill("title", "外贸稳规模优结构若干措施实施情况后评估")
    ma.tick("grounds", "NX-4(2)")
    ma.fill("ground_statement", "措施实施后外贸进出口增幅低于预期目标。")
    ma.choose("scope", "whole")
    opened = ma.submit("act-02-open-case-preview")
    assert "重大行政决策明显未达到预期效果" in opened["preview"] or "NX-4(2)" in opened["preview"]
    case_page = str(opened["next"])
    case_id = UUID(case_page.split("/")[2])

    # 王强 tries to collect a material before the decision organ approves: not offered, and refused
    # in Chinese with its article quoted (NX-10(2))
    assert "case.collect_material" not in wang.offered(case_page)
    wang.page.click('#others summary')
    wang.page.click('a.other[data-action="case.collect_material"]')
    wang.fill("title", "2024年全区外贸统计数据")
    wang.fill("source", "银川海关")
    wang.choose("stance", "neutral")
    wang.choose("classification", "none")
    wang.choose("period", "after")
    wang.attach("digest", "2024年全区外贸统计数据".encode())
    wang.fill("summary", "全区外贸进出口统计。")
    wang.preview()
    refused = wang.sign()["refused"]
    assert "账本拒绝了这项操作" in refused and "不得开展具体评估工作" in refused
    assert "依据：NX-10(2)" in refused and wang.page.locator("#refusal blockquote.article-text").count() == 1
    assert "承办处室提请厅决策机关研究审议是否开展评估工作" in refused, "the article quoted in its own words"
    shoot(wang.page, served, "act-03-refused-out-of-order")
    assert served.ledger.version_of(case_id) == 1, "a refusal stores nothing"

    # 马晓东 forms the team (NX-10(1)): people by name, roles by their words
    ma.open_form(case_page, "case.form_team")
    for index, (name, role) in enumerate([("马晓东", "leader"), ("李娜", "member"), ("王强", "member")], start=1):
        row = ma.row("members", index)
        ma.pick("principal_id", name[0], name, within=row)
        ma.choose("team_role", role, within=row)
    team = ma.submit("act-04-form-team-preview")
    assert "马晓东" in team["preview"] and "组长" in team["preview"] and "王强" in team["preview"]

    # 李娜 submits the plan (NX-10(1), NX-6); 赵敏 records the 厅务会议's approval (NX-10(2))
    li.open_form(case_page, "case.submit_plan")
    li.parts("parts", {"purpose": "评估措施实施结果与决策目的的符合程度。", "scope": "整体评估。",
                       "methods": "问卷调查、座谈会、统计分析。", "procedure_and_schedule": "三个月内完成。",
                       "budget": "评估经费8万元。"})
    li.tick("content_items", "NX-6(1)", "NX-6(3)")
    plan = li.submit("act-05-submit-plan-preview")
    assert "评估程序与时间安排" in plan["preview"]
    zhao.open_form(case_page, "case.approve_evaluation")
    zhao.choose("body", "office_meeting")
    zhao.fill("meeting", f"{_day(-30)[:4]}年第9次厅务会议")
    zhao.fill("decided_on", _day(-30))
    assert "厅务会议" in zhao.submit()["preview"]

    # 王强 now collects the material (offered), and holds a forum with no party concerned
    wang.material_form(case_page, "2024年全区外贸统计数据", "银川海关", "neutral", "none", "after",
                       "全区外贸进出口统计。")
    material = wang.submit("act-06-collect-material-preview")
    assert "中立" in material["preview"] and "无密级" in material["preview"]
    # a classified material is sealed in the browser before it is signed (NX-15, XX-22)
    wang.material_form(case_page, "企业来函：补贴兑现周期过长", "宁夏某外贸企业", "opposing", "commercial_secret",
                       "during", "企业反映补贴兑现平均超过九十日。")
    secret = wang.preview()
    assert "商业秘密" in secret and "企业来函：补贴兑现周期过长" in secret and "加密" in secret
    assert "recorded" in wang.sign()
    stored = served.ledger.stored_event(case_id, served.ledger.version_of(case_id))
    signed = json.loads(base64.b64decode(stored.envelope["payload"]))["args"]  # type: ignore[union-attr]
    assert "sealed" in signed and "title" not in signed and "补贴兑现周期" not in json.dumps(signed, ensure_ascii=False)
    read = served.client.get(f"/v1/cases/{case_id}", headers=served.headers("ma_xiaodong")).text
    assert "企业来函：补贴兑现周期过长" in read, "opened for a reader cleared for it"
    wang.open_form(case_page, "case.hold_forum")
    wang.fill("held_on", _day(-10))
    wang.fill("place", "商务厅三楼会议室")
    for index, (name, affiliation) in enumerate([("自治区统计局代表", "统计局"), ("银川海关代表", "海关")], start=1):
        row = wang.row("participants", index)
        wang.fill("name", name, within=row)
        wang.fill("affiliation", affiliation, within=row)
    wang.fill("summary", "各方介绍了外贸统计口径和通关便利化情况。")
    forum = wang.submit("act-07-hold-forum-preview")
    assert "银川海关代表" in forum["preview"] and "否" in forum["preview"]

    # 马晓东 closes the evidence; 李娜 draws the conclusion — a finding is raised at once: no party
    # concerned was heard (NX-10(3))
    ma.open_form(case_page, "case.close_evidence")
    ma.submit()
    li.open_form(case_page, "case.draw_conclusion")
    li.fill("conclusion", "措施总体有效但未达预期，建议调整补贴兑现方式。")
    concluded = li.submit()
    assert any("未听取利害关系人意见即得出结论" in f and "NX-10(3)" in f and "应注重听取社会公众特别是利害关系人的意见" in f
               for f in concluded["findings"]), concluded["findings"]
    shoot(li.page, served, "act-08-finding-raised")

    # 王强 drafts the report; 马晓东 engages 周丽, who reviews the draft (NX-10(4))
    wang.open_form(case_page, "case.draft_report")
    wang.parts("sections", SECTIONS)
    wang.attach("digest", b"draft report v1")
    wang.submit("act-09-draft-report-preview")
    ma.open_form(case_page, "case.engage_expert")
    ma.pick("expert_id", "周", "周丽")
    ma.fill("field", "国际贸易")
    ma.submit()
    zhou.open_form(case_page, "case.give_expert_opinion")
    zhou.page.select_option(f'{FORM} > .field[data-name="draft_id"] select.v', index=1)
    zhou.choose("opinion", "agree_with_changes")
    zhou.fill("comments", "建议补充成本效益分析。")
    assert "修改后同意" in zhou.submit()["preview"]

    # 马晓东 finalises the report — the 全过程记录 digested in the browser (NX-10(4)) — and submits it
    ma.open_form(case_page, "case.finalise_report")
    ma.parts("sections", SECTIONS)
    ma.choose("recommendation", "adjust")
    ma.attach("digest", b"final report")
    ma.tick("addressed_items", "NX-6(1)", "NX-6(3)")
    final = ma.submit("act-10-finalise-report-preview")
    assert "sha256:" in final["preview"], "the process record's digest, shown before signing"
    ma.open_form(case_page, "case.submit_report")
    ma.page.select_option(f'{FORM} > .field[data-name="report_id"] select.v', index=1)
    ma.choose("recommendation", "adjust")
    ma.fill("note", "提请厅务会议审议调整补贴兑现条款。")
    ma.submit("act-11-submit-report-preview")

    case = served.ledger.get_case(case_id)
    assert case.phase is Phase.SUBMITTED
    signed_by = {}
    for version in range(1, case.version + 1):
        event = served.ledger.stored_event(case_id, version)
        intent = json.loads(base64.b64decode(event.envelope["payload"]))  # type: ignore[union-attr]
        signed_by[intent["action"]] = (intent["actor"], event.envelope["signatures"][0]["keyid"])  # type: ignore[union-attr]
    for action, handle in [("case.open", "ma_xiaodong"), ("case.submit_plan", "li_na"),
                           ("case.approve_evaluation", "zhao_min"), ("case.hold_forum", "wang_qiang"),
                           ("case.give_expert_opinion", "zhou_li"), ("case.submit_report", "ma_xiaodong")]:
        assert signed_by[action] == (str(served.people[handle].principal_id), people[handle].keyid), action
    assert ma.offered(case_page) == ["case.confirm_decision_fault"], \
        "submitted: nothing left for the lead unit until the ruling but confirming a fault the evaluation found"

    # in English: 周丽 tries to draw a conclusion once the report is final — refused in English
    zhou.page.goto(f"{address}{case_page}/case.draw_conclusion?lang=en")
    assert zhou.page.inner_text("#act-title") == "draw a conclusion"
    zhou.fill("conclusion", "A late conclusion.")
    assert "Sign and submit" in zhou.preview()
    late = zhou.sign()["refused"]
    assert "the report is already finalised" in late and "Article: NX-10(4)" in late and "形成评估报告" in late

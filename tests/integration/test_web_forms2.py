"""The forms that were missing (issue 19 — forms2), in headless Chromium, each step signed in the
page by its own person's browser key: the lead unit asks a related unit for materials, choosing the
unit and its responsible person by typing (the lookup, by keyboard); that person answers for the
unit (XX-6), each requested item accounted for; the inspector finds misconduct citing a recorded
event by check box (NX-16, XX-23); an administrator revokes a browser key from the keys page. The
new pages pass axe with no serious violation."""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterator
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.demo_cast import XX_UNIT
from api.http.writes import ROUTES
from domain import clock
from tests.integration.browser import shoot
from tests.integration.http_support import Served
from tests.integration.test_web_access import violations
from tests.integration.test_web_act import FORM, Person

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.parametrize("served", ["sqlite"], indirect=True)]


@pytest.fixture
def people(browser: Any, served: Served, address: str) -> Iterator[dict[str, Person]]:
    made: dict[str, Person] = {}
    try:
        for handle in ("chen_jianhua", "huang_zhigang", "jiang_weiguo", "admin"):
            made[handle] = Person(browser, served, address, handle)
        yield made
    finally:
        for person in made.values():
            person.context.close()


def _open_case(served: Served) -> UUID:
    """A simplified 息县 case on the demo's decision, opened by its lead unit with his key file."""
    case_id = uuid4()
    path, parameter = ROUTES["case.open"]
    envelope = served.sign("chen_jianhua", "case.open", case_id, {
        "decision_id": served.demo.cases[1]["decision_id"], "jurisdiction": "XX", "title": "农村垃圾治理补充评估",
        "lead_unit": XX_UNIT, "grounds": ["XX-9(3)"], "ground_statement": "群众意见较多",
        "procedure": "simplified", "simplified_reason": "关注点集中"}, expected=0)
    answer = served.client.post(path.replace("{" + parameter + "}", str(case_id)) if parameter else path,
                                json=envelope.to_json())
    assert answer.status_code == 201, answer.text
    return case_id


def _args(served: Served, case_id: UUID) -> dict[str, Any]:
    stored = served.ledger.stored_event(case_id, served.ledger.version_of(case_id))
    return json.loads(base64.b64decode(stored.envelope["payload"]))  # type: ignore[union-attr,no-any-return]


def test_a_related_unit_is_asked_answers_and_an_inspector_cites_what_it_did(
        people: dict[str, Person], served: Served, address: str) -> None:
    chen, huang, jiang, admin = (people[h] for h in ("chen_jianhua", "huang_zhigang", "jiang_weiguo", "admin"))
    case_id = _open_case(served)
    case_page = f"/cases/{case_id}/act"

    # 陈建华 asks 息县司法局 for materials (XX-6): the unit and its responsible person found by typing
    chen.open_form(case_page, "case.request_materials")
    chen.pick("unit_id", "司法", "息县司法局")
    chen.page.fill(f'{FORM} > .field[data-name="responsible_id"] input.lookup-text', "陈")
    chen.page.wait_for_selector(f'{FORM} > .field[data-name="responsible_id"] .lookup-status:has-text("没有找到")')
    chen.pick("responsible_id", "黄", "黄志刚")  # narrowed to the unit chosen: 陈建华 is not of it
    assert not violations(chen.page), "the lookup, open, passes axe"
    chen.fill("items", "合法性审查意见书", within=chen.row("items", 1))
    chen.fill("within_days", "10")
    asked = chen.submit("forms2-01-request-materials-preview")
    assert "息县司法局" in asked["preview"] and "黄志刚" in asked["preview"] and "合法性审查意见书" in asked["preview"]
    assert _args(served, case_id)["args"]["unit_id"] == served.demo.organisations["息县司法局"]

    # 黄志刚 answers for his unit: the material supplied names the item it answers; he attests it
    assert "case.answer_request" not in chen.offered(case_page), "only a person of the requested unit"
    huang.open_form(case_page, "case.answer_request")
    assert not violations(huang.page)
    huang.page.select_option(f'{FORM} > .field[data-name="request_id"] select.v', index=1)
    row = huang.row("materials", 1)
    huang.fill("title", "关于垃圾治理实施方案的合法性审查意见书", within=row)
    content = "合法性审查意见书全文".encode()
    huang.page.set_input_files(f'{row} .field[data-name="digest"] input.file',
                               files=[{"name": "a.txt", "mimeType": "text/plain", "buffer": content}])
    huang.page.wait_for_function("([sel, hex]) => document.querySelector(sel).value === hex",
                                 arg=[f'{row} .field[data-name="digest"] .v', hashlib.sha256(content).hexdigest()])
    huang.choose("period", "during", within=row)
    huang.fill("item", "合法性审查意见书", within=row)
    huang.fill("problems_and_risks", "部分乡镇转运设备配套资金未按期到位。")
    huang.fill("suggestions", "建议将配套资金纳入年初预算。")
    huang.page.check(f'{FORM} > .field[data-name="truthful"] .v')
    answered = huang.submit("forms2-02-answer-request-preview")
    assert "本人承诺如实说明" in answered["preview"] and "所答复的请求事项" in answered["preview"]
    assert answered["findings"] == [], "every item accounted for, nothing withheld"
    request = next(iter(served.ledger.get_case(case_id).supply_requests.values()))
    assert request["answer"]["truthful"] and request["answer"]["by"] == served.people["huang_zhigang"].principal_id

    # 蒋卫国 (inspector of 息县) finds misconduct, citing the request by check box: pinned by its hash
    jiang.open_form(case_page, "case.find_misconduct")
    jiang.choose("conduct", "dereliction")
    person = jiang.row("persons", 1)
    jiang.pick("principal_id", "陈", "陈建华", within=person)
    jiang.choose("responsibility", "leader", within=person)
    cite = jiang.page.locator(f'{FORM} > .field[data-name="cited_events"] label.citation', has_text="案件第2版")
    assert "请求有关单位提供材料" in cite.inner_text() and "陈建华" in cite.inner_text()
    cite.locator("input").check()
    jiang.fill("statement", "请求提供材料的期限设定不当。")
    assert not violations(jiang.page)
    found = jiang.submit("forms2-03-find-misconduct-preview")
    assert "失职渎职" in found["preview"] and "负有责任的领导人员" in found["preview"]
    cited = _args(served, case_id)["args"]["cited_events"]
    second = served.ledger.stored_event(case_id, 2)
    assert cited == [{"aggregate_id": str(case_id), "version": 2, "hash": second.hash}]  # type: ignore[union-attr]

    # an administrator revokes 黄志刚's browser key from the keys page (the person or an administrator)
    admin.page.goto(f"{address}/keys?person={served.people['huang_zhigang'].principal_id}")
    key_row = f'tr[data-keyid="{huang.keyid}"]'
    admin.page.click(f"{key_row} button.revoke")
    assert "请填写吊销理由" in admin.page.inner_text(f"{key_row} .row-problem")
    assert not violations(admin.page)
    admin.page.fill(f"{key_row} input.revoke-reason", "电脑更换")
    with admin.page.expect_navigation():
        admin.page.click(f"{key_row} button.revoke")
    assert "已失效" in admin.page.inner_text(key_row)
    shoot(admin.page, served, "forms2-04-key-revoked")
    record = served.ledger.get_principal(served.people["huang_zhigang"].principal_id).key(huang.keyid)
    assert record is not None and not record.active_at(clock.now())
    huang.page.goto(f"{address}/keys")
    assert "/signin?next=%2Fkeys" in huang.page.url, "his session, begun with the key, has ended"

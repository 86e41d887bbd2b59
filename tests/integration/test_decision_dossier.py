"""The decision's dossier (决策档案, 《重大行政决策程序暂行条例》第三十三条: 决策过程记录和材料及时完整
归档; docs/dossier.md): `decision-ledger dossier --decision` on the demo's ledger (both stores) and
``/decisions/{id}/dossier.pdf`` from the reverse-tracing page, for those who may read that page.

Each PDF is read back as the case dossier's are (tests/integration/test_dossier.py): its text,
its embedded CJK font, every page rendered, and an event's QR code compared module for module."""

from __future__ import annotations

import io
from pathlib import Path
from typing import cast
from uuid import UUID, uuid4

import pytest

from domain.model.aggregate import LedgerEvent
from tests.integration.conftest import DemoLedger
from tests.integration.http_support import Served
from tests.integration.test_dossier import qr_in, read_pdf
from tests.integration.writers import ledger_at

pypdf = pytest.importorskip("pypdf")

pytestmark = [pytest.mark.slow]


def _made(demo: dict) -> dict:  # type: ignore[type-arg]
    """The demo's case on a decision whose making is recorded and found at fault (XX-18)."""
    return next(case for case in demo["cases"] if "XX/decision-fault" in case["findings"])


def test_the_command_prints_a_decisions_dossier(cli, demo_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    case = _made(demo_ledger.demo)
    out = tmp_path / "决策档案.pdf"
    run = cli("dossier", "--db", store.url, "--decision", case["decision_id"], "--out", str(out))
    assert run.code == 0, run.err
    assert "页" in run.out and "息县产业集聚区标准化厂房建设实施方案" in run.out
    document, text = read_pdf(out.read_bytes(), f"decision-dossier-{store.kind}-cli")
    compact = text.replace(" ", "").replace("\n", "")
    for words in ("决策档案", "息县产业集聚区标准化厂房建设实施方案", "息政〔2021〕27号",  # the decision, its 文号
                  "第三十三条", "本卷宗据以打印的检查点", "本决策全部事件均已纳入该检查点",
                  "决策过程", "起草人", "孙丽", "合法性审查", "黄志刚", "行政首长", "刘志远",  # who made it, and how
                  "郑国栋", "不同意", "未做招商需求论证", "减免责任的理由",  # a dissent on record, and its relief
                  "本人签署", "记录为无",  # signed in person; no pre-decision demonstrators
                  "跟踪反馈与后评估", "产业集聚区标准化厂房建设实施方案后评估",  # the evaluation of it
                  "属决策严重失误", "第十八条",  # its finding and its article
                  "责任追究", "给予处分", "免除责任",  # the procedure and its decisions
                  "登记重大行政决策", "行政首长作出决定", "签署人密钥指纹"):
        assert words in compact, words
    assert "serious_error" not in compact and "held_accountable" not in compact, "words, not codes"
    with ledger_at(store.url) as ledger:
        hashes = [cast(LedgerEvent, event).hash for event in ledger.events.get(UUID(case["decision_id"]))]
    assert len(hashes) >= 8 and all(h in compact for h in hashes), "every event of the decision, by its hash"
    assert "✗" not in text, "every event verifies"
    assert qr_in(document, hashes[0]) and qr_in(document, hashes[-1])

    english = tmp_path / "decision-en.pdf"
    assert cli("dossier", "--db", store.url, "--decision", case["decision_id"], "--out", str(english),
               "--lang", "en").code == 0
    cover = pypdf.PdfReader(english).pages[0].extract_text()
    assert "Decision dossier" in cover and "Decree 713 Art. 33" in cover


@pytest.mark.parametrize("demo_ledger", ["sqlite"], indirect=True)
def test_the_commands_errors_for_a_decision(cli, demo_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    out = tmp_path / "x.pdf"
    unknown = cli("dossier", "--db", store.url, "--decision", str(uuid4()), "--out", str(out))
    assert unknown.code == 2 and "找不到重大行政决策" in unknown.err and "no decision" in unknown.err
    bad = cli("dossier", "--db", store.url, "--decision", "息政〔2021〕27号", "--out", str(out))
    assert bad.code == 2 and "UUID" in bad.err
    both = cli("dossier", "--db", store.url, "--decision", str(uuid4()), "--case", str(uuid4()), "--out", str(out))
    assert both.code == 2 and "--case" in both.err and "--decision" in both.err
    neither = cli("dossier", "--db", store.url, "--out", str(out))
    assert neither.code == 2
    assert list(tmp_path.glob("**/*.pdf")) == [] and list(tmp_path.glob(".dossier-*")) == []
    helped = cli("dossier", "--help")
    assert "--decision" in helped.out and "决策档案" in helped.out


@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_the_trace_page_prints_the_decisions_dossier(served: Served) -> None:
    decision = _made({"cases": served.demo.cases})["decision_id"]
    path = f"/decisions/{decision}/dossier.pdf"
    served.client.cookies.clear()
    assert served.client.get(path, follow_redirects=False).status_code == 303, "sign in first"

    served.sign_in("jiang_weiguo")  # the inspector whose scope reaches the 息县 decision
    page = served.client.get(f"/decisions/{decision}/trace")
    assert f'href="{path}"' in page.text and 'id="decision-dossier"' in page.text, "the trace page's button"
    response = served.client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    _, text = read_pdf(response.content, "decision-dossier-sqlite-web")
    compact = text.replace(" ", "").replace("\n", "")
    for words in ("决策档案", "蒋卫国", "郑国栋", "不同意", "属决策严重失误"):  # printed for the inspector
        assert words in compact, words
    english = pypdf.PdfReader(io.BytesIO(served.client.get(path, params={"lang": "en"}).content))
    assert "Decision dossier" in english.pages[0].extract_text()

    served.sign_in("sun_li")  # 息县's lead unit: does not oversee, so no reverse tracing
    refused = served.client.get(path)
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    served.sign_in("kong_deming")  # an NX inspector: out of the 息县 decision's scope
    assert served.client.get(path).status_code == 403
    served.client.cookies.clear()

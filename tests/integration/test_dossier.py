"""The case dossier (卷宗, issue 19 point 5; docs/dossier.md): `decision-ledger dossier` on the
demo's ledger (both stores) and ``/cases/{id}/dossier.pdf`` for a signed-in reader (SQLite).

Each PDF is read back: its text extracted (pypdf) and searched for the Chinese it must hold and
the sealed text it must not; every font checked embedded; every page rendered to PNG (pypdfium2)
and checked not blank, A4, and saved as a test artefact beside the screenshots; and an event's QR
code, taken out of the PDF, compared module for module with the code of that event's hash."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import pytest

from api.dossier import qr
from tests.integration.browser import ARTIFACTS
from tests.integration.conftest import DemoLedger
from tests.integration.http_support import Served

pypdf = pytest.importorskip("pypdf")
pdfium = pytest.importorskip("pypdfium2")

pytestmark = [pytest.mark.slow]

A4 = (595.28, 841.89)  # points


def fonts_of(resources: Any, seen: set[int] | None = None) -> list[Any]:
    """Every font a page's resources use, its form XObjects' included."""
    seen = set() if seen is None else seen
    found: list[Any] = []
    if resources is None:
        return found
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        found.append(font.get_object())
    for xobject in (resources.get("/XObject") or {}).values():
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form" and id(xobject) not in seen:
            seen.add(id(xobject))
            found += fonts_of(xobject.get("/Resources"), seen)
    return found


def embedded(font: Any) -> bool:
    described = font["/DescendantFonts"][0].get_object() if font.get("/Subtype") == "/Type0" else font
    descriptor = described.get("/FontDescriptor")
    return descriptor is not None and any(k in descriptor.get_object() for k in ("/FontFile2", "/FontFile3"))


def read_pdf(data: bytes, name: str) -> tuple[Any, str]:
    """The PDF and its text; its pages rendered, checked and saved as artefacts."""
    assert data.startswith(b"%PDF-"), "a PDF"
    document = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in document.pages)
    fonts = [font for page in document.pages for font in fonts_of(page.get("/Resources"))]
    assert fonts and all(embedded(font) for font in fonts), "every font is embedded"
    assert any("WenQuanYi" in str(font.get("/BaseFont")) for font in fonts), "the CJK font"
    rendered = pdfium.PdfDocument(data)
    assert len(rendered) == len(document.pages)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for number in range(len(rendered)):
        page = rendered[number]
        assert all(abs(got - want) < 1 for got, want in zip(page.get_size(), A4, strict=True)), "A4"
        image = page.render(scale=1.5).to_pil().convert("L")
        assert all(abs(got - want * 1.5) <= 1 for got, want in zip(image.size, A4, strict=True))
        dark = sum(image.histogram()[:128])
        assert dark > 2_000, f"page {number + 1} is not blank"
        path = ARTIFACTS / f"{name}-p{number + 1:02d}.png"
        image.save(path)
        assert path.stat().st_size > 5_000
    return document, text


def qr_in(document: Any, event_hash: str) -> bool:
    """Whether an image in the PDF is, module for module, the QR code of this event hash."""
    matrix = [[bool(cell) for cell in row] for row in qr.symbol(qr.event_data(event_hash)).matrix]
    for page in document.pages:
        for image in page.images:
            picture = image.image.convert("L")
            if picture.size != (len(matrix), len(matrix)):
                continue
            pixels = [[picture.getpixel((x, y)) < 128 for x in range(picture.width)] for y in range(picture.height)]
            if pixels == matrix:
                return True
    return False


def test_the_command_prints_the_nx_dossiers(cli, demo_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    ruled, _xx, flagged = demo_ledger.demo["cases"][:3]
    out = tmp_path / "卷宗.pdf"
    run = cli("dossier", "--db", store.url, "--case", str(ruled["id"]), "--out", str(out))
    assert run.code == 0, run.err
    assert "页" in run.out and str(ruled["version"]) in run.out
    document, text = read_pdf(out.read_bytes(), f"dossier-{store.kind}-cli")
    assert len(document.pages) >= 6
    compact = text.replace(" ", "").replace("\n", "")
    for words in ("卷宗", ruled["title"], "宁商规发〔2021〕3号",  # cover: the case, the decision's 文号
                  "本卷宗据以打印的检查点", "本案全部事件均已纳入该检查点",  # printed under a checkpoint covering it
                  "启动评估", "决策机关作出决定", "马晓东",  # actions in Chinese, a signer
                  "评估工作的基本情况", "兑现周期平均97天",  # the report's sections and their text
                  "全过程记录", "正式形成的报告所签署的摘要与账本生成的一致",
                  "第十二条（第一个）", "新旧条款设六个月过渡期",  # the ruling, its article, its measures
                  "2020年全区跨境电商发展情况",  # an unclassified material
                  "按密级隐去", "签署人密钥指纹", "密钥指纹"):
        assert words.replace(" ", "") in compact, words
    # printed as the operator: the classified materials' titles never appear (NX-15)
    assert "跨境电商企业补贴兑现情况台账" not in compact and "补贴申报材料重复提交问题" not in compact
    state = demo_ledger.demo["cases"][0]
    assert str(state["id"]) in compact
    events = cli("process-record", str(ruled["id"]), "--db", store.url, "--json")
    acts = json.loads(events.out)["record"]["acts"]
    assert all(act["event_hash"] in compact for act in acts), "every event's hash is printed"
    assert qr_in(document, acts[0]["event_hash"]) and qr_in(document, acts[-1]["event_hash"])

    findings = tmp_path / "findings.pdf"
    assert cli("dossier", "--db", store.url, "--case", str(flagged["id"]), "--out", str(findings)).code == 0
    _, flagged_text = read_pdf(findings.read_bytes(), f"dossier-{store.kind}-cli-findings")
    compact = flagged_text.replace(" ", "").replace("\n", "")
    for words in ("发现的问题与处理", "证据收集结束前记录初步结论，涉嫌预设评估结论", "不得预设评估结论",
                  "第九条（全面调查，不得预设结论，不得按偏好取舍资料）", "何静", "纪检监察认定"):
        assert words in compact, words
    assert "NX/preset-conclusion" not in compact, "the rule by its name, not its id"
    english = tmp_path / "findings-en.pdf"
    assert cli("dossier", "--db", store.url, "--case", str(flagged["id"]), "--out", str(english),
               "--lang", "en").code == 0
    english_text = " ".join(p.extract_text() for p in pypdf.PdfReader(english).pages)
    assert "was recorded before the evidence phase closed: a preset conclusion" in english_text.replace("\n", " ")
    assert "no preset conclusion" in english_text and "涉嫌预设评估结论" not in english_text, "English summaries"


def test_the_commands_errors(cli, demo_ledger: DemoLedger, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    store = demo_ledger.store
    nx = str(demo_ledger.demo["cases"][0]["id"])
    unknown = cli("dossier", "--db", store.url, "--case", str(uuid4()), "--out", str(tmp_path / "x.pdf"))
    assert unknown.code == 2 and "找不到评估案件" in unknown.err and "no evaluation case" in unknown.err
    assert not (tmp_path / "x.pdf").exists()
    bad = cli("dossier", "--db", store.url, "--case", "NX-1", "--out", str(tmp_path / "x.pdf"))
    assert bad.code == 2 and "UUID" in bad.err
    missing = cli("dossier", "--db", store.url, "--case", nx, "--out", str(tmp_path / "无此文件夹" / "x.pdf"))
    assert missing.code == 2 and "不存在" in missing.err and "does not exist" in missing.err
    assert list(tmp_path.glob("**/*.pdf")) == [] and list(tmp_path.glob(".dossier-*")) == []
    helped = cli("dossier", "--help")
    assert helped.code == 0
    for words in ("卷宗", "全过程记录", "QR", "fingerprint", "checkpoint", "withheld"):
        assert words in helped.out, words
    assert "dossier" in cli("--help").out




@pytest.mark.parametrize("served", ["sqlite"], indirect=True)
def test_the_case_page_prints_the_dossier_for_its_reader(served: Served) -> None:
    nx = served.demo.cases[0]
    path = f"/cases/{nx['id']}/dossier.pdf"
    served.client.cookies.clear()
    assert served.client.get(path, follow_redirects=False).status_code == 303, "sign in first"

    served.sign_in("kong_deming")  # the inspector whose scope reaches the case
    page = served.client.get(f"/cases/{nx['id']}")
    assert f'href="{path}"' in page.text and 'id="dossier"' in page.text, "the case page's button"
    response = served.client.get(path)
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert "attachment" in response.headers["content-disposition"]
    assert response.headers["cache-control"] == "no-store"
    _, text = read_pdf(response.content, "dossier-sqlite-web")
    compact = text.replace(" ", "").replace("\n", "")
    for words in ("卷宗", nx["title"], "孔德明", "启动评估", "马晓东", "本案全部事件均已纳入该检查点",
                  "跨境电商企业补贴兑现情况台账"):  # the inspector is cleared for it, as the JSON read says
        assert words in compact, words

    english = pypdf.PdfReader(io.BytesIO(served.client.get(path, params={"lang": "en"}).content))
    cover = english.pages[0].extract_text()
    assert "Case dossier" in cover and "The checkpoint this dossier is printed under" in cover
    assert any("open an evaluation" in page.extract_text() for page in english.pages[-4:])

    served.sign_in("sun_li")  # 息县's lead unit: not a reader of the NX case
    refused = served.client.get(path)
    assert refused.status_code == 403 and "text/html" in refused.headers["content-type"]
    served.client.cookies.clear()


@pytest.mark.parametrize("demo_ledger", ["sqlite"], indirect=True)
def test_a_long_case_is_laid_out_a_part_at_a_time(demo_ledger: DemoLedger) -> None:
    """Past ``chunk`` events the dossier is laid out in several documents and joined: the pages
    run on, numbered without a break, and every event is there once."""
    from api.dossier import pdf
    from api.dossier.content import gather
    from tests.integration.writers import ledger_at

    flagged = demo_ledger.demo["cases"][2]
    with ledger_at(demo_ledger.store.url) as ledger:
        case = ledger.get_case(UUID(str(flagged["id"])))
        whole, parts = io.BytesIO(), io.BytesIO()
        pages = pdf.write(gather(ledger, case, None, None), whole)
        split = pdf.write(gather(ledger, case, None, None), parts, chunk=4)
        hashes = [act["hash"] for act in case.acts]
    assert split >= pages and len(pypdf.PdfReader(parts).pages) == split
    texts = [page.extract_text() for page in pypdf.PdfReader(parts).pages]
    assert [text.strip().splitlines()[-1] for text in texts] == [str(n) for n in range(1, split + 1)]
    compact = "".join(texts).replace(" ", "").replace("\n", "")
    assert all(compact.count(h) == 1 for h in hashes), "every event once"
    assert "本卷宗据以打印的检查点" in compact and "账本尚未签署检查点" in compact  # no log given

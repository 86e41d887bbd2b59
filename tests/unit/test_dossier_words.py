"""The dossier's citations, times and QR data (api/dossier/words.py, api/dossier/qr.py)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from api.dossier import qr
from api.dossier.words import china_time, citation, short_citation


def test_articles_are_cited_in_chinese_with_their_text_and_title() -> None:
    assert citation("NX-10(4)") == "《宁夏回族自治区商务厅重大行政决策实施情况跟踪反馈与后评估办法（试行）》第十条第（四）项（评估程序）"
    assert short_citation("NX-12b") == "第十二条（第二个）" and short_citation("NX-12a") == "第十二条（第一个）"
    assert short_citation("XX-23") == "第二十三条" and short_citation("713-40") == "国令第713号第四十条"
    assert citation("XX-13(3)", "en").startswith("XX-13(3) ")
    assert citation("NX/unknown") == "NX/unknown"


def test_times_are_beijing_time_to_the_minute() -> None:
    moment = datetime(2026, 12, 6, 19, 56, 24, tzinfo=UTC)
    assert china_time(moment) == "2026年12月07日 03:56（北京时间）"
    assert china_time("2026-12-06T19:56:24.266555Z", short=True) == "2026-12-07 03:56"
    assert china_time(moment, "en") == "2026-12-07 03:56 (Beijing)" and china_time(None) == ""


def test_an_events_qr_code_holds_its_hash() -> None:
    event_hash = hashlib.sha256(b"event").hexdigest()
    assert qr.event_data(event_hash) == event_hash
    code = qr.symbol(event_hash)
    assert code.is_micro is False and code.error == "M"
    assert qr.png_uri(event_hash).startswith("data:image/png;base64,")
    assert qr.symbol(event_hash).matrix == code.matrix and qr.symbol(event_hash[::-1]).matrix != code.matrix
    for bad in ("", event_hash.upper(), event_hash[:-1], "g" * 64):
        with pytest.raises(ValueError):
            qr.event_data(bad)
    with pytest.raises(ValueError):
        qr.checkpoint_data("no newline")

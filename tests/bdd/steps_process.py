"""Steps of issue 18 point 7: the report records the whole process (宁夏商务厅办法第十条第（四）项;
息县办法第十四条第（一）项), the approved, ruled-on and published text is the finalised report
(息县办法第十三条第（四）项, 宁夏商务厅办法前一个第十二条, 息县办法第十七条), and 息县办法第十七条's two
publication channels."""

from __future__ import annotations

from typing import Any
from uuid import uuid4

import pytest
from pytest_bdd import given, parsers, then, when

from domain.model import process_record as pr
from tests.bdd.steps import RULINGS, STEPS, names
from tests.bdd.story import Story
from tests.support import XX_CHANNELS, digest

CHANNELS = {"县政府门户网站": "county_portal", "本单位网站": "unit_site"}
OTHER_TEXT = digest("另一份报告文本")


@pytest.fixture
def process_read() -> dict[str, Any]:
    """What the evaluator read of the process record, for a later step to sign."""
    return {}


def _document(story: Story) -> dict[str, Any]:
    return pr.document(story.case, pr.names_from(story.ledger))


def _finalise(story: Story, person: str, process_digest: str | None) -> None:
    script = story.case_script
    script.report_id = uuid4()
    args = {**script.report_args(script.SECTIONS, "report_id", script.report_id),
            "recommendation": "continue", "addressed_items": script.ITEMS}
    if process_digest is not None:
        args["process_record_digest"] = process_digest
    story.act(story.person(person), "case.finalise_report", args)


@given(parsers.parse('"{person}"读取了全过程记录'))
def read_record(story: Story, person: str, process_read: dict[str, Any]) -> None:
    story.person(person)
    process_read["digest"] = story.case_script.process_digest()


@given(parsers.parse('"{person}"此后又起草了一份报告稿'))
def another_draft(story: Story, person: str) -> None:
    script = story.case_script
    script.do(story.person(person), "case.draft_report", script.report_args(script.SECTIONS, "draft_id", uuid4()))


@when(parsers.parse('"{person}"依据当前的全过程记录正式形成评估报告'))
def finalise_bound(story: Story, person: str) -> None:
    _finalise(story, person, story.case_script.process_digest())


@when(parsers.parse('"{person}"依据读取时的全过程记录正式形成评估报告'))
def finalise_as_read(story: Story, person: str, process_read: dict[str, Any]) -> None:
    _finalise(story, person, process_read["digest"])


@when(parsers.parse('"{person}"正式形成评估报告，未载明全过程记录'))
def finalise_unbound(story: Story, person: str) -> None:
    _finalise(story, person, None)


@then("全过程记录按顺序列明正式形成报告之前的每一项操作及其操作人、时间、依据条款和事件摘要")
def record_lists_every_act(story: Story) -> None:
    document = _document(story)
    record, case = document["record"], story.case
    assert [a["version"] for a in record["acts"]] == list(range(1, case.report["version"]))
    for entry in record["acts"]:
        stored = story.ledger.stored_event(case.id, entry["version"])
        assert stored is not None and entry["event_hash"] == stored.hash
        assert entry["actor"]["name"] and entry["actor"]["principal_id"] and entry["recorded_at"]
        assert isinstance(entry["articles"], list)
    assert record["acts"][0]["action"] == "case.open" and record["acts"][0]["articles"]


@then("报告所载的全过程记录摘要与账本生成的一致")
def binding_matches(story: Story) -> None:
    binding = _document(story)["binding"]
    assert binding is not None and binding["matches"] is True
    assert binding["process_record_digest"] == story.case.report["process_record_digest"]


@then(parsers.parse('全过程记录中正式形成报告之后的操作依次为"{steps}"，均标明为其后的操作'))
def later_acts(story: Story, steps: str) -> None:
    later = _document(story)["later"]
    assert [e["action"] for e in later] == [f"case.{STEPS[step]}" for step in names(steps)]
    assert all(e["later"] is True for e in later)


@when("县政府审定一份与正式形成的报告摘要不一致的报告")
def approve_other_text(story: Story) -> None:
    script = story.xx
    story.act(script.county, "case.approve_report", {
        "report_id": str(script.report_id), "body": "county_government", "meeting": "县政府常务会议",
        "report_digest": OTHER_TEXT,
    })


@when("县政府审定正式形成的报告")
def approve_finalised_text(story: Story) -> None:
    story.run("approve_report")


@when(parsers.parse('"{person}"就与正式形成的报告摘要不一致的报告提请审议'))
def submit_other_text(story: Story, person: str) -> None:
    story.act(story.person(person), "case.submit_report", {
        "report_id": str(story.nx.report_id), "recommendation": "adjust", "note": "提请审议", "report_digest": OTHER_TEXT,
    })


@when(parsers.parse('"{person}"提请审议，未载明所提请审议的报告摘要'))
def submit_unnamed_text(story: Story, person: str) -> None:
    story.act(story.person(person), "case.submit_report", {
        "report_id": str(story.nx.report_id), "recommendation": "adjust", "note": "提请审议",
    })


@when(parsers.parse('厅务会议就与正式形成的报告摘要不一致的报告作出"{ruling}"决定'))
def rule_on_other_text(story: Story, ruling: str) -> None:
    script = story.nx
    story.act(script.organ, "case.record_ruling", {
        "report_id": str(script.report_id), "ruling": RULINGS[ruling], "body": "office_meeting",
        "meeting": "厅务会议", "measures": ["过渡期六个月"], "report_digest": OTHER_TEXT,
    })


@when(parsers.parse('"{person}"公开一份与正式形成的报告摘要不一致的评估结果'))
def publish_other_text(story: Story, person: str) -> None:
    script = story.case_script
    story.act(story.person(person), "case.publish_results", {
        "report_id": str(script.report_id), "channels": script.channels(), "report_digest": OTHER_TEXT,
        "summary": "评估结论", "withheld_material_ids": [str(script.material_id)],
    })


def _publish_on(story: Story, person: str, channels: list[dict[str, str]], titles: str) -> None:
    script = story.case_script
    withheld = [story.materials.get(t, script.material_id) for t in names(titles)]
    story.act(story.person(person), "case.publish_results", {
        "report_id": str(script.report_id), "channels": channels, "report_digest": script.report_digest(),
        "summary": "评估结论", "withheld_material_ids": [str(m) for m in withheld],
    })


@when(parsers.parse('"{person}"在县政府门户网站和本单位网站公开评估结果，不予公开"{titles}"'))
def publish_on_both(story: Story, person: str, titles: str) -> None:
    _publish_on(story, person, XX_CHANNELS, titles)


@when(parsers.parse('"{person}"仅在{channel}公开评估结果，不予公开"{titles}"'))
def publish_on_one(story: Story, person: str, channel: str, titles: str) -> None:
    kind = CHANNELS[channel]
    _publish_on(story, person, [{"channel": kind, "url": f"http://www.example.gov.cn/{kind}/1.html"}], titles)


@then("公开记录列明县政府门户网站和本单位网站两个公开地址")
def both_channels_recorded(story: Story) -> None:
    channels = story.case.publication["channels"]
    assert sorted(c["channel"] for c in channels) == sorted(CHANNELS.values())
    assert all(c["url"].startswith("http") for c in channels)


@then(parsers.parse("公开记录列明{channel}一个公开地址"))
def one_channel_recorded(story: Story, channel: str) -> None:
    assert [c["channel"] for c in story.case.publication["channels"]] == [CHANNELS[channel]]

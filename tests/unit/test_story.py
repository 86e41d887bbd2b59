"""A case read as a story (issue 19 point 3), the pure parts: business dates and the story's order,
the deadlines on the timeline, the timeline's layout, what a version changed, the who-did-what
graph's layout and bounds, and the search's parsing."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from types import SimpleNamespace
from typing import Any, cast

import pytest

from api.http.story import diff, graph, timeline
from api.http.story.words import STORY_WORDS
from domain.evidence.times import parse_time
from domain.model.case import EvaluationCase
from domain.model.holidays import OfficialCalendar
from projections import search, story


def w(key: str, *args: Any) -> str:
    return STORY_WORDS[key][0].format(*args)


def event(version: int, action: str, recorded_at: str, **args: Any) -> dict[str, Any]:
    return {"version": version, "action": action, "recorded_at": recorded_at, "args": args}


# --- business dates --------------------------------------------------------------------------


def test_an_event_is_dated_by_its_content_else_by_its_recording_day_in_china() -> None:
    assert story.business_date("case.hold_forum", {"held_on": "2026-10-18"}, "2026-12-06T01:00:00.000000Z") == (
        date(2026, 10, 18), "held_on")
    assert story.business_date("case.approve_evaluation", {"decided_on": "2026-09-18"},
                               "2026-12-06T01:00:00.000000Z") == (date(2026, 9, 18), "decided_on")
    # no date in a material's content: the day it was recorded, in China Standard Time (UTC+8)
    assert story.business_date("case.collect_material", {"title": "x"}, "2026-12-06T19:56:14.000000Z") == (
        date(2026, 12, 7), story.RECORDED)
    # a malformed date in old content is not guessed at
    assert story.business_date("case.visit_site", {"visited_on": "yesterday"}, "2026-12-06T01:00:00.000000Z")[1] \
        == story.RECORDED


def test_the_story_orders_by_business_date_then_recording_time() -> None:
    events = [
        event(1, "case.open", "2026-12-06T01:00:00.000000Z"),
        event(2, "case.approve_evaluation", "2026-12-06T01:00:01.000000Z", decided_on="2026-09-18"),
        event(3, "case.conduct_survey", "2026-12-06T01:00:02.000000Z", period_from="2026-09-28", period_to="2026-10-13"),
        event(4, "case.hold_forum", "2026-12-06T01:00:03.000000Z", held_on="2026-09-28"),
        event(5, "case.draw_conclusion", "2026-12-05T23:00:00.000000Z"),  # 12-06 in Beijing, recorded first
    ]
    ordered = story.story_order(events)
    assert [d.version for d in ordered] == [2, 3, 4, 5, 1]
    survey = ordered[1]
    assert survey.until == date(2026, 10, 13) and survey.from_content
    assert not ordered[-1].from_content


def test_the_deadlines_are_counted_as_the_rules_count_them() -> None:
    nx = SimpleNamespace(
        is_nx=True,
        approval={"decided_on": "2026-09-18", "version": 4},
        report={"at": parse_time("2026-12-06T02:00:00.000000Z"), "version": 25},
        submission=None,
        report_approval=None,
    )
    completion, submission = story.case_deadlines(cast(EvaluationCase, nx), OfficialCalendar())
    assert (completion.article, completion.starts_on, completion.version) == ("NX-11", date(2026, 9, 18), 4)
    assert completion.due_on == OfficialCalendar().last_day(date(2026, 9, 18), 90)
    assert completion.done_on == date(2026, 12, 6) and completion.status == "met"
    assert submission.article == "NX-12b" and submission.status == "open" and submission.version == 25
    late = SimpleNamespace(**{**vars(nx), "report": {"at": parse_time("2027-02-01T02:00:00.000000Z"), "version": 25}})
    assert story.case_deadlines(cast(EvaluationCase, late), OfficialCalendar())[0].status == "late"
    xx = SimpleNamespace(is_nx=False, approval=None, report=None, submission=None, publication=None,
                         report_approval={"at": parse_time("2026-03-02T02:00:00.000000Z"), "version": 30})
    (publication,) = story.case_deadlines(cast(EvaluationCase, xx), OfficialCalendar())
    assert publication.article == "XX-17" and publication.due_on is not None
    assert publication.due_on > date(2026, 3, 2 + 20), "twenty working days are more than twenty days"


# --- the timeline's layout ---------------------------------------------------------------------


def mark(kind: str, day: date, n: int = 0, hollow: bool = False) -> timeline.Mark:
    return timeline.Mark(kind, day, f"/v/{n}", f"mark {n}", hollow=hollow)


def test_marks_are_placed_by_day_with_month_ticks() -> None:
    marks = [mark("event", date(2026, 9, 18), 1), mark("event", date(2026, 10, 18), 2),
             mark("finding", date(2026, 12, 6), 3), timeline.Mark("deadline", date(2026, 12, 17), "/v/4", "t", "NX-11")]
    drawn = timeline.layout(marks)
    assert drawn is not None
    events = [p for p in drawn.placed if p.mark.kind == "event"]
    assert events[0].x < events[1].x and all(p.y < drawn.axis_y for p in events)
    (finding,) = [p for p in drawn.placed if p.mark.kind == "finding"]
    assert finding.y > drawn.axis_y and finding.x > events[1].x
    assert [d for _, d in drawn.ticks] == [date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)]
    assert drawn.deadlines[0].x > finding.x
    assert timeline.layout(marks) == drawn, "deterministic"
    assert timeline.layout([]) is None
    survey = timeline.Mark("event", date(2026, 9, 28), "/v/5", "survey", until=date(2026, 10, 13))
    with_period = timeline.layout([*marks, survey])
    assert with_period is not None
    (bar,) = [p for p in with_period.placed if p.mark.href == "/v/5"]
    assert bar.x_end is not None and bar.x < bar.x_end < events[1].x + 1


def test_marks_on_the_same_day_are_stacked_and_a_crowd_is_counted() -> None:
    day = date(2026, 12, 6)
    few = timeline.layout([mark("event", day, n) for n in range(5)])
    assert few is not None
    assert len({p.y for p in few.placed}) == 5 and len({p.x for p in few.placed}) == 1
    crowd = timeline.layout([mark("event", day, n) for n in range(1000)] + [mark("event", date(2026, 9, 1), 1001)])
    assert crowd is not None
    assert len(crowd.placed) == timeline.MAX_ROWS - 1 + 1
    (overflow,) = crowd.overflow
    assert overflow.count == 1000 - (timeline.MAX_ROWS - 1)
    assert crowd.height < 600, "a thousand events on one day stay a picture of bounded height"


# --- what a version changed ------------------------------------------------------------------


def test_a_version_marks_what_it_changed() -> None:
    before = {"title": "评估", "phase": "preparation", "grounds": ["NX-4(2)"],
              "materials": {"m1": {"title": "统计表"}}, "team": {"p1": {"team_role": "leader"}}}
    after: dict[str, Any] = {"title": "评估", "phase": "awaiting_approval", "grounds": ["NX-4(2)", "NX-4(3)"],
             "materials": {"m1": {"title": "统计表", "excluded": {"reason": "无出处"}}, "m2": {"title": "座谈纪要"}},
             "team": {"p1": {"team_role": "leader"}}, "plan": {"parts": {}}}
    parts = {p.key: p for p in diff.changes(before, after, ["title", "phase", "grounds", "materials", "team", "plan",
                                                            "report"])}
    assert "report" not in parts, "absent before and after"
    assert parts["title"].status == diff.SAME and parts["team"].status == diff.SAME
    phase = parts["phase"]
    assert (phase.status, phase.before, phase.value, phase.scalar) == (diff.CHANGED, "preparation", "awaiting_approval", True)
    assert parts["grounds"].added == ["NX-4(3)"] and parts["grounds"].removed == []
    materials = parts["materials"]
    assert materials.added == [("m2", {"title": "座谈纪要"})]
    assert materials.changed == [("m1", {"title": "统计表"}, after["materials"]["m1"])]
    assert parts["plan"].status == diff.ADDED and not parts["plan"].scalar
    removed = diff.changes(after, before, ["plan", "grounds"])
    assert removed[0].status == diff.REMOVED and removed[0].before == {"parts": {}}
    assert removed[0].removed == [("parts", {})], "a part removed lists what it held"
    assert removed[1].removed == ["NX-4(3)"]


def test_the_first_version_adds_everything() -> None:
    parts = diff.changes(None, {"title": "评估", "grounds": ["a", "a"]}, ["title", "grounds"])
    assert [(p.key, p.status) for p in parts] == [("title", diff.ADDED), ("grounds", diff.ADDED)]
    assert parts[1].added == ["a", "a"], "repeated items counted"


# --- who did what ------------------------------------------------------------------------------


def action(key: str) -> str:
    return {"case.collect_material": "收集信息资料", "case.open": "启动评估"}.get(key, key)


def term(key: str) -> str:
    return {"direct": "直接责任人员"}.get(key, key)


def test_a_busy_persons_graph_shows_the_busiest_cases_with_a_count() -> None:
    acts = [{"case_id": f"case-{n % 500:03d}", "decision_id": f"d-{n % 3}", "aggregate_type": "EvaluationCase",
             "action": "case.collect_material" if n % 7 else "case.open"} for n in range(10_000)]
    acts += [{"case_id": "case-000", "decision_id": "d-0", "aggregate_type": "EvaluationCase",
              "action": "case.collect_material"}] * 50  # the busiest
    chain = {"principal": {"principal_id": "p", "name": "张伟", "unit": "处"}, "actions": acts,
             "findings": [{"finding_id": "f1", "case_id": "case-001", "decision_id": "d-1", "rule": "NX/preset-conclusion",
                           "summary": "预设结论", "version": 3, "responsibility": "direct"}],
             "dissent": []}
    drawn = graph.person_graph(chain, {"case-000": "最忙的案件"}, {}, w, action, term)
    cases = [n for n in drawn.nodes if n.column == 2]
    assert len(cases) == graph.MAX_PER_COLUMN and cases[0].id == "c:case-000" and cases[0].full == "最忙的案件"
    assert cases[-1].kind == "more" and (cases[-1].label, cases[-1].sub) == ("另有489项", "共500项")
    assert len(drawn.nodes) < 40 and len(drawn.edges) < 40
    edge = next(e for e in drawn.edges if e.target == "c:case-000")
    assert edge.label == "收集信息资料 等70项行为"
    assert any(e.source == "f:f1" and e.label == "认定涉及（直接责任人员）" for e in drawn.edges)
    assert all(n.x == graph.LEFT + n.column * (graph.NODE_W + graph.COLUMN_GAP) for n in drawn.nodes)
    again = graph.person_graph(chain, {"case-000": "最忙的案件"}, {}, w, action, term)
    assert [(n.id, n.x, n.y) for n in again.nodes] == [(n.id, n.x, n.y) for n in drawn.nodes], "deterministic"


def test_a_decisions_graph_links_makers_cases_evaluators_and_findings() -> None:
    trace = {
        "decision": {"decision_id": "d", "title": "若干措施", "document_number": "宁商规发〔2021〕3号",
                     "demonstrators": [{"name": "张卫东", "kind": "expert", "principal_id": None}]},
        "makers": [{"principal_id": "h", "name": "厅长", "unit": "厅", "role": "head"},
                   {"principal_id": "r", "name": "起草人", "unit": "处", "role": "drafter", "undertaking_unit_id": "u"}],
        "cases": [{"case_id": "c", "title": "后评估", "lead_unit": "处"}],
        "persons": [{"principal_id": "e", "name": "杨帆", "unit": "大学"}],
        "actions": [{"case_id": "c", "actor_id": "e", "action": "case.collect_material"}] * 3
        + [{"case_id": "c", "actor_id": "h", "action": "case.entrust_agency", "args": {"agency_id": "ag"}}],
        "findings": [{"finding_id": "f", "case_id": "c", "rule": "NX/no-hand-over", "summary": "转包", "version": 9,
                      "persons": [{"principal_id": "e", "responsibility": ""}]},
                     {"finding_id": "g", "case_id": "c", "rule": "NX/late", "summary": "逾期", "version": 12,
                      "persons": []}],
    }
    drawn = graph.decision_graph(trace, w, action, term, {"u": "商务厅对外贸易处", "ag": "宁夏大学经济管理学院"})
    labels = {(e.source, e.target): e.label for e in drawn.edges}
    assert labels[("m:h", "d:d")] == "行政首长" and labels[("m:r", "d:d")] == "起草人"
    assert labels[("u:u", "d:d")] == "承办" and drawn.node("u:u").full == "商务厅对外贸易处"  # type: ignore[union-attr]
    assert labels[("a:ag", "c:c")] == "受委托评估"
    assert labels[("demo:0", "d:d")] == "决策前论证"
    assert labels[("d:d", "c:c")] == "评估"
    assert labels[("p:e", "c:c")] == "收集信息资料 等3项行为"
    assert labels[("f:f", "p:e")] == "认定涉及" and labels[("f:g", "c:c")] == "发现于"
    assert {n.id: n.column for n in drawn.nodes} == {"d:d": 1, "m:h": 0, "m:r": 0, "u:u": 0, "demo:0": 0, "c:c": 2,
                                                      "p:e": 3, "p:h": 3, "a:ag": 3, "f:f": 4, "f:g": 4}
    routes = {(r.edge.source, r.edge.target): r for r in graph.routes(drawn)}
    fan = routes[("p:e", "c:c")]
    assert fan.x2 < fan.x1 and fan.anchor == "end", "right to left, its label beside the person"
    assert routes[("d:d", "c:c")].x1 == drawn.node("d:d").x + graph.NODE_W  # type: ignore[union-attr]


# --- search ----------------------------------------------------------------------------------------


def test_a_search_knows_what_it_can_name() -> None:
    assert search.parse("  AbCdEf0123 ").hex == "abcdef0123"
    assert search.parse("abcdef0").hex is None, "an event hash needs 8 hex digits"
    assert search.parse("跨境电商").hex is None and search.parse("跨境电商").searchable
    assert not search.parse("x").searchable
    assert search.parse("b086e7ab-94e6").id_prefix == "b086e7ab-94e6"
    assert search.parse("宁商规发").id_prefix is None
    assert search._like("100%_a\\") == "%100\\%\\_a\\\\%"
    low, high = search._prefix_range("abcdef01")
    assert low <= "abcdef01" + "f" * 56 < high and not (low <= "abcdef02" < high)


# --- a page of the story from events in the order of their recording -----------------------------


def _recorded_events(seed: int, count: int) -> list[dict[str, Any]]:
    """Events of a case as the store gives them (by recording time, then version): most dated by
    their recording day, some by a day in their content (before, on or after it), some with a
    content day that is no date; several recorded in the same second and across China's midnight."""
    rng = random.Random(seed)
    told = sorted(story.BUSINESS_DATE_FIELDS)
    out = []
    for version in range(1, count + 1):
        moment = datetime(2026, 1, 5, 14, tzinfo=UTC) + timedelta(minutes=rng.randrange(0, 5 * 24 * 60, 37))
        recorded = moment.strftime("%Y-%m-%dT%H:%M:%S.000000Z")
        if rng.random() < 0.2:
            action = rng.choice(told)
            day = (moment + timedelta(days=rng.randint(-3, 3))).date().isoformat()
            field = story.BUSINESS_DATE_FIELDS[action][0]
            out.append(event(version, action, recorded, **{field: day if rng.random() < 0.9 else "later"}))
        else:
            out.append(event(version, rng.choice(["case.collect_material", "case.open", "case.note"]), recorded))
    return sorted(out, key=lambda e: (e["recorded_at"], e["version"]))


def test_a_page_of_the_story_from_the_recording_order_is_the_story_sliced(monkeypatch: pytest.MonkeyPatch) -> None:
    def unsorted(*_: Any) -> None:
        raise AssertionError("the events given in their recording order are not keyed and sorted whole")

    monkeypatch.setattr(story, "story_page", unsorted)
    for seed in range(12):
        events = _recorded_events(seed, 120)
        whole = story.story_order(events)
        assert [d.version for d in whole] != [e["version"] for e in events]  # the two orders differ
        for offset in (*range(0, 125, 7), 119, 120):
            for limit in (1, 5, 50):
                assert story.story_page_recorded(events, offset, limit) == whole[offset: offset + limit]


def test_events_in_any_order_are_paged_as_the_story(monkeypatch: pytest.MonkeyPatch) -> None:
    events = _recorded_events(3, 80)
    shuffled = random.Random(0).sample(events, len(events))
    whole = story.story_order(shuffled)

    def keyed_whole(*_: Any) -> None:
        raise AssertionError("every event keyed by its business date and sorted")

    monkeypatch.setattr(story, "story_page", keyed_whole)
    for offset in (0, 33, 79):
        assert story.story_page_recorded(shuffled, offset, 10) == whole[offset: offset + 10]

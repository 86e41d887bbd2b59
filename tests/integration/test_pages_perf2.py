"""Issue 19 point 7 — perf2, on the demo, on SQLite and PostgreSQL: the case-membership read model
decides who may read a case as the ledger does (search and the version page), ``verify`` names a
changed membership row, the story page is paged, and the case at a moment is found without
reading every event — each answering what the whole reads answered."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import quote
from uuid import UUID

import pytest

from api.http import case_access, case_scope, web_story
from domain.evidence.report import VerificationReport
from domain.evidence.times import format_time
from domain.model.principal import Principal
from domain.service import access, replay
from domain.service.ledger import Ledger
from projections import membership, queries, story
from projections.scoping import Scope
from projections.timeline import timeline
from projections.views_audit import audit_views
from tests.integration.http_support import Served

#: readers who are not inspectors, of each kind: lead units of either text, an agency's staff, an
#: expert, a decision organ, a justice reviewer — and the two inspectors
READERS = ["ma_xiaodong", "he_jing", "gao_feng", "sun_li", "yang_fan", "luo_bin", "ma_jianguo", "tian_zhiqiang",
           "zhao_min", "wu_tao", "huang_zhigang", "kong_deming", "jiang_weiguo"]


def _principal(served: Served, handle: str) -> Principal:
    found = served.ledger.find(served.people[handle].principal_id, Principal)
    assert found is not None
    return found


def _cases(served: Served) -> list[dict[str, Any]]:
    return queries.cases(served.service.current().views, limit=1000)


def test_the_membership_read_model_holds_each_cases_members(served: Served) -> None:
    views = served.service.current().views
    for row in _cases(served):
        case = served.ledger.get_case(UUID(row["case_id"]))
        with views.reading() as c:
            held = {(r["kind"], r["member_id"]) for r in c.execute(
                "SELECT kind, member_id FROM {dl_case_members} WHERE case_id = ?", (row["case_id"],)).fetchall()}
        assert held == ({("team", p) for p in case.team} | {("expert", p) for p in case.experts}
                        | {("agency", a) for a in case.agencies})


def test_search_keeps_the_cases_the_ledger_lets_each_reader_read(served: Served) -> None:
    """The read model's answer against the ledger's own (each case loaded): the same cases kept and
    refused, for members, non-members and reviewers of both texts."""
    rows = _cases(served)
    admitted = refused = 0
    for handle in READERS:
        who = _principal(served, handle)
        scope = Scope(who, served.ledger)
        expected = [r for r in rows if scope.oversees(r)
                    or access.can_read_case(who, served.ledger.get_case(UUID(r["case_id"])), served.ledger)]
        assert case_scope.readable_rows(served.service, who, rows) == expected, handle
        admitted += len(expected)
        refused += len(rows) - len(expected)
    assert admitted and refused, "some cases kept, some refused"


def test_a_search_page_lists_no_case_out_of_the_readers_reach(served: Served) -> None:
    nx_case = next(r for r in _cases(served) if r["jurisdiction"] == "NX")
    query = nx_case["title"][:6]
    kept = served.client.get(f"/search?q={quote(query)}", headers=served.session("ma_xiaodong")).text
    refused = served.client.get(f"/search?q={quote(query)}", headers=served.session("sun_li")).text
    assert f"/cases/{nx_case['case_id']}" in kept and f"/cases/{nx_case['case_id']}" not in refused


def test_a_changed_membership_row_is_named_by_verify(served: Served) -> None:
    """A stranger written into a case's team by hand: ``verify`` names the row (and search, which
    trusts the read models it verifies, is the reason the row matters)."""
    views = served.service.current().views
    case_id = _cases(served)[0]["case_id"]
    stranger = str(served.people["sun_li"].principal_id)
    with views.writing() as c:
        c.execute("INSERT INTO {dl_case_members} VALUES (?, 'team', ?)", (case_id, stranger))
    try:
        report = VerificationReport()
        audit_views(report, served.ledger, views)
        named = [b.detail for b in report.breaks if b.kind == "view"]
        assert any("dl_case_members" in d and stranger in d and "give no such row" in d
                   for d in named), named
    finally:
        with views.writing() as c:
            c.execute("DELETE FROM {dl_case_members} WHERE case_id = ? AND member_id = ?", (case_id, stranger))


def test_the_version_page_refuses_and_shows_as_before(served: Served) -> None:
    """Access from the read model admits exactly whom the ledger admits; the event shown is the
    one the timeline of the case as it stands shows."""
    for row in _cases(served):
        case = served.ledger.get_case(UUID(row["case_id"]))
        for handle in ["ma_xiaodong", "he_jing", "sun_li", "luo_bin", "tian_zhiqiang", "wu_tao", "kong_deming"]:
            who = _principal(served, handle)
            may = access.can_read_case(who, case, served.ledger)
            answer = served.client.get(f"/cases/{case.id}/versions/{max(1, case.version // 2)}",
                                       headers=served.session(handle))
            assert answer.status_code == (200 if may else 403), (handle, row["title"])
            if not may:
                continue
            facts, _ = case_access.readable_facts(served.service, who, str(case.id))
            for version in range(1, case.version + 1, 5):
                at = replay.case_at(served.ledger, case.id, version)
                shown = timeline(served.ledger, case.id, who, offset=version - 1, limit=1, case=at, facts=facts)
                assert shown == timeline(served.ledger, case.id, who, offset=version - 1, limit=1, case=case)


def test_the_version_page_falls_back_to_the_ledger_when_the_read_model_lacks_a_member(served: Served) -> None:
    views = served.service.current().views
    row = next(r for r in _cases(served) if r["jurisdiction"] == "NX")
    case = served.ledger.get_case(UUID(row["case_id"]))
    member = next(h for h in READERS if str(served.people[h].principal_id) in case.team)
    with views.reading() as c:
        saved = c.execute("SELECT * FROM {dl_case_members} WHERE case_id = ?", (row["case_id"],)).fetchall()
    with views.writing() as c:
        c.execute("DELETE FROM {dl_case_members} WHERE case_id = ?", (row["case_id"],))
    try:
        assert served.client.get(f"/cases/{case.id}/versions/2", headers=served.session(member)).status_code == 200
        assert served.client.get(f"/cases/{case.id}/versions/2", headers=served.session("sun_li")).status_code == 403
    finally:
        with views.writing() as c:
            for saved_row in saved:
                c.execute("INSERT INTO {dl_case_members} VALUES (?, ?, ?)",
                          (saved_row["case_id"], saved_row["kind"], saved_row["member_id"]))


def _version_by_reading_every_event(ledger: Ledger, case_id: UUID, moment: Any) -> int:
    """What ``case_at`` did before: the last event recorded by the moment, every event read."""
    version = 0
    for event in ledger.events.get(case_id):
        if event.timestamp > moment:  # type: ignore[attr-defined]
            break
        version = event.originator_version
    return version


def test_the_case_at_a_moment_is_the_one_every_event_read_gives(served: Served) -> None:
    checked = 0
    for row in _cases(served):
        case_id = UUID(row["case_id"])
        times = [e.timestamp for e in served.ledger.events.get(case_id)]  # type: ignore[attr-defined]
        moments = {times[0] - timedelta(days=1), times[-1] + timedelta(days=1)}
        for t in times[:: max(1, len(times) // 4)] + [times[-1]]:
            moments |= {t, t - timedelta(microseconds=1), t + timedelta(microseconds=1)}
        for moment in sorted(moments):
            expected = _version_by_reading_every_event(served.ledger, case_id, moment)
            hinted = case_access.version_hint(served.service, str(case_id), moment)
            assert hinted == expected, "the read model's hint is right when it is up to date"
            for hint in (None, hinted, max(0, hinted - 2), hinted + 1, len(times) + 5):
                assert replay.version_at(served.ledger, case_id, moment, hint) == expected, (moment, hint)
            if expected == 0:
                with pytest.raises(Exception, match="did not exist yet"):
                    replay.case_at(served.ledger, case_id, moment)
            elif checked % 4 == 0:  # the whole state, at a quarter of the moments
                assert vars(replay.case_at(served.ledger, case_id, moment)) == vars(
                    served.ledger.get_case(case_id, expected))
            checked += 1
    assert checked > 50
    row = _cases(served)[0]
    moment = format_time(served.ledger.get_case(UUID(row["case_id"])).modified_on)
    answer = served.client.get(f"/cases/{row['case_id']}/at?moment={quote(moment)}",
                               headers=served.session("kong_deming" if row["jurisdiction"] == "NX" else "jiang_weiguo"),
                               follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].endswith(f"/versions/{row['version']}")


def _story_rows(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'<tr class="story-event[^"]*" id="s(\d+)">', page)]


def test_the_story_is_paged_in_story_order(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])
    case_id = str(case["id"])
    headers = served.session("ma_xiaodong")
    whole = served.client.get(f"/cases/{case_id}/story", headers=headers).text
    order = _story_rows(whole)
    rows = web_story._story_rows(served.service, case_id)
    assert order == [d.version for d in story.story_order(rows)] and len(order) == len(rows) > 20
    assert 'rel="next"' not in whole, "a demo case fits one page"
    monkeypatch.setattr(web_story, "STORY_PAGE", 10)
    first = served.client.get(f"/cases/{case_id}/story", headers=headers).text
    assert _story_rows(first) == order[:10] and 'rel="next"' in first and 'rel="prev"' not in first
    second = served.client.get(f"/cases/{case_id}/story?offset=10", headers=headers).text
    assert _story_rows(second) == order[10:20] and 'rel="prev"' in second
    last = served.client.get(f"/cases/{case_id}/story?offset={len(order) - 3}", headers=headers).text
    assert _story_rows(last) == order[-3:] and 'rel="next"' not in last
    # the picture shows every event of the case, whichever page the table shows
    assert len(re.findall(r'class="mark event', first)) == len(re.findall(r'class="mark event', whole)) > 0
    # each row whole: the signer's name, its link
    assert re.search(r'<td><a href="/persons/[0-9a-f-]{36}">[^<—]+</a></td>', first)


def test_a_page_of_the_story_is_the_story_sliced() -> None:
    events = [{"version": v, "action": a, "recorded_at": t, "args": args} for v, a, t, args in [
        (1, "case.open", "2026-01-05T01:00:00.000000Z", {}),
        (2, "case.hold_forum", "2026-01-06T01:00:00.000000Z", {"held_on": "2025-12-30"}),
        (3, "case.collect_material", "2026-01-04T23:00:00.000000Z", {}),
        (4, "case.conduct_survey", "2026-01-07T02:00:00.000000Z", {"period_from": "2026-01-05", "period_to": "x"}),
        (5, "case.visit_site", "2026-01-07T03:00:00.000000Z", {"visited_on": "not a date"}),
        (6, "case.collect_material", "2026-01-05T01:00:00.000000Z", {}),
    ]]
    whole = story.story_order(events)
    for offset in range(len(events) + 2):
        for limit in (1, 2, 4, 50):
            assert story.story_page(events, offset, limit) == whole[offset: offset + limit]


@pytest.mark.parametrize("handle", ["sun_li", "ma_xiaodong"])
def test_membership_of_a_reader_with_no_case_is_empty(served: Served, handle: str) -> None:
    who = _principal(served, handle)
    with served.service.current().views.reading() as c:
        assert membership.memberships(c, who, []) == {}
        held = membership.memberships(c, who, [r["case_id"] for r in _cases(served)])
    assert set(held) == {r["case_id"] for r in _cases(served)}
    for facts in held.values():
        assert facts.team <= {str(who.id)} and facts.experts <= {str(who.id)}

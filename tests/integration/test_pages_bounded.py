"""The pages' bounded reads (issue 19 point 7 — perf) answer what the whole reads answered, on the
demo, on SQLite and PostgreSQL: a person's page of acts and its counts (``withheld`` included)
against the whole chain sliced; the acts counted for the who-did-what graphs against the acts
themselves, and the same drawing; what a version changed against the two whole states compared;
the case page a page of events at a time."""

from __future__ import annotations

import copy
import re
from collections import Counter
from datetime import timedelta
from types import SimpleNamespace
from uuid import UUID

import pytest

from api.http import labels, version_page
from api.http.story import diff, graph
from api.http.web_story import words
from domain.evidence.times import parse_time
from domain.model.principal import Principal
from domain.service import replay
from domain.service.access import clearance, cleared_for
from projections import chain_page, queries
from projections.scoping import Scope
from projections.timeline import readable_case
from tests.integration.http_support import Served

READERS = ["kong_deming", "jiang_weiguo"]  # the NX and the XX inspector: each sees a part of the others


def _principal(served: Served, handle: str) -> Principal:
    found = served.ledger.find(served.people[handle].principal_id, Principal)
    assert found is not None
    return found


def _acting(served: Served) -> list[str]:
    views = served.service.current().views
    with views.reading() as c:
        ids = {row["actor_id"] for row in c.execute("SELECT DISTINCT actor_id FROM {dl_actions}").fetchall()}
    return [h for h, s in served.people.items() if str(s.principal_id) in ids]


def test_a_page_of_a_persons_acts_is_the_whole_chain_sliced(served: Served) -> None:
    views = served.service.current().views
    handles = _acting(served)
    assert len(handles) >= 10
    partial = 0
    for handle in handles:
        subject_id = str(served.people[handle].principal_id)
        subject = served.ledger.find(UUID(subject_id), Principal)
        for reader in [handle, *READERS]:
            scope = Scope(_principal(served, reader), served.ledger)
            whole = scope.chain(queries.person_chain(views, subject_id), subject)
            ids = [a["notification_id"] for a in whole["actions"]]
            partial += 0 < len(ids) < len(queries.person_chain(views, subject_id)["actions"])
            for offset, limit in ((0, 3), (2, 5), (len(ids) - 1, 3), (len(ids) + 4, 3), (0, 1000)):
                page = chain_page.person_page(views, scope, subject, subject_id, offset=max(0, offset), limit=limit)
                assert [a["notification_id"] for a in page["actions"]] == ids[max(0, offset): max(0, offset) + limit]
                assert page["actions"] == whole["actions"][max(0, offset): max(0, offset) + limit]
                assert page["total"] == len(ids) and page["withheld"] == whole["withheld"], (handle, reader)
                assert page["findings"] == whole["findings"] and page["procedures"] == whole["procedures"]
            acted, hidden = chain_page.person_acted(views, scope, subject, subject_id)
            assert hidden == len(queries.person_chain(views, subject_id)["actions"]) - len(ids)
            counted = Counter({(g["case_id"], g["action"]): 0 for g in acted})
            for g in acted:
                counted[(g["case_id"], g["action"])] += int(g["n"])
            assert counted == Counter((a["case_id"], a["action"]) for a in whole["actions"]), (handle, reader)
    assert partial == 0, "the demo's inspectors see all or nothing of each chain (the next test splits one)"


def test_a_chain_split_by_a_transfer_is_paged_and_counted_as_the_whole(served: Served) -> None:
    """The person moved (a membership starting at one of their acts) to an organisation the NX
    inspector does not reach: the inspector sees the acts before the move only, page by page."""
    views = served.service.current().views
    subject_id = str(served.people["ma_xiaodong"].principal_id)
    acts = queries.person_chain(views, subject_id)["actions"]
    moved = copy.copy(served.ledger.find(UUID(subject_id), Principal))
    assert moved is not None and len(acts) >= 6
    first = moved.memberships[0]
    moved.memberships = [first, {**first, "from": parse_time(acts[len(acts) // 2]["recorded_at"]),
                                 "organisation_id": _principal(served, "jiang_weiguo").organisation_id}]
    scope = Scope(_principal(served, "kong_deming"), served.ledger)
    whole = scope.chain(queries.person_chain(views, subject_id), moved)
    ids = [a["notification_id"] for a in whole["actions"]]
    assert ids == [a["notification_id"] for a in acts[: len(acts) // 2]] and whole["withheld"] >= len(acts) - len(ids)
    for offset, limit in ((0, 2), (1, 4), (len(ids) - 1, 5), (0, 1000)):
        page = chain_page.person_page(views, scope, moved, subject_id, offset=offset, limit=limit)
        assert page["actions"] == whole["actions"][offset: offset + limit]
        assert page["total"] == len(ids) and page["withheld"] == whole["withheld"]
    acted, hidden = chain_page.person_acted(views, scope, moved, subject_id)
    assert sum(int(g["n"]) for g in acted) == len(ids) and hidden == len(acts) - len(ids)


def test_acts_are_counted_by_the_period_of_the_persons_membership(served: Served) -> None:
    """A membership starting at the recording time of an act splits the acts there, to the
    microsecond: the acts before in one period, that act and those after in the next."""
    views = served.service.current().views
    handle = max(_acting(served), key=lambda h: len(queries.person_chain(
        views, str(served.people[h].principal_id))["actions"]))
    subject_id = str(served.people[handle].principal_id)
    acts = queries.person_chain(views, subject_id)["actions"]
    middle = parse_time(acts[len(acts) // 2]["recorded_at"])
    for start in (middle, middle + timedelta(microseconds=1)):
        fake = SimpleNamespace(memberships=[{"from": parse_time(acts[0]["recorded_at"]) - timedelta(days=1)},
                                            {"from": start}])
        periods = chain_page.Periods.of(fake)  # type: ignore[arg-type]
        counted: Counter[int] = Counter()
        for group in chain_page.act_groups(views, subject_id, periods):
            counted[group["period"]] += int(group["n"])
        assert counted == Counter(1 if parse_time(a["recorded_at"]) < start else 2 for a in acts)
    assert chain_page.Periods.of(None).sql() == ("0", [])


def test_a_decisions_acts_counted_draw_the_same_graph(served: Served) -> None:
    views = served.service.current().views
    w = words("zh")
    decisions = {str(c["decision_id"]) for c in queries.cases(views, limit=100)}
    assert len(decisions) >= 3
    for decision_id in decisions:
        whole = queries.trace_decision(views, decision_id)
        counted = queries.trace_decision(views, decision_id, acts=False)
        counted["acted"], counted["actions"] = chain_page.decision_acted(views, decision_id)
        assert sum(int(g["n"]) for g in counted["acted"]) == len(whole["actions"])
        assert [a["notification_id"] for a in counted["actions"]] == [
            a["notification_id"] for a in whole["actions"] if a["action"] == "case.entrust_agency"]
        drawn = [graph.decision_graph(t, w, str, str) for t in (whole, counted)]
        assert [(n.id, n.label, n.sub, n.x, n.y) for n in drawn[0].nodes] == \
            [(n.id, n.label, n.sub, n.x, n.y) for n in drawn[1].nodes]
        assert drawn[0].edges == drawn[1].edges and drawn[0].edges


def test_a_persons_acts_counted_draw_the_same_graph(served: Served) -> None:
    views = served.service.current().views
    w = words("zh")
    for handle in _acting(served):
        subject_id = str(served.people[handle].principal_id)
        subject = served.ledger.find(UUID(subject_id), Principal)
        whole = queries.person_chain(views, subject_id)
        counted = {**whole, "actions": []}
        counted["acted"], hidden = chain_page.person_acted(views, Scope(subject, served.ledger), subject, subject_id)  # type: ignore[arg-type]
        assert hidden == 0
        drawn = [graph.person_graph(c, {}, {}, w, str, str) for c in (whole, counted)]
        assert [(n.id, n.label, n.sub) for n in drawn[0].nodes] == [(n.id, n.label, n.sub) for n in drawn[1].nodes]
        assert drawn[0].edges == drawn[1].edges


def test_what_a_version_changed_is_the_two_whole_states_compared(served: Served) -> None:
    checked = 0
    for case in served.demo.cases:
        latest = served.ledger.get_case(UUID(str(case["id"])))
        for handle in ["jiang_weiguo", "kong_deming", "ma_xiaodong", "sun_li"]:
            reader = _principal(served, handle)
            previous = None
            for version in range(1, latest.version + 1):
                now = replay.case_at(served.ledger, latest.id, version)
                expected = diff.changes(
                    queries.render_case(readable_case(previous, reader, served.ledger)) if previous else None,
                    queries.render_case(readable_case(now, reader, served.ledger)), labels.STATE_LABELS)
                assert version_page.changes(previous, now, reader, served.ledger, labels.STATE_LABELS) == expected
                for material in now.materials.values():
                    assert clearance(reader, now, served.ledger)(material) == cleared_for(reader, now, material,
                                                                                          served.ledger)
                previous, checked = now, checked + 1
    assert checked > 100


def test_a_large_part_is_folded_to_its_count(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])
    latest = served.ledger.get_case(UUID(str(case["id"])))
    version = max(m["collected"]["version"] for m in latest.materials.values())
    now, before = (replay.case_at(served.ledger, latest.id, v) for v in (version, version - 1))
    monkeypatch.setattr(version_page, "FOLD", 1)
    reader = _principal(served, "ma_xiaodong")
    materials = next(p for p in version_page.changes(before, now, reader, served.ledger, labels.STATE_LABELS)
                     if p.key == "materials")
    assert materials.folded and materials.size == len(now.materials) > 1 and materials.value is None
    assert not materials.scalar and materials.status == diff.CHANGED and len(materials.added) == 1
    headers = served.session("ma_xiaodong")
    page = served.client.get(f"/cases/{latest.id}/versions/{version}", headers=headers).text
    assert f"共 {len(now.materials)} 项，此处不逐项列出" in page


def _rows(page: str) -> list[int]:
    return [int(v) for v in re.findall(r'<tr class="event[^"]*" id="v(\d+)">', page)]


def test_the_case_page_shows_a_page_of_events(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    from api.http import case_page

    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])
    latest = served.ledger.get_case(UUID(str(case["id"])))
    headers = served.session("ma_xiaodong")
    whole = served.client.get(f"/cases/{latest.id}", headers=headers).text
    assert _rows(whole) == list(range(1, latest.version + 1)), "a demo case fits one page"
    assert 'rel="next"' not in whole and f"({latest.version} " in whole
    monkeypatch.setattr(case_page, "EVENTS", 10)
    last = (latest.version - 1) // 10 * 10
    shown = served.client.get(f"/cases/{latest.id}", headers=headers).text
    assert _rows(shown) == list(range(last + 1, latest.version + 1)), "the latest page by default"
    assert 'rel="prev"' in shown and f"({latest.version} " in shown
    first = served.client.get(f"/cases/{latest.id}?offset=0", headers=headers).text
    assert _rows(first) == list(range(1, 11)) and 'rel="next"' in first and 'rel="prev"' not in first
    assert _rows(served.client.get(f"/cases/{latest.id}?offset=999", headers=headers).text) == _rows(shown)
    # the picture shows every event of the case, whichever page the table shows
    assert len(re.findall(r'class="mark event', whole)) == latest.version
    assert len(re.findall(r'class="mark event', first)) == latest.version
    assert case_page.page_start(0, None) == 0 and case_page.page_start(10, None) == 0
    assert case_page.page_start(11, None) == 10 and case_page.page_start(11, 3) == 3


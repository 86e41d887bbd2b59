"""Issue 19 point 7 — the pages of a long case, on the demo, on SQLite and PostgreSQL: a case's state
is decoded once per version and never served stale (:mod:`api.http.cases_now`); a version page
names only the ids it shows, each as the whole list of names did; the lists of cases load no case."""

from __future__ import annotations

import copy
from uuid import UUID

import pytest

from api.http import labels, web_story
from api.http.cases_now import CasesNow
from domain.model.case import EvaluationCase
from domain.model.principal import Principal
from domain.service import access, replay
from domain.service.access import WITHHELD, clearance
from domain.service.ledger import Ledger
from projections import queries
from projections.scoping import Scope
from projections.timeline import readable_case
from tests.integration.http_support import Served

READERS = ["ma_xiaodong", "sun_li", "kong_deming", "jiang_weiguo"]


def _principal(served: Served, handle: str) -> Principal:
    found = served.ledger.find(served.people[handle].principal_id, Principal)
    assert found is not None
    return found


def _head_of(ledger: Ledger, case_id: UUID) -> EvaluationCase:
    case = ledger.find_case(case_id)
    assert case is not None
    return case


def test_the_case_now_is_decoded_once_per_version(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case_id = UUID(str(served.demo.cases[0]["id"]))
    decoded: list[UUID] = []
    find_case = served.ledger.find_case

    def counted(aggregate_id: UUID, version: int | None = None) -> EvaluationCase | None:
        decoded.append(aggregate_id)
        return find_case(aggregate_id, version)

    monkeypatch.setattr(served.ledger, "find_case", counted)
    served.service.cases_now.clear()
    headers = served.session("ma_xiaodong")
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/story", f"/cases/{case_id}?offset=0"):
        assert served.client.get(path, headers=headers).status_code == 200
    assert served.client.get(f"/v1/cases/{case_id}/timeline?limit=5", headers=served.headers("ma_xiaodong")
                             ).status_code == 200
    assert decoded.count(case_id) == 1


def test_a_case_kept_is_not_served_once_a_later_event_is_stored(served: Served) -> None:
    case_id = UUID(str(served.demo.cases[0]["id"]))
    now = _head_of(served.ledger, case_id)
    kept = CasesNow(served.ledger)
    assert kept.find(case_id) is kept.find(case_id) and (kept.decoded, kept.reused) == (1, 1)
    # the case kept at an earlier version: a later event was stored since
    kept._cases[(case_id, None)] = replay.case_at(served.ledger, case_id, now.version - 1)
    found = kept.find(case_id)
    assert found is not None and found.version == now.version and found.head_hash == now.head_hash
    assert kept.decoded == 2
    # the case kept at this version, of another chain (its head not the stored one)
    other = copy.copy(now)
    other.head_hash = "0" * 64
    kept._cases[(case_id, None)] = other
    assert kept.find(case_id) is not other and kept.decoded == 3
    assert kept.find(UUID(int=0)) is None


def test_a_version_page_decodes_each_version_once(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])  # ma_xiaodong's unit leads it
    case_id = UUID(str(case["id"]))
    assert _head_of(served.ledger, case_id).version > 21
    decoded: list[int | None] = []
    find_case = served.ledger.find_case

    def counted(aggregate_id: UUID, version: int | None = None) -> EvaluationCase | None:
        decoded.append(version)
        return find_case(aggregate_id, version)

    monkeypatch.setattr(served.ledger, "find_case", counted)
    served.service.cases_now.clear()
    headers = served.session("ma_xiaodong")
    pages = [served.client.get(f"/cases/{case_id}/versions/{v}", headers=headers) for v in (20, 21, 20, 21)]
    assert [p.status_code for p in pages] == [200] * 4 and pages[0].text == pages[2].text
    assert sorted(v or 0 for v in decoded) == [19, 20, 21], "version 20 read once, for its page and as the one before 21"


def test_a_version_kept_is_the_stored_one(served: Served) -> None:
    case_id = UUID(str(served.demo.cases[0]["id"]))
    kept = CasesNow(served.ledger)
    at = kept.at(case_id, 5)
    assert at is not None and at.version == 5 and kept.at(case_id, 5) is at
    assert at.head_hash == served.ledger.stored_event_hash(case_id, 5)
    other = copy.copy(at)
    other.head_hash = "0" * 64
    kept._cases[(case_id, 5)] = other
    again = kept.at(case_id, 5)
    assert again is not other and again is not None and again.head_hash == at.head_hash
    assert kept.at(case_id, 0) is None and kept.at(case_id, 100_000) is None
    assert (kept.decoded, kept.reused) == (2, 1)


def test_the_cases_kept_are_the_last_few_read(served: Served) -> None:
    kept = CasesNow(served.ledger, kept=2)
    ids = [UUID(str(c["id"])) for c in served.demo.cases[:3]]
    assert len(ids) == 3
    for case_id in ids:
        kept.find(case_id)
    assert list(kept._cases) == [(i, None) for i in ids[1:]]
    kept.find(ids[1])
    kept.find(ids[0])
    assert list(kept._cases) == [(ids[1], None), (ids[0], None)] and kept.decoded == 4 and kept.reused == 1


def _names(served: Served, case: EvaluationCase, reader: Principal) -> dict[str, str]:
    """Every name :class:`web_story.Things` gives, made as the version page made them all before
    (the whole case as the reader may see it)."""
    w = web_story.words("zh")
    shown = readable_case(case, reader, served.ledger)
    names: dict[str, str] = {}
    for mid, material in shown.materials.items():
        names[str(mid)] = str(material.get("title") or w("f_material_id"))
    for aid, activity in case.activities.items():
        day = activity.get("held_on") or activity.get("visited_on") or activity.get("period_from") or ""
        names[str(aid)] = f"{w('activity_' + str(activity.get('kind')))} {day}".strip()
    for oid, opinion in case.opinions.items():
        names[str(oid)] = f"{w('f_opinion_id')}：{opinion.get('source', '')}"
    for did, draft in case.drafts.items():
        names[str(did)] = f"{w('f_draft_id')}（{w('version_n', draft.get('version', '?'))}）"
    if case.report:
        names[str(case.report.get("report_id"))] = labels.word(labels.STATE_LABELS, "report", "zh")
    names.update(web_story._agency_names(served.service, [str(a) for a in case.agencies]))
    return names


def test_a_version_page_names_each_id_as_the_whole_list_did(served: Served) -> None:
    withheld = 0
    for case in served.demo.cases:
        now = _head_of(served.ledger, UUID(str(case["id"])))
        agencies = web_story._agency_names(served.service, [str(a) for a in now.agencies])
        for handle in READERS:
            reader = _principal(served, handle)
            expected = _names(served, now, reader)
            things = web_story.Things(now, "zh", agencies, clearance(reader, now, served.ledger), served.ledger.keyring)
            assert dict(things) == expected and len(things) == len(expected)
            assert all(things.get(key) == name for key, name in expected.items())
            assert things.get(str(UUID(int=1))) is None
            withheld += sum(1 for name in expected.values() if name == WITHHELD)
    assert withheld > 0, "some reader is shown a material withheld"


@pytest.mark.parametrize("handle", ["ma_xiaodong", "sun_li", "gao_feng", "kong_deming"])
def test_the_lists_of_cases_load_no_case(served: Served, monkeypatch: pytest.MonkeyPatch, handle: str) -> None:
    """``/cases`` and ``/v1/cases`` keep the cases the ledger lets the reader read (each case loaded,
    before), from the read models alone."""
    who = _principal(served, handle)
    scope = Scope(who, served.ledger)
    every = queries.cases(served.service.current().views, limit=1000)
    expected = [str(r["case_id"]) for r in every if scope.oversees(r)
                or access.can_read_case(who, served.ledger.get_case(UUID(r["case_id"])), served.ledger)]
    loaded: list[UUID] = []
    find_case = served.ledger.find_case

    def counted(aggregate_id: UUID, version: int | None = None) -> EvaluationCase | None:
        loaded.append(aggregate_id)
        return find_case(aggregate_id, version)

    monkeypatch.setattr(served.ledger, "find_case", counted)
    listed = served.get("/v1/cases", handle, limit=500).json()["items"]
    assert sorted(r["case_id"] for r in listed) == sorted(expected)
    page = served.client.get("/cases", headers=served.session(handle)).text
    assert all((f"/cases/{r['case_id']}\"" in page) == (str(r["case_id"]) in expected) for r in every)
    assert loaded == []

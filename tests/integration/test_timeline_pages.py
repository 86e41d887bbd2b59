"""A page of a case's timeline verifies only the events it shows, each with its link to the event
before it (issue 19 point 7: ``/timeline?limit=1`` no longer re-verifies every event)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import pytest

from domain.model.principal import Principal
from projections import queries
from projections import timeline as timelines
from tests.integration.http_support import Served

pytestmark = pytest.mark.parametrize("served", ["sqlite"], indirect=True)


@pytest.fixture
def verified(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, str]]:
    """Every event verified while the test runs: (version, the previous hash it was checked against)."""
    seen: list[tuple[int, str]] = []
    real = timelines.verify_event

    def counting(ledger: Any, event: Any, previous_hash: str, *suite: str) -> list[str]:
        seen.append((event.originator_version, previous_hash))
        return real(ledger, event, previous_hash, *suite)

    monkeypatch.setattr(timelines, "verify_event", counting)
    return seen


def test_a_page_verifies_only_its_events(served: Served, verified: list[tuple[int, str]]) -> None:
    nx = served.demo.cases[0]["id"]
    whole = served.get(f"/v1/cases/{nx}/timeline", "kong_deming").json()["items"]
    assert len(whole) > 20 and len(verified) == len(whole)  # the whole case: each event once
    verified.clear()

    one = served.get(f"/v1/cases/{nx}/timeline", "kong_deming", limit=1).json()["items"]
    assert one == whole[:1] and [v for v, _ in verified] == [1]
    verified.clear()

    page = served.get(f"/v1/cases/{nx}/timeline", "kong_deming", limit=3, offset=10).json()["items"]
    assert page == whole[10:13] and all(e["verified"] for e in page)
    # each shown event checked once, the first against the recorded hash of the event before it
    assert verified == [(11, whole[9]["hash"]), (12, whole[10]["hash"]), (13, whole[11]["hash"])]
    verified.clear()

    last = served.get(f"/v1/cases/{nx}/timeline", "kong_deming", limit=50, offset=len(whole) - 2).json()["items"]
    assert last == whole[-2:] and len(verified) == 2
    verified.clear()
    assert served.get(f"/v1/cases/{nx}/timeline", "kong_deming", offset=len(whole)).json()["items"] == []
    assert verified == []


def test_the_first_event_of_a_page_is_linked_to_the_one_before(served: Served,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """A page's first event whose predecessor recorded another hash is marked broken ("chain"):
    the link is checked on every page, not only from the start of the case."""
    ledger = served.ledger
    nx = UUID(served.demo.cases[0]["id"])
    reader = ledger.find(UUID(served.demo.handles["kong_deming"]), Principal)
    assert reader is not None
    good = timelines.timeline(ledger, nx, reader, offset=5, limit=2)
    assert [e["verified"] for e in good] == [True, True]
    recorded = ledger.stored_event_hash
    monkeypatch.setattr(ledger, "stored_event_hash",
                        lambda aggregate, version: "00" * 32 if version == 5 else recorded(aggregate, version))
    broken = timelines.timeline(ledger, nx, reader, offset=5, limit=2)
    assert broken[0]["problems"] == ["chain"] and not broken[0]["verified"]
    assert broken[1]["verified"]  # its own link is to the shown event 6
    assert [e["version"] for e in broken] == [6, 7]


def test_the_trace_page_counts_each_persons_acts_in_the_store(served: Served) -> None:
    """The web trace shows each person's number of acts: counted by the store (acts=False), the
    same persons in the same order with the same counts as from every act."""
    views = served.service.current().views
    for decision in {c["decision_id"] for c in served.demo.cases}:
        whole = queries.trace_decision(views, decision)
        counted = queries.trace_decision(views, decision, acts=False)
        assert [(p["principal_id"], p["name"], p["actions"]) for p in counted["persons"]] == \
            [(p["principal_id"], p["name"], p["actions"]) for p in whole["persons"]]
        assert counted["actions"] == [] and whole["actions"] and counted["cases"] == whole["cases"]

"""Issue 19 point 7 — the pages of a long case, second pass, on the demo, on SQLite and PostgreSQL:
a page that only reads catches the projections up once, whatever it reads from them
(:data:`api.http.service.READING`); the story page places the events of its page among the case's
others as the store orders them, without keying and sorting every event of the case."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from api.http.service import READING, Reading
from projections import story
from tests.integration.http_support import Served


def _counted_catch_ups(served: Served, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    catch_up = served.service.projecting.catch_up

    def counted(*args: Any, **kwargs: Any) -> int:
        if threading.current_thread().name != "projections":  # the service's own follower, if it runs
            calls.append(1)
        return catch_up(*args, **kwargs)

    monkeypatch.setattr(served.service.projecting, "catch_up", counted)
    return calls


def test_a_reading_request_catches_the_projections_up_once(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])  # ma_xiaodong's unit leads it
    case_id = str(case["id"])
    headers = served.session("ma_xiaodong")
    calls = _counted_catch_ups(served, monkeypatch)
    for path in (f"/cases/{case_id}", f"/cases/{case_id}/story", f"/cases/{case_id}/versions/20", "/search?q=评估"):
        calls.clear()
        assert served.client.get(path, headers=headers).status_code == 200, path
        assert len(calls) == 1, f"{path}: caught up {len(calls)} times"


def test_outside_a_reading_request_every_reading_catches_up(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _counted_catch_ups(served, monkeypatch)
    svc = served.service
    svc.current()
    svc.current()
    assert len(calls) == 2  # a writing request (or none): read-your-writes at each reading
    token = READING.set(Reading())
    try:
        svc.current()
        svc.current()
        assert len(calls) == 3
        svc.checkpointed()  # a checkpoint covers every event stored, read in this request or not
        assert len(calls) == 4
    finally:
        READING.reset(token)
    svc.current()
    assert len(calls) == 5


def test_the_story_page_does_not_key_every_event_of_the_case(served: Served, monkeypatch: pytest.MonkeyPatch) -> None:
    case = next(c for c in served.demo.cases if "跨境电商" in c["title"])
    case_id = str(case["id"])
    headers = served.session("ma_xiaodong")
    whole = served.client.get(f"/cases/{case_id}/story", headers=headers).text

    def keyed_whole(*_: Any) -> None:
        raise AssertionError("every event of the case keyed and sorted")

    monkeypatch.setattr(story, "story_page", keyed_whole)
    assert served.client.get(f"/cases/{case_id}/story", headers=headers).text == whole

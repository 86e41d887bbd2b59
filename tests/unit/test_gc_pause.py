"""Automatic garbage collection paused around reads of a whole case (projections/gc_pause.py)."""

from __future__ import annotations

import gc
import threading

import pytest

from projections.gc_pause import collection_paused


@pytest.fixture(autouse=True)
def _collection_restored():
    was = gc.isenabled()
    yield
    gc.enable() if was else gc.disable()


def test_collection_is_off_inside_and_back_on_after() -> None:
    gc.enable()
    with collection_paused():
        assert not gc.isenabled()
    assert gc.isenabled()


def test_nested_pauses_resume_when_the_outermost_ends() -> None:
    gc.enable()
    with collection_paused():
        with collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()


def test_collection_stays_off_if_it_was_off_before() -> None:
    gc.disable()
    with collection_paused():
        pass
    assert not gc.isenabled()


def test_collection_resumes_after_an_error() -> None:
    gc.enable()
    with pytest.raises(RuntimeError), collection_paused():
        raise RuntimeError("a read failed")
    assert gc.isenabled()


def test_overlapping_pauses_in_threads_resume_when_the_last_ends() -> None:
    gc.enable()
    first_in, second_in, first_may_leave = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with collection_paused():
            first_in.set()
            first_may_leave.wait(5)
        seen.append(gc.isenabled())  # the second still holds its pause

    def second() -> None:
        first_in.wait(5)
        with collection_paused():
            second_in.set()
            first_may_leave.set()
            worker.join(5)

    worker = threading.Thread(target=first)
    worker.start()
    second()
    assert seen == [False]
    assert gc.isenabled()


def test_a_replayed_state_freed_inside_the_pause_leaves_no_collection_debt() -> None:
    """CPython counts a freed container against the allocations that trigger a collection, so a
    state built and dropped inside the pause does not trigger one afterwards."""
    gc.collect()
    before = gc.get_count()[0]
    with collection_paused():
        state = {str(n): {"by": object(), "n": [n]} for n in range(50_000)}
        assert gc.get_count()[0] > before + 100_000
        del state
    assert gc.get_count()[0] < before + 1_000

"""The report's root causes (docs/spec.md §13.4, issue 16 point 7): which break follows from which."""

from __future__ import annotations

from domain.evidence.report import LOG, Break, VerificationReport


def _report(*breaks: Break) -> VerificationReport:
    return VerificationReport(events=10, breaks=list(breaks))


def _named(report: VerificationReport) -> list[tuple[str, int, str, int]]:
    return [(b["aggregate_id"], b["version"], b["kind"], b["caused"]) for b in report.to_json()["breaks"]]


def test_later_links_of_an_aggregate_follow_from_its_first_break_but_its_own_bytes_do_not() -> None:
    report = _report(
        Break("A", 3, 3, "chain", "", 3), Break("A", 3, 3, "hash", "", 3),  # `hash` is first by §13.1's order
        Break("A", 4, 4, "chain", "", 4), Break("A", 4, 4, "time", "", 4), Break("A", 5, 5, "log", "", 5),
        Break("A", 6, 6, "signature", "", 6),  # a later event's own bytes: a root of its own
    )
    assert _named(report) == [("A", 3, "chain", 0), ("A", 3, "hash", 3), ("A", 6, "signature", 0)]
    assert not report.ok
    verbose = report.to_json(verbose=True)["breaks"][1]
    assert [(b["version"], b["kind"]) for b in verbose["caused_breaks"]] == [(4, "chain"), (4, "time"), (5, "log")]


def test_acts_under_a_broken_registration_follow_from_it_only_if_it_came_first() -> None:
    registration = Break("P", 1, 1, "log", "leaf 1 holds this event; the store no longer has it", 1)
    later_act = Break("C", 2, 5, "key", "key k is not a key of the signer P", 5, signer="P")
    earlier_act = Break("D", 1, 0, "key", "key k is not a key of the signer P", 0, signer="P")
    assert _named(_report(registration, later_act, earlier_act)) == [("P", 1, "log", 1), ("D", 1, "key", 0)]
    unplaced = Break("P", 1, None, "gap", "the bundle lacks it")  # a version a bundle's head names
    assert _named(_report(unplaced, earlier_act)) == [("P", 1, "gap", 1)]


def test_checkpoints_follow_from_the_earliest_event_break_below_their_size_unless_forged() -> None:
    deleted = Break("A", 6, 15, "log", "leaf 14 holds this event; the store no longer has it", 14)
    below = Break(LOG, 10, None, "checkpoint", "checkpoint 10 is not the root of the events", 10)
    after = Break(LOG, 20, None, "checkpoint", "checkpoint 20 is not the root of the events", 20)
    forged = Break(LOG, 20, None, "checkpoint", "checkpoint 20: the signature does not verify")
    assert _named(_report(deleted, below, after, forged)) == [
        ("A", 6, "log", 1), (LOG, 10, "checkpoint", 0), (LOG, 20, "checkpoint", 0)]

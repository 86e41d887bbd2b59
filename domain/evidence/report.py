"""What `verify` reports: breaks, each named once at its root cause (docs/spec.md §13.4, §14).

One tampering breaks more than its own place: a deleted event leaves a gap at the next version,
moves every later event off its leaf and every later checkpoint off its root; a deleted key
event leaves the person's later signatures under a key nobody knows. The verifier finds all of
these (:attr:`VerificationReport.breaks`); the report names the root causes and counts, on each,
the breaks that follow from it (issue 16 point 7, L8: one deleted event gave 5,762 break lines,
mostly naming innocent later events). ``--verbose`` lists those too.

A break **follows from** another (the rules of §13.4, applied to the breaks found):

1. a `chain`, `gap`, `time`, `log` or `key` break at a later version of an aggregate that has a
   break at an earlier version follows from the aggregate's first break — the break at its lowest
   version whose kind comes first in the order `hash`, `chain`, `gap`, `time`, `signature`, `key`,
   `log` (a `hash` or `signature` break is the event's own bytes failing: a root wherever it is);
2. a `key` break at an event signed by another principal whose chain has a break at an earlier
   place in log order (or at a version whose place is not known) follows from that principal's
   first break;
3. a break of the log (``transparency-log``) that says the events below tree size *n* are not
   what the log signed — a checkpoint's root that is not the events' root, a checkpoint beyond
   the store, leaves beyond it — follows from the break at an event with the lowest place below
   *n*, if there is one. (A checkpoint that does not verify under the ledger key, or a log not
   consistent with a trusted checkpoint, is a root: nothing in the events explains it.)

A break that follows from nothing is a root; what follows from a break that itself follows from
another is counted on the root at the end of that line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LOG = "transparency-log"  # the aggregate id a log or checkpoint break is reported under
BUNDLE = "bundle"  # the aggregate id a whole-bundle problem is reported under
VIEWS = "read-models"  # the aggregate id a read-model break is reported under (a store's derived data)
#: kinds of break at a later version that follow from the aggregate's first break (rule 1)
FOLLOWING_KINDS = frozenset({"chain", "gap", "time", "log", "key"})
#: which of an aggregate's breaks at its lowest version is its first: the first of these kinds
#: (the order of the checks of docs/spec.md §13.1), then the first found
FIRST_KINDS = ("hash", "chain", "gap", "time", "signature", "key", "log")


@dataclass(frozen=True)
class Break:
    aggregate_id: str
    version: int
    notification_id: int | None
    kind: str  # one of BREAK_KINDS
    detail: str
    #: the event's place in log order (its leaf, or its rank among the events checked); for a break
    #: of the log about the events below a tree size, that size; None when not known (a version a
    #: bundle lacks, any other break of the log or of the whole bundle)
    position: int | None = field(default=None, compare=False)
    signer: str = field(default="", compare=False)  # the intent's actor, where it was read

    def to_json(self) -> dict[str, Any]:
        return {
            "aggregate_id": self.aggregate_id,
            "version": self.version,
            "notification_id": self.notification_id,
            "kind": self.kind,
            "detail": self.detail,
        }

    def __str__(self) -> str:
        return (
            f"BROKEN aggregate {self.aggregate_id} version {self.version} "
            f"(notification {self.notification_id}): {self.kind}: {self.detail}"
        )

    @property
    def at_event(self) -> bool:
        return self.aggregate_id not in (LOG, BUNDLE, VIEWS)


@dataclass(frozen=True)
class Root:
    """A root cause, and the breaks that follow from it, in the order found."""

    cause: Break
    following: tuple[Break, ...]

    def to_json(self, verbose: bool = False) -> dict[str, Any]:
        data = {**self.cause.to_json(), "caused": len(self.following)}
        if verbose:
            data["caused_breaks"] = [b.to_json() for b in self.following]
        return data


def _source(brk: Break, breaks: list[Break], first: dict[str, int], earliest: tuple[int, int] | None) -> int | None:
    """The break ``brk`` follows from (its index), by the rules above, or None. ``earliest`` is
    the lowest (place, index) of a break at an event."""
    if brk.at_event:
        own = first[brk.aggregate_id]
        if brk.version > breaks[own].version and brk.kind in FOLLOWING_KINDS:
            return own
        signer = first.get(brk.signer) if brk.signer and brk.signer != brk.aggregate_id else None
        if brk.kind == "key" and signer is not None:
            place = breaks[signer].position
            if place is None or brk.position is None or place < brk.position:
                return signer
        return None
    if brk.aggregate_id == LOG and brk.position is not None and earliest is not None and earliest[0] < brk.position:
        return earliest[1]
    return None


def _rank(brk: Break) -> tuple[int, int]:
    return brk.version, FIRST_KINDS.index(brk.kind) if brk.kind in FIRST_KINDS else len(FIRST_KINDS)


def attribute(breaks: list[Break]) -> list[Root]:
    """The root causes among ``breaks``, each with the breaks that follow from it."""
    first: dict[str, int] = {}
    for i, brk in enumerate(breaks):
        if brk.at_event and (brk.aggregate_id not in first or _rank(brk) < _rank(breaks[first[brk.aggregate_id]])):
            first[brk.aggregate_id] = i
    earliest = min(((b.position, i) for i, b in enumerate(breaks) if b.at_event and b.position is not None),
                   default=None)
    source = [_source(b, breaks, first, earliest) for b in breaks]

    def root(i: int) -> int:
        seen = {i}
        while (up := source[i]) is not None and up not in seen:
            seen.add(up)
            i = up
        return i

    following: dict[int, list[Break]] = {i: [] for i, s in enumerate(source) if s is None}
    for i, brk in enumerate(breaks):
        top = root(i)
        if top != i:
            following.setdefault(top, []).append(brk)
    return [Root(breaks[i], tuple(following[i])) for i in sorted(following)]


@dataclass
class VerificationReport:
    events: int = 0
    aggregates: int = 0
    breaks: list[Break] = field(default_factory=list)  # every break found, root or not
    ledger_keyid: str | None = None
    notes: list[str] = field(default_factory=list)  # what was checked beyond the events
    incremental: bool = False  # checked from a trusted checkpoint: no new events is fine
    witnesses: dict[str, Any] | None = None  # a bundle's: which witnesses cosigned (§14, §20.6)

    @property
    def ok(self) -> bool:
        return not self.breaks and (self.events > 0 or self.incremental)

    def add(self, aggregate_id: str, version: int, notification_id: int | None, kind: str, detail: str,
            *, position: int | None = None, signer: str = "") -> None:
        self.breaks.append(Break(aggregate_id, version, notification_id, kind, detail, position, signer))

    def roots(self) -> list[Root]:
        """The root causes, each with the breaks that follow from it (§13.4)."""
        return attribute(self.breaks)

    def to_json(self, verbose: bool = False) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "events": self.events,
            "aggregates": self.aggregates,
            "ledger_keyid": self.ledger_keyid,
            "breaks": [root.to_json(verbose) for root in self.roots()],
            "notes": list(self.notes),
        } | ({"witnesses": self.witnesses} if self.witnesses is not None else {})

"""The case's timeline by business date as a picture (SVG drawn by the page's template): where
each mark goes. Pure: marks in, coordinates out, the same every time.

Events sit above the axis on the day they tell of (filled: a date from the signed content;
hollow: the recording day stands in), findings below it, deadlines as vertical lines with their
article. Marks falling on the same spot are stacked; past :data:`MAX_ROWS` a column shows
``+n`` instead of more marks, so a case of thousands of events stays a readable picture.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import TypeVar

T = TypeVar("T")
WIDTH = 1100
LEFT, RIGHT = 40, 30
STEP = 13  # a mark's cell, in pixels: marks closer than this stack
MAX_ROWS = 30
TOP = 34  # room for the deadlines' labels
AXIS_GAP = 10


@dataclass(frozen=True)
class Mark:
    """Something placed on a day: an event, a finding or a deadline."""

    kind: str  # "event", "finding" or "deadline"
    day: date
    href: str
    title: str  # the tooltip (<title>)
    label: str = ""  # a deadline's article
    hollow: bool = False  # an event dated by its recording, not its content
    status: str = ""  # a deadline's status
    until: date | None = None  # the end of a period (a survey, a call for opinions): drawn as a bar


@dataclass(frozen=True)
class Placed:
    mark: Mark
    x: float
    y: float
    x_end: float | None = None  # where the mark's period ends


@dataclass(frozen=True)
class Overflow:
    """A column holding more marks than it shows: ``count`` left out."""

    x: float
    y: float
    count: int
    kind: str


@dataclass
class Layout:
    width: int
    height: int
    axis_y: float
    start: date
    end: date
    ticks: list[tuple[float, date]] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    deadlines: list[Placed] = field(default_factory=list)
    overflow: list[Overflow] = field(default_factory=list)


def _span(marks: Sequence[Mark]) -> tuple[date, date]:
    days = [m.day for m in marks]
    start, end = min(days), max(days)
    if (end - start).days < 30:  # at least a month wide, centred on the marks
        pad = (30 - (end - start).days) // 2 + 1
        start, end = start - timedelta(days=pad), end + timedelta(days=pad)
    else:
        margin = max(1, (end - start).days // 40)
        start, end = start - timedelta(days=margin), end + timedelta(days=margin)
    return start, end


def month_ticks(start: date, end: date) -> list[date]:
    """The first day of every month from ``start`` to ``end``; every second or third one on a long span."""
    months = []
    day = date(start.year, start.month, 1)
    if day < start:
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    while day <= end:
        months.append(day)
        day = date(day.year + day.month // 12, day.month % 12 + 1, 1)
    every = 1 + len(months) // 14
    return months[::every]


def capped(items: Sequence[T], day: Callable[[T], date], href: Callable[[T], str],
           always: Callable[[T], bool] = lambda item: False, rows: int = MAX_ROWS) -> tuple[list[T], dict[date, int]]:
    """The items (events) that can show on a timeline, and how many of each day cannot: a column
    shows at most ``rows`` marks, the first in the order of (day, href) — every day's in one
    column — so on a day of more than ``rows`` events only its first ``rows`` may show; the rest
    are only counted (``+n``), except those ``always`` kept (a period, which widens the picture).
    :func:`layout` given the kept items and the counts places exactly what it would place given
    them all, so a case of 10,000 events costs at most ``rows`` marks a day."""
    by_day: dict[date, list[tuple[str, int]]] = {}
    for n, item in enumerate(items):
        by_day.setdefault(day(item), []).append((href(item), n))
    kept: list[int] = []
    hidden: dict[date, int] = {}
    for when, held in by_day.items():
        if len(held) > rows:
            held.sort()
            first = [n for _, n in held[:rows]]
            rest = [n for _, n in held[rows:] if always(items[n])]
            hidden[when] = len(held) - rows - len(rest)
            kept += first + rest
        else:
            kept += [n for _, n in held]
    return [items[n] for n in sorted(kept)], hidden


def layout(marks: Sequence[Mark], width: int = WIDTH, hidden: Mapping[date, int] | None = None) -> Layout | None:
    """Where each mark goes; ``None`` when there is nothing to place. ``hidden``: events of a day
    left out of ``marks`` beforehand (:func:`capped`), counted in their column's ``+n`` as if
    they had been given."""
    hidden = hidden or {}
    if not marks:
        return None
    start, end = _span([*marks, *(Mark(m.kind, m.until, "", "") for m in marks if m.until)])
    end_day = end
    plot = width - LEFT - RIGHT
    days = (end - start).days or 1

    def x_of(day: date) -> float:
        return round(LEFT + plot * (day - start).days / days, 1)

    def stack(kind: str) -> tuple[list[tuple[Mark, float, int]], list[tuple[float, int, int]]]:
        columns: dict[int, list[Mark]] = {}
        left_out: dict[int, int] = {}
        for mark in sorted((m for m in marks if m.kind == kind), key=lambda m: (m.day, m.href)):
            columns.setdefault(int((x_of(mark.day) - LEFT) // STEP), []).append(mark)
        if kind == "event":
            for day, count in hidden.items():
                column = int((x_of(day) - LEFT) // STEP)
                left_out[column] = left_out.get(column, 0) + count
        shown, extra = [], []
        for column, held in sorted(columns.items()):
            x = LEFT + column * STEP + STEP / 2
            count = len(held) + left_out.get(column, 0)
            keep = held if count <= MAX_ROWS else held[: MAX_ROWS - 1]
            shown += [(mark, x, row) for row, mark in enumerate(keep)]
            if len(keep) < count:
                extra.append((x, len(keep), count - len(keep)))
        return shown, extra

    events, events_over = stack("event")
    findings, findings_over = stack("finding")
    above = max([row + 1 for _, _, row in events] + [row + 1 for _, row, _ in events_over] + [1])
    below = max([row + 1 for _, _, row in findings] + [row + 1 for _, row, _ in findings_over] + [0])
    axis_y = TOP + above * STEP + AXIS_GAP
    height = int(axis_y + AXIS_GAP + below * STEP + 34)
    out = Layout(width, height, axis_y, start, end, ticks=[(x_of(d), d) for d in month_ticks(start, end)])
    for mark, x, row in events:
        x_end = x_of(min(max(mark.until, mark.day), end_day)) if mark.until else None
        out.placed.append(Placed(mark, x, axis_y - AXIS_GAP - row * STEP - STEP / 2, x_end))
    for mark, x, row in findings:
        out.placed.append(Placed(mark, x, axis_y + AXIS_GAP + row * STEP + STEP / 2))
    for x, row, count in events_over:
        out.overflow.append(Overflow(x, axis_y - AXIS_GAP - row * STEP - STEP / 2, count, "event"))
    for x, row, count in findings_over:
        out.overflow.append(Overflow(x, axis_y + AXIS_GAP + row * STEP + STEP / 2, count, "finding"))
    for mark in sorted((m for m in marks if m.kind == "deadline"), key=lambda m: (m.day, m.label)):
        out.deadlines.append(Placed(mark, x_of(mark.day), TOP - 8))
    return out

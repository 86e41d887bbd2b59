"""RFC 3161 timestamps of the checkpoints the ledger signed (issue 20 point 2; docs/spec.md §21.1).

The latest checkpoint in ``dl_log_signed`` is sent to a timestamp authority; its reply, once read
(granted, for exactly these bytes, with the request's nonce), is kept in the append-only table
``dl_log_timestamps`` beside the checkpoint (triggers refuse UPDATE, DELETE and TRUNCATE, and a
rebuild keeps it). Bundles carry the replies (:meth:`TimestampStore.for_bundle`). How the TSA is
reached — HTTP, a test's own — is the caller's (:data:`Ask`); writes never wait for it: the
service asks from a thread of its own (``api/timestamping.py``).
"""

from __future__ import annotations

import base64
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from domain import clock
from domain.evidence.bundle import Timestamp
from domain.evidence.times import format_time

if TYPE_CHECKING:  # the RFC 3161 reader is imported when a TSA is asked
    from domain.evidence.report import VerificationReport
    from domain.evidence.timestamps import Stamped, Trust
    from projections.tlog import LogReader

#: the append-only table of every TSA reply kept
TIMESTAMPS = "dl_log_timestamps"
TIMESTAMP_COLUMNS = (
    "tree_size BIGINT NOT NULL, tsa TEXT NOT NULL, note TEXT NOT NULL, response TEXT NOT NULL, "
    "gen_time TEXT NOT NULL, stored_at TEXT NOT NULL, PRIMARY KEY (tree_size, tsa)"
)

#: sends a DER TimeStampReq to the TSA and returns its DER TimeStampResp (raises OSError if unreachable)
Ask = Callable[[bytes], bytes]


@dataclass(frozen=True)
class Kept:
    """One reply kept: the checkpoint's size and note, the TSA asked, and what the reply says."""

    tree_size: int
    tsa: str
    note: str
    response: bytes
    gen_time: str

    def to_json(self) -> dict[str, Any]:
        return {"tree_size": self.tree_size, "tsa": self.tsa, "gen_time": self.gen_time,
                "response": base64.b64encode(self.response).decode()}


class TimestampStore:
    """``dl_log_timestamps`` of one log."""

    def __init__(self, reader: LogReader) -> None:
        self.reader = reader
        self.views = reader.views

    def latest_signed(self) -> tuple[int, str] | None:
        """The latest checkpoint the ledger signed (``dl_log_signed``): size and note."""
        with self.views.reading() as c:
            row = c.execute("SELECT tree_size, note FROM {dl_log_signed} ORDER BY tree_size DESC LIMIT 1").fetchone()
        return (int(row["tree_size"]), row["note"]) if row else None

    def kept(self, at_most: int | None = None) -> list[Kept]:
        """Every reply kept (of checkpoints up to ``at_most`` leaves), by tree size."""
        with self.views.reading() as c:
            rows = c.execute("SELECT * FROM {dl_log_timestamps} WHERE tree_size <= ? ORDER BY tree_size, tsa",
                             (at_most if at_most is not None else 2**62,)).fetchall()
        return [Kept(int(r["tree_size"]), r["tsa"], r["note"], base64.b64decode(r["response"]), r["gen_time"])
                for r in rows]

    def stamp(self, tsa: str, ask: Ask, trust: Trust | None = None) -> tuple[Kept, bool] | None:
        """Have the latest signed checkpoint timestamped by ``tsa`` unless it already is; the
        reply kept and whether it is new (None: nothing signed yet). The reply is read before it
        is kept — granted, for this note, with the request's nonce, and, with ``trust``, verified
        under it (:class:`~domain.evidence.timestamps.TimestampError` otherwise, nothing kept)."""
        from domain.evidence.timestamps import read, request, verify

        latest = self.latest_signed()
        if latest is None:
            return None
        size, note = latest
        for kept in self.kept(size):
            if (kept.tree_size, kept.tsa) == (size, tsa):
                return kept, False
        query, nonce = request(note)
        reply = ask(query)
        stamped: Stamped = read(reply, note, nonce)
        if trust is not None:
            stamped = verify(reply, note, trust)
        return self.keep(size, tsa, note, reply, stamped), True

    def keep(self, size: int, tsa: str, note: str, reply: bytes, stamped: Stamped) -> Kept:
        """Add a reply already read (:func:`~domain.evidence.timestamps.read`) to the table; a
        second reply of the same TSA for the same checkpoint is not kept (the first stands)."""
        gen_time = format_time(stamped.gen_time)
        with self.views.writing() as c:
            c.execute("INSERT INTO {dl_log_timestamps} VALUES (?,?,?,?,?,?) ON CONFLICT (tree_size, tsa) DO NOTHING",
                      (size, tsa, note, base64.b64encode(reply).decode(), gen_time, format_time(clock.now())))
        return next(k for k in self.kept(size) if (k.tree_size, k.tsa) == (size, tsa))

    def for_bundle(self, leaves: list[int], size: int) -> list[Timestamp]:
        """The timestamps a bundle of these leaves under a checkpoint of ``size`` carries: for each
        leaf, the earliest timestamped checkpoint holding it (each once, of every TSA that stamped
        it), with the consistency proof from it to ``size``."""
        by_size: dict[int, list[Kept]] = {}
        for kept in self.kept(size):
            by_size.setdefault(kept.tree_size, []).append(kept)
        sizes = sorted(by_size)
        chosen = sorted({sizes[bisect_right(sizes, leaf)] for leaf in leaves if sizes and leaf < sizes[-1]})
        out = []
        for stamped_size in chosen:
            path = [p.hex() for p in self.reader.consistency(stamped_size, size)] if stamped_size < size else []
            out += [Timestamp(kept.note, base64.b64encode(kept.response).decode(), path)
                    for kept in by_size[stamped_size]]
        return out


def audit_timestamps(report: VerificationReport, reader: LogReader, trust: Trust | None = None) -> None:
    """What `verify` checks of ``dl_log_timestamps``: each token kept is for the note the ledger
    signed at its size (``dl_log_signed``), and its reply is granted and for exactly those bytes;
    with ``trust`` (``verify --tsa-cert``), its signature chains to that TSA certificate — a
    `timestamp` break of the log (``transparency-log``, the tree size) otherwise. Without it the
    report says the signatures were not checked."""
    from domain.evidence.report import LOG
    from domain.evidence.timestamps import TimestampError, read, verify

    views = reader.views
    try:  # only the table's absence is forgiven; each row is judged below, never skipped
        with views.reading() as c:
            rows = c.execute("SELECT tree_size, tsa, note, response FROM {dl_log_timestamps} "
                             "ORDER BY tree_size, tsa").fetchall()
    except Exception as error:  # noqa: BLE001 — a store written before issue 20 has no such table
        report.notes.append(f"no timestamps table to check ({type(error).__name__}): a store from before timestamps")
        rows = []
    if trust is not None and not rows:  # as a bundle's (§21.4 step 4): nothing shows when the tree existed
        report.add(LOG, 0, None, "timestamp", "no timestamp token to check against the TSA certificate given: the "
                   "store keeps none (dl_log_timestamps) / 账本没有可核验的时间戳")
        return
    if not rows:
        return
    with views.reading() as c:
        signed = {int(r["tree_size"]): r["note"] for r in c.execute("SELECT tree_size, note FROM {dl_log_signed}").fetchall()}
    for row in rows:
        size, tsa, note = int(row["tree_size"]), row["tsa"], row["note"]
        if signed.get(size) != note:
            report.add(LOG, size, None, "timestamp",
                       f"the token of {tsa} is for a note the ledger did not sign at size {size}")
            continue
        try:
            reply = base64.b64decode(str(row["response"]), validate=True)
            verify(reply, note, trust) if trust is not None else read(reply, note)
        except (TimestampError, ValueError) as error:  # binascii.Error is a ValueError
            report.add(LOG, size, None, "timestamp", f"the token of {tsa}: {error}")
    if rows:
        report.notes.append(f"{len(rows)} timestamp tokens (dl_log_timestamps) checked against the checkpoints signed"
                            + (f"; their signatures verified under the TSA certificate given ({trust.describe()})"
                               if trust is not None else "; their TSA signatures not checked (give --tsa-cert) / "
                               "未核验时间戳签名"))

"""The dossier's QR codes (segno, pure Python): one per event, holding the event's hash, and one
for the checkpoint, holding its signed note — what a reader scans to look the event up, or to
verify the checkpoint against the ledger's verifier key."""

from __future__ import annotations

import segno


def event_data(event_hash: str) -> str:
    """What an event's QR code holds: the event hash itself (64 lowercase hex digits, as the
    ledger, the process record and the evidence bundle write it)."""
    if len(event_hash) != 64 or any(c not in "0123456789abcdef" for c in event_hash):
        raise ValueError(f"not an event hash: {event_hash!r}")
    return event_hash


def checkpoint_data(note: str) -> str:
    """What the checkpoint's QR code holds: the signed note, verbatim (C2SP signed-note text)."""
    if not note.endswith("\n"):
        raise ValueError("a signed note ends with a newline")
    return note


def png_uri(data: str) -> str:
    """A QR code as a PNG data URI, one pixel per module (the page scales it without smoothing).

    The mask is fixed (0) rather than chosen by scoring all eight: scoring cost ~10 ms a code, a
    10,000-event dossier minutes; any mask yields a valid code."""
    code = segno.make(data, error="m", micro=False, mask=0)
    return str(code.png_data_uri(scale=1, border=0))


def symbol(data: str) -> segno.QRCode:
    """The QR code itself (for tests and for anyone who wants its matrix)."""
    return segno.make(data, error="m", micro=False, mask=0)

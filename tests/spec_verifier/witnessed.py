"""§20.6: a v4 bundle's witnessed checkpoint, from the spec's words and the C2SP texts alone
(tlog-cosignature's message and key ID, signed-note's rule that a line of a known key which does
not verify refuses the note: cosignature.py). Imports nothing of the product."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.spec_verifier.cosignature import Refused as NoteRefused
from tests.spec_verifier.cosignature import verify_witnessed

if TYPE_CHECKING:
    from tests.spec_verifier.verifier import _Bundle


def check_witnessed(bundle: _Bundle, witnesses: list[str] | None, quorum: int | None) -> None:
    """The witnessed checkpoint opens under a ledger key, the bundle's checkpoint extends it, and
    (given the recipient's witness keys) at least ``quorum`` of them (default: all) cosigned it."""
    from tests.spec_verifier.verifier import (
        Refused,
        hex_hashes,
        open_note,
        parse_checkpoint,
        verifier_key,
        verify_consistency,
    )

    witnessed: Any = bundle.data.get("witnessed") if bundle.v4 else None
    if witnessed is None:
        if witnesses:
            bundle.bundle_break("witness", "not witnessed: the bundle carries no cosigned checkpoint")
        return
    try:
        if not isinstance(witnessed, dict) or set(witnessed) != {"checkpoint", "consistency_path"}:
            raise Refused("witnessed is not checkpoint and consistency_path")
        note = witnessed["checkpoint"]
        opened = None
        for public in bundle.candidates:  # one signed before a rotation: by the key it retired
            try:
                opened = (open_note(note, bundle.origin, public), public)
                break
            except Refused:
                continue
        if opened is None:
            raise Refused("the witnessed checkpoint is not signed by a ledger key")
        size, root = parse_checkpoint(opened[0], bundle.origin)
        if not verify_consistency(size, bundle.size, root, bundle.root, hex_hashes(witnessed["consistency_path"])):
            raise Refused("the bundle's checkpoint is not shown to extend the witnessed one")
        if witnesses:
            verify_witnessed(note, verifier_key(bundle.origin, opened[1]), witnesses,
                             len(witnesses) if quorum is None else quorum)
    except (Refused, NoteRefused, KeyError, TypeError, ValueError) as error:
        bundle.bundle_break("witness", f"witnessed: {error}")

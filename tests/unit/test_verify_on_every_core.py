"""`verify` on several cores gives the report of one process (docs/operations.md, "On every
core, streaming") — also after the ledger key was rotated, when which key must sign a
checkpoint depends on when its last event was recorded."""

from __future__ import annotations

from api.verification_pool import parallel_opener
from domain import clock
from domain.evidence.store import verify_store
from domain.service.records import LedgerRecords
from tests.support import NXScript, Projected


def test_checkpoints_signed_after_a_rotation_verify_on_several_cores(
        projected: Projected, manual_clock: clock.ManualClock) -> None:
    ledger, world, projector = projected.ledger, projected.world, projected.projector
    nx = NXScript(world)
    nx.advance_to("close_evidence")
    projector.catch_up()
    projector.sign_checkpoint(world.ledger_key)
    old, new = world.rotate_ledger_key(manual_clock)
    nx.run_all()
    projector.catch_up()
    projector.sign_checkpoint(new)

    def both() -> list[dict[str, object]]:
        return [verify_store(LedgerRecords(ledger), projector.reader, opener=opener).to_json()
                for opener in (None, parallel_opener(ledger, 2, chunk=7))]

    one, many = both()
    assert one["ok"] is True and "2 checkpoints checked against the events" in one["notes"]  # type: ignore[operator]
    assert many == one
    # a later checkpoint signed with the retired key is refused the same way on several cores
    world.person("新人", ["expert"], "宁夏大学")
    projector.catch_up()
    projector.sign_checkpoint(old)
    one, many = both()
    assert [b["kind"] for b in one["breaks"]] == ["checkpoint"]  # type: ignore[attr-defined]
    assert many == one

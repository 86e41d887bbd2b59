"""Which witnesses a v4 bundle's cosignatures count for (docs/spec.md §20.6 step 2): each trusted
witness by its own key, never by the key name another witness may share."""

from __future__ import annotations

from domain.evidence.bundle_witnesses import WitnessTrust
from domain.evidence.checkpoint import SignedNote
from domain.evidence.cosignature import (
    cosign,
    cosigner_vkey,
    parse_cosigner_vkey,
    with_cosignatures,
)
from domain.evidence.signing import SigningKey
from domain.evidence.tlog_policy import parse_policy
from tests.unit.test_cosignature import note

SHARED = "witness.example/w"  # a key name is the witness's own choice: two may pick the same


def _cosigned_by_first_only() -> tuple[str, list[str]]:
    first, second = SigningKey.generate(), SigningKey.generate()
    vkeys = [cosigner_vkey(SHARED, key.public_key) for key in (first, second)]
    base = note(5)
    return with_cosignatures(base, cosign(SignedNote.parse(base).text, first, SHARED, 100).line()), vkeys


def test_a_policy_counts_a_witness_only_for_its_own_cosignature() -> None:
    cosigned, vkeys = _cosigned_by_first_only()
    policy = parse_policy(f"witness A {vkeys[0]}\nwitness B {vkeys[1]}\ngroup both all A B\nquorum both\n")
    assert policy.cosigners(cosigned) == ["A"] and not policy.satisfied(policy.cosigners(cosigned))
    trust = WitnessTrust(policy=policy)
    assert not trust.satisfied(trust.cosigners(cosigned)), "B's quorum share was counted for A's line"


def test_witness_keys_given_count_each_key_once() -> None:
    cosigned, vkeys = _cosigned_by_first_only()
    trust = WitnessTrust(tuple(parse_cosigner_vkey(v) for v in vkeys), 2)
    assert not trust.satisfied(trust.cosigners(cosigned))
    assert WitnessTrust(trust.witnesses, 1).satisfied(trust.cosigners(cosigned))


def test_an_unchecked_bundle_is_not_reported_witnessed() -> None:
    """§14: ``witnessed`` says a quorum is shown to have cosigned. Without witness keys nothing is
    shown, so a bundle whose cosignature is forged must not read as witnessed to a tool that
    reads only that member."""
    from pathlib import Path

    from domain.evidence.bundle_verifier import verify_bundle_json

    forged = Path(__file__).resolve().parents[1] / "vectors/witnesses/case-bundle-tampered/cosignature-forged.json"
    report = verify_bundle_json(forged.read_text(encoding="utf-8"))
    assert report.witnesses is not None and report.witnesses["checked"] is False
    assert report.witnesses["witnessed"] is False and report.witnesses["tree_size"] == 34

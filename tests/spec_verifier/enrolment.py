"""docs/spec.md §7.1, written from the spec alone: proof of possession and dual control, for a
ledger whose genesis declares "enrolment": "dual-control"."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.spec_verifier import verifier as v

if TYPE_CHECKING:
    from tests.spec_verifier.verifier import Histories

PROOF_TYPE = "application/vnd.decision-ledger.key-proof+json"
PURPOSE = "decision-ledger/key-proof/v1"
ADDS = {"principal.register": ("public_keys", "proofs"), "principal.add_key": ("public_key", "proof"),
        "principal.rotate_key": ("public_key", "proof"), "principal.rotate_ledger_key": ("public_key", "proof")}


class Enrolment:
    def __init__(self, histories: Histories) -> None:
        self.histories = histories
        self.ledger_id = ""  # set when a genesis declaring the rules is learnt
        self.roles: dict[str, set[str]] = {}
        self.founding = True

    def learn(self, principal: str, intent: dict[str, Any]) -> None:
        """Roles (rule 6) and the genesis's declaration, from an event that held."""
        action, args = intent["action"], intent["args"]
        genesis = not self.roles
        roles = self.roles.setdefault(principal, set())
        if action == "principal.register":
            roles.update(r for r in args.get("roles") or [] if isinstance(r, str))
            if genesis and intent["actor"] == principal and args.get("enrolment") == "dual-control":
                self.ledger_id = principal
        elif action == "principal.grant_role":
            roles.add(str(args.get("role")))
        elif action == "principal.revoke_role":
            roles.discard(str(args.get("role")))
        elif action == "principal.retire":
            roles.clear()

    def signed(self, actor: str) -> None:
        if self.ledger_id and actor != self.ledger_id:
            self.founding = False

    def _proved(self, principal: str, action: str, args: dict[str, Any]) -> tuple[list[Any], str]:
        """The keys an event adds (JWKs), and why their proofs fail (rule 1), or ""."""
        if action not in ADDS:
            return [], ""
        key_member, proof_member = ADDS[action]
        jwks = args.get(key_member) if action == "principal.register" else [args.get(key_member)]
        jwks = jwks if isinstance(jwks, list) else []
        if proof_member not in args:
            return jwks, "a new key must come with its proof of possession"
        proofs = args[proof_member] if action == "principal.register" else [args[proof_member]]
        if not isinstance(proofs, list) or len(proofs) != len(jwks):
            return jwks, "one proof per key"
        for jwk, proof in zip(jwks, proofs, strict=True):
            try:
                public = v.jwk_public(jwk)
                statement = {"keyid": v.key_id(public), "ledger": self.ledger_id, "principal": principal,
                             "purpose": PURPOSE}
                ok = v.ed25519_ok(public, v.b64decode(proof), v.pae(PROOF_TYPE, v.canonical(statement)))
            except v.Refused:
                ok = False
            if not ok:
                return jwks, "the proof does not verify: the new key must sign its own enrolment"
        return jwks, ""

    def refusal(self, principal: str, intent: dict[str, Any], genesis: bool) -> str:
        if genesis or not self.ledger_id:
            return ""
        action, args, actor = intent["action"], intent["args"], intent["actor"]
        if not isinstance(args, dict):
            return ""
        jwks, unproven = self._proved(principal, action, args)
        if unproven:
            return unproven
        history = self.histories.keys.get(principal, {})
        for jwk in jwks:
            try:
                if v.key_id(v.jwk_public(jwk)) in history:
                    return "keys are never reused"
            except v.Refused:
                pass
        if action == "principal.register" and args.get("founding") is True and not (
                actor == self.ledger_id and self.founding):
            return "a founding registration comes from the ledger key at init only"
        keyid = args.get("keyid") if isinstance(args.get("keyid"), str) else ""
        record = history.get(keyid) if keyid else None
        if action == "principal.confirm_key":
            if record is None or not record.pending:
                return "there is no pending key to confirm"
            if actor in (record.proposer, principal):
                return "dual control: confirmed by neither its proposer nor the person"
        if principal == self.ledger_id:
            if action in ("principal.register", "principal.add_key", "principal.rotate_key"):
                return "the ledger's keys change only by principal.rotate_ledger_key"
            if action == "principal.revoke_key" and (record is None or not record.pending):
                return "the ledger's keys change only by principal.rotate_ledger_key"
            if action == "principal.rotate_ledger_key":
                old = history.get(str(args.get("old_keyid")))
                if old is None or old.begin is None or old.end is not None:
                    return "old_keyid is not the ledger's active key"
        elif action == "principal.rotate_ledger_key":
            return "principal.rotate_ledger_key applies to the ledger principal only"
        waits = jwks and actor != principal and args.get("founding") is not True
        if (waits or action in ("principal.confirm_key", "principal.rotate_ledger_key")) \
                and "administrator" not in self.roles.get(actor, set()):
            return "the signer of this key change is not an administrator"
        return ""

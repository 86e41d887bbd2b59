"""Enrolment rules as a verifier applies them (issue 16 point 2; docs/spec.md, "Enrolment";
docs/authority.md). The key-change semantics themselves are :mod:`domain.evidence.keys`, read the
same way by the ledger; this module adds what only a verifier tracks: which ledger declared the
rules, who held the administrator role, and whether the ledger is still being founded."""

from __future__ import annotations

from domain.evidence.errors import LedgerError
from domain.evidence.intent import Intent
from domain.evidence.keys import DUAL_CONTROL, KeyHistory, key_change

ADMINISTRATOR_ROLE = "administrator"


class Enrolment:
    """The enrolment rules (issue 16 point 2; docs/spec.md, "Enrolment"), for a ledger whose
    genesis declares ``"enrolment": "dual-control"``: every new key proves possession; a key
    proposed by someone other than its person is pending until a second administrator, neither
    proposer nor person, confirms it; the ledger's keys change only by ``rotate_ledger_key`` and
    its confirmation; ``founding`` registrations come from the ledger key at init only (before
    any other principal signs). A key event breaking them is a ``key`` break and teaches nothing.
    A ledger without the declaration (v1/v2) keeps its rules: a key counts from its recording."""

    def __init__(self) -> None:
        self.ledger_id = ""  # the genesis principal, once a genesis declaring the rules passed
        self.roles: dict[str, set[str]] = {}
        self.founding = True  # until the first event signed by someone other than the ledger

    def learn(self, aggregate_id: str, intent: Intent) -> None:
        """The genesis's declaration and the roles held, from an event that holds."""
        args = intent.args if isinstance(intent.args, dict) else {}
        genesis = not self.roles  # the first principal event learnt is the genesis
        roles = self.roles.setdefault(aggregate_id, set())
        if intent.action == "principal.register":
            roles.update(r for r in args.get("roles", []) if isinstance(r, str))
            if genesis and str(intent.actor) == aggregate_id and args.get("enrolment") == DUAL_CONTROL:
                self.ledger_id = aggregate_id
        elif intent.action == "principal.grant_role" and isinstance(args.get("role"), str):
            roles.add(args["role"])
        elif intent.action == "principal.revoke_role":
            roles.discard(args.get("role"))  # type: ignore[arg-type]
        elif intent.action == "principal.retire":  # 退休、离职: every role ends (H3 lifetime)
            roles.clear()

    def passed(self, actor: str) -> None:
        if self.ledger_id and actor != self.ledger_id:
            self.founding = False

    def refusal(self, aggregate_id: str, intent: Intent, keys: dict[str, KeyHistory]) -> str:
        """Why a principal's event (its signature holding) breaks the enrolment rules, or ""."""
        if not self.ledger_id or (str(intent.actor) == aggregate_id and intent.action == "principal.register"):
            return ""  # rules not declared, or the genesis itself
        try:
            change = key_change(intent.action, intent.args)
        except LedgerError:
            return ""
        if change is None:
            return ""
        signer = str(intent.actor)
        history = keys.get(aggregate_id, KeyHistory())
        if change.founding and not (signer == self.ledger_id and self.founding):
            return "a founding administrator is registered by the ledger key at init only"
        refusal = history.refusal_of(change, signer, aggregate_id, self.ledger_id,
                                     is_ledger=aggregate_id == self.ledger_id)
        if refusal:
            return refusal
        needs_registrar = change.confirmed or change.replaces or (
            change.added and not KeyHistory.at_once(change, signer, aggregate_id))
        if needs_registrar and ADMINISTRATOR_ROLE not in self.roles.get(signer, set()):
            return f"the signer {signer} of this key change is not an administrator"
        return ""

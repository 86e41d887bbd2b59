"""The state a scenario builds: a ledger, its people, a case driven by its script, and what
the last action did (recorded, or refused with which error) with the store before it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from api.signer import Signer
from domain import clock
from domain.errors import LedgerError
from domain.service.ledger import Ledger, Recorded
from tests.support import CaseScript, NXScript, World, XXScript

Row = tuple[int, str, int, str, bytes]


class Story:
    def __init__(self, ledger: Ledger, manual_clock: clock.ManualClock) -> None:
        self.ledger = ledger
        self.clock = manual_clock
        self.world = World(ledger)
        self.script: CaseScript | None = None
        self.people: dict[str, Signer] = {}
        self.agencies: dict[str, UUID] = {}
        self.materials: dict[str, UUID] = {}
        self.decision_id: UUID | None = None
        self.error: LedgerError | None = None
        self.recorded: Recorded | None = None
        self.before: list[Row] = []
        self.raised: list[Recorded] = []  # what the last deadline sweep recorded

    # --- set-up ------------------------------------------------------------------------------

    def use(self, script: CaseScript) -> CaseScript:
        self.script = script
        self.people.update(script.people())
        self.decision_id = script.decision_id
        return script

    @property
    def nx(self) -> NXScript:
        if not isinstance(self.script, NXScript):
            raise TypeError("this step needs a 宁夏商务厅 case")
        return self.script

    @property
    def xx(self) -> XXScript:
        if not isinstance(self.script, XXScript):
            raise TypeError("this step needs a 息县 case")
        return self.script

    @property
    def case_script(self) -> CaseScript:
        if self.script is None:
            raise AssertionError("the scenario has no case yet")
        return self.script

    def person(self, name: str) -> Signer:
        try:
            return self.people[name]
        except KeyError:
            raise AssertionError(f"no one called {name} in this scenario: {sorted(self.people)}") from None

    def add_person(self, name: str, roles: list[str], unit: str, agency: UUID | None = None) -> Signer:
        signer = self.world.person(name, roles, unit, agency)
        self.people[name] = signer
        return signer

    # --- acting --------------------------------------------------------------------------------

    def rows(self) -> list[Row]:
        """Everything stored, byte for byte, in notification order."""
        return [
            (n.id, str(n.originator_id), n.originator_version, n.topic, bytes(n.state))
            for n in self.ledger.recorder.select_notifications(start=None, limit=1_000_000)
        ]

    def act(self, signer: Signer, action: str, args: dict[str, Any], target: UUID | None = None) -> None:
        """Try an action; remember what happened, and the store as it was before."""
        self.before = self.rows()
        try:
            self.recorded = self.world.do(signer, action, target or self.case_script.case_id, args)
            self.error = None
        except LedgerError as error:
            self.recorded = None
            self.error = error

    def run(self, step: str) -> None:
        """Take one of the script's steps, as the script's own actor, remembering the outcome."""
        self.before = self.rows()
        try:
            self.recorded = self.case_script.step(step).run()
            self.error = None
        except LedgerError as error:
            self.recorded = None
            self.error = error

    def require_success(self) -> None:
        """For set-up steps: the action must have been recorded."""
        if self.error is not None:
            raise AssertionError(f"set-up step refused: {self.error}")

    # --- reading --------------------------------------------------------------------------------

    @property
    def case(self) -> Any:
        return self.ledger.get_case(self.case_script.case_id)

    def findings(self, source: str = "rule") -> list[dict[str, Any]]:
        return [f for f in self.case.findings if f["source"] == source]

    def name_of(self, principal_id: UUID) -> str:
        for name, signer in self.people.items():
            if signer.principal_id == principal_id:
                return name
        return str(principal_id)

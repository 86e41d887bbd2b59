"""`decision-ledger demo`: realistic cases under both texts, each action signed by its actor.

* An NX case (宁夏回族自治区商务厅) run end to end through NX-10's four steps: trigger grounds,
  team, a plan with the five NX-10(1) parts, approval by the 厅务会议, an entrusted university
  that engages one outside expert, materials collected and one excluded with its reason, an
  online questionnaire and a forum with stakeholders, evidence closed, preliminary conclusion,
  a report with all NX-7 sections, expert review, finalised, submitted to the decision organ
  (NX-12b), ruling "adjust" with mitigation measures (NX-14).
* An XX case (息县) on the simplified procedure (XX-15) through justice review and county
  approval (XX-13(4)) to publication with classified material withheld (XX-17).
* An NX case with misconduct the rules flag and an inspector finds (:mod:`api.demo_cases`).
* An XX decision made in the 县政府常务会议 with one member dissenting, found seriously wrong by
  its evaluation, and the accountability procedure that followed (:mod:`api.demo_fault`).

Every demo person gets their own key file under the keys directory; each action is signed by
loading that person's file. A classified material's content is sealed with a fresh data key of
the key store (``KEYS/secrets/``) before it is signed, as the signing client does (NX-15, XX-22).
Running the demo again adds a second set of people and cases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from api.demo_cases import DemoCases, _digest
from api.demo_cast import (
    FAULT_PEOPLE,
    MISCONDUCT_PEOPLE,
    NX_PEOPLE,
    ORGANISATIONS,
    XX_PEOPLE,
    PersonSpec,
)
from api.demo_fault import DemoFault
from api.keyfiles import write_key, write_private
from api.signer import Signer
from api.store.secrets import Keystore
from domain.errors import Refused
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey
from domain.model import process_record
from domain.model.sealing import MATERIAL_FIELDS, Place, seal
from domain.service.ledger import Ledger

DEMO_INFO_FILE = "demo.json"
INSPECTOR = "kong_deming"  # 孔德明, the discipline inspector of the demo


@dataclass
class DemoResult:
    keys_dir: Path
    cases: list[dict[str, Any]] = field(default_factory=list)
    people: dict[str, str] = field(default_factory=dict)  # name → principal id
    handles: dict[str, str] = field(default_factory=dict)  # key file stem → principal id
    events: int = 0  # stored: the people's signed events and the ledger's findings
    organisations: dict[str, str] = field(default_factory=dict)  # name → organisation id

    def to_json(self) -> dict[str, Any]:
        return {
            "keys_dir": str(self.keys_dir),
            "events": self.events,
            "cases": self.cases,
            "people": self.people,
            "handles": self.handles,
            "organisations": self.organisations,
        }

    def save(self) -> Path:
        """Write ``demo.json`` beside the key files: who is who, for signing in as them later."""
        path = self.keys_dir / DEMO_INFO_FILE
        write_private(path, (json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
        return path


class Demo(DemoCases, DemoFault):
    def __init__(
        self,
        ledger: Ledger,
        administrator: Signer,
        keys_dir: Path,
        progress: Callable[[str], None] = lambda _: None,
        *,
        secrets: Keystore,
        confirmer: Signer,
    ) -> None:
        self.ledger = ledger
        self.secrets = secrets
        self.admin = administrator
        #: the second administrator, who confirms every key the first registers (dual control)
        self.confirmer = confirmer
        self.keys_dir = keys_dir
        self.progress = progress
        self.people: dict[str, Signer] = {}
        self.agencies: dict[str, UUID] = {}
        self.organisations: dict[str, UUID] = {}
        self.result = DemoResult(keys_dir)

    # --- helpers --------------------------------------------------------------------------

    def _do(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> None:
        if action == "case.collect_material" and args["classification"] != "none":
            args = self._sealed(target, args)
        if action == "case.finalise_report":  # issue 18: the client binds the 全过程记录 (NX-10(4))
            args = {**args, "process_record_digest": process_record.current_digest(
                self.ledger.get_case(target), process_record.names_from(self.ledger))}
        self.ledger.submit(signer.sign(action, target, self.ledger.version_of(target), args).to_json())

    def _sealed(self, case: UUID, args: dict[str, Any]) -> dict[str, Any]:
        """A classified material's content sealed under a fresh data key before it is signed,
        as the signing client does (NX-15, XX-22)."""
        kid, key = self.secrets.create()
        content = {name: args[name] for name in MATERIAL_FIELDS}
        clear = {k: v for k, v in args.items() if k not in MATERIAL_FIELDS}
        return {**clear, "sealed": seal(key, kid, content, Place(case, UUID(args["material_id"])))}

    def _enrol(self, spec: PersonSpec) -> Signer:
        """Generate the person's key into their own file, register the public half with the
        key's proof of possession, have the second administrator confirm it (dual control, issue
        16 point 2), and from then on sign as them by reading that file."""
        path = self.keys_dir / f"{spec.handle}.pem"
        write_key(path, SigningKey.generate())
        principal_id = uuid4()
        key = Signer.from_key_file(principal_id, path).key
        args: dict[str, Any] = {
            "identifier": f"DEMO-{str(principal_id)[:8]}",  # a demo run again adds namesakes: told apart
            "kind": "person",
            "name": spec.name,
            "proofs": [make_proof(key, str(self.ledger.genesis().ledger_id), str(principal_id))],
            "public_keys": [key.public_key.jwk],
            "roles": list(spec.roles),
            "title": spec.title,
            "unit": spec.unit,
        }
        if spec.agency:
            args["agency_id"] = str(self.agencies[spec.agency])
        if "agency_staff" in spec.roles:  # issue 18 — outsourcing: staff come with evidence of employment
            args["employment"] = {"document": "labour_contract", "digest": _digest(f"劳动合同：{spec.name}")}
        if spec.organisation:
            args["organisation_id"] = str(self.organisations[spec.organisation])
        self._do(self.admin, "principal.register", principal_id, args)
        self._do(self.confirmer, "principal.confirm_key", principal_id, {"keyid": key.keyid})
        signer = Signer.from_key_file(principal_id, path, spec.name)
        self.people[spec.handle] = signer
        self.result.people[spec.name] = str(principal_id)
        self.result.handles[spec.handle] = str(principal_id)
        return signer

    def _refused(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> Refused:
        """An attempt the rules refuse; the demo records it to show what the ledger keeps."""
        try:
            self._do(signer, action, target, args)
        except Refused as refusal:
            return refusal
        raise RuntimeError(f"{action} was expected to be refused")

    def _case_summary(self, case_id: UUID) -> dict[str, Any]:
        case = self.ledger.get_case(case_id)
        return {
            "id": str(case_id),
            "jurisdiction": case.jurisdiction,
            "title": case.title,
            "decision_id": str(case.decision_id),
            "phase": case.phase.value,
            "version": case.version,
            "findings": [f["rule"] for f in case.findings],
        }

    # --- the scenario ----------------------------------------------------------------------

    def run(self) -> DemoResult:
        before = self.ledger.recorder.max_notification_id() or 0
        self._run()
        self.result.events = (self.ledger.recorder.max_notification_id() or 0) - before
        self.result.organisations = {o.name: str(self.organisations[o.handle]) for o in ORGANISATIONS}
        self.result.save()
        return self.result

    def _run(self) -> None:
        self.progress("registering the organisations: 宁夏回族自治区商务厅, 息县人民政府, their units and bodies")
        for organisation in ORGANISATIONS:
            self.organisations[organisation.handle] = organisation_id = uuid4()
            args: dict[str, Any] = {"kind": organisation.kind, "name": organisation.name}
            if organisation.parent:
                args["parent_id"] = str(self.organisations[organisation.parent])
            if organisation.jurisdiction:
                args["jurisdiction"] = organisation.jurisdiction
            self._do(self.admin, "organisation.register", organisation_id, args)
        self.progress("registering the entrusted agency and the NX people")
        nxu = uuid4()
        self._do(
            self.admin,
            "agency.register",
            nxu,
            {
                "address": "宁夏银川市西夏区贺兰山西路489号",
                "credit_code": "12640000455380040F",
                "kind": "university",
                "name": "宁夏大学经济管理学院",
            },
        )
        self.agencies["nxu"] = nxu
        for spec in NX_PEOPLE:
            self._enrol(spec)
        self.progress("recording the NX case (宁夏回族自治区商务厅)")
        self.result.cases.append(self._case_summary(self.nx_case()))
        self.progress("registering the XX people")
        for spec in XX_PEOPLE:
            self._enrol(spec)
        self.progress("recording the XX case (息县, simplified procedure)")
        self.result.cases.append(self._case_summary(self.xx_case()))
        self.progress("recording a 息县 decision made in a collective discussion with one dissent, found "
                      "seriously wrong, and the accountability that followed")
        for spec in FAULT_PEOPLE:
            self._enrol(spec)
        fault = self.fault_case()
        self.progress("recording a third NX case, with misconduct the rules flag and an inspector finds")
        huaxin = uuid4()
        self._do(self.admin, "agency.register", huaxin, {
            "address": "宁夏银川市金凤区北京中路168号", "credit_code": "91640100MA76H2XK3Q",
            "kind": "consultancy", "name": "宁夏华信工程咨询有限公司",
        })
        self.agencies["huaxin"] = huaxin
        for spec in MISCONDUCT_PEOPLE:
            self._enrol(spec)
        self.result.cases.append(self._case_summary(self.misconduct_case()))  # the last events of the store
        self.result.cases.append(self._case_summary(fault))  # listed fourth, recorded before the third


def demo_keys_dir(keys_root: Path) -> Path:
    stamp = datetime.now(tz=UTC).strftime("%Y%m%dT%H%M%S")
    return keys_root.resolve() / "demo" / f"{stamp}-{uuid4().hex[:6]}"

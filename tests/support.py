"""Test helpers: people with their own keys, and cases driven step by step.

`World` wraps a ledger with an administrator; `NXScript` and `XXScript` know every step of
their text's procedure in order, so a test can take a case to just before a step and try it.
"""

from __future__ import annotations

import hashlib
import os
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, ClassVar
from uuid import UUID, uuid4

from api.signer import Signer
from domain import clock
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey
from domain.model import process_record as pr
from domain.model.calendar import china_date
from domain.model.sealing import KEY_BYTES, MATERIAL_FIELDS, Place, seal
from domain.service.ledger import Ledger, NewPrincipal, Recorded

NX_UNIT = "宁夏回族自治区商务厅对外贸易处"
XX_UNIT = "息县住房和城乡建设局"


def today(offset_days: int = 0) -> str:
    """A date in China Standard Time relative to the ledger's clock, as the texts count days."""
    return str(china_date(clock.now()) + timedelta(days=offset_days))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


class MemoryKeyRing:
    """Data keys in memory, for tests: what ``api.store.secrets.Keystore`` keeps in files."""

    def __init__(self) -> None:
        self.keys: dict[str, bytes] = {}
        self.shredded: set[str] = set()

    def create(self) -> tuple[str, bytes]:
        kid, key = str(uuid4()), os.urandom(KEY_BYTES)
        self.keys[kid] = key
        return kid, key

    def data_key(self, kid: str) -> bytes | None:
        return self.keys.get(kid)

    def is_shredded(self, kid: str) -> bool:
        return kid in self.shredded

    def destroy(self, kid: str) -> bool:
        self.shredded.add(kid)
        return self.keys.pop(kid, None) is not None


def seal_material(keyring: Any, case_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """A classified material's arguments with its content sealed, as a client signs them."""
    if args.get("classification", "none") == "none" or not all(k in args for k in MATERIAL_FIELDS):
        return args
    kid, key = keyring.create()
    content = {k: args[k] for k in MATERIAL_FIELDS}
    clear = {k: v for k, v in args.items() if k not in MATERIAL_FIELDS}
    return {**clear, "sealed": seal(key, kid, content, Place(case_id, UUID(args["material_id"])))}


class World:
    # issue 20 — sm3, sm2: a ledger hashing with SM3; a ledger key with an SM2 companion (checkpoint lines)
    def __init__(self, ledger: Ledger, hash_suite: str = "sha256", ledger_sm2: bool = False) -> None:
        self.ledger = ledger
        self.keyring = MemoryKeyRing()
        ledger.keyring = self.keyring
        self.ledger_key = SigningKey.generate()
        if ledger_sm2:  # issue 20 — sm2
            from domain.evidence.sm2_keys import Sm2SigningKey

            self.ledger_key.sm2_companion = Sm2SigningKey.generate()  # type: ignore[attr-defined]
        admin_key, second_key = SigningKey.generate(), SigningKey.generate()
        genesis = ledger.initialise(
            self.ledger_key, NewPrincipal.holding("系统管理员", "信息中心", admin_key),
            NewPrincipal.holding("复核管理员", "信息中心", second_key),
            hash_suite=hash_suite,
        )
        self.genesis = genesis
        self.admin = Signer(genesis.administrator_id, admin_key, "系统管理员")
        #: the second registrar, who confirms the keys the first proposes (dual control)
        self.second_admin = Signer(genesis.administrator_ids[1], second_key, "复核管理员")
        self._namesakes: dict[tuple[str, str], int] = {}

    def propose_ledger_key(self) -> SigningKey:
        """The administrator proposes a new ledger key (``principal.rotate_ledger_key``, with its
        proof of possession): the key proposed, not yet confirmed."""
        ledger_id, new = self.genesis.ledger_id, SigningKey.generate()
        self.do(self.admin, "principal.rotate_ledger_key", ledger_id, {
            "old_keyid": (self.ledger.ledger_key or self.ledger_key).keyid, "public_key": new.public_key.jwk,
            "proof": self.proof(new, ledger_id)})
        return new

    def rotate_ledger_key(self, manual_clock: clock.ManualClock) -> tuple[SigningKey, SigningKey]:
        """The two administrators rotate the ledger key (propose, 5 s, confirm) and the operator
        restarts with the new ledger.pem: the retired key and the new one."""
        old, new = self.ledger.ledger_key or self.ledger_key, self.propose_ledger_key()
        manual_clock.advance(timedelta(seconds=5))
        self.do(self.second_admin, "principal.confirm_key", self.genesis.ledger_id, {"keyid": new.keyid})
        self.ledger.ledger_key = new
        return old, new

    def proof(self, key: SigningKey, principal_id: UUID) -> str:
        """The new key's proof of possession for its enrolment to ``principal_id``."""
        return make_proof(key, str(self.genesis.ledger_id), str(principal_id))

    def enrol(self, args: dict[str, Any], key: SigningKey, principal_id: UUID | None = None) -> Signer:
        """Register a person with ``key`` (its proof added) and have the second administrator
        confirm it: dual control (issue 16 point 2)."""
        principal_id = principal_id or uuid4()
        self.do(self.admin, "principal.register", principal_id, {**args, "proofs": [self.proof(key, principal_id)]})
        self.do(self.second_admin, "principal.confirm_key", principal_id, {"keyid": key.keyid})
        return Signer(principal_id, key, args["name"])

    def do(self, signer: Signer, action: str, target: UUID, args: dict[str, Any]) -> Recorded:
        return signer.act(self.ledger, action, target, args)

    def person(
        self,
        name: str,
        roles: list[str],
        unit: str = NX_UNIT,
        agency_id: UUID | None = None,
    ) -> Signer:
        key = SigningKey.generate()
        args: dict[str, Any] = {
            "kind": "person",
            "name": name,
            "public_keys": [key.public_key.jwk],
            "roles": roles,
            "unit": unit,
        }
        if agency_id:
            args["agency_id"] = str(agency_id)
        if "agency_staff" in roles:  # issue 18 — outsourcing: registered with evidence of employment
            args["employment"] = {"document": "labour_contract", "digest": digest(f"劳动合同：{name}")}
        seen = self._namesakes[(name, unit)] = self._namesakes.get((name, unit), 0) + 1
        if seen > 1:  # a second script's namesake in the same unit: a staff number tells them apart
            args["identifier"] = f"GH-{seen:04d}"
        return self.enrol(args, key)

    def organisation(self, name: str, kind: str, parent: UUID | None = None, jurisdiction: str | None = None) -> UUID:
        """An organisation registered by the administrator, under ``parent`` if given, naming
        the text its decisions are evaluated under if ``jurisdiction`` is given."""
        organisation_id = uuid4()
        args: dict[str, Any] = {"name": name, "kind": kind}
        if parent is not None:
            args["parent_id"] = str(parent)
        if jurisdiction is not None:
            args["jurisdiction"] = jurisdiction
        self.do(self.admin, "organisation.register", organisation_id, args)
        return organisation_id

    def member(self, name: str, roles: list[str], organisation_id: UUID, unit: str) -> Signer:
        """A person enrolled as a member of an organisation, with their own key."""
        key = SigningKey.generate()
        return self.enrol({"kind": "person", "name": name, "public_keys": [key.public_key.jwk],
                           "roles": roles, "unit": unit, "organisation_id": str(organisation_id)}, key)

    def agency(self, name: str = "宁夏大学经济管理学院") -> UUID:
        agency_id = uuid4()
        self.do(
            self.admin,
            "agency.register",
            agency_id,
            {"name": name, "kind": "university", "credit_code": "12640000455380040F"},
        )
        return agency_id

    def decision(self, jurisdiction: str, by: Signer, *, demonstrators: bool = True) -> UUID:
        """A registered decision; with its pre-decision demonstrators recorded as none
        (无承担主要论证工作的专家、机构: NX-8, 713-36) unless ``demonstrators=False``."""
        decision_id = uuid4()
        self.do(
            by,
            "decision.register",
            decision_id,
            {
                "jurisdiction": jurisdiction,
                "title": "关于支持跨境电子商务加快发展的若干措施",
                "document_number": "宁商规发〔2021〕3号" if jurisdiction == "NX" else "息政〔2020〕12号",
                "organ": "宁夏回族自治区商务厅" if jurisdiction == "NX" else "息县人民政府",
                "decided_on": "2021-06-18",
                "purpose": "扩大跨境电商进出口规模",
            },
        )
        if demonstrators:  # issue 18 — avoidance: a case opens only once the list (or none) is recorded
            self.do(by, "decision.record_demonstrators", decision_id, {"none": True})
        return decision_id


@dataclass
class Step:
    name: str
    run: Callable[[], Recorded]


class CaseScript(ABC):
    """A case and its people; `steps` in the text's order."""

    jurisdiction = ""
    PLAN: ClassVar[dict[str, str]]
    SECTIONS: ClassVar[dict[str, str]]
    ITEMS: ClassVar[list[str]]
    decision_id: UUID
    lead: Signer
    member: Signer  # of the lead unit; keeps the decision's records (its demonstrators)

    def __init__(self, world: World) -> None:
        self.world = world
        self.case_id = uuid4()
        self.report_id = uuid4()
        self.draft_id = uuid4()
        self.material_id = uuid4()
        self.forum_id = uuid4()
        self.done: list[str] = []

    def people(self) -> dict[str, Signer]:
        """The script's people, by name."""
        return {v.name: v for v in vars(self).values() if isinstance(v, Signer)}

    @abstractmethod
    def steps(self) -> list[Step]:
        """The text's steps, in order."""

    def step(self, name: str) -> Step:
        for candidate in self.steps():
            if candidate.name == name:
                return candidate
        raise KeyError(name)

    def advance_to(self, name: str) -> CaseScript:
        """Run every step before `name` (not `name` itself)."""
        for candidate in self.steps():
            if candidate.name == name:
                return self
            if candidate.name not in self.done:
                candidate.run()
                self.done.append(candidate.name)
        raise KeyError(name)

    def run_all(self) -> CaseScript:
        for candidate in self.steps():
            if candidate.name not in self.done:
                candidate.run()
                self.done.append(candidate.name)
        return self

    def do(self, signer: Signer, action: str, args: dict[str, Any]) -> Recorded:
        return self.world.do(signer, action, self.case_id, args)

    @property
    def case(self) -> Any:
        return self.world.ledger.get_case(self.case_id)

    # shared step bodies -----------------------------------------------------------------

    def material_args(self, material_id: UUID | None = None, *, sealed: bool = True, **changes: Any) -> dict[str, Any]:
        """A material's arguments; a classified one's content sealed, as a client signs it,
        unless ``sealed=False`` (what the ledger refuses, NX-15 / XX-22)."""
        args = {
            "material_id": str(material_id or self.material_id),
            "title": "2021年度全区跨境电商进出口统计数据",
            "source": "银川海关",
            "stance": "neutral",
            "classification": "work_secret",
            "period": "after",
            "digest": digest("统计数据"),
            "summary": "全年进出口额增长18.6%",
        }
        args.update(changes)
        return seal_material(self.world.keyring, self.case_id, args) if sealed else args

    def forum_args(self, meeting_id: UUID | None = None) -> dict[str, Any]:
        return {
            "meeting_id": str(meeting_id or self.forum_id),
            "held_on": "2022-09-08",
            "place": "银川综合保税区会议室",
            "participants": [{"name": "企业代表", "affiliation": "企业", "stakeholder": True}],
            "summary": "企业反映申报材料多",
        }

    def report_args(self, sections: dict[str, str], key: str, item_id: UUID) -> dict[str, Any]:
        return {key: str(item_id), "sections": sections, "digest": digest(str(sections))}

    # issue 18 — the report records the whole process (NX-10(4)); texts bound to its digest
    def process_digest(self) -> str:
        """The digest of the case's 全过程记录 as it stands, as the evaluator's client computes it."""
        return pr.current_digest(self.case, pr.names_from(self.world.ledger))

    def report_digest(self) -> str:
        """The digest of the case's finalised report, which approval, ruling and publication name."""
        report = self.case.report
        return str(report["digest"]) if report else digest(str(self.SECTIONS))

    def channels(self) -> list[dict[str, str]]:
        """Where results are published: XX-17's two channels; NX names none, the 厅's site here."""
        if self.jurisdiction == "XX":
            return XX_CHANNELS
        return [{"channel": "unit_site", "url": "http://swt.nx.gov.cn/pgbg/1.html"}]


class NXScript(CaseScript):
    jurisdiction = "NX"
    SECTIONS: ClassVar[dict[str, str]] = {f"NX-7({i})": f"第{i}部分内容" for i in range(1, 6)}
    PLAN: ClassVar[dict[str, str]] = {
        "purpose": "评估目的",
        "scope": "评估范围",
        "methods": "评估方法",
        "procedure_and_schedule": "程序与时间安排",
        "budget": "经费预算12万元",
    }

    TASKS: ClassVar[list[str]] = ["materials", "survey", "forum", "analysis", "report_drafting"]
    ITEMS: ClassVar[list[str]] = ["NX-6(1)", "NX-6(2)"]

    def __init__(self, world: World) -> None:
        super().__init__(world)
        self.approval_date: str | None = None  # the date the organ states; default: today
        w = world
        self.lead = w.person("马晓东", ["lead_unit"], NX_UNIT)
        self.member = w.person("李娜", ["lead_unit"], NX_UNIT)
        self.organ = w.person("赵敏", ["decision_organ"], "宁夏回族自治区商务厅办公室")
        self.agency_id = w.agency()
        self.agency_staff = w.person("杨帆", ["agency_staff"], "宁夏大学", self.agency_id)
        self.expert = w.person("马建国", ["expert"], "宁夏社会科学院")
        self.decision_id = w.decision("NX", self.member)

    def steps(self) -> list[Step]:
        return [
            Step("open", lambda: self.do(self.lead, "case.open", {
                "decision_id": str(self.decision_id), "jurisdiction": "NX",
                "title": "跨境电商若干措施后评估", "lead_unit": NX_UNIT,
                "grounds": ["NX-4(2)"], "ground_statement": "增幅低于预期",
            })),
            Step("form_team", lambda: self.do(self.lead, "case.form_team", {"members": [
                {"principal_id": str(self.lead.principal_id), "team_role": "leader"},
                {"principal_id": str(self.member.principal_id), "team_role": "member"},
            ]})),
            Step("submit_plan", lambda: self.do(self.member, "case.submit_plan", {
                "parts": self.PLAN, "content_items": self.ITEMS,
            })),
            Step("approve_evaluation", lambda: self.do(self.organ, "case.approve_evaluation", {
                "body": "office_meeting", "meeting": "2022年第15次厅务会议",
                "decided_on": self.approval_date or today(),
            })),
            Step("entrust_agency", lambda: self.do(self.lead, "case.entrust_agency", {
                "agency_id": str(self.agency_id), "tasks": self.TASKS, "scope": ["问卷调查、座谈会、资料收集与分析、起草报告"],
                "agreement_ref": "委〔2022〕07号",
            })),
            Step("engage_expert", lambda: self.do(self.agency_staff, "case.engage_expert", {
                "expert_id": str(self.expert.principal_id), "field": "国际贸易",
                "agency_id": str(self.agency_id),
            })),
            Step("collect_material", lambda: self.do(self.agency_staff, "case.collect_material", self.material_args())),
            Step("hold_forum", lambda: self.do(self.agency_staff, "case.hold_forum", self.forum_args())),
            Step("close_evidence", lambda: self.do(self.lead, "case.close_evidence", {})),
            Step("draw_conclusion", lambda: self.do(self.agency_staff, "case.draw_conclusion", {
                "conclusion": "总体有效但未达预期",
            })),
            Step("draft_report", lambda: self.do(
                self.agency_staff, "case.draft_report", self.report_args(self.SECTIONS, "draft_id", self.draft_id)
            )),
            Step("give_expert_opinion", lambda: self.do(self.expert, "case.give_expert_opinion", {
                "draft_id": str(self.draft_id), "opinion": "agree", "comments": "同意",
            })),
            Step("finalise_report", lambda: self.do(self.lead, "case.finalise_report", {
                **self.report_args(self.SECTIONS, "report_id", self.report_id), "recommendation": "adjust",
                "addressed_items": self.ITEMS, "process_record_digest": self.process_digest(),
            })),
            Step("submit_report", lambda: self.do(self.lead, "case.submit_report", {
                "report_id": str(self.report_id), "recommendation": "adjust", "note": "提请审议",
                "report_digest": self.report_digest(),
            })),
            Step("record_ruling", lambda: self.do(self.organ, "case.record_ruling", {
                "report_id": str(self.report_id), "ruling": "adjust", "body": "office_meeting",
                "meeting": "2022年第21次厅务会议", "measures": ["过渡期六个月"],
                "report_digest": self.report_digest(),
            })),
            Step("publish_results", lambda: self.do(self.lead, "case.publish_results", {
                "report_id": str(self.report_id), "report_digest": self.report_digest(),
                "channels": self.channels(),
                "summary": "评估结论：调整执行", "withheld_material_ids": [str(self.material_id)],
            })),
        ]


#: issue 18 — XX-17: 县政府门户网站 and 本单位网站
XX_CHANNELS = [
    {"channel": "county_portal", "url": "http://www.xixian.gov.cn/pgbg/1.html"},
    {"channel": "unit_site", "url": "http://xxfgw.xixian.gov.cn/pgbg/1.html"},
]


class XXScript(CaseScript):
    jurisdiction = "XX"
    ITEMS: ClassVar[list[str]] = ["XX-8(2)", "XX-8(4)"]
    SIMPLIFIED_ITEMS: ClassVar[list[str]] = [f"XX-8({i})" for i in range(1, 7)]  # issue 18 — XX-8 (simplified)
    SECTIONS: ClassVar[dict[str, str]] = {f"XX-14({i})": f"第{i}部分内容" for i in range(1, 5)}
    PLAN: ClassVar[dict[str, str]] = {
        "purpose": "目的",
        "object_and_content": "对象与内容",
        "standard_and_method": "标准与方法",
        "steps_and_schedule": "步骤与时间安排",
        "budget": "经费预算",
        "organisational_support": "组织保障",
    }

    def __init__(self, world: World, simplified: bool = False) -> None:
        super().__init__(world)
        w = world
        self.simplified = simplified
        self.lead = w.person("陈建华", ["lead_unit"], XX_UNIT)
        self.member = w.person("孙丽", ["lead_unit"], XX_UNIT)
        self.expert = w.person("周丽", ["expert"], "信阳师范大学")
        self.justice = w.person("黄志刚", ["justice_reviewer"], "息县司法局")
        self.county = w.person("吴涛", ["decision_organ"], "息县人民政府办公室")
        self.decision_id = w.decision("XX", self.member)
        self.baseline_id = uuid4()  # issue 18 — evidence: XX-12(1) 实施前后的信息

    def open_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "decision_id": str(self.decision_id), "jurisdiction": "XX",
            "title": "农村生活垃圾治理实施方案后评估", "lead_unit": XX_UNIT,
            "grounds": ["XX-9(3)"], "ground_statement": "群众意见较多",
        }
        if self.simplified:
            args.update(procedure="simplified", simplified_reason="关注点集中，座谈会和网上问卷即可")
        return args

    def steps(self) -> list[Step]:
        preparation = [
            Step("form_team", lambda: self.do(self.lead, "case.form_team", {"members": [
                {"principal_id": str(self.lead.principal_id), "team_role": "leader"},
                {"principal_id": str(self.member.principal_id), "team_role": "member"},
                {"principal_id": str(self.expert.principal_id), "team_role": "member",
                 "affiliation": "sector_expert"},
            ]})),
            Step("submit_plan", lambda: self.do(self.member, "case.submit_plan", {
                "parts": self.PLAN, "content_items": self.ITEMS,
            })),
            Step("prepare_survey", lambda: self.do(self.member, "case.prepare_survey", {
                "outline": "调查提纲", "questionnaire_title": "满意度问卷", "questions": ["您是否满意？"],
            })),
        ]
        review = [
            Step("give_expert_opinion", lambda: self.do(self.expert, "case.give_expert_opinion", {
                "draft_id": str(self.draft_id), "opinion": "agree", "comments": "同意",
            })),
        ]
        return [
            Step("open", lambda: self.do(self.lead, "case.open", self.open_args())),
            *([] if self.simplified else preparation),
            Step("collect_material", lambda: self.do(self.member, "case.collect_material", self.material_args(
                classification="personal_privacy"))),
            # issue 18 — evidence: XX-12(1) information from before the implementation as well as after
            Step("collect_baseline", lambda: self.do(self.member, "case.collect_material", self.material_args(
                self.baseline_id, title="决策实施前农村生活垃圾处理情况", source="息县住房和城乡建设局",
                classification="none", period="before", digest=digest("实施前情况"),
                summary="实施前农村生活垃圾集中处理率不足三成"))),
            Step("hold_forum", lambda: self.do(self.lead, "case.hold_forum", self.forum_args())),
            Step("close_evidence", lambda: self.do(self.lead, "case.close_evidence", {})),
            Step("draw_conclusion", lambda: self.do(self.member, "case.draw_conclusion", {
                "conclusion": "目标基本实现",
            })),
            Step("draft_report", lambda: self.do(
                self.member, "case.draft_report", self.report_args(self.SECTIONS, "draft_id", self.draft_id)
            )),
            *([] if self.simplified else review),
            Step("finalise_report", lambda: self.do(self.lead, "case.finalise_report", {
                **self.report_args(self.SECTIONS, "report_id", self.report_id), "recommendation": "continue",
                # issue 18 — XX-8 applies to simplified cases: with no plan, every item is addressed
                "addressed_items": self.SIMPLIFIED_ITEMS if self.simplified else self.ITEMS,
                "process_record_digest": self.process_digest(),
            })),
            Step("pass_justice_review", lambda: self.do(self.justice, "case.pass_justice_review", {
                "report_id": str(self.report_id), "opinion": "合法",
            })),
            Step("approve_report", lambda: self.do(self.county, "case.approve_report", {
                "report_id": str(self.report_id), "body": "county_government", "meeting": "县政府第36次常务会议",
                "report_digest": self.report_digest(),
            })),
            Step("publish_results", lambda: self.do(self.lead, "case.publish_results", {
                "report_id": str(self.report_id), "report_digest": self.report_digest(),
                "channels": self.channels(),
                "summary": "继续实施", "withheld_material_ids": [str(self.material_id)],
            })),
        ]


@dataclass(frozen=True)
class Projected:
    """A ledger on a SQLite file, its world of people, its projector (read models) and the clock."""

    ledger: Ledger
    world: World
    projector: Any
    clock: clock.ManualClock

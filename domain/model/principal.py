"""Principal: a person or unit that signs ledger events, with roles and keys over time."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from uuid import UUID

from domain.errors import Conflict, MalformedInput, NotFound, NotPermitted
from domain.evidence.keys import KeyChange, KeyHistory, KeyRecord, key_change
from domain.evidence.signing import PublicKey
from domain.evidence.times import format_time
from domain.model import criticism, eligibility, outsourcing, registration
from domain.model.acts import Act
from domain.model.agency import Agency
from domain.model.aggregate import Context, LedgerAggregate, LedgerCreated, LedgerEvent
from domain.model.commands import eligibility as ec
from domain.model.commands.eligibility import RevokeExpertEligibility
from domain.model.commands.principal import (
    AddKey,
    ConfirmKey,
    GrantRole,
    RegisterPrincipal,
    RenamePrincipal,
    RetirePrincipal,
    RevokeKey,
    RevokeRole,
    RotateKey,
    RotateLedgerKey,
    TransferPrincipal,
)
from domain.model.vocabulary import PrincipalKind, Role


class Principal(LedgerAggregate):
    """人员 — who may sign. A principal's record is never closed (XX-18): roles are revoked and
    keys retired, but the history stays."""

    TOPIC = "decision-ledger/Principal/v1"

    def __init__(self) -> None:
        self.name = ""
        self.kind = PrincipalKind.PERSON.value
        self.unit = ""
        self.title = ""
        self.agency_id: UUID | None = None
        self.organisation_id: UUID | None = None
        #: the organisations the person belonged to, in order: organisation_id, unit, from, until
        self.memberships: list[dict[str, Any]] = []
        self.identifier = ""  # staff number (工号) or ID suffix, telling namesakes apart
        self.roles: list[str] = []
        self.role_history: list[dict[str, Any]] = []
        self.key_history = KeyHistory()
        #: 更名: the names the person bore before, in order: name, until, reason (H3 lifetime)
        self.former_names: list[dict[str, Any]] = []
        #: 退休、离职: departure ("retired"/"left"), at, by, reason; None while in service
        self.retired: dict[str, Any] | None = None
        #: 取消评估资格 of an expert (国令第713号第四十一条): no evaluation engages them again
        self.eligibility_revoked: dict[str, Any] | None = None
        self.criticisms: dict[str, dict[str, Any]] = {}  # 通报批评、责令限期整改 (713-41), by id
        #: issue 18 — outsourcing: an agency staff member's evidence of employment (document, digest,
        #: recorded_at); None for anyone else, and for agency staff registered before it was asked for
        self.employment: dict[str, Any] | None = None

    # --- queries --------------------------------------------------------------------------

    @property
    def status(self) -> str:
        """在职 ("active"), or how they left: "retired" (退休) or "left" (离职)."""
        return str(self.retired["departure"]) if self.retired else "active"

    def retired_refusal(self, moment: datetime) -> str:
        """Why this person may not sign at ``moment`` because they retired or left, or ""."""
        if self.retired is None or moment < self.retired["at"]:
            return ""
        zh = "已退休" if self.retired["departure"] == "retired" else "已离职"
        return (f"{self.name}{zh}（{format_time(self.retired['at'])}），不能再签署任何操作；其终身责任链仍可查阅 / "
                f"{self.name} {self.status} at {format_time(self.retired['at'])} and signs nothing more; "
                "their lifetime chain stays readable (XX-18)")

    def has_role(self, role: Role) -> bool:
        return role.value in self.roles

    def belonged_at(self, moment: datetime) -> UUID | None:
        """The organisation the person belonged to at this moment (None: before organisations
        were recorded for them)."""
        for membership in reversed(self.memberships):
            if membership["from"] <= moment:
                return cast(UUID, membership["organisation_id"])
        return None

    def key(self, keyid: str) -> KeyRecord | None:
        return self.key_history.keys.get(keyid)

    def key_active_at(self, keyid: str, moment: datetime) -> bool:
        return self.key_history.active_at(keyid, moment)

    # --- commands -------------------------------------------------------------------------

    @classmethod
    def register(cls, act: Act[RegisterPrincipal], ctx: Context) -> Principal:
        """登记人员: an administrator registers a person with roles and keys. The keys are the
        person's first, so they stay pending until a second administrator confirms them (dual
        control, issue 16 point 2); only ``init`` registers the first administrators at once."""
        command = act.command
        if Role.LEDGER in command.roles:
            raise NotPermitted("账本角色只属于账本自己的密钥，在初始化时设定", "the ledger role belongs to the ledger's own key, set at init")
        if command.kind is PrincipalKind.SYSTEM:
            raise NotPermitted("系统主体只能在初始化时创建", "system principals are created by init only")
        if command.enrolment is not None:
            raise MalformedInput("enrolment is declared by the ledger's genesis only")
        if command.event_hash is not None:  # issue 20 — sm3
            raise MalformedInput("the event hash (sm3) is chosen by the ledger's genesis only, at init")
        if command.founding and not ctx.actor.has_role(Role.LEDGER):
            raise NotPermitted("只有初始化登记首批管理员", "only init registers the founding administrators (founding)")
        if command.agency_id is not None and ctx.directory.find(command.agency_id, Agency) is None:
            raise NotFound(f"评估机构 {command.agency_id} 未登记 / no agency {command.agency_id} is registered")
        if Role.AGENCY_STAFF in command.roles and command.agency_id is None:
            raise MalformedInput("agency staff must name their agency (agency_id)")
        outsourcing.require_employment(Role.AGENCY_STAFF in command.roles, command.employment)  # issue 18 — outsourcing
        registration.require_organisation(command.organisation_id, ctx)
        registration.separate_duties(set(command.roles))
        registration.distinct_keys(command)
        registration.no_namesake(command, ctx)
        _require_proven(act, ctx.ledger_id, KeyHistory())
        return cls._record_creation(cls.Registered, act)

    @classmethod
    def found_ledger(cls, act: Act[RegisterPrincipal]) -> Principal:
        """The ledger's genesis: its own principal, registered by its own key (self-signed).
        Only :meth:`domain.service.ledger.Ledger.initialise` calls this, on an empty store."""
        command = act.command
        if act.intent.actor != act.intent.target:
            raise MalformedInput("the ledger principal registers itself")
        if command.roles != [Role.LEDGER] or command.kind is not PrincipalKind.SYSTEM:
            raise MalformedInput("the ledger principal is a system principal with the ledger role")
        if act.envelope.keyid not in {PublicKey.from_jwk(k.model_dump()).keyid for k in command.public_keys}:
            raise MalformedInput("the ledger's genesis must be signed by the key it registers")
        if command.enrolment is not None:  # a ledger under issue 16's enrolment rules proves its key too
            _require_proven(act, act.intent.target, KeyHistory())
        return cls._record_creation(cls.Registered, act)

    def grant_role(self, act: Act[GrantRole], ctx: Context) -> None:
        role = act.command.role
        if role is Role.LEDGER or self.kind == PrincipalKind.SYSTEM.value:
            raise NotPermitted("账本角色不能授予，账本主体也不担任其他角色",
                               "the ledger role cannot be granted, and the ledger principal takes no other role")
        ctx.require(ctx.actor.id != self.id, "职责分离：管理员不得给自己授予角色，请由另一名管理员授予", "separation of "
                    "duties (issue 16 point 2): an administrator cannot grant himself a role — ask another administrator")
        self._refuse_retired("principal.grant_role")
        if self.has_role(role) and not outsourcing.records_missing_employment(self, role, act.command.employment):
            raise Conflict(f"{self.name}已担任该角色 / {self.name} already has the role {role.value}")
        if role is Role.AGENCY_STAFF and self.agency_id is None:
            raise MalformedInput("agency staff must be registered with their agency")
        outsourcing.require_employment(role is Role.AGENCY_STAFF, act.command.employment)  # issue 18 — outsourcing
        registration.separate_duties({Role(r) for r in self.roles} | {role})
        self._record(self.RoleGranted, act)

    def transfer(self, act: Act[TransferPrincipal], ctx: Context) -> None:
        """调动: the person moves to another organisation; the chain stays theirs (XX-18)."""
        if self.kind == PrincipalKind.SYSTEM.value:
            raise NotPermitted("账本主体不属于任何单位", "the ledger's own principal belongs to no organisation")
        self._refuse_retired("principal.transfer")
        registration.require_organisation(act.command.organisation_id, ctx)
        if act.command.organisation_id == self.organisation_id and act.command.unit == self.unit:
            raise Conflict(f"{self.name}已属于{self.unit} / {self.name} already belongs to {self.unit} ({self.organisation_id})")
        self._record(self.Transferred, act)

    # --- H3 lifetime: retirement and change of name (issue 17 point 4) ---------------------

    def retire(self, act: Act[RetirePrincipal], ctx: Context) -> None:
        """退休、离职: an administrator records that the person retired or left. Keys and roles
        end; the principal is never deleted and their chain stays open (XX-18)."""
        if self.kind == PrincipalKind.SYSTEM.value:
            raise NotPermitted("账本主体不退休：它签署问题发现与检查点", "the ledger's own principal never retires: it signs "
                               "findings and checkpoints")
        ctx.require(ctx.actor.id != self.id, "职责分离：管理员不得登记本人退休或离职，请由另一名管理员登记", "separation of "
                    "duties: an administrator cannot record his own retirement — ask another administrator")
        self._refuse_retired("principal.retire")
        self._record(self.Retired, act)

    def rename(self, act: Act[RenamePrincipal], ctx: Context) -> None:
        """更名: an administrator records the person's new name; the former names stay."""
        if self.kind == PrincipalKind.SYSTEM.value:
            raise NotPermitted("账本主体不更名", "the ledger's own principal keeps its name")
        if act.command.name == self.name:
            raise Conflict(f"{self.name} is already the person's name; 新姓名与现用姓名相同")
        self._record(self.Renamed, act)

    def revoke_eligibility(self, act: Act[RevokeExpertEligibility], ctx: Context) -> None:
        """取消专家的评估资格 (713-41), by the unit that engaged the expert on the case."""
        eligibility.check_revocation(act, ctx, self.name, self.eligibility_revoked,
                                     lambda case: str(self.id) in case.experts)
        self._record(self.EligibilityRevoked, act)

    def criticise(self, act: Act[ec.CriticiseExpert], ctx: Context) -> None:
        """通报批评、责令限期整改 (713-41), by the unit that engaged the expert on the case."""
        criticism.check_criticism(act, ctx, self.name, self.criticisms, lambda case: str(self.id) in case.experts)
        self._record(self.Criticised, act)

    def record_rectification(self, act: Act[ec.RecordExpertRectification], ctx: Context) -> None:
        """整改完成 (713-41), by the unit that criticised the expert."""
        criticism.check_rectification(act, ctx, self.name, self.criticisms, lambda case: str(self.id) in case.experts)
        self._record(self.RectificationRecorded, act)

    def _refuse_retired(self, action: str) -> None:
        if self.retired is not None:
            zh = "已退休" if self.retired["departure"] == "retired" else "已离职"
            raise Conflict(f"{self.name}{zh}（{format_time(self.retired['at'])}），{action} 不再适用；其记录保留可查 / "
                           f"{self.name} {self.status} at {format_time(self.retired['at'])}: {action} no longer "
                           "applies to them; their record stays (XX-18)")

    def revoke_role(self, act: Act[RevokeRole], ctx: Context) -> None:
        if act.command.role is Role.LEDGER:
            raise NotPermitted("账本角色不能撤销：账本以它签署问题发现与检查点",
                               "the ledger role is never revoked: the ledger signs findings and checkpoints with it")
        if not self.has_role(act.command.role):
            raise Conflict(f"{self.name}未担任该角色 / {self.name} does not have the role {act.command.role.value}")
        self._record(self.RoleRevoked, act)

    def add_key(self, act: Act[AddKey], ctx: Context) -> None:
        """The person adds a key, signed with one of their active keys (consent): active at once.
        An administrator adds a first or lost key: pending until a second administrator confirms."""
        self._refuse_ledger_keys()
        self._refuse_retired("principal.add_key")
        self._require_self_or_administrator(ctx)
        _require_proven(act, ctx.ledger_id, self.key_history)
        self._record(self.KeyAdded, act)

    def rotate_key(self, act: Act[RotateKey], ctx: Context) -> None:
        self._refuse_ledger_keys()
        ctx.require(ctx.actor.id == self.id, "只有本人可以轮换自己的密钥（以被替换的密钥签署）；密钥遗失的，以添加密钥办理，"
                    "由另一名管理员确认", "only the person themself rotates their key (their consent, signed "
                    "with the key it replaces); a lost key is replaced by principal.add_key, confirmed by a "
                    "second administrator (issue 16 point 2)")
        self._require_active(act.command.old_keyid, ctx.now)
        _require_proven(act, ctx.ledger_id, self.key_history)
        self._record(self.KeyRotated, act)

    def revoke_key(self, act: Act[RevokeKey], ctx: Context) -> None:
        """A key is revoked by the person or an administrator; a pending key (the ledger's next
        key included) may be withdrawn so before it is confirmed. The ledger's active key never is."""
        self._require_self_or_administrator(ctx)
        record = self.key(act.command.keyid)
        if record is None:
            raise NotFound(f"{self.name}没有密钥 {act.command.keyid} / {self.name} has no key {act.command.keyid}")
        if not record.pending:
            self._refuse_ledger_keys()
            self._require_active(act.command.keyid, ctx.now)
        self._record(self.KeyRevoked, act)

    def confirm_key(self, act: Act[ConfirmKey], ctx: Context) -> None:
        """确认密钥: the second administrator confirms a pending key (dual control)."""
        _require_proven(act, ctx.ledger_id, self.key_history, is_ledger=self.has_role(Role.LEDGER))
        self._record(self.KeyConfirmed, act)

    def rotate_ledger_key(self, act: Act[RotateLedgerKey], ctx: Context) -> None:
        """轮换账本密钥: an administrator proposes the ledger's next key; a second confirms it."""
        if not self.has_role(Role.LEDGER):
            raise NotPermitted("轮换账本密钥只适用于账本主体", "principal.rotate_ledger_key applies to the ledger principal only")
        if any(record.pending for record in self.key_history.keys.values()):
            raise Conflict("已提出下一把账本密钥：请确认或撤回 / a next ledger key is already proposed: confirm it, or withdraw it (principal.revoke_key)")
        if act.command.public_key.kty != "OKP":  # issue 20 — sm2: docs/spec.md §22.1, §22.2
            raise MalformedInput("账本密钥须为 Ed25519（SM2 密钥只能在其旁签名）：请生成 Ed25519 密钥 — the ledger key "
                                 "stays Ed25519 (an SM2 key only signs beside it, docs/spec.md §22.2): propose an "
                                 "Ed25519 key")
        _require_proven(act, ctx.ledger_id, self.key_history, is_ledger=True)
        self._record(self.LedgerKeyProposed, act)

    def _refuse_ledger_keys(self) -> None:
        if self.has_role(Role.LEDGER):
            raise NotPermitted(
                "账本密钥只能由两名管理员共同轮换（轮换账本密钥）", "the ledger principal's keys change only by "
                "principal.rotate_ledger_key under dual control (two administrators, docs/operations.md; issue 16 point 2)")

    def _require_self_or_administrator(self, ctx: Context) -> None:
        ctx.require(
            ctx.actor.id == self.id or ctx.has_role(Role.ADMINISTRATOR),
            "只有本人或管理员可以变更其密钥", "only the principal themself or an administrator may change their keys",
        )

    def _require_active(self, keyid: str, moment: datetime) -> None:
        record = self.key(keyid)
        if record is None:
            raise NotFound(f"{self.name}没有密钥 {keyid} / {self.name} has no key {keyid}")
        if not record.active_at(moment):
            raise Conflict(record.describe_at(moment))

    # --- events ---------------------------------------------------------------------------

    class Registered(LedgerCreated):
        TOPIC = "decision-ledger/Principal/Registered/v1"
        COMMAND = RegisterPrincipal

        def on(self, principal: Principal, act: Act[RegisterPrincipal]) -> None:
            command = act.command
            principal.name = command.name
            principal.kind = command.kind.value
            principal.unit = command.unit
            principal.title = command.title
            principal.agency_id = command.agency_id
            principal.organisation_id = command.organisation_id
            if command.organisation_id is not None:
                principal.memberships.append(
                    {"organisation_id": command.organisation_id, "unit": command.unit,
                     "from": self.timestamp, "until": None}
                )
            principal.identifier = command.identifier
            principal.employment = outsourcing.employment_record(command.employment, self.timestamp)  # issue 18 — outsourcing
            for role in command.roles:
                principal.roles.append(role.value)
                principal.role_history.append(
                    {"role": role.value, "granted_at": self.timestamp, "revoked_at": None}
                )
            _apply(principal, act, self.timestamp)

    class RoleGranted(LedgerEvent):
        TOPIC = "decision-ledger/Principal/RoleGranted/v1"
        COMMAND = GrantRole

        def on(self, principal: Principal, act: Act[GrantRole]) -> None:
            if act.command.employment is not None:  # issue 18 — outsourcing
                principal.employment = outsourcing.employment_record(act.command.employment, self.timestamp)
                if principal.has_role(act.command.role):
                    return  # the evidence recorded for staff who held the role without it
            principal.roles.append(act.command.role.value)
            principal.role_history.append(
                {"role": act.command.role.value, "granted_at": self.timestamp, "revoked_at": None}
            )

    class Transferred(LedgerEvent):
        TOPIC = "decision-ledger/Principal/Transferred/v1"
        COMMAND = TransferPrincipal

        def on(self, principal: Principal, act: Act[TransferPrincipal]) -> None:
            command = act.command
            if principal.memberships:
                principal.memberships[-1]["until"] = self.timestamp
            principal.memberships.append(
                {"organisation_id": command.organisation_id, "unit": command.unit,
                 "from": self.timestamp, "until": None}
            )
            principal.organisation_id = command.organisation_id
            principal.unit = command.unit
            principal.title = command.title
            for entry in principal.role_history:  # roles were held in the old organisation's scope
                if entry["revoked_at"] is None:
                    entry["revoked_at"] = self.timestamp
                    entry["ended_by"] = "transfer"
            principal.roles.clear()

    class Retired(LedgerEvent):  # H3 lifetime
        TOPIC = "decision-ledger/Principal/Retired/v1"
        COMMAND = RetirePrincipal

        def on(self, principal: Principal, act: Act[RetirePrincipal]) -> None:
            principal.retired = {"departure": act.command.departure, "at": self.timestamp,
                                 "by": act.actor_id, "reason": act.command.reason}
            if principal.memberships and principal.memberships[-1]["until"] is None:
                principal.memberships[-1]["until"] = self.timestamp
            for entry in principal.role_history:
                if entry["revoked_at"] is None:
                    entry["revoked_at"] = self.timestamp
                    entry["ended_by"] = act.command.departure
            principal.roles.clear()
            _apply(principal, act, self.timestamp)

    class Renamed(LedgerEvent):  # H3 lifetime
        TOPIC = "decision-ledger/Principal/Renamed/v1"
        COMMAND = RenamePrincipal

        def on(self, principal: Principal, act: Act[RenamePrincipal]) -> None:
            principal.former_names.append({"name": principal.name, "until": self.timestamp,
                                           "reason": act.command.reason})
            principal.name = act.command.name

    class EligibilityRevoked(LedgerEvent):
        TOPIC = "decision-ledger/Principal/EligibilityRevoked/v1"
        COMMAND = RevokeExpertEligibility

        def on(self, principal: Principal, act: Act[RevokeExpertEligibility]) -> None:
            principal.eligibility_revoked = eligibility.revocation(act, self.provenance(act))

    class Criticised(criticism.Criticised):
        TOPIC = "decision-ledger/Principal/Criticised/v1"
        COMMAND = ec.CriticiseExpert

    class RectificationRecorded(criticism.RectificationRecorded):
        TOPIC = "decision-ledger/Principal/RectificationRecorded/v1"
        COMMAND = ec.RecordExpertRectification

    class RoleRevoked(LedgerEvent):
        TOPIC = "decision-ledger/Principal/RoleRevoked/v1"
        COMMAND = RevokeRole

        def on(self, principal: Principal, act: Act[RevokeRole]) -> None:
            role = act.command.role.value
            principal.roles.remove(role)
            if role == Role.AGENCY_STAFF.value:  # issue 18 — outsourcing: no longer the agency's staff
                principal.employment = None
            for entry in principal.role_history:
                if entry["role"] == role and entry["revoked_at"] is None:
                    entry["revoked_at"] = self.timestamp

    class KeyAdded(LedgerEvent):
        TOPIC = "decision-ledger/Principal/KeyAdded/v1"
        COMMAND = AddKey

        def on(self, principal: Principal, act: Act[AddKey]) -> None:
            _apply(principal, act, self.timestamp)

    class KeyRotated(LedgerEvent):
        TOPIC = "decision-ledger/Principal/KeyRotated/v1"
        COMMAND = RotateKey

        def on(self, principal: Principal, act: Act[RotateKey]) -> None:
            _apply(principal, act, self.timestamp)

    class KeyRevoked(LedgerEvent):
        TOPIC = "decision-ledger/Principal/KeyRevoked/v1"
        COMMAND = RevokeKey

        def on(self, principal: Principal, act: Act[RevokeKey]) -> None:
            _apply(principal, act, self.timestamp)

    class KeyConfirmed(LedgerEvent):
        TOPIC = "decision-ledger/Principal/KeyConfirmed/v1"
        COMMAND = ConfirmKey

        def on(self, principal: Principal, act: Act[ConfirmKey]) -> None:
            _apply(principal, act, self.timestamp)

    class LedgerKeyProposed(LedgerEvent):
        TOPIC = "decision-ledger/Principal/LedgerKeyProposed/v1"
        COMMAND = RotateLedgerKey

        def on(self, principal: Principal, act: Act[RotateLedgerKey]) -> None:
            _apply(principal, act, self.timestamp)


def _require_proven(act: Act[Any], ledger_id: UUID | None, history: KeyHistory, is_ledger: bool = False) -> None:
    """The enrolment rules every verifier applies (:meth:`KeyHistory.refusal_of`): each new key
    proves possession; a confirmation is a second registrar's, neither proposer nor person."""
    if ledger_id is None:
        raise MalformedInput("the ledger's id is needed to check a proof of possession")
    change, principal = _key_change(act), str(act.intent.target)
    unproven = history.proof_refusal_of(change, principal, str(ledger_id))
    if unproven:
        raise MalformedInput(unproven)
    zh, en = history.authority_refusal_words(change, str(act.actor_id), principal, is_ledger=is_ledger)
    if en:
        raise NotPermitted(zh, en)


def _apply(principal: Principal, act: Act[Any], at: datetime) -> None:
    principal.key_history.apply(_key_change(act), at, str(act.actor_id), str(principal.id))


def _key_change(act: Act[Any]) -> KeyChange:
    """The key change this act's signed arguments make: read as every verifier reads them."""
    change = key_change(act.intent.action, act.intent.args)
    if change is None:
        raise MalformedInput(f"{act.intent.action} changes no key")
    return change

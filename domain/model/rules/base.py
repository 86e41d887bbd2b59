"""The shared vocabulary of rules.

A :class:`Rule` names its article key(s) and judges one or more actions on a case. It returns
verdicts: :class:`Refuse` (nothing is stored; the error carries the article and the reasons in
Chinese and English) or :class:`Flag` (the action is recorded, and the ledger raises a finding
against the persons it names, citing the events that show it). Rules judge the case as it stood
before the action, together with the signed command; they never change anything themselves.

A :class:`Rulebook` is one text's rules (and the procedure rules its aggregate enforces), with a
content digest: every event records the rulebook it was judged under.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any
from uuid import UUID

from domain.evidence.canonical import canonical_bytes
from domain.model.holidays import DEFAULT_PERIODS, Periods
from domain.model.rules.procedure import ProcedureRule
from domain.model.vocabulary import Jurisdiction

if TYPE_CHECKING:
    from domain.model.acts import Act
    from domain.model.aggregate import Context
    from domain.model.case import EvaluationCase

#: The action the deadline sweep judges: no one acts, time has passed.
SWEEP = "ledger.check_deadlines"


@dataclass(frozen=True)
class EventRef:
    """A stored event a finding cites."""

    aggregate_id: UUID
    version: int
    hash: str

    @classmethod
    def of(cls, case_id: UUID, entry: Mapping[str, Any]) -> EventRef:
        """From a case state entry that remembers its event (``version``, ``hash``)."""
        return cls(case_id, entry["version"], entry["hash"])

    def to_json(self) -> dict[str, Any]:
        return {"aggregate_id": str(self.aggregate_id), "version": self.version, "hash": self.hash}


@dataclass(frozen=True)
class Refuse:
    zh: str
    en: str
    #: the attempt is itself misconduct (转包): the ledger records it as a finding
    record_attempt: bool = False
    persons: tuple[UUID, ...] = ()


@dataclass(frozen=True)
class Flag:
    zh: str
    en: str
    persons: tuple[UUID, ...]
    cited: tuple[EventRef, ...] = ()
    #: cite the event the judged action records (resolved once it is recorded)
    cite_this_event: bool = True
    figures: Mapping[str, int | str] = field(default_factory=dict)


@dataclass(frozen=True)
class Undetermined:
    """A deadline the rule cannot judge: the calendar does not know a year it needs (issue 18
    point 5). Nothing is stored; the deadline sweep reports it."""

    rule_id: str
    year: int
    zh: str
    en: str


Verdict = Refuse | Flag | Undetermined


@dataclass(frozen=True)
class Judgement:
    """What a rule sees: the action, the signed act, the signer and time, the case before."""

    action: str
    act: Act[Any] | None  # None for the deadline sweep
    ctx: Context
    case: EvaluationCase | None  # None while the case is being opened
    jurisdiction: Jurisdiction
    #: periods the operator configures (issue 18 point 7: XX-17's publication period)
    periods: Periods = DEFAULT_PERIODS

    @property
    def command(self) -> Any:
        if self.act is None:
            raise ValueError("the deadline sweep has no command")
        return self.act.command

    @property
    def actor_id(self) -> UUID:
        return self.ctx.actor.id

    @property
    def the_case(self) -> EvaluationCase:
        if self.case is None:
            raise ValueError(f"{self.action} is judged before a case exists")
        return self.case


@dataclass(frozen=True)
class Rule:
    id: str  # "NX/preset-conclusion": unique across rulebooks
    articles: tuple[str, ...]  # the first is the one a refusal cites
    title: str  # Chinese
    title_en: str
    effect: str  # "refuse", "flag", or "refuse+flag"
    actions: frozenset[str]
    check: Callable[[Judgement], Iterable[Verdict]]

    def judge(self, judgement: Judgement) -> list[Verdict]:
        if judgement.action not in self.actions:
            return []
        return list(self.check(judgement))

    def declaration(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "articles": list(self.articles),
            "title": self.title,
            "effect": self.effect,
            "actions": sorted(self.actions),
        }


@dataclass(frozen=True)
class Finding:
    """A flag, ready to be raised: which rule, which articles."""

    rule: Rule
    flag: Flag


@dataclass(frozen=True)
class Verdicts:
    refusal: tuple[Rule, Refuse] | None
    findings: tuple[Finding, ...]
    #: deadlines no rule could judge for want of a year's calendar (reported by the sweep)
    undetermined: tuple[Undetermined, ...] = ()


@dataclass(frozen=True)
class Rulebook:
    id: str  # "NX"
    version: int
    title: str
    jurisdiction: Jurisdiction
    rules: tuple[Rule, ...]
    procedure: tuple[ProcedureRule, ...]

    def declaration(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "version": self.version,
            "title": self.title,
            "rules": [rule.declaration() for rule in self.rules],
            "procedure": [
                {"id": p.id, "article": p.article(self.jurisdiction.value)} for p in self.procedure
            ],
        }

    @cached_property
    def digest(self) -> str:
        """SHA-256 of the RFC 8785 bytes of :meth:`declaration`."""
        return hashlib.sha256(canonical_bytes(self.declaration())).hexdigest()

    @property
    def ref(self) -> str:
        """What each event judged under this rulebook records."""
        return f"{self.id}/v{self.version}@sha256:{self.digest}"

    def judge(self, judgement: Judgement) -> Verdicts:
        """The first refusal wins; otherwise every flag is raised."""
        findings: list[Finding] = []
        undetermined: list[Undetermined] = []
        for rule in self.rules:
            for verdict in rule.judge(judgement):
                if isinstance(verdict, Refuse):
                    return Verdicts((rule, verdict), tuple(findings))
                if isinstance(verdict, Undetermined):
                    undetermined.append(verdict)
                    continue
                findings.append(Finding(rule, verdict))
        return Verdicts(None, tuple(findings), tuple(undetermined))

    def rule(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)

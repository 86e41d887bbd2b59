"""Findings the rules raise, signed by the ledger's own key (NX-9, NX-11, NX-12b, XX-7, …).

A rule that flags an act has the ledger record a finding on the case right after the act's event,
naming the persons and citing the events that show the conduct. An attempt that is itself
misconduct (an entrusted agency handing its work on, NX-4 / XX-20) is refused, and kept as a
finding only, with the person's signed attempt embedded as the evidence. The deadline sweep
(NX-11, NX-12b, XX-17's period) raises a finding on every case whose deadline has passed with
nothing done, counted on the official calendar (:mod:`domain.model.holidays`); what it cannot
judge for want of a year's calendar it reports; its dry run shows what it would find on a day.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID, uuid4

from domain import clock
from domain.errors import LedgerKeyMissing, NotFound
from domain.evidence.intent import SignedIntent, sign_intent
from domain.evidence.signing import SigningKey
from domain.model import outsourcing
from domain.model.acts import Act, new_intent
from domain.model.aggregate import Context, LedgerAggregate, LedgerEvent
from domain.model.calendar import CHINA_STANDARD_TIME
from domain.model.case import EvaluationCase
from domain.model.commands.findings import RaiseFinding
from domain.model.holidays import DEFAULT_PERIODS, Periods
from domain.model.principal import Principal
from domain.model.rules import rulebook_for
from domain.model.rules.base import (
    SWEEP,
    EventRef,
    Finding,
    Judgement,
    Refuse,
    Rule,
    Rulebook,
    Undetermined,
)
from domain.model.text import shown

if TYPE_CHECKING:
    from domain.service.ledger import Ledger


class Findings:
    """The ledger's own signed acts: findings, recorded on the case they are about."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger

    def signer(self) -> tuple[SigningKey, Principal]:
        """The ledger key and the ledger principal it is active for, or :class:`LedgerKeyMissing`."""
        key = self.ledger.ledger_key
        if key is None:
            raise LedgerKeyMissing(
                "此操作会产生问题发现，须由账本以自己的密钥签署：请以账本密钥（密钥目录中的 ledger.pem）打开账本 / "
                "this action raises a finding, which the ledger signs with its own key; "
                "open the ledger with its key (ledger.pem in the keys directory)"
            )
        principal = self.ledger.get_principal(self.ledger.genesis().ledger_id)
        if not principal.key_active_at(key.keyid, clock.now()):
            raise LedgerKeyMissing(f"密钥 {key.keyid} 不是账本当前有效的密钥 / key {key.keyid} is not the ledger's active key")
        return key, principal

    def raise_all(self, rulebook: Rulebook, findings: tuple[Finding, ...], case: EvaluationCase, now: datetime) -> None:
        """Record each flag as a finding on the case, right after the event it judged (the
        case's first pending event, cited where the flag asks)."""
        judged = cast(LedgerEvent, case.pending_events[0]) if case.pending_events else None
        this_event = EventRef(case.id, judged.originator_version, judged.hash) if judged is not None else None
        for finding in findings:
            cited = list(finding.flag.cited)
            if finding.flag.cite_this_event and this_event is not None:
                cited.append(this_event)
            self._raise(case, rulebook, finding.rule, finding.flag.zh, finding.flag.en, finding.flag.persons, cited,
                        dict(finding.flag.figures), now)

    def record_attempt(self, case: EvaluationCase, rulebook: Rulebook, rule: Rule, refuse: Refuse,
                       signed: SignedIntent, ctx: Context) -> None:
        """A refused attempt that is itself misconduct (转包), as a finding embedding the signed
        attempt, citing the entrustment of the person's agency on the case."""
        acted_for = outsourcing.agency_acted_for(case, ctx)  # issue 18: staff, engaged expert or other
        entrusted = [
            EventRef.of(case.id, entry)
            for agency_id, entry in case.agencies.items()
            if acted_for is not None and agency_id == str(acted_for)
        ]
        self._raise(case, rulebook, rule, refuse.zh, refuse.en, refuse.persons or (ctx.actor.id,), entrusted,
                    {"attempted_action": signed.intent.action}, ctx.now, attempt=signed.envelope.to_json())

    def _raise(self, case: EvaluationCase, rulebook: Rulebook, rule: Rule, zh: str, en: str,
               persons: tuple[UUID, ...], cited: list[EventRef], figures: dict[str, Any], now: datetime,
               attempt: dict[str, Any] | None = None) -> None:
        key, ledger = self.signer()
        args: dict[str, Any] = {
            "articles": list(rule.articles),
            "cited_events": [ref.to_json() for ref in cited],
            # text a rule quotes from a record made before the text rule (issue 16 point 3) is
            # written readable, so the ledger's own finding keeps the rule
            "figures": {shown(k): shown(v) if isinstance(v, str) else v for k, v in figures.items()},
            "finding_id": str(uuid4()),
            "persons": [str(p) for p in dict.fromkeys(persons)],
            "rule": rule.id,
            "rulebook": rulebook.ref,
            "summary_en": shown(en),
            "summary_zh": shown(zh),
        }
        if attempt is not None:
            args["attempt"] = attempt
        intent = new_intent(ledger.id, RaiseFinding.ACTION, case.id, case.version, args)
        act = Act(sign_intent(key, intent), intent, RaiseFinding.parse(args), rulebook.ref)
        case.raise_finding(act, Context(actor=ledger, directory=self.ledger, now=now))

    def sweep_deadlines(self, *, periods: Periods = DEFAULT_PERIODS) -> tuple[list[LedgerAggregate], list[dict[str, Any]]]:
        """The deadline sweep (NX-11, NX-12b, XX-17's period) as of the ledger's clock — never a
        time a caller gives (issue 16 point 8: findings are stored at the server's time only):
        every case it raised a finding on, with the findings pending (each deadline is raised
        once per case), and the deadlines it could not judge for want of a year's calendar
        (:func:`undetermined_json`, reported, not stored). A case whose last event was recorded
        later than the clock reads is refused whole (:class:`~domain.errors.ClockBehind`), so a
        sweep run on a clock set back raises nothing."""
        now = clock.now()
        _, ledger = self.signer()
        ctx = Context(actor=ledger, directory=self.ledger, now=now)
        changed: list[LedgerAggregate] = []
        undetermined: list[dict[str, Any]] = []
        for case_id in self.ledger.case_ids():
            case = self.ledger.get_case(case_id)
            rulebook = rulebook_for(case.jurisdiction)
            verdicts = rulebook.judge(Judgement(SWEEP, None, ctx, case, rulebook.jurisdiction, periods))
            undetermined.extend(undetermined_json(case, verdicts.undetermined))
            if verdicts.findings:
                self.raise_all(rulebook, verdicts.findings, case, now)
                changed.append(case)
        return changed, undetermined

    def preview_deadlines(self, as_of: date, *, periods: Periods = DEFAULT_PERIODS) -> dict[str, Any]:
        """What the sweep would find on the day ``as_of`` (China Standard Time), storing and
        signing nothing (``check-deadlines --as-of DATE --dry-run``): each case as it stood at
        the end of that day (as it stands now, for a day to come), judged as of that day."""
        # replay imports the ledger, which imports this module
        from domain.service.replay import case_at

        moment = datetime.combine(as_of, time(23, 59, 59), CHINA_STANDARD_TIME)
        ledger = self.ledger.get_principal(self.ledger.genesis().ledger_id)
        ctx = Context(actor=ledger, directory=self.ledger, now=moment)
        found: list[dict[str, Any]] = []
        undetermined: list[dict[str, Any]] = []
        for case_id in self.ledger.case_ids():
            try:
                case = case_at(self.ledger, case_id, min(moment, clock.now()))
            except NotFound:
                continue  # not opened yet on that day
            rulebook = rulebook_for(case.jurisdiction)
            verdicts = rulebook.judge(Judgement(SWEEP, None, ctx, case, rulebook.jurisdiction, periods))
            undetermined.extend(undetermined_json(case, verdicts.undetermined))
            found.extend({
                "case_id": str(case.id), "rule": finding.rule.id, "articles": list(finding.rule.articles),
                "persons": [str(p) for p in dict.fromkeys(finding.flag.persons)],
                "summary_zh": finding.flag.zh, "summary_en": finding.flag.en,
                "figures": dict(finding.flag.figures),
                "cited_events": [ref.to_json() for ref in finding.flag.cited],
            } for finding in verdicts.findings)
        return {"as_of": as_of.isoformat(), "dry_run": True, "stored": False, "would_raise": found,
                "undetermined": undetermined}


def undetermined_json(case: EvaluationCase, undetermined: tuple[Undetermined, ...]) -> list[dict[str, Any]]:
    """The deadlines of a case the calendar cannot judge, as the sweep reports them."""
    return [{"case_id": str(case.id), "rule": u.rule_id, "year": u.year, "summary_zh": u.zh, "summary_en": u.en}
            for u in undetermined]

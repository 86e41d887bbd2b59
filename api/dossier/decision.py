"""The decision's dossier (决策档案, 国令第713号第三十三条: 决策过程记录和材料及时完整归档): everything
the ledger holds about one major decision, for the archive and for 责任倒查 (XX-18) — the decision
as registered, who made it and how (the undertaking unit and drafter, public participation and
risk assessment, the legality review, each member's opinion and the head's decision, the
publication; what was transcribed from the archive says so), its pre-decision demonstrators
(NX-8, 713-36), the evaluations of it with their findings, the accountability procedures on it
and their decisions, and every event of the decision itself, verified, with a QR code of its hash
— under the newest signed checkpoint, like the case dossier (:mod:`api.dossier.content`).

What it reads is the reverse tracing the inspector's page shows (:func:`projections.queries.
trace_decision`), so the dossier says nothing the ledger's read does not; the decision's own events
are read from the store and checked one by one as they are printed (docs/dossier.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast
from uuid import UUID

from api.dossier import qr
from api.dossier.content import Checkpoint, Remembering, checkpoint_over, signers_of
from api.dossier.words import TEXTS, WORDS, china_time, citation, short_citation, word
from api.http import labels, labels_vocab
from domain import clock
from domain.evidence import hashing
from domain.evidence.hashing import genesis_hash
from domain.evidence.intent import Intent
from domain.evidence.signing import Envelope
from domain.model.actions import ACTIONS
from domain.model.aggregate import LedgerEvent
from domain.model.articles import ACTION_ARTICLES, MAKING_ARTICLES
from domain.model.decision import Decision
from domain.model.principal import Principal
from domain.service.ledger import Ledger
from projections.timeline import verify_event

#: a stored event of the decision with its envelope and the intent it carries
Signed = tuple[LedgerEvent, Envelope, Intent]

#: the decision dossier's own words (the case dossier's :data:`WORDS` for the rest)
DECISION_WORDS: dict[str, tuple[str, str]] = {
    "decision_dossier": ("决策档案", "Decision dossier"),
    "decision_intro": ("重大行政决策过程记录和材料（《重大行政决策程序暂行条例》第三十三条）",
                       "The record and materials of a major administrative decision (Decree 713 Art. 33)"),
    "decision_id": ("决策编号", "Decision id"),
    "purpose": ("决策目的", "Purpose"),
    "covers_decision": ("本决策全部事件均已纳入该检查点", "every event of this decision is in this checkpoint"),
    "making": ("决策过程", "The making of the decision"),
    "no_making": ("账本未记录本决策的作出过程（决策早于账本且未转录，或尚未记录）。",
                  ("The ledger holds no record of how this decision was made (made before the ledger and "
                  "not transcribed, or not yet recorded).")),
    "maker": ("人员", "Person"),
    "making_role": ("职责", "Part"),
    "opinion": ("意见", "Opinion"),
    "how_recorded": ("记录方式", "Recorded how"),
    "signed_in_person": ("本人签署", "signed by the person"),
    "transcribed": ("据档案转录（{0}），非本人签署", "transcribed from the archive ({0}), not signed by the person"),
    "against_majority": ("与多数意见不一致", "against the majority"),
    "relief": ("减免责任的理由：本人不同意意见记录在案（第三十八条）", "ground for relief: their recorded 不同意 (Art. 38)"),
    "demonstrators": ("决策前承担主要论证工作的专家、机构", "Who did the main pre-decision demonstration"),
    "no_demonstrators": ("记录为无。", "Recorded as none."),
    "demonstrators_unrecorded": ("尚未记录。", "Not recorded yet."),
    "evaluations": ("跟踪反馈与后评估", "Evaluations of the decision"),
    "no_evaluations": ("尚无评估案件。", "No evaluation case yet."),
    "decision_findings": ("评估中的问题与决策过错", "Findings of its evaluations"),
    "procedures": ("责任追究", "Accountability procedures"),
    "no_procedures": ("尚无责任追究程序。", "No accountability procedure."),
    "opened_on": ("立案", "Opened"),
    "not_decided": ("尚未决定", "not decided yet"),
    "decision_events": ("本决策的事件", "The decision's events"),
    "unit_at_fault": ("承担责任的单位", "Unit at fault"),
}


def w(key: str, lang: str) -> str:
    return word(DECISION_WORDS if key in DECISION_WORDS else WORDS, key, lang)


@dataclass
class DecisionDossier:
    decision: Decision
    trace: dict[str, Any]  # projections.queries.trace_decision(…, acts=False)
    stored: list[Signed]  # the decision's events, read once, with their envelopes and intents
    signers: list[dict[str, Any]]
    names: dict[str, str]
    checkpoint: Checkpoint | None
    reader: str  # who it is printed for: a name, or "" for the operator
    ledger: Ledger
    #: finding id → the unit a 713-39 finding names (the read models carry no unit: read from the case)
    units_at_fault: dict[str, str] = field(default_factory=dict)
    printed_at: datetime = field(default_factory=clock.now)

    def events(self) -> list[dict[str, Any]]:
        """Every event of the decision in order, each checked as it is printed: its hash, its
        link to the one before, its signature under the key the signer held then."""
        with hashing.using(self.ledger.hash_suite):
            previous = genesis_hash(self.decision.id)
        directory = Remembering(self.ledger)
        rows = []
        for event, envelope, intent in self.stored:
            problems = verify_event(cast(Ledger, directory), event, previous, self.ledger.hash_suite)
            previous = event.hash
            spec = ACTIONS.get(intent.action)
            carried = MAKING_ARTICLES.get(intent.action) or ACTION_ARTICLES.get(intent.action, {}).get(
                self.decision.jurisdiction)
            rows.append({
                "version": event.originator_version, "action": intent.action,
                "actor": self.names.get(str(intent.actor), str(intent.actor)),
                "signed_at": intent.signed_at, "recorded_at": event.timestamp, "keyid": envelope.keyid,
                "event_hash": event.hash, "verified": not problems, "problems": problems,
                "articles": carried if carried is not None else
                [a for a in (spec.article or "").split(" / ") if a] if spec else [],
            })
        return rows


def _read(ledger: Ledger, decision: Decision) -> list[Signed]:
    """The decision's stored events, each with its envelope and the intent it carries."""
    read = []
    for stored in ledger.events.get(decision.id, lte=decision.version):
        event = cast(LedgerEvent, stored)
        envelope = Envelope.from_json(event.envelope)
        read.append((event, envelope, Intent.decode(envelope.payload)))
    return read


def gather(ledger: Ledger, decision: Decision, trace: dict[str, Any], reader: Principal | None,
           log: Any | None) -> DecisionDossier:
    """The dossier of ``decision`` (as it stands) from its reverse tracing ``trace``, printed for
    ``reader`` (None: the operator) under the newest checkpoint of ``log``."""
    names: dict[str, str] = {}
    stored = _read(ledger, decision)
    signers = signers_of(dict.fromkeys(str(intent.actor) for _, _, intent in stored), ledger, names)
    for person in trace.get("persons", []):
        names.setdefault(str(person["principal_id"]), person.get("name") or str(person["principal_id"]))
    for finding in trace.get("findings", []):
        for person in finding.get("persons", []):
            names.setdefault(str(person["principal_id"]), person.get("name") or str(person["principal_id"]))
    for procedure in trace.get("procedures", []):
        for subject in procedure.get("subjects", []):
            sid = str(subject["subject_id"])
            if sid not in names:
                found = ledger.find(UUID(sid), Principal)
                names[sid] = found.name if found is not None else subject.get("name") or sid
    return DecisionDossier(decision=decision, trace=trace, stored=stored, signers=signers, names=names,
                           checkpoint=checkpoint_over(log, decision.id, decision.version) if log is not None else None,
                           reader=reader.name if reader is not None else "", ledger=ledger,
                           units_at_fault=_units_at_fault(trace))


def _units_at_fault(trace: dict[str, Any]) -> dict[str, str]:
    """The unit each of the evaluations' 713-39 findings names, by finding id, with its name: the
    findings read model's ``unit`` (:mod:`projections.units`)."""
    return {str(f["finding_id"]): f["unit"]["name"] or f["unit"]["unit_id"]
            for f in trace.get("findings", []) if f.get("unit")}


def html(dossier: DecisionDossier, lang: str = "zh") -> str:
    from api.dossier.pdf import _ENV

    names = dossier.names

    def label(table: dict[str, tuple[str, str]]) -> Callable[[Any], str]:
        return lambda key: word(table, str(key), lang) if key else ""

    return _ENV.get_template("decision.html").render(
        lang=lang, w=lambda key: w(key, lang), d=dossier.decision, trace=dossier.trace,
        events=dossier.events(), signers=dossier.signers, checkpoint=dossier.checkpoint,
        units_at_fault=dossier.units_at_fault,
        checkpoint_qr=qr.png_uri(qr.checkpoint_data(dossier.checkpoint.note)) if dossier.checkpoint else "",
        reader=dossier.reader, printed_at=dossier.printed_at, sep="、" if lang == "zh" else ", ",
        time=lambda moment: china_time(moment, lang), minute=lambda moment: china_time(moment, lang, short=True),
        name=lambda pid: names.get(str(pid), str(pid)), cite=lambda key: citation(key, lang),
        text=lambda key: word(TEXTS, key, lang),
        short=lambda key: short_citation(key, lang), action=label(labels.ACTION_LABELS),
        phase=label(labels.PHASE_LABELS), term=label(labels.ACCOUNTABILITY_LABELS),
        vocab=lambda kind, value: labels_vocab.of(kind, value, lang) if value else "",
        qr=lambda event_hash: qr.png_uri(qr.event_data(event_hash)),
    )


def write(dossier: DecisionDossier, out: BinaryIO | Path, lang: str = "zh") -> int:
    """Lay the dossier out and write the PDF to ``out``; the number of pages."""
    from weasyprint import HTML  # Pango and the fonts load only when a dossier is printed

    document = HTML(string=html(dossier, lang)).render()
    data = document.write_pdf()
    if isinstance(out, Path):
        out.write_bytes(data)
    else:
        out.write(data)
    return len(document.pages)

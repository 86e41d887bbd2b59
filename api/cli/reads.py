"""Commands on the read models: project, rebuild, cases, case, person, trace-decision, unit,
findings, deadlines, agencies, annual. Each query first brings the read models up to date."""

from __future__ import annotations

import signal
import sys
from threading import Event
from typing import Any

import click

from api.cli import main
from api.cli.common import (
    EXIT_USAGE,
    _current,
    _fail,
    _key_if_present,
    _open,
    _print_json,
    _projector,
    _settings,
    _sign,
    db_option,
    json_option,
    keys_option,
    parse_uuid,
)


def _query(compute: Any) -> Any:
    from domain.errors import LedgerError

    try:
        return compute()
    except LedgerError as error:
        _fail(str(error.detail), EXIT_USAGE if error.kind in ("not-found", "malformed-input") else 1)


@main.command()
@db_option
@keys_option
@click.option("--follow", is_flag=True, help="Keep running, applying new events as they are stored.")
@click.option("--interval", default=1.0, show_default=True, help="Seconds between checkpoints when following.")
def project(db: str | None, keys: str | None, follow: bool, interval: float) -> None:
    """Bring every read model and the transparency log up to date, and sign a checkpoint.

    The checkpoint is signed with the ledger key (ledger.pem in the keys directory) whenever the
    log has grown; without the key the log is built but no checkpoint is signed.
    """
    stop = Event()
    if follow:  # a worker stopped while it catches up finishes the batch at hand and exits 0
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
    settings = _settings(db, keys)
    ledger = _open(settings)
    projector = _projector(settings, ledger)
    key = _key_if_present(settings)
    pending = projector.pending()
    with click.progressbar(length=max(pending, 1), label="projecting", file=sys.stderr) as bar:
        processed = _projected(lambda: projector.catch_up(progress=bar.update, stop=stop))
    note = _sign(projector, key) if key is not None and projector.reader.size() else None
    click.echo(f"applied {processed} event notifications; the log holds {projector.reader.size()} events")
    if note is not None:
        click.echo(note, nl=False)
    if follow and not stop.is_set():
        click.echo("following (Ctrl-C to stop)…", err=True)
        try:
            _projected(lambda: projector.follow(stop, key, interval))
        except KeyboardInterrupt:
            stop.set()


def _projected(run: Any) -> Any:
    """Run a projection step; a log whose tracking was moved, or that is no longer consistent
    with a checkpoint signed before, stops it with exit 1 and what to run (never a traceback)."""
    from eventsourcing.persistence import IntegrityError

    from domain.evidence.store import LogUnavailable

    try:
        return run()
    except (LogUnavailable, IntegrityError) as error:
        _fail(f"the projections stopped: {error}; `decision-ledger verify` names what changed, "
              "`decision-ledger rebuild` (as the tables' owner) builds them again", 1)


@main.command()
@db_option
@keys_option
def rebuild(db: str | None, keys: str | None) -> None:
    """Drop every read model and the log's tree and build them again from the events.

    Signed checkpoints are kept: a rebuilt tree must reproduce their roots, or no checkpoint is
    signed over it (exit 1, naming the checkpoint). Case snapshots, derived too, are deleted
    (replays take new ones), so a snapshot `verify` named no longer shows in any read.
    On PostgreSQL only the tables' owner may drop them: run it as the migration role (exit 2
    otherwise, before anything changes); the service role's grants on them are kept.
    """
    from api.store.opening import clear_snapshots

    settings = _settings(db, keys)
    ledger = _open(settings)
    projector = _projector(settings, ledger)
    total = ledger.recorder.max_notification_id() or 0
    if not projector.owns_tables():
        _fail(f"rebuild drops and re-creates the read models, which only their owner may do, and "
              f"{settings.database.user} does not own them: run rebuild as the migration role (the --db URL "
              "init used); nothing was changed", EXIT_USAGE)
    clear_snapshots(ledger)
    with click.progressbar(length=max(total, 1) * len(projector.projections), label="rebuilding",
                           file=sys.stderr) as bar:
        processed = projector.rebuild(progress=bar.update)
    key = _key_if_present(settings)
    if key is not None and projector.reader.size():
        _sign(projector, key)
    click.echo(f"rebuilt from {processed} event notifications; the log holds {projector.reader.size()} events")


@main.command()
@db_option
@click.option("--jurisdiction", type=click.Choice(["NX", "XX"]), help="Only cases under this text.")
@click.option("--phase", help="Only cases in this phase (e.g. implementation, ruled).")
@click.option("--decision", help="Only cases of this decision (id).")
@click.option("--unit", help="Only cases of this lead unit.")
@click.option("--limit", default=100, show_default=True, type=click.IntRange(1, 10_000))
@click.option("--offset", default=0, show_default=True, type=click.IntRange(0))
@json_option
def cases(db: str | None, jurisdiction: str | None, phase: str | None, decision: str | None,
          unit: str | None, limit: int, offset: int, as_json: bool) -> None:
    """List evaluation cases: id, decision, jurisdiction, phase."""
    from projections import queries

    _, projector = _current(_settings(db, None))
    rows = queries.cases(projector.views, jurisdiction=jurisdiction, phase=phase, decision_id=decision,
                         lead_unit=unit, limit=limit, offset=offset)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['case_id']}  {row['jurisdiction']}  {row['phase']:<22} {row['title']}")


@main.command()
@db_option
@click.argument("case_id")
@click.option("--at", "at", metavar="VERSION|TIME", help="A version number, or an ISO 8601 time with zone.")
@json_option
def case(db: str | None, case_id: str, at: str | None, as_json: bool) -> None:
    """Show a case now, at a version, or as it stood at a moment."""
    from projections import queries
    from projections.gc_pause import collection_paused

    ledger = _open(_settings(db, None))
    moment = _query(lambda: queries.parse_moment(at)) if at else None
    with collection_paused():
        state = _query(lambda: queries.case_state(ledger, parse_uuid(case_id, "case id"), moment))
    if as_json:
        _print_json(state)
        return
    c = state["case"]
    click.echo(f"{c['title']}  ({c['jurisdiction']}, {c['procedure']})")
    click.echo(f"phase {c['phase']} at version {c['version']}, recorded {state['as_of']['recorded_at']}")
    click.echo(f"materials {len(c['materials'])}, findings {len(c['findings'])}")


@main.command()
@db_option
@click.argument("principal_id", required=False)
@click.option("--find", "find", metavar="TEXT",
              help="look a person up (查找人员) by name, former name (更名) or staff number (工号): lists the candidates")
@json_option
def person(db: str | None, principal_id: str | None, find: str | None, as_json: bool) -> None:
    """A person's lifetime accountability chain (NX-16, XX-23, XX-18): every act they signed in
    every case, every finding and accountability procedure naming them, their roles and keys over time,
    the units they belonged to (调动), their former names (更名) and retirement (退休、离职).
    With --find, the candidates whose name, former name or staff number matches."""
    from projections import queries

    if (principal_id is None) == (find is None):
        raise click.UsageError("give a PRINCIPAL_ID, or --find NAME-OR-STAFF-NUMBER to look one up")
    _, projector = _current(_settings(db, None))
    if find is not None:
        candidates = _query(lambda: queries.principals(projector.views, q=find, limit=10_000))
        if as_json:
            _print_json(candidates)
            return
        for c in candidates:
            former = "、".join(f["name"] for f in c["former_names"])
            click.echo(f"{c['principal_id']}  {c['name']}{f' (曾用名 {former})' if former else ''}  {c['unit']}  "
                       f"{c['identifier'] or '—'}  {c['status']}")
        if not candidates:
            click.echo(f"no person matches {find!r}; 未找到匹配人员")
        return
    chosen = str(parse_uuid(str(principal_id), "principal id"))
    chain = _query(lambda: queries.person_chain(projector.views, chosen))
    if as_json:
        _print_json(chain)
        return
    p = chain["principal"]
    former = "、".join(f["name"] for f in p["former_names"])
    click.echo(f"{p['name']}{f' (曾用名 {former})' if former else ''}  {p['unit']}  "
               f"roles {', '.join(p['roles']) or '—'}  status {p['status']}")
    for m in p["memberships"]:  # H3 lifetime: one principal across transfers
        click.echo(f"  {m['from']} – {m['until'] or 'now'}  {m['unit']}  ({m['organisation_id']})")
    if p["retired"]:
        click.echo(f"  {p['retired']['departure']} at {p['retired']['at']}: {p['retired']['reason']}")
    click.echo(f"{len(chain['actions'])} signed acts in {len(chain['cases'])} cases; "
               f"{len(chain['findings'])} findings; {len(p['keys'])} keys")
    for finding in chain["findings"]:
        state = "open" if finding["open"] else f"closed ({finding['outcome']})"
        click.echo(f"  {finding['rule']:<28} {state:<24} {finding['summary']}")
    for procedure in chain["procedures"]:  # H2 accountability: never closed
        decided = procedure["decision"] or {}
        outcome = (decided.get("decision") or decided).get("outcome", "undecided")
        of_units = f" of unit {', '.join(procedure['units'])}" if procedure.get("units") else ""  # 713-39
        click.echo(f"  {procedure['article']:<8} {procedure['accountability_id']}  as {procedure['role']}{of_units}: "
                   f"{' → '.join(s['step'] for s in procedure['steps'])}  ({outcome})")
    for e in chain["lifetime"]:  # 713-41: 通报批评、责令限期整改, 整改完成, 取消评估资格
        if e["action"] in ("principal.criticise", "principal.record_rectification", "principal.revoke_eligibility"):
            timely = "" if "on_time" not in e else (" (on time)" if e["on_time"] else " (late)")
            click.echo(f"  {e['action']} {e['recorded_at']}: {e.get('breach') or e.get('conduct') or e.get('account')}"
                       + (f" → rectify by {e['deadline']}" if "deadline" in e else "") + timely)
    for dissent in chain["dissent"]:  # 国令第713号第三十条、第三十八条
        how = f"据档案转录（{dissent['source']}）" if dissent["transcribed"] else "本人签署"
        record = dissent["record"]
        click.echo(f"  不同意见 {dissent['held_on']} {dissent['title']}：{dissent['reasons']}（{how}；"
                   f"依照第三十八条可减免责任，记录 {record['aggregate_id']}:{record['version']}）")


@main.command("trace-decision")
@db_option
@click.argument("decision_id")
@json_option
def trace_decision(db: str | None, decision_id: str, as_json: bool) -> None:
    """Reverse tracing from a decision (XX-18): every case, every person who acted, every finding."""
    from projections import queries

    _, projector = _current(_settings(db, None))
    trace = _query(lambda: queries.trace_decision(projector.views, str(parse_uuid(decision_id, "decision id"))))
    if as_json:
        _print_json(trace)
        return
    click.echo(f"{trace['decision']['title']}  {trace['decision']['document_number']}")
    click.echo(f"{len(trace['cases'])} cases, {len(trace['persons'])} persons, {len(trace['findings'])} findings, "
               f"{len(trace['procedures'])} accountability procedures")
    for who in trace["persons"]:
        click.echo(f"  {who['name'] or who['principal_id']}  {who['unit'] or ''}  {who['actions']} acts")
    _echo_makers(trace["makers"])  # H1 making


def _echo_makers(makers: list[dict[str, Any]]) -> None:
    """决策过程中的人员 (XX-18 责任倒查), in Chinese: role, opinion, signed or transcribed, event."""
    from projections.making import OPINION_ZH

    click.echo(f"决策过程中的人员（责任倒查，息县办法第十八条）：{len(makers)} 人次")
    for maker in makers:
        opinion = f"  意见：{OPINION_ZH.get(maker['opinion'], maker['opinion'])}" if maker["opinion"] else ""
        reasons = f"（{maker['reasons']}）" if maker["reasons"] else ""
        how = f"档案转录，来源：{maker['source']}" if maker["transcribed"] else "本人签名"
        event = maker["event"]
        click.echo(f"  {maker['role_zh']}  {maker['name'] or maker['principal_id']}  {maker['unit'] or ''}"
                   f"{opinion}{reasons}  [{how}]  事件 {event['aggregate_id']} 第{event['version']}版 {event['hash'][:16]}")
        if maker["relief"]:
            record = maker["relief"]["record"]
            click.echo(f"    减免责任理由：会上明确表示不同意（713-38，依据《重大行政决策程序暂行条例》第三十八条），"
                       f"记录见第{record['version']}版 {record['hash'][:16]}")


@main.command()
@db_option
@click.argument("unit_id")
@json_option
def unit(db: str | None, unit_id: str, as_json: bool) -> None:
    """A unit's record (单位的过错记录; 国令第713号第三十九条): every fault in the decision procedure an
    evaluation confirmed against the unit — decision, fault, articles, who confirmed it and when —
    and every accountability procedure naming it, with the leaders and direct persons it holds to account."""
    from domain.model.organisation import Organisation
    from projections import units

    ledger, projector = _current(_settings(db, None))
    chosen = parse_uuid(unit_id, "unit id")
    organisation = ledger.find(chosen, Organisation)
    if organisation is None:
        _fail(f"no unit {chosen} is registered", EXIT_USAGE)
    record = units.record(projector.views, str(chosen))
    if as_json:
        from api.http.reads import organisation_row  # the unit as GET /v1/units/{id} shows it

        _print_json({"unit": organisation_row(organisation), **record})
        return
    click.echo(f"{organisation.name}  ({chosen})")
    click.echo(f"{len(record['findings'])} faults confirmed, {len(record['procedures'])} accountability procedures")
    for f in record["findings"]:
        state = "open" if f["open"] else f"closed ({f['outcome']})"
        click.echo(f"  {f['fault']:<28} {','.join(f['articles']):<16} {f['decision_title']}  confirmed by "
                   f"{f['confirmed_by_name'] or f['confirmed_by']} at {f['confirmed_at']}  {state}")
    for p in record["procedures"]:
        held = ", ".join(f"{s['name'] or s['principal_id']} as {s['role']}" for s in p["persons"])
        click.echo(f"  {p['article']:<8} {p['accountability_id']}  {p['fault'] or p['ground']}: {held}")


@main.command()
@db_option
@click.option("--open", "open_only", is_flag=True, help="Only findings not yet closed by an inspector.")
@click.option("--case", "case_id", help="Only findings on this case.")
@json_option
def findings(db: str | None, open_only: bool, case_id: str | None, as_json: bool) -> None:
    """Findings raised by the rules or recorded by inspectors."""
    from projections import queries

    _, projector = _current(_settings(db, None))
    rows = queries.findings(projector.views, open_only=open_only, case_id=case_id, limit=100_000)
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['case_id']}  {row['rule']:<28} {'open' if row['open'] else row['outcome']:<16} "
                   f"{row['summary']}")


@main.command()
@db_option
@json_option
def deadlines(db: str | None, as_json: bool) -> None:
    """NX-11 (90 days) and NX-12b (15 days) for every NX case: met, late, open or overdue, counted
    as the 民法典 counts periods on the official holiday calendar; undetermined where the calendar
    does not know a year the due date needs."""
    from domain import clock
    from domain.model.calendar import china_date
    from domain.model.rules.deadlines import official_calendar
    from projections import queries

    ledger, projector = _current(_settings(db, None))
    rows = queries.deadlines(projector.views, china_date(clock.now()), official_calendar(ledger))
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['case_id']}  {row['article']:<7} due {row['due_on']}  {row['status']:<8} {row['days']} days")


@main.command()
@db_option
@json_option
def agencies(db: str | None, as_json: bool) -> None:
    """Entrusted agencies, their qualifications (XX-21) and credit records (NX-17, XX-24)."""
    from domain import clock
    from domain.model.calendar import china_date
    from projections import queries

    _, projector = _current(_settings(db, None))
    rows = queries.agencies(projector.views, china_date(clock.now()))
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['agency_id']}  {row['name']}  qualified={row['qualified']}  bad_credit={row['bad_credit']}  "
                   f"in_force={row['credit_in_force']}")
        for p in row["records"]["credit"]:  # H3 credit: 提请 → 决定 → 信用修复
            d, r = p["decision"], p["repair"]
            decided = (f"{d['outcome']} {d['valid_from'] or ''}–{d['valid_until'] or ''}: {d['reasons']}" if d
                       else "awaiting the credit department")
            click.echo(f"  proposal {p['proposal_id']} case {p['case_id']}: {p['conduct']} → {decided}"
                       + (f" → repaired: {r['reasons']}" if r else ""))
        for c in row["records"]["criticisms"]:  # 713-41: 通报批评、责令限期整改 → 整改完成
            done = c["rectification"]
            state = ("not rectified" if done is None else "rectified on time" if done["on_time"] else "rectified late")
            click.echo(f"  criticised case {c['case_id']}: {c['breach']} → rectify by {c['deadline']}: {state}")
        if row["records"].get("eligibility_revoked"):  # 713-41: 取消评估资格
            click.echo(f"  eligibility revoked, case {row['records']['eligibility_revoked']['case_id']}")


@main.command()
@db_option
@click.option("--year", type=int, help="Only this year (each event counts in the year it happened, China Standard Time).")
@json_option
def annual(db: str | None, year: int | None, as_json: bool) -> None:
    """Annual figures per unit (NX-18, XX-25): opened, finished, on time, overdue, findings."""
    from domain import clock
    from domain.model.calendar import china_date
    from domain.model.rules.deadlines import official_calendar
    from projections import queries

    ledger, projector = _current(_settings(db, None))
    rows = queries.annual_figures(projector.views, china_date(clock.now()), year,
                                  calendar=official_calendar(ledger))
    if as_json:
        _print_json(rows)
        return
    for row in rows:
        click.echo(f"{row['year']}  {row['unit']}  opened {row['opened']}  finished {row['finished']} "
                   f"(on time {row['finished_on_time']})  overdue {row['overdue']}  findings {row['findings']}")

"""`decision-ledger check-deadlines`: the deadline sweep (NX-11, NX-12b, XX-6, XX-17), stored or as
a dry run (issue 18 point 5)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    _emit,
    _fail,
    _open,
    _settings,
    db_option,
    json_option,
    keys_option,
)


@main.command("check-deadlines")
@db_option
@keys_option
@json_option
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="With --dry-run only: show what the sweep would find on this day (YYYY-MM-DD, China "
                   "Standard Time), each case as it stood at the end of that day.")
@click.option("--dry-run", "dry_run", is_flag=True,
              help="Store and sign nothing: show what the sweep would find (today, or on --as-of).")
def check_deadlines(db: str | None, keys: str | None, as_json: bool, as_of: datetime | None, dry_run: bool) -> None:
    """Raise a finding on every case whose deadline has passed with nothing done.

    NX-11: the evaluation is finished within 90 days of the day the decision organ decided to
    start it; NX-12b: the report is submitted within 15 days of its finalisation; XX-17: an
    approved report's results are published within the period the operator sets
    ($DECISION_LEDGER_PUBLICATION_WORKING_DAYS, default 20 working days). Days are counted as the
    民法典 counts periods (Arts. 200-204): the start day is not counted, and a last day on a
    statutory holiday or weekend (not a 调休 working day) moves to the next working day, on the
    State Council's holiday calendar (chinese-calendar, or a confirmed holiday notice). A deadline
    in a year the calendar does not know is reported as undetermined, never guessed. Each
    deadline is raised once per case, at the server's clock only; the findings are signed with
    the ledger key. Run it daily (cron, a timer).

    --dry-run stores nothing and needs no ledger key; --as-of DATE (with --dry-run only) judges
    as of that day. --as-of without --dry-run is refused (exit 2): stored findings take the
    server's time only.
    """
    from domain.errors import LedgerError

    settings = _settings(db, keys)
    if as_of is not None and not dry_run:
        _fail("--as-of 只能与 --dry-run 同用：存储的问题只采用服务器时间 / --as-of needs --dry-run: stored "
              "findings take the server's time only; add --dry-run to see what the sweep would find that day",
              EXIT_USAGE)
    if dry_run:
        from domain import clock
        from domain.model.calendar import china_date

        ledger = _open(settings)
        day = as_of.date() if as_of is not None else china_date(clock.now())
        try:
            preview = ledger.findings.preview_deadlines(day, periods=settings.periods)
        except LedgerError as error:
            _fail(str(error), EXIT_BROKEN)
        if as_json:
            _emit(preview)
            return
        for found in preview["would_raise"]:
            click.echo(f"{found['case_id']}  {found['rule']:<24} {found['summary_zh']}")
        _echo_undetermined(preview["undetermined"])
        click.echo(f"dry run as of {day}: {len(preview['would_raise'])} findings would be raised; nothing stored")
        return
    ledger = _open(settings, signing=True)
    try:
        sweep = ledger.sweep(periods=settings.periods)
    except LedgerError as error:
        _fail(str(error), EXIT_BROKEN)
    if as_json:
        _emit({"dry_run": False, "stored": True, "raised": [r.to_json() for r in sweep.raised],
               "undetermined": sweep.undetermined})
        return
    for recorded in sweep.raised:
        case = ledger.get_case(recorded.aggregate_id)
        finding = next(f for f in case.findings if f["version"] == recorded.version)
        click.echo(f"{recorded.aggregate_id}  {finding['rule']:<24} {finding['summary_zh']}")
    _echo_undetermined(sweep.undetermined)
    click.echo(f"{len(sweep.raised)} findings raised")


def _echo_undetermined(undetermined: list[dict[str, Any]]) -> None:
    for item in undetermined:
        click.echo(f"{item['case_id']}  {item['rule']:<24} undetermined: {item['summary_zh']}")

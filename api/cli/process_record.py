"""`process-record`: the 全过程记录 of a case (NX-10(4); docs/spec.md §18) — every act in order with
its signer, time, articles and event hash, the digest a finalised report binds, and the acts
after it, marked later."""

from __future__ import annotations

from typing import Any

import click

from api.cli import main
from api.cli.common import _open, _print_json, _settings, db_option, json_option, parse_uuid
from api.cli.reads import _query


@main.command("process-record")
@db_option
@click.argument("case_id")
@json_option
def process_record(db: str | None, case_id: str, as_json: bool) -> None:
    """Show the whole-process record of a case (全过程记录, NX-10(4)) and the digest its report binds."""
    from domain.model import process_record as pr

    ledger = _open(_settings(db, None))
    case = _query(lambda: ledger.get_case(parse_uuid(case_id, "case id")))
    document = pr.document(case, pr.names_from(ledger))
    if as_json:
        _print_json(document)
        return
    record = document["record"]
    click.echo(f"全过程记录 of case {record['case_id']} ({record['jurisdiction']}), "
               f"through version {record['through_version']}")
    click.echo(f"digest {document['digest']}")
    binding = document["binding"]
    if binding is None:
        click.echo("no report is finalised: a finalisation now must bind this digest")
    else:
        state = "matches" if binding["matches"] else "DOES NOT MATCH"
        click.echo(f"report {binding['report_id']} (finalised at version {binding['finalised_at_version']}) "
                   f"binds {binding['process_record_digest']}: {state}")
    for entry in record["acts"]:
        _line(entry, "")
    for entry in document["later"]:
        _line(entry, "later  ")


def _line(entry: dict[str, Any], mark: str) -> None:
    actor = entry["actor"]
    click.echo(f"{mark}{entry['version']:>5}  {entry['recorded_at']}  {entry['action']:<28} "
               f"{actor['name']} ({actor['principal_id']})  {' '.join(entry['articles']) or '-'}  {entry['event_hash'][:16]}")

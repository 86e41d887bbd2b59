"""`decision-ledger articles`: every article of both texts and of Decree 713 the ledger carries
out, with its rules, its BDD scenarios and its status (docs/rulebooks.md is generated from it)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from api.cli import main
from api.cli.common import EXIT_USAGE, _fail, json_option


@main.command()
@click.argument("keys", nargs=-1)
@click.option(
    "--features",
    "features",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="The feature files to read (default: $DECISION_LEDGER_FEATURES, else features/ in the source tree).",
)
@json_option
def articles(keys: tuple[str, ...], features: Path | None, as_json: bool) -> None:
    """Show every article of both texts and the articles of Decree 713 the ledger carries out
    (or only KEYS, e.g. XX-18 713-38): its rules, its BDD scenarios (feature file and scenario
    name), and its status.

    Status is enforced (a rule refuses), flagged (rules only raise findings), recorded (an act is
    recorded with the article but nothing checks it; an article checked only for who may act is
    recorded, with a note), declaratory (with the reason nothing is checkable) or pending (Decree
    713's articles: what the ledger is yet to do).
    """
    from api.traceability import features_dir, read_scenarios, scenarios_by_article
    from domain.model.articles import article_root, is_known, traceability

    unknown = [key for key in keys if not is_known(key)]
    if unknown:
        _fail(f"unknown article {', '.join(unknown)} (e.g. NX-9, XX-18, 713-38)", EXIT_USAGE)
    directory = features or features_dir()
    if not directory.is_dir():
        _fail(f"no feature files at {directory}: pass --features DIR", EXIT_USAGE)
    entries = traceability(scenarios_by_article(read_scenarios(directory)))
    if keys:
        wanted = {article_root(key) for key in keys}
        entries = [entry for entry in entries if entry["article"] in wanted]
    if as_json:
        click.echo(json.dumps(entries, ensure_ascii=False, indent=2))
        return
    for entry in entries:
        click.echo(f"{entry['article']:<8} {entry['status']:<12} {entry['title']}  —  "
                   f"{len(entry['rules'])} rules, {len(entry['scenarios'])} scenarios")
        if entry["reason"]:
            click.echo(f"    {entry['reason']}")
        for rule in entry["rules"]:
            click.echo(f"    rule      {rule}")
        for scenario in entry["scenarios"]:
            click.echo(f"    scenario  {scenario['feature']} › {scenario['scenario']}")


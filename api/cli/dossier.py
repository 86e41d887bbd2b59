"""`dossier`: a case's dossier (卷宗), or a decision's (决策档案, 713-33), as a PDF (docs/dossier.md)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO
from uuid import UUID

import click

from api.cli import main
from api.cli.common import EXIT_USAGE, _current, _fail, _settings, db_option, keys_option


@main.command("dossier")
@db_option
@keys_option
@click.option("--case", "case_id", metavar="ID", help="The case (its id): its dossier (卷宗).")
@click.option("--decision", "decision_id", metavar="ID",
              help="Instead: the decision (its id): its dossier (决策档案, 国令第713号第三十三条).")
@click.option("--out", required=True, metavar="FILE.pdf", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write (its folder must exist; an existing file is replaced).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="The dossier's headings and labels: Chinese, or English (what people wrote stays as written).")
def dossier(db: str | None, keys: str | None, case_id: str | None, decision_id: str | None, out: Path,
            lang: str) -> None:
    """Print a case's dossier (卷宗) as a PDF, or with --decision a decision's (决策档案). A case's: a cover (the decision, its document number 文号, the
    case, its text, lead unit, phase and dates, and the signed checkpoint it is printed under,
    with a QR code of the checkpoint's signed note); the finalised report (its sections' text,
    the content items addressed, its digest); the whole-process record (全过程记录, NX-10(4)) and
    the digest the report binds; the findings and the ruling, each with the articles it cites;
    the materials; every event (version, signing and recording time in Beijing time, action,
    signer and key fingerprint, articles, event hash and a QR code holding the hash, whether it
    verifies); and each signer's key fingerprints.

    Printed as the operator: classified materials are withheld (their existence and level only)
    and no sealed content is opened. Where the ledger key is at hand (--keys), a checkpoint
    covering every event is signed first, as `checkpoint` does. CJK fonts are embedded.

    A decision's (决策档案, 国令第713号第三十三条: the record of the making, archived whole): a cover
    (the decision, its 文号, organ, date and purpose, the checkpoint); the making — each person who
    made it, their part, their opinion and how it was recorded (signed, or transcribed from the
    archive); the pre-decision demonstrators; the evaluations of it, their findings, the
    accountability procedures on it and their decisions; every event of the decision, verified,
    with a QR code of its hash; and each signer's key fingerprints.
    """
    if (case_id is None) == (decision_id is None):
        _fail("请给出 --case 或 --decision 之一 — give one of --case ID or --decision ID", EXIT_USAGE)
    folder = out.resolve().parent
    if not folder.is_dir():
        _fail(f"--out {out}: 文件夹 {folder} 不存在 — the folder {folder} does not exist (create it first)",
              EXIT_USAGE)
    if decision_id is not None:
        _decision_dossier(db, keys, decision_id, out, lang, folder)
        return
    assert case_id is not None
    try:
        case_uuid = UUID(case_id)
    except ValueError:
        _fail(f"--case {case_id!r} 不是案件编号（UUID）— is not a case id (a UUID)", EXIT_USAGE)
    from api.dossier import pdf
    from api.dossier.content import gather

    ledger, projector = _current(_settings(db, keys), signing=True)
    case = ledger.find_case(case_uuid)
    if case is None:
        _fail(f"找不到评估案件 {case_uuid} — no evaluation case {case_uuid}", EXIT_USAGE)
    content = gather(ledger, case, None, projector.reader)
    pages = _written(out, folder, lambda stream: pdf.write(content, stream, lang))
    click.echo(f"{out}: {pages} 页 pages, {case.version} 个事件 events — {case.title}")


def _decision_dossier(db: str | None, keys: str | None, decision_id: str, out: Path, lang: str,
                      folder: Path) -> None:
    try:
        decision_uuid = UUID(decision_id)
    except ValueError:
        _fail(f"--decision {decision_id!r} 不是决策编号（UUID）— is not a decision id (a UUID)", EXIT_USAGE)
    from api.dossier import decision as dossier_of
    from domain.model.decision import Decision
    from projections import queries

    ledger, projector = _current(_settings(db, keys), signing=True)
    decision = ledger.find(decision_uuid, Decision)
    if decision is None:
        _fail(f"找不到重大行政决策 {decision_uuid} — no decision {decision_uuid}", EXIT_USAGE)
    trace = queries.trace_decision(projector.views, str(decision_uuid), acts=False)
    content = dossier_of.gather(ledger, decision, trace, None, projector.reader)
    pages = _written(out, folder, lambda stream: dossier_of.write(content, stream, lang))
    click.echo(f"{out}: {pages} 页 pages, {decision.version} 个事件 events — {decision.title}")


def _written(out: Path, folder: Path, write: Callable[[BinaryIO], int]) -> int:
    """Write the PDF beside ``out`` and move it into place whole; its number of pages."""
    handle, temporary = tempfile.mkstemp(prefix=".dossier-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            pages = write(stream)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return pages

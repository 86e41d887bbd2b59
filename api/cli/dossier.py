"""`dossier`: a case's dossier (卷宗) as a PDF (issue 19 point 5; docs/dossier.md)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from uuid import UUID

import click

from api.cli import main
from api.cli.common import EXIT_USAGE, _current, _fail, _settings, db_option, keys_option


@main.command("dossier")
@db_option
@keys_option
@click.option("--case", "case_id", required=True, metavar="ID", help="The case (its id).")
@click.option("--out", required=True, metavar="FILE.pdf", type=click.Path(dir_okay=False, path_type=Path),
              help="The PDF to write (its folder must exist; an existing file is replaced).")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="The dossier's headings and labels: Chinese, or English (what people wrote stays as written).")
def dossier(db: str | None, keys: str | None, case_id: str, out: Path, lang: str) -> None:
    """Print a case's dossier (卷宗) as a PDF: a cover (the decision, its document number 文号, the
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
    """
    try:
        case_uuid = UUID(case_id)
    except ValueError:
        _fail(f"--case {case_id!r} 不是案件编号（UUID）— is not a case id (a UUID)", EXIT_USAGE)
    folder = out.resolve().parent
    if not folder.is_dir():
        _fail(f"--out {out}: 文件夹 {folder} 不存在 — the folder {folder} does not exist (create it first)",
              EXIT_USAGE)
    from api.dossier import pdf
    from api.dossier.content import gather

    ledger, projector = _current(_settings(db, keys), signing=True)
    case = ledger.find_case(case_uuid)
    if case is None:
        _fail(f"找不到评估案件 {case_uuid} — no evaluation case {case_uuid}", EXIT_USAGE)
    content = gather(ledger, case, None, projector.reader)
    handle, temporary = tempfile.mkstemp(prefix=".dossier-", suffix=".pdf", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            pages = pdf.write(content, stream, lang)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    click.echo(f"{out}: {pages} 页 pages, {case.version} 个事件 events — {case.title}")

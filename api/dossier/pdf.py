"""The dossier as a PDF: the HTML of ``dossier.html`` (Jinja2) laid out by WeasyPrint, in
WenQuanYi Micro Hei (Debian's ``fonts-wqy-microhei``), which WeasyPrint embeds as a subset
TrueType font (FontFile2) — the PDF reads the same on a machine without the font.

Events and materials are laid out as blocks, not tables (WeasyPrint lays out a long table in
more than linear time, blocks in linear time), and a long case a thousand rows at a time, each
part written before the next is laid out, the parts joined by pypdf (docs/dossier.md gives the
time and size of a 10,000-event case)."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, BinaryIO

import jinja2

from api.dossier import qr
from api.dossier.content import Dossier
from api.dossier.words import (
    BODIES,
    CLASSIFICATIONS,
    STANCES,
    TEXTS,
    WORDS,
    china_time,
    citation,
    short_citation,
    word,
)
from api.http import labels
from api.http.words import rule_name
from domain.model.articles import ACTION_ARTICLES
from domain.model.vocabulary import CONTENT_ITEMS, REPORT_SECTIONS, Jurisdiction

FONT = "WenQuanYi Micro Hei"
#: rows (events or materials) laid out in one WeasyPrint document: a longer case is laid out a
#: document at a time (WeasyPrint keeps every box of a document until it is written)
CHUNK = 1000
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                          undefined=jinja2.StrictUndefined)


@dataclass
class Piece:
    """A part of the dossier: ``front`` (cover, report, process record, findings, ruling),
    ``materials`` or ``events`` (a run of rows; ``first``: the one that carries the heading), or
    ``keys`` (the signers' key fingerprints)."""

    kind: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    first: bool = True


def pieces(dossier: Dossier, chunk: int) -> Iterator[Piece]:
    """The dossier's parts in order, materials and events in runs of at most ``chunk`` rows —
    the events read from the store as the runs are reached."""
    yield Piece("front")
    materials = dossier.materials
    for start in range(0, max(len(materials), 1), chunk):
        yield Piece("materials", materials[start: start + chunk], first=start == 0)
    events = dossier.events()
    first = True
    while run := list(islice(events, chunk)):
        yield Piece("events", run, first=first)
        first = False
    yield Piece("keys")


def documents(dossier: Dossier, chunk: int) -> Iterator[list[Piece]]:
    """The parts grouped into documents of at most about ``chunk`` rows each: a small case is
    one document; a long one is laid out a document at a time, so memory stays bounded."""
    group: list[Piece] = []
    rows = 0
    for piece in pieces(dossier, chunk):
        if group and rows + len(piece.rows) > chunk:
            yield group
            group, rows = [], 0
        group.append(piece)
        rows += len(piece.rows)
    if group:
        yield group


def html(dossier: Dossier, lang: str = "zh", parts: list[Piece] | None = None, first_page: int = 1) -> str:
    """The HTML of the dossier's ``parts`` (all of it by default), its pages numbered from
    ``first_page``."""
    case = dossier.case
    jurisdiction = Jurisdiction(case.jurisdiction) if case.jurisdiction in ("NX", "XX") else None

    def w(key: str) -> str:
        return word(WORDS, key, lang)

    def label(table: dict[str, tuple[str, str]]) -> Callable[[Any], str]:
        return lambda key: word(table, str(key), lang) if key else ""

    def item(table: dict[Jurisdiction, dict[str, str]]) -> Callable[[str], str]:
        return lambda key: (table.get(jurisdiction, {}).get(key, key) if jurisdiction and lang == "zh"
                            else key)

    names = dossier.names
    template = _ENV.get_template("dossier.html")
    return template.render(
        lang=lang, w=w, case=case, sep="、" if lang == "zh" else ", ", decision=dossier.decision, process=dossier.process,
        pieces=parts if parts is not None else list(pieces(dossier, 10**9)), first_page=first_page,
        sections=dossier.report_sections, submission_note=dossier.submission_note,
        signers=dossier.signers, checkpoint=dossier.checkpoint,
        checkpoint_qr=qr.png_uri(qr.checkpoint_data(dossier.checkpoint.note)) if dossier.checkpoint else "",
        reader=dossier.reader, printed_at=dossier.printed_at,
        ruling_articles=ACTION_ARTICLES["case.record_ruling"].get(case.jurisdiction, []),
        time=lambda moment: china_time(moment, lang),
        minute=lambda moment: china_time(moment, lang, short=True),
        name=lambda pid: names.get(str(pid), str(pid)),
        text=lambda key: word(TEXTS, key, lang),
        cite=lambda key: citation(key, lang), short=lambda key: short_citation(key, lang),
        section_title=item(REPORT_SECTIONS), content_title=item(CONTENT_ITEMS),
        action=label(labels.ACTION_LABELS), phase=label(labels.PHASE_LABELS), ruling=label(labels.RULING_LABELS),
        term=label(labels.ACCOUNTABILITY_LABELS), body=label(BODIES), classification=label(CLASSIFICATIONS),
        stance=label(STANCES), qr=lambda event_hash: qr.png_uri(qr.event_data(event_hash)),
        rule_name=lambda rule_id: rule_name(rule_id, lang),
        summary=lambda f: f["summary_zh"] if lang == "zh" else dossier.summaries_en.get(str(f["finding_id"]),
                                                                                       f["summary_zh"]),
    )


def write(dossier: Dossier, out: BinaryIO | Path, lang: str = "zh", chunk: int = CHUNK) -> int:
    """Lay the dossier out and write the PDF to ``out``; the number of pages. A case of more
    than ``chunk`` events or materials is laid out in several documents, each written as soon
    as it is laid out, and their pages joined (pypdf)."""
    from weasyprint import HTML  # Pango and the fonts load only when a dossier is printed

    written: list[bytes] = []
    pages = 0
    for group in documents(dossier, chunk):
        document = HTML(string=html(dossier, lang, group, pages + 1)).render()
        pages += len(document.pages)
        written.append(document.write_pdf())
        del document
    if len(written) == 1:
        if isinstance(out, Path):
            out.write_bytes(written[0])
        else:
            out.write(written[0])
        return pages
    from pypdf import PdfWriter

    joined = PdfWriter()
    for part in written:
        joined.append(io.BytesIO(part))
    joined.write(out)
    return pages

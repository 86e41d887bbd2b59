"""The dossier as a PDF: the HTML of ``dossier.html`` (Jinja2) laid out by WeasyPrint, in
WenQuanYi Micro Hei (Debian's ``fonts-wqy-microhei``), which WeasyPrint embeds as a subset
TrueType font (FontFile2) — the PDF reads the same on a machine without the font.

Events are laid out as blocks, not a table: WeasyPrint lays out a long table in more than linear
time, blocks in linear time (docs/dossier.md gives the time of a 10,000-event case)."""

from __future__ import annotations

from collections.abc import Callable
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
from domain.model.articles import ACTION_ARTICLES
from domain.model.vocabulary import CONTENT_ITEMS, REPORT_SECTIONS, Jurisdiction

FONT = "WenQuanYi Micro Hei"
_ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(Path(__file__).parent), autoescape=True,
                          undefined=jinja2.StrictUndefined)


def html(dossier: Dossier, lang: str = "zh") -> str:
    """The dossier's HTML (what WeasyPrint lays out); its events are read from the store as the
    template reaches them."""
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
        lang=lang, w=w, case=case, decision=dossier.decision, process=dossier.process,
        sections=dossier.report_sections, submission_note=dossier.submission_note,
        materials=dossier.materials, signers=dossier.signers, checkpoint=dossier.checkpoint,
        checkpoint_qr=qr.png_uri(qr.checkpoint_data(dossier.checkpoint.note)) if dossier.checkpoint else "",
        reader=dossier.reader, printed_at=dossier.printed_at, events=dossier.events(),
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
    )


def write(dossier: Dossier, out: BinaryIO | Path, lang: str = "zh") -> int:
    """Lay the dossier out and write the PDF to ``out``; the number of pages."""
    from weasyprint import HTML  # Pango and the fonts load only when a dossier is printed

    document = HTML(string=html(dossier, lang)).render()
    document.write_pdf(out)
    return len(document.pages)

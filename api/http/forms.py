"""Forms generated from the command models (issue 19 points 2 and 3): a command's pydantic fields
turned into form fields a person fills in — no JSON text areas.

* text, long text (by the field's length limit), dates (``IsoDate`` → ``<input type=date>``),
  whole numbers, yes/no;
* enums → a ``<select>`` with their words (:mod:`api.http.form_labels`); a list of enums or of a
  text's codes (grounds, content items) → check boxes; a dict of a text's parts or sections →
  one long text per part;
* lists → rows added and removed; nested models → fieldsets (optional ones behind a box);
* references by name: a person, an expert, an agency or an organisation → looked up by name as
  the person types (``GET /v1/lookup/…``, within the reader's scope: a province's directory is too
  long for a list); a material, a draft, an activity, a request, a finding of the case → chosen
  from the case's own; events to cite → check boxes of the case's and its decision's events;
* ids the signer chooses (material, meeting, draft, report …) → made in the browser
  (``crypto.randomUUID()``); a document's digest → computed in the browser from a chosen file;
  the 全过程记录's digest → read and computed in the browser when signing (NX-10(4)).

``api/http/static/forms.js`` reads the fields back into the intent's ``args`` by these kinds.
"""

from __future__ import annotations

import types
import typing
from dataclasses import dataclass, field
from enum import Enum
from typing import Any
from uuid import UUID

from annotated_types import MaxLen
from pydantic import AfterValidator, BaseModel, StringConstraints
from pydantic.fields import FieldInfo

from api.http import form_labels as words
from domain.model.actions import ACTIONS
from domain.model.commands.base import _iso_date
from domain.model.commands.findings import EventCitation
from domain.model.vocabulary import (
    CONTENT_ITEMS,
    PLAN_PARTS,
    REPORT_SECTIONS,
    TRIGGER_GROUNDS,
    Jurisdiction,
)

Options = list[tuple[str, str]]

#: ids the signer makes up for what the act creates
NEW_IDS = {"survey_id", "meeting_id", "visit_id", "consultation_id", "opinion_id", "interim_id"}
#: ids a field names when the action creates the thing, and refers to otherwise
CREATED_BY = {"material_id": {"case.collect_material", "case.answer_request"}, "draft_id": {"case.draft_report"},
              "report_id": {"case.finalise_report"}, "request_id": {"case.request_materials"},
              "finding_id": {"case.find_misconduct", "case.confirm_decision_fault"}}
#: references, by field name, to the context's option lists (few: the case's own things)
REFERENCES = {"via": "activities", "material_id": "materials", "draft_id": "drafts", "report_id": "reports",
              "withheld_material_ids": "materials", "organisation_id": "organisations", "finding_id": "findings",
              "request_id": "requests"}
#: references looked up by name as the person types (issue 19 point 2: a province's directory is
#: too long for a list): the source of ``GET /v1/lookup/{source}`` (api/http/lookup.py), and the
#: field of the same form whose chosen organisation narrows it (a unit's responsible person)
LOOKUPS = {"principal_id": "people", "responsible_id": "people", "expert_id": "experts", "agency_id": "agencies",
           "unit_id": "organisations"}
WITHIN = {"responsible_id": "unit_id"}
#: text fields with suggestions (a requested item, as the request words it: XX-6 逐项答复)
SUGGESTED = {"item": "request_items"}
#: a text's codes, by field name
CODES = {"grounds": TRIGGER_GROUNDS, "content_items": CONTENT_ITEMS, "addressed_items": CONTENT_ITEMS}
PARTS = {"parts": PLAN_PARTS, "sections": REPORT_SECTIONS}
#: fields a page does not ask for: sealed content is made from the clear fields in the browser
#: (static/forms.js, NX-15, XX-22); a single address stands only in acts recorded before issue 18
HIDDEN = {("case.collect_material", "sealed"), ("case.publish_results", "url")}


@dataclass
class FormContext:
    """What a form refers to, by name: the options a page can offer."""

    lang: str = "zh"
    jurisdiction: str = "NX"
    materials: Options = field(default_factory=list)
    activities: Options = field(default_factory=list)
    drafts: Options = field(default_factory=list)
    reports: Options = field(default_factory=list)
    organisations: Options = field(default_factory=list)
    findings: Options = field(default_factory=list)  # the case's open findings
    requests: Options = field(default_factory=list)  # the case's requests to related units (XX-6)
    request_items: Options = field(default_factory=list)  # the items those requests list
    events: Options = field(default_factory=list)  # the case's and its decision's events, to cite
    fixed: dict[str, Any] = field(default_factory=dict)  # values the page knows (a case's decision, …)
    defaults: dict[str, Any] = field(default_factory=dict)  # values a field starts with (the signer's unit, …)


@dataclass
class Field:
    name: str
    kind: str
    label: str
    help: str = ""
    required: bool = True
    options: Options = field(default_factory=list)
    children: list[Field] = field(default_factory=list)  # object: its fields; list: one item field
    value: Any = None  # fixed: the value; digest kinds: what is computed
    multiline: int = 0  # rows of a long text
    optional_group: bool = False  # an object that may be left out
    source: str = ""  # lookup: what GET /v1/lookup/{source} looks up
    within: str = ""  # lookup: the field whose organisation narrows it


def _optional(annotation: Any) -> tuple[Any, bool]:
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return args[0], True
    return annotation, False


def _unwrap(annotation: Any) -> tuple[Any, list[Any]]:
    """An ``Annotated`` type's base and metadata."""
    if typing.get_origin(annotation) is typing.Annotated:
        base, *meta = typing.get_args(annotation)
        inner, more = _unwrap(base)
        return inner, [*more, *meta]
    return annotation, []


def _string_kind(meta: list[Any]) -> tuple[str, int]:
    longest = 0
    for item in meta:
        if isinstance(item, AfterValidator) and item.func is _iso_date:
            return "date", 0
        if isinstance(item, StringConstraints):
            if item.pattern == r"^[0-9a-f]{64}$":
                return "digest", 0
            if item.pattern == r"^sha256:[0-9a-f]{64}$":
                return "process", 0
            longest = max(longest, item.max_length or 0)
        if isinstance(item, MaxLen):
            longest = max(longest, item.max_length)
    if longest >= 20000:
        return "long", 8
    if longest >= 2000 or longest == 0:
        return "long", 3
    return "text", 0


def _enum_options(enum: type[Enum], ctx: FormContext) -> Options:
    return [(str(m.value), words.enum_word(enum.__name__, str(m.value), ctx.lang)) for m in enum]


def _texts(table: dict[Jurisdiction, dict[str, str]], ctx: FormContext) -> Options:
    codes = table[Jurisdiction(ctx.jurisdiction)]
    return [(code, f"{code} {title}" if ctx.lang == "zh" else code) for code, title in codes.items()]


def build(action: str, name: str, annotation: Any, meta: list[Any], required: bool, ctx: FormContext) -> Field:
    """One field of a command (or of a nested model)."""
    label = words.label(action, name, ctx.lang)
    made = Field(name, "text", label, words.help_text(name, ctx.lang), required)
    annotation, optional = _optional(annotation)
    made.required = required and not optional
    annotation, more = _unwrap(annotation)
    meta = [*meta, *more]
    origin = typing.get_origin(annotation)
    if name in ctx.fixed:
        made.kind, made.value = "fixed", ctx.fixed[name]
    elif name in NEW_IDS or action in CREATED_BY.get(name, ()):
        made.kind = "newid"
    elif name in LOOKUPS and annotation is UUID:
        made.kind, made.source, made.within = "lookup", LOOKUPS[name], WITHIN.get(name, "")
    elif name in SUGGESTED and annotation is str:
        made.kind, made.options = "suggest", getattr(ctx, SUGGESTED[name])
    elif name in PARTS:
        made.kind, made.options = "sections", _texts(PARTS[name], ctx)
    elif name in CODES:
        made.kind, made.options = "checks", _texts(CODES[name], ctx)
    elif name in REFERENCES and (annotation is UUID or (origin is list and typing.get_args(annotation)[0] is UUID)):
        made.kind = "refs" if origin is list else "ref"
        made.options = getattr(ctx, REFERENCES[name])
    elif isinstance(annotation, type) and issubclass(annotation, Enum):
        made.kind, made.options = "select", _enum_options(annotation, ctx)
    elif annotation is bool:
        made.kind = "bool"
    elif annotation is int:
        made.kind = "int"
    elif annotation is str:
        made.kind, made.multiline = _string_kind(meta)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel):
        made.kind, made.children = "object", fields_of_model(action, annotation, ctx)
        made.optional_group = optional
    elif origin is list:
        item, item_meta = _unwrap(typing.get_args(annotation)[0])
        if item is EventCitation:
            made.kind, made.options = "citations", ctx.events
        elif isinstance(item, type) and issubclass(item, Enum):
            made.kind, made.options = "checks", _enum_options(item, ctx)
        else:
            made.kind = "list"
            made.children = [build(action, name, item, item_meta, True, ctx)]
            made.children[0].label, made.children[0].help = label, ""
    else:
        raise TypeError(f"{action} {name}: no form field for {annotation!r}")
    if made.kind != "fixed" and name in ctx.defaults:
        made.value = ctx.defaults[name]
    return made


def fields_of_model(action: str, model: type[BaseModel], ctx: FormContext) -> list[Field]:
    return [build(action, name, info.annotation, list(info.metadata), _required(info), ctx)
            for name, info in model.model_fields.items() if (action, name) not in HIDDEN]


def _required(info: FieldInfo) -> bool:
    return info.is_required()


def form_of(action: str, ctx: FormContext) -> list[Field]:
    """The fields of an action's command, in the order the command declares them."""
    return fields_of_model(action, ACTIONS[action].command, ctx)


def walk(fields: list[Field]) -> typing.Iterator[Field]:
    for one in fields:
        yield one
        yield from walk(one.children)

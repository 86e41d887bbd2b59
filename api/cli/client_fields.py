"""The options of a signed action's command, read from its command model's JSON schema: one
option per field, typed, with its help and its metavar; JSON, or @FILE, for structured fields."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import uuid4

import click

from api.cli.common import EXIT_USAGE

if TYPE_CHECKING:
    from domain.model.actions import ActionSpec


def fail(message: str, code: int = EXIT_USAGE) -> NoReturn:
    """The client's one way to stop with a message (exit 2 unless told otherwise)."""
    click.echo(f"decision-ledger client: {message}", err=True)
    sys.exit(code)


@dataclass(frozen=True)
class Field:
    """One argument of an action, as a command-line option."""

    name: str
    schema: dict[str, Any]
    required: bool

    @property
    def flag(self) -> str:
        return "--" + self.name.replace("_", "-")

    @property
    def kind(self) -> str:
        schema = self._plain(self.schema)
        if schema.get("type") == "array":
            return "list"
        if schema.get("type") == "object" or "anyOf" in schema:
            return "json"
        if schema.get("type") == "boolean":
            return "flag"
        return "value"

    @staticmethod
    def _plain(schema: dict[str, Any]) -> dict[str, Any]:
        options = [s for s in schema.get("anyOf", []) if s.get("type") != "null"]
        return options[0] if len(options) == 1 and "anyOf" in schema else schema

    @property
    def item(self) -> dict[str, Any]:
        return self._plain(self._plain(self.schema).get("items", {}))

    def option(self) -> click.Option:
        schema = self._plain(self.schema)
        text = (self.schema.get("description") or schema.get("description") or "").strip()  # the field's own first
        if "pattern" in schema and "enum" not in schema:
            text = f"{text} (pattern {schema['pattern']})" if text else f"Pattern {schema['pattern']}."
        if self.required:
            text = (text + " " if text else "") + "[required]"
        kind = self.kind
        if kind == "flag":
            return click.Option([f"{self.flag}/--no-{self.flag[2:]}", self.name], default=None, help=text)
        if kind == "list":
            item = self.item
            complex_item = _is_object(item)
            return click.Option([self.flag, self.name], multiple=True, metavar="JSON|@FILE" if complex_item
                                else _metavar(item), type=_type(item), help=(text + " " if text else "")
                                + "Repeat for each item." + (" Each is JSON text or @FILE." if complex_item else ""))
        if kind == "json":
            return click.Option([self.flag, self.name], metavar="JSON|@FILE", help=(text + " " if text else "")
                                + "JSON text, or @FILE to read it from a file.")
        return click.Option([self.flag, self.name], metavar=_metavar(schema), type=_type(schema), help=text)

    def value(self, given: Any) -> Any:
        kind = self.kind
        if kind == "list":
            if not given:
                return None
            if _is_object(self.item):
                return [json_value(self.flag, v, self.item) for v in given]
            return [_fresh(v, self.item) for v in given]
        if kind == "json":
            return None if given is None else json_value(self.flag, given, self._plain(self.schema))
        if given is None:
            return None
        return _fresh(given, self._plain(self.schema))


def _type(schema: dict[str, Any]) -> click.ParamType | None:
    if schema.get("type") == "object":
        return None
    if "enum" in schema:
        return click.Choice(schema["enum"])
    return click.INT if schema.get("type") == "integer" else click.STRING


def _metavar(schema: dict[str, Any]) -> str:
    if schema.get("format") == "uuid":
        return "UUID|new"
    if schema.get("format") == "date":
        return "YYYY-MM-DD"
    if schema.get("type") == "integer":
        return "N"
    if "enum" in schema:
        return "[" + "|".join(schema["enum"]) + "]"
    return "TEXT"


def _fresh(value: Any, schema: dict[str, Any]) -> Any:
    return str(uuid4()) if schema.get("format") == "uuid" and value == "new" else value


def _is_object(schema: dict[str, Any]) -> bool:
    """An object, or a choice of objects (a JWK: Ed25519 or SM2)."""
    options = schema.get("anyOf")
    return all(_is_object(s) for s in options) if options else schema.get("type") == "object"


def _is_jwk(schema: dict[str, Any]) -> bool:
    options = schema.get("anyOf")
    if options:
        return any(_is_jwk(s) for s in options)
    return {"kty", "crv", "x"} <= set(schema.get("properties", {})) <= {"kty", "crv", "x", "y"}


def json_value(flag: str, text: str, schema: dict[str, Any]) -> Any:
    """JSON text or @FILE; a JWK may also be given as @FILE of any key file (its public half)."""
    from api.keyfiles import KeyFileError, read_public_key

    if text.startswith("@"):
        path = Path(text[1:])
        if _is_jwk(schema):
            try:
                return read_public_key(path).jwk
            except KeyFileError as error:
                fail(f"{flag}: {error}")
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as error:
            fail(f"{flag}: cannot read {path}: {error.strerror}")
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        fail(f"{flag}: not JSON ({error.msg} at character {error.pos}): {text[:60]!r}")


def fields_of(spec: ActionSpec) -> list[Field]:
    from api.http.writes import inline_refs

    schema = inline_refs(spec.command.model_json_schema())
    required = set(schema.get("required", []))
    return [Field(name, prop, name in required) for name, prop in schema.get("properties", {}).items()]

"""`client`: sign actions with your own key and send them to a running service; read from it.

One command per action a person takes, made from the action's command model: each argument is
an option (``--material-id``; a list is the option repeated; an object is JSON text or
``@FILE``; a UUID option takes ``new`` for a fresh id). The intent is checked here against the
same model the ledger uses, signed with ``--key`` and posted; the recorded event is printed,
or the refusal with its article.

Exit codes: 0 recorded (or read); 1 the service refused (the RFC 9457 problem is printed on
stdout, a one-line reason on stderr); 2 a usage error — bad options or arguments, an
unreadable key, a service that cannot be reached.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn
from uuid import UUID, uuid4

import click

from api.cli import main
from api.cli.client_fields import Field, fields_of
from api.cli.client_fields import fail as _fail
from api.cli.client_fields import json_value as _json_value
from api.cli.common import EXIT_BROKEN
from api.http.limits import MAX_LIFETIME

if TYPE_CHECKING:  # imported where used: listing the commands needs neither httpx nor the action models
    import httpx

    from domain.evidence.signing import SigningKey
    from domain.model.actions import ActionSpec

ENV_SERVER = "DECISION_LEDGER_SERVER"
ENV_KEY = "DECISION_LEDGER_KEY"
ENV_AS = "DECISION_LEDGER_AS"
DEFAULT_SERVER = "http://127.0.0.1:8000"
TIMEOUT = 30.0
GROUPS = {
    "principal": "People and their keys, roles, transfers, names and retirement (登记人员、密钥、角色、调动、更名与退休).",
    "organisation": "Organisations: organs, their units and the bodies serving them (单位).",
    "agency": "Entrusted third-party agencies (第三方评估机构).",
    "decision": "Major administrative decisions (重大行政决策).",
    "case": "Evaluation cases: every step of tracking-feedback and post-evaluation.",
    "accountability": "Accountability procedures: 立案, 调查, 告知, 陈述申辩, 决定, 申诉, 复核 (责任追究).",
    "credit": "Credit as a process: 提请, 决定 with a period, 信用修复 (NX-17, XX-24, XX-21).",  # H3 credit
    # issue 18 — deadlines on the official calendar
    "holiday_notice": "A year's State Council holiday notice: adopted by the office, confirmed by a second person.",
}
TARGET_ARG = {"principal": "PRINCIPAL_ID", "organisation": "ORGANISATION_ID", "agency": "AGENCY_ID",
              "decision": "DECISION_ID", "case": "CASE_ID", "accountability": "ACCOUNTABILITY_ID",
              "credit": "AGENCY_ID", "holiday_notice": "NOTICE_ID"}


@dataclass
class Connection:
    server: str
    key_file: Path | None
    principal: str | None
    passphrase_env: str | None

    def key(self) -> SigningKey:
        from api.keyfiles import KeyFileError, read_key

        if self.key_file is None:
            _fail(f"pass --key FILE (your private key file) or set ${ENV_KEY}")
        passphrase = None
        if self.passphrase_env:
            value = os.environ.get(self.passphrase_env)
            if not value:
                _fail(f"environment variable {self.passphrase_env} is empty or unset")
            passphrase = value.encode("utf-8")
        try:
            return read_key(self.key_file, passphrase)
        except KeyFileError as error:
            _fail(str(error))

    def principal_id(self) -> UUID:
        if not self.principal:
            _fail(f"pass --as PRINCIPAL_ID (whose key --key is) or set ${ENV_AS}")
        try:
            return UUID(self.principal)
        except ValueError:
            _fail(f"--as {self.principal!r} is not a principal id (a UUID)")

    def token(self, lifetime: int = 300) -> str:
        from api.http.auth import make_token

        return make_token(self.key(), self.principal_id(), lifetime)

    def request(self, method: str, path: str, *, body: Any = None, signed_in: bool = True) -> httpx.Response:
        import httpx

        headers = {"Accept": "application/json, application/problem+json, text/plain"}
        if signed_in:
            headers["Authorization"] = f"Bearer {self.token()}"
        url = self.server.rstrip("/") + path
        try:
            return httpx.request(method, url, json=body, headers=headers, timeout=TIMEOUT)
        except httpx.HTTPError as error:
            _fail(f"cannot reach {self.server}: {error} (is `decision-ledger serve` running? pass --server)")


def _new_id(action: str, args: dict[str, Any]) -> UUID:
    """A fresh id; a year's holiday notice has its own (issue 18: every deadline finds it)."""
    if action == "holiday_notice.adopt":
        from domain.model.holiday_notice import notice_id

        return notice_id(int(args["year"]))
    return uuid4()


def connection_params() -> list[click.Parameter]:
    return [
        click.Option(["--server"], envvar=ENV_SERVER, default=DEFAULT_SERVER, show_default=True, metavar="URL",
                     help=f"The service's address (or ${ENV_SERVER})."),
        click.Option(["--key", "key_file"], envvar=ENV_KEY, metavar="FILE",
                     type=click.Path(dir_okay=False, path_type=Path),
                     help=f"Your private key file, which signs (or ${ENV_KEY})."),
        click.Option(["--as", "principal"], envvar=ENV_AS, metavar="PRINCIPAL_ID",
                     help=f"Your principal id, whose key --key is (or ${ENV_AS})."),
        click.Option(["--passphrase-env"], metavar="VAR", help="The key file's passphrase is in this variable."),
    ]


def connection_options(command: Callable[..., Any]) -> Callable[..., Any]:
    command.__click_params__ = [*getattr(command, "__click_params__", []), *reversed(connection_params())]  # type: ignore[attr-defined]
    return command


def _connection(params: dict[str, Any]) -> Connection:
    return Connection(params.pop("server"), params.pop("key_file"), params.pop("principal"),
                      params.pop("passphrase_env"))


@main.group()
def client() -> None:
    """Sign actions with your own key and send them to a running service; read from it.

    Every action command signs an intent with --key (as --as) against the target's current
    version (or --expected-version) and posts it to --server. Prints the recorded event as JSON
    (exit 0) or the service's refusal: the RFC 9457 problem on stdout and its article and
    reason on stderr (exit 1). Usage errors exit 2.
    """


@client.command()
@connection_options
@click.option("--lifetime", default=300, show_default=True, type=click.IntRange(30, MAX_LIFETIME),
              help="Seconds the token is valid.")
def token(lifetime: int, **params: Any) -> None:
    """Print a read token: a JWT signed with your key (EdDSA for an Ed25519 key, SM2SM3 for an
    SM2 key), for `Authorization: Bearer` or the web sign-in page."""
    connection = _connection(params)
    click.echo(connection.token(lifetime))


@client.command()
@connection_options
@click.argument("path")
@click.option("--public", is_flag=True, help="Send no token (public endpoints).")
def get(path: str, public: bool, **params: Any) -> None:
    """GET a path of the API, signed in with a fresh token; print the answer.

    PATH is like /v1/cases, /v1/cases/ID/timeline, /v1/persons/ID or /v1/public/checkpoint.
    """
    if not path.startswith("/"):
        _fail("PATH starts with /, e.g. /v1/cases")
    connection = _connection(params)
    _finish(connection.request("GET", path, signed_in=not public))


# --- one command per action -------------------------------------------------------------------


def _action_command(spec: ActionSpec) -> click.Command:
    from api.http.writes import ROUTES

    fields = fields_of(spec)
    group = spec.name.split(".")[0]
    path, parameter = ROUTES[spec.name]
    doc = (spec.command.__doc__ or spec.name).strip()
    who = f"\n\nWho may sign: {', '.join(sorted(r.value for r in spec.roles))}." if spec.roles else ""
    article = f" ({spec.article})" if spec.article else ""
    params: list[click.Parameter] = []
    if spec.creates:
        params.append(click.Option(["--id", "new_id"], metavar="UUID",
                                   help="The new record's id (default: a fresh UUID, printed)."))
    else:
        params.append(click.Argument(["target"], metavar=TARGET_ARG[group]))
    params.extend(f.option() for f in fields)
    params.append(click.Option(["--args", "args_json"], metavar="JSON|@FILE",
                               help="All arguments as one JSON object; options given as well override it."))
    params.append(click.Option(["--expected-version", "expected"], type=click.IntRange(0), metavar="N",
                               help="The version you read (default: the target's current version, asked "
                                    "of the service)."))
    params.append(click.Option(["--dry-run"], is_flag=True,
                               help="Print the signed envelope instead of sending it."))

    def callback(**given: Any) -> None:
        from domain.errors import MalformedInput
        from domain.evidence.intent import sign_intent
        from domain.model.acts import new_intent
        from domain.model.commands.case import CollectMaterial, FinaliseReport

        connection = _connection(given)
        dry_run = given.pop("dry_run")
        expected = given.pop("expected")
        args_text = given.pop("args_json")
        args: dict[str, Any] = {}
        if args_text:
            loaded = _json_value("--args", args_text, {})
            if not isinstance(loaded, dict):
                _fail("--args must be a JSON object")
            args.update(loaded)
        for f in fields:
            value = f.value(given.pop(f.name))
            if value is not None:
                args[f.name] = value
        try:
            spec.command.parse(args)
        except MalformedInput as error:
            _fail(_explain(error.detail, fields, error.pointer))
        if spec.creates:
            new_id = given.pop("new_id")
            try:
                target = UUID(new_id) if new_id else _new_id(spec.name, args)
            except ValueError:
                _fail(f"--id {new_id!r} is not a UUID")
            version = 0 if expected is None else expected
        else:
            try:
                target = UUID(given.pop("target"))
            except ValueError:
                _fail(f"{TARGET_ARG[group]} is not a UUID")
            version = expected if expected is not None else _current_version(connection, target)
        if spec.command is CollectMaterial:
            args = _sealed_if_classified(connection, target, args)
        if spec.command is FinaliseReport and "process_record_digest" not in args:
            args["process_record_digest"] = _process_record_digest(connection, target)
        key, actor = connection.key(), connection.principal_id()
        envelope = sign_intent(key, new_intent(actor, spec.name, target, version, args)).to_json()
        if dry_run:
            click.echo(json.dumps(envelope, ensure_ascii=False, indent=2))
            return
        url = path.replace("{" + parameter + "}", str(target)) if parameter else path
        _finish(connection.request("POST", url, body=envelope, signed_in=False))

    return click.Command(
        spec.name.split(".", 1)[1].replace("_", "-"),
        params=params + connection_params(),
        callback=callback,
        help=f"{doc}{article}{who}\n\nSigns {spec.name} and posts it to POST {path}.",
        short_help=doc.splitlines()[0],
    )


def _explain(detail: str, fields: list[Field], pointer: str | None = None) -> str:
    """The model's complaint, naming options rather than JSON fields."""
    if pointer and pointer.startswith("/args/") and " args: " not in detail:  # the text rule's
        head = pointer.split("/")[2]
        flag = next((f.flag for f in fields if f.name == head), None)
        return detail.replace(pointer, f"{flag}{pointer[len('/args/' + head):]}", 1) if flag else detail
    prefix, _, problems = detail.partition(" args: ")
    named = []
    for part in problems.split("; "):
        location, _, message = part.partition(": ")
        head = location.split(".")[0]
        flag = next((f.flag for f in fields if f.name == head), None)
        named.append(f"{flag}{location[len(head):]}: {message}" if flag else part)
    return f"{prefix}: " + "; ".join(named) if problems else detail


def _sealed_if_classified(connection: Connection, case_id: UUID, args: dict[str, Any]) -> dict[str, Any]:
    """A classified material's content sealed here, before it is signed (NX-15, XX-22): a fresh
    data key from the service (POST /v1/secrets/keys), AES-256-GCM bound to this case and
    material; the plaintext never leaves this machine inside the signed intent."""
    from domain.errors import MalformedInput
    from domain.evidence.signing import b64decode
    from domain.model.sealing import MATERIAL_FIELDS, Place, seal

    if args.get("classification", "none") == "none" or "sealed" in args:
        return args
    content = {name: args[name] for name in MATERIAL_FIELDS if name in args}
    response = connection.request("POST", "/v1/secrets/keys")
    if response.status_code != 201:
        _finish(response)
    issued = response.json()
    try:
        key = b64decode(issued["key"], "data key")
        # issue 20 — sm4: DECISION_LEDGER_SEAL_ALG=SM4GCM seals with SM4-GCM (国密) instead of AES-256-GCM
        alg = os.environ.get("DECISION_LEDGER_SEAL_ALG") or "A256GCM"
        sealed = seal(key, issued["kid"], content, Place(case_id, UUID(args["material_id"])), alg=alg)
    except (KeyError, ValueError, MalformedInput) as error:
        _fail(f"the service issued an unusable data key: {error}")
    return {**{k: v for k, v in args.items() if k not in MATERIAL_FIELDS}, "sealed": sealed}


def _process_record_digest(connection: Connection, case_id: UUID) -> str:
    """全过程记录 (NX-10(4)): the record of the case as it stands, read from the service, and its
    digest computed here by the one function the ledger checks with — a service whose record does
    not give the digest it states is not believed (issue 18)."""
    from domain.model.process_record import digest_of

    response = connection.request("GET", f"/v1/cases/{case_id}/process-record")
    if response.status_code != 200:
        _finish(response)
    document = response.json()
    digest = digest_of(document["record"])
    if digest != document.get("digest"):
        _fail(f"the service's process record gives {digest}, not the digest it states ({document.get('digest')})",
              EXIT_BROKEN)
    return digest


def _current_version(connection: Connection, target: UUID) -> int:
    response = connection.request("GET", f"/v1/aggregates/{target}/version")
    if response.status_code != 200:
        _finish(response)
    return int(response.json()["version"])


def _finish(response: httpx.Response) -> NoReturn:
    """Print the answer; exit 0 on success, 1 when the service refused."""
    media = response.headers.get("content-type", "")
    if "json" in media:
        try:
            body = response.json()
        except ValueError:
            body = None
        if body is not None:
            click.echo(json.dumps(body, ensure_ascii=False, indent=2))
    else:
        click.echo(response.text, nl=not response.text.endswith("\n"))
        body = None
    if response.is_success:
        sys.exit(0)
    if isinstance(body, dict):
        article = f" [{body['article']}]" if body.get("article") else ""
        reason = body.get("message_zh") and f"{body['message_zh']} / {body.get('message_en', '')}"
        click.echo(f"refused ({response.status_code} {body.get('title', '')}){article}: "
                   f"{reason or body.get('detail', '')}", err=True)
    else:
        click.echo(f"refused ({response.status_code})", err=True)
    sys.exit(EXIT_BROKEN)


class ActionGroup(click.Group):
    """The action commands on one kind of record (``client case …``), made from the action
    models the first time they are listed or looked up: the models load pydantic, which
    ``client --help`` does not need."""

    def _made(self) -> None:
        if self.commands:
            return
        from api.http.writes import NOT_OVER_HTTP
        from domain.model.actions import ACTIONS

        for name, spec in ACTIONS.items():
            if name.split(".")[0] == self.name and name not in NOT_OVER_HTTP:
                self.add_command(_action_command(spec))

    def list_commands(self, ctx: click.Context) -> list[str]:
        self._made()
        return super().list_commands(ctx)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        self._made()
        return super().get_command(ctx, cmd_name)


for _group, _help in GROUPS.items():
    client.add_command(ActionGroup(_group, help=_help))

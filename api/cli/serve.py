"""`serve`: the HTTP service (JSON API, public endpoints, web pages) over one store."""

from __future__ import annotations

import errno
import json
import logging
import os
import signal
import socket
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import click

from api.cli import main
from api.cli.common import (
    EXIT_BROKEN,
    EXIT_USAGE,
    LEDGER_KEY_FILE,
    _fail,
    _key_if_present,
    _open,
    _projector,
    _settings,
    db_option,
    keys_option,
)
from api.cli.ledger import _administrator, initialise
from api.cli.workers import listening_socket, supervise, watch_supervisor, worker_sockets
from api.timestamping import TSA_URL_ENV
from domain import clock

if TYPE_CHECKING:
    from api.settings import Settings
    from domain.service.ledger import Ledger
    from projections.runner import Projector

#: the projector role's URL, when the projections run as a role of their own
PROJECTOR_DB_ENV = "DECISION_LEDGER_PROJECTOR_DB"


@main.command()
@db_option
@keys_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to listen on (0: any free port, printed at start).")
@click.option("--demo", "with_demo", is_flag=True,
              help="On an empty store, create the ledger and record the demo cases first; print a "
              "sign-in link for the demo's discipline inspector.")
@click.option("--interval", default=1.0, show_default=True, type=click.FloatRange(0.05, 60),
              help="Seconds between the background projection rounds.")
@click.option("--log-level", default="info", show_default=True,
              type=click.Choice(["debug", "info", "warning", "error"]), help="Level of the JSON request log.")
@click.option("--workers", default=1, show_default=True, type=click.IntRange(1, 64),
              help="Server processes sharing the port (PostgreSQL only), each with its own connections "
              "and group commit, the first keeping the projections current; about one per core.")
@click.option("--projector-db", metavar="URL", envvar=PROJECTOR_DB_ENV, show_envvar=True,
              help="The projections' own connection: the projector role's URL on PostgreSQL (`grant "
              "--projector-role`), the only role that may write the read models and the log. Default: the --db "
              "connection.")
@click.option("--listen-fd", type=int, hidden=True)  # a worker's listening socket, from its supervisor
# a worker other than the first: it catches the read models up when it reads (read-your-writes),
# but keeps no projections thread of its own (the first worker's is the one)
@click.option("--reads-only-projections", is_flag=True, hidden=True)
# issue 20 — stamps: RFC 3161 timestamps of checkpoints, from a thread of their own
@click.option("--tsa-url", metavar="URL", envvar=TSA_URL_ENV, show_envvar=True,
              help="Have the latest checkpoint timestamped by this RFC 3161 timestamp authority (HTTP) every "
              "--tsa-interval seconds; writes never wait for it.")
@click.option("--tsa-interval", default=3600.0, show_default=True, type=click.FloatRange(1, 86400),
              help="Seconds between two requests to the TSA.")
@click.option("--tsa-cert", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Keep a token only if it verifies under this PEM file (the TSA's certificate then its chain).")
def serve(db: str | None, keys: str | None, host: str, port: int, with_demo: bool, interval: float,
          log_level: str, workers: int, projector_db: str | None, listen_fd: int | None,
          reads_only_projections: bool, tsa_url: str | None = None, tsa_interval: float = 3600.0,
          tsa_cert: Path | None = None) -> None:
    """Run the HTTP service: signed writes, authenticated reads, public results, proofs, the
    inspectors' web pages, /healthz, /readyz and /metrics.

    The projections are brought up to date first, then kept current in the background. The
    ledger key (ledger.pem in the keys directory), if present, signs checkpoints and the
    findings rules raise. Logs are JSON lines on stderr. Stop with Ctrl-C.

    With --workers N (PostgreSQL), N server processes share the listening socket, as N servers
    side by side would; this process supervises them, restarts one that dies, and stops them all
    on Ctrl-C or SIGTERM. Writes arriving together are judged one by one and stored in one
    transaction (group commit) in each process. The first worker keeps the read models current
    and signs the checkpoints; every worker brings them up to date before it answers a read.

    With a policy file `tlog-policy` in the keys directory (C2SP tlog-policy: the witnesses, their
    URLs, the quorum), each new checkpoint is offered to the witnesses in the background and
    /v1/public/checkpoint serves the newest a quorum cosigned (docs/operations.md, "Witnesses").

    Exit 2 if the store cannot be opened or holds no ledger (without --demo), the port is
    taken, or the policy file is malformed.
    """
    import uvicorn  # the web stack is imported here: the other commands do not need it

    from api.http.app import create_app
    from api.http.service import Service, configure_logging
    from api.store.secrets import Keystore
    from projections.gc_pause import freeze_startup_heap

    settings = _settings(db, keys)
    if workers > 1 and settings.database.kind != "postgresql":
        _fail("--workers needs a PostgreSQL store: a SQLite file has one writer (serve it with one worker)",
              EXIT_USAGE)
    worker = listen_fd is not None
    demo_info = _prepare_demo(settings) if with_demo and not worker else None
    ledger = _open(settings, signing=_has_ledger_key(settings))
    if not ledger.is_initialised():
        _fail(f"{settings.database.redacted} holds no ledger: run `decision-ledger init` first "
              "(or `serve --demo` to start from the demo)", EXIT_USAGE)
    _require_ledger_key(settings, ledger)
    _require_service_tables(settings, ledger)
    projector = _projector(settings, ledger)
    projecting = _projecting(settings, ledger, projector_db) if projector_db else None
    behind = projector.pending()
    if behind and not worker:
        click.echo(f"… bringing the read models up to date ({behind} events)", err=True)
    (projecting or projector).catch_up()
    if listen_fd is not None:
        sock = socket.socket(fileno=listen_fd)
    else:
        sock = _bind(host, port, reuse_port=workers > 1 and hasattr(socket, "SO_REUSEPORT"))
    if not worker:
        _print_banner(settings, _address(host, sock.getsockname()[1]), demo_info)
    configure_logging(getattr(logging, log_level.upper()))
    sys.setswitchinterval(SWITCH_INTERVAL)
    if workers > 1:
        ledger.close()
        projector.close()
        if projecting is not None:
            projecting.close()
        arguments = [*(["--db", db] if db else []), *(["--keys", keys] if keys else []),
                     *(["--projector-db", projector_db] if projector_db else []),
                     "--interval", str(interval), "--log-level", log_level,
                     *(["--tsa-url", tsa_url, "--tsa-interval", str(tsa_interval)] if tsa_url else []),
                     *(["--tsa-cert", str(tsa_cert)] if tsa_url and tsa_cert else [])]
        code = supervise(workers, worker_sockets(sock, workers), arguments)
        click.echo("stopped", err=True)
        sys.exit(code)
    service = Service(ledger, projector, _key_if_present(settings), interval=interval,
                      projections_thread=not reads_only_projections,
                      keystore=Keystore.beside(settings.keys_dir), projecting=projecting,
                      witnessing=_witnessing(settings, projector.reader.origin),  # issue 20 — witnesses
                      tsa_url=tsa_url)  # issue 20 — stamps: /readyz and the metrics give the timestamp lag
    config = uvicorn.Config(create_app(service), log_config=None, access_log=False, log_level=log_level,
                            timeout_graceful_shutdown=5)
    stamper = _timestamper(projecting or projector, tsa_url, tsa_interval, tsa_cert) \
        if tsa_url and not reads_only_projections else None  # issue 20 — stamps
    freeze_startup_heap()  # full collections then scan only what requests allocate
    if worker:
        watch_supervisor()  # a worker outlives no supervisor
    # uvicorn shuts down gracefully on SIGINT/SIGTERM, then re-raises the signal: end quietly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    if stamper is not None:
        stamper.start()
    try:
        uvicorn.Server(config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    if stamper is not None:
        stamper.stop()
    if not worker:
        click.echo("stopped", err=True)


def _timestamper(projector: Projector, url: str, interval: float, cert: Path | None) -> Any:
    """issue 20 — stamps: the thread that has checkpoints timestamped (api/timestamping.py)."""
    from api.timestamping import Timestamper, read_trust
    from domain.evidence.timestamps import TimestampError

    try:
        return Timestamper(projector, url, interval, read_trust(cert) if cert is not None else None)
    except (TimestampError, ValueError, OSError) as error:
        _fail(f"--tsa-url/--tsa-cert: {error}", EXIT_USAGE)


def _print_banner(settings: Settings, address: str, demo_info: dict[str, Any] | None) -> None:
    click.echo(f"Decision Ledger serving {settings.database.redacted}")
    click.echo(f"  web pages     {address}/")
    click.echo(f"  API document  {address}/docs  (OpenAPI: {address}/openapi.json)")
    if demo_info is not None:
        _print_sign_in(address, demo_info)
    click.echo("Stop with Ctrl-C.", err=True)


#: seconds a thread may hold the interpreter while another waits for it (Python's default: 5 ms).
#: The group committer waits on the database several times per batch and must get the
#: interpreter back each time from the event loop: at 5 ms a turn, a batch spent most of its
#: time waiting to run again.
SWITCH_INTERVAL = 0.0005


def _projecting(settings: Settings, ledger: Any, url: str) -> Projector:
    """The projections on a connection of their own, as ``url``'s role (the projector role): they
    read the events through the service's ledger and write the read models and the log as that
    role; request handlers read them through the service role's connection."""
    from api.settings import Database, SettingsError
    from api.store.opening import StoreUnavailable, open_projector
    from projections.signed import CheckpointMemory

    try:
        database = Database.parse(url)
        if database.kind != settings.database.kind or database.dbname != settings.database.dbname:
            _fail("--projector-db must name the same store as --db (another role's URL)", EXIT_USAGE)
        projecting = open_projector(database, ledger)
    except (SettingsError, StoreUnavailable) as error:
        _fail(f"--projector-db: {error}", EXIT_USAGE)
    projecting.memory = CheckpointMemory(settings.keys_dir)
    return projecting


def _require_ledger_key(settings: Settings, ledger: Ledger) -> None:
    """Refuse to start with a ledger.pem that is not an active key of this ledger's principal
    (issue 16, point 7; attack L6: `serve` started, then failed at the first checkpoint)."""
    key = ledger.ledger_key
    if key is None:
        return
    genesis = ledger.genesis()
    principal = ledger.get_principal(genesis.ledger_id)
    record = principal.key(key.keyid)
    path = settings.keys_dir / LEDGER_KEY_FILE
    if record is None:
        _fail(f"{path} is not this ledger's key (its key id {key.keyid} is not a key of the ledger {genesis.ledger_id}): "
              "pass --keys, the directory `init` wrote for this store — "
              f"{path} 不是本账本的密钥，请用 --keys 指定本库 init 时写出的密钥目录", EXIT_USAGE)
    now = clock.now()
    if not record.active_at(now):
        _fail(f"{path} is no longer an active key of the ledger ({record.describe_at(now)}): use the ledger's "
              f"current key — {path} 已不是本账本的有效密钥", EXIT_USAGE)


def _require_service_tables(settings: Settings, ledger: Ledger) -> None:
    """The service's own tables (sessions, spent sign-in tokens, data keys minted), created here
    where this role may; on PostgreSQL a service role cannot, and `grant` does. (A read-only
    SQLite file cannot either: it is served, reporting not ready.)"""
    from api.store.service_state import ServiceState

    missing = ServiceState.of(ledger).ensure()
    if missing and settings.database.kind == "postgresql":
        _fail(f"{settings.database.redacted} lacks the service's tables ({', '.join(missing)}): run "
              "`decision-ledger grant --role ROLE` as the migration role, which creates them — "
              "缺少服务数据表，请以迁移角色运行 grant", EXIT_USAGE)


def _has_ledger_key(settings: Settings) -> bool:
    return (settings.keys_dir / LEDGER_KEY_FILE).exists()


def _prepare_demo(settings: Settings) -> dict[str, Any] | None:
    """Create the ledger and run the demo when the store is empty; else find the demo's people
    from an earlier run (``demo.json`` in the keys directory), if any."""
    from api.demo import DEMO_INFO_FILE, Demo, demo_keys_dir
    from api.keyfiles import KeyFileError
    from api.store.secrets import Keystore
    from domain.errors import LedgerError

    if settings.database.exists:
        ledger = _open(settings)
        initialised = ledger.is_initialised()
        ledger.close()
    else:
        initialised = False
    if initialised:
        found = sorted((settings.keys_dir / "demo").glob(f"*/{DEMO_INFO_FILE}"))
        if not found:
            click.echo("the store already holds a ledger without the demo: serving it as it is", err=True)
            return None
        click.echo("the store already holds a ledger: serving it as it is (the demo is not loaded twice)", err=True)
        return json.loads(found[-1].read_text(encoding="utf-8"))  # type: ignore[no-any-return]
    info = initialise(settings)
    click.echo(f"initialised a ledger in {settings.database.redacted} (keys in {info['keys_dir']})", err=True)
    ledger = _open(settings, signing=True)
    signer = _administrator(settings, None, None)
    confirmer = _administrator(settings, None, None, second=True)
    try:
        result = Demo(ledger, signer, demo_keys_dir(settings.keys_dir),
                      lambda message: click.echo(f"… {message}", err=True),
                      secrets=Keystore.beside(settings.keys_dir), confirmer=confirmer).run()
    except (LedgerError, KeyFileError) as error:
        _fail(f"the demo was refused: {error}", EXIT_BROKEN)
    finally:
        ledger.close()
    click.echo(f"recorded {result.events} signed demo events", err=True)
    return result.to_json()


def _print_sign_in(address: str, demo: dict[str, Any]) -> None:
    from api.demo import INSPECTOR
    from api.http.auth import MAX_LIFETIME, make_token
    from api.keyfiles import KeyFileError, read_key

    handles: dict[str, str] = demo.get("handles", {})
    if INSPECTOR not in handles:
        return
    key_file = Path(demo["keys_dir"]) / f"{INSPECTOR}.pem"
    try:
        key = read_key(key_file)
    except KeyFileError as error:
        click.echo(f"no sign-in link: {error}", err=True)
        return
    token = make_token(key, UUID(handles[INSPECTOR]), lifetime=MAX_LIFETIME)
    click.echo(f"  sign in as the demo's discipline inspector 孔德明 (link valid {MAX_LIFETIME // 60} minutes):")
    click.echo(f"    {address}/signin?token={token}")
    click.echo("  a fresh token later (from any shell):")
    click.echo(f"    {_this_command()} client token --key {_quoted(key_file)} --as {handles[INSPECTOR]}")


def _this_command() -> str:
    """This program as a fresh shell runs it: the script's absolute path, since a virtualenv's
    bin/ is on PATH only while the virtualenv is activated."""
    script = Path(sys.argv[0])
    if script.name == "decision-ledger" and script.is_file():
        return _quoted(script)
    beside = Path(sys.executable).parent / "decision-ledger"  # run in process (tests), or as a module
    return _quoted(beside) if beside.is_file() else "decision-ledger"


def _quoted(path: Path) -> str:
    """An absolute path (not resolving symbolic links: the virtualenv's, not the interpreter's),
    quoted for a POSIX shell."""
    import shlex  # the banner alone needs it

    return shlex.quote(os.path.abspath(path))


def _bind(host: str, port: int, reuse_port: bool = False) -> socket.socket:
    """Bind here, so that a taken port is a clear usage error rather than a server crash.

    ``reuse_port``: a socket that the workers' further sockets may bind beside (SO_REUSEPORT).
    The port is first bound without it, so that a port another server holds is refused even if
    that server's sockets allow reuse (two ``serve --workers`` on one port would otherwise share
    it silently); then that socket is closed and the address bound again with reuse allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        _fail(f"cannot listen on {host!r}: {error.strerror}", EXIT_USAGE)
    family, kind, proto, _, address = infos[0]
    try:
        if reuse_port:
            with listening_socket(family, kind, proto, address) as alone:
                address = alone.getsockname()  # the port the kernel chose, for --port 0
        return listening_socket(family, kind, proto, address, reuse_port)
    except OSError as error:
        reason = "the port is taken (pass --port)" if error.errno == errno.EADDRINUSE else error.strerror
        _fail(f"cannot listen on {host}:{port}: {reason}", EXIT_USAGE)


def _address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    if host in ("0.0.0.0", "::"):
        shown = "127.0.0.1"
    return f"http://{shown}:{port}"


# issue 20 — witnesses
def _witnessing(settings: Settings, origin: str) -> Any:
    """The witnesses of the keys directory's policy file ``tlog-policy``, if it holds one."""
    from api.witness.submitter import POLICY_FILE, Witnessing
    from domain.evidence.tlog_policy import PolicyError

    try:
        return Witnessing.beside(settings.keys_dir, origin)
    except (PolicyError, OSError) as error:
        _fail(f"{settings.keys_dir / POLICY_FILE}: {error}", EXIT_USAGE)

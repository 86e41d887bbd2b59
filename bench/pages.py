"""``python -m bench --pages``: how fast the web pages and the timeline answer on a grown ledger
(issue 19 point 7: each ≤ 200 ms at the 95th percentile on the 1M-event ledger, PostgreSQL).

The ledger: ``init``, the demo (its organisations, its inspectors), then the bench's writers
(staff of one 息县 lead unit, :mod:`tests.integration.writers`) on two decisions of 息县人民政府
(the registered organisation, so the demo's inspector 蒋卫国 reaches them): the first writer's
long case (``--case-events``, 10,000 by default: so the first writer is a person with 10,000
acts) on the first decision, the other writers' cases on the second, grown round after round
until the store holds ``--events`` events (:func:`bench.ledgers.grow_ledger`). Every read model
is rebuilt, then the app is served in-process (Starlette's test client, the app ``serve`` runs)
and each page in :data:`PAGES` is asked ``--requests`` times after a few unclocked requests; a
page whose route the app does not have (yet) is reported "not yet built", not measured.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote
from uuid import UUID, uuid4

import psycopg

from api.cli.ledger import initialise
from api.demo import Demo
from api.demo_cast import XX_ORGAN, XX_UNIT
from api.http.app import create_app
from api.http.auth import make_token
from api.http.service import Service
from api.http.sessions import SESSION_COOKIE
from api.keyfiles import read_key, write_key
from api.settings import Database, Settings
from api.signer import Signer
from api.store.opening import open_projector
from api.store.secrets import Keystore
from bench.ledgers import Bench, grow_ledger, postgres_missing
from bench.machine import describe
from bench.replay import rebuild
from domain.evidence.keys import make_proof
from domain.evidence.signing import SigningKey
from domain.evidence.times import format_time
from projections.runner import Projector
from tests.integration.conftest import PG_ADMIN_URL, _database
from tests.integration.stores import Store
from tests.integration.writers import Cast, ledger_at

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"
TARGET_P95_MS = 200.0
MIN_REQUESTS = 10  # clocked requests a page gets even past --budget
INSPECTOR = "jiang_weiguo"  # 蒋卫国, the demo's 息县 discipline inspector


@dataclass(frozen=True)
class Subjects:
    """What the pages are asked about."""

    long_case: UUID
    long_version: int
    decision: UUID  # the long case's decision
    person: Signer  # the first writer: every act of the long case is theirs
    inspector: Signer
    middle_moment: str = ""  # issue 19 — perf2: when the long case's middle version was recorded


@dataclass(frozen=True)
class Page:
    """One measured page: its name, the route it must exist under, the path asked, who asks."""

    name: str
    route: str
    path: Callable[[Subjects], str]
    reader: Callable[[Subjects], Signer]
    status: int = 200  # issue 19 — perf2: the moment's page answers with a redirect to its version


#: the pages measured, in order; a new page is one more row (a route not yet in the app is
#: reported "not yet built")
PAGES: list[Page] = [
    Page("case page", "/cases/{case_id}", lambda s: f"/cases/{s.long_case}", lambda s: s.person),
    Page("version page", "/cases/{case_id}/versions/{version}",
         lambda s: f"/cases/{s.long_case}/versions/{s.long_version // 2}", lambda s: s.person),
    Page("timeline (API, limit=50)", "/v1/cases/{case_id}/timeline",
         lambda s: f"/v1/cases/{s.long_case}/timeline?limit=50", lambda s: s.person),
    Page("timeline (API, limit=50, last page)", "/v1/cases/{case_id}/timeline",
         lambda s: f"/v1/cases/{s.long_case}/timeline?limit=50&offset={max(0, s.long_version - 50)}",
         lambda s: s.person),
    Page("person page (10,000 acts)", "/persons/{principal_id}", lambda s: f"/persons/{s.person.principal_id}",
         lambda s: s.person),
    Page("decision trace", "/decisions/{decision_id}/trace", lambda s: f"/decisions/{s.decision}/trace",
         lambda s: s.inspector),
    Page("search", "/search", lambda s: "/search?q=%E5%85%BB%E6%8A%A4", lambda s: s.inspector),  # q=养护
    # issue 19 — perf: the last page of the person's acts, another page of the case, the pictures
    Page("person page, last page", "/persons/{principal_id}",
         lambda s: f"/persons/{s.person.principal_id}?offset={max(0, s.long_version - 50)}", lambda s: s.person),
    Page("person page, read by an inspector", "/persons/{principal_id}",
         lambda s: f"/persons/{s.person.principal_id}", lambda s: s.inspector),
    Page("case page, first page", "/cases/{case_id}", lambda s: f"/cases/{s.long_case}?offset=0",
         lambda s: s.person),
    Page("decision graph", "/decisions/{decision_id}/graph", lambda s: f"/decisions/{s.decision}/graph",
         lambda s: s.inspector),
    Page("person graph (10,000 acts)", "/persons/{principal_id}/graph",
         lambda s: f"/persons/{s.person.principal_id}/graph", lambda s: s.person),
    Page("search by document number", "/search", lambda s: "/search?q=" + quote("息政〔2022〕7号"),
         lambda s: s.inspector),
    # issue 19 — perf2: a search by a reader who is not an inspector, the story, the case at a moment
    Page("search, read by a writer", "/search", lambda s: "/search?q=%E5%85%BB%E6%8A%A4", lambda s: s.person),
    Page("story page", "/cases/{case_id}/story", lambda s: f"/cases/{s.long_case}/story", lambda s: s.person),
    Page("story page, last page", "/cases/{case_id}/story",
         lambda s: f"/cases/{s.long_case}/story?offset={max(0, s.long_version - 50)}", lambda s: s.person),
    Page("case at a moment (redirect)", "/cases/{case_id}/at",
         lambda s: f"/cases/{s.long_case}/at?moment={quote(s.middle_moment)}", lambda s: s.person, status=303),
]


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (``share`` in 0..1) of the values."""
    ordered = sorted(values)
    return ordered[min(len(ordered), max(1, math.ceil(share * len(ordered) - 1e-9))) - 1]


def enrol_on_organ(url: str, keys: Path, organisations: dict[str, UUID], writers: int) -> tuple[Cast, UUID]:
    """The bench's writers (staff of the demo's 息县 lead unit, each with their own key file) and two decisions
    of the registered 息县人民政府: the first writer opens the long case on the first decision,
    each further writer a case of their own on the second (XX simplified procedure, XX-15)."""
    info = json.loads((keys / "ledger.json").read_text())
    admin = Signer.from_key_file(UUID(info["administrator_id"]), Path(info["administrator_key_file"]))
    second = info["administrators"][1]
    confirmer = Signer.from_key_file(UUID(second["id"]), Path(second["key_file"]))
    people: list[Signer] = []
    cases: list[UUID] = []
    with ledger_at(url, keys) as ledger:
        for n in range(writers):
            path = write_key(keys / "people" / f"writer-{n}.pem", SigningKey.generate())
            person, key = uuid4(), read_key(path)
            admin.act(ledger, "principal.register", person, {
                "kind": "person", "name": f"写入者{n}", "unit": XX_UNIT, "title": "科员", "roles": ["lead_unit"],
                "organisation_id": str(organisations["xx_housing"]), "public_keys": [key.public_key.jwk], "proofs": [make_proof(key, info["ledger_id"], str(person))],
            })
            confirmer.act(ledger, "principal.confirm_key", person, {"keyid": key.keyid})
            people.append(Signer.from_key_file(person, path, f"写入者{n}"))
        decisions = [uuid4(), uuid4()]
        for n, decision in enumerate(decisions):
            people[0].act(ledger, "decision.register", decision, {
                "jurisdiction": "XX", "title": f"息县农村公路养护管理办法（{n + 1}）",
                "document_number": f"息政〔2022〕{7 + n}号", "organ": XX_ORGAN, "decided_on": "2022-03-01",
                "purpose": "规范农村公路养护，保障群众出行。", "organisation_id": str(organisations["xx"]),
            })
            people[0].act(ledger, "decision.record_demonstrators", decision, {"none": True})  # NX-8; 713-36
        for n, person_signer in enumerate(people):
            case = uuid4()
            person_signer.act(ledger, "case.open", case, {
                "decision_id": str(decisions[0 if n == 0 else 1]), "jurisdiction": "XX",
                "title": f"农村公路养护办法后评估（{n}）", "lead_unit": XX_UNIT, "grounds": ["XX-9(3)"],
                "ground_statement": "群众反映养护不及时。", "scope": "whole", "procedure": "simplified",
                "simplified_reason": "社会关注点集中，采取座谈会和网上问卷即可全面了解实施情况。",
            })
            cases.append(case)
    return Cast(people, cases), decisions[0]


def route_paths(routes: Any, prefix: str = "") -> set[str]:
    """Every path the app routes, through the routers it includes (FastAPI 0.16x keeps an
    included router whole, under its prefix, instead of copying its routes)."""
    paths: set[str] = set()
    for route in routes:
        included = getattr(route, "original_router", None)
        if included is not None:
            context = getattr(route, "include_context", None)
            paths |= route_paths(included.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif getattr(route, "path", None) is not None:
            paths.add(prefix + str(route.path))
    return paths


def sign_in(client: TestClient, signer: Signer) -> str:
    """A web session for the signer (the sign-in form posted with a token signed by their key)."""
    answer = client.post("/signin", data={"token": make_token(signer.key, signer.principal_id), "next": "/"},
                         follow_redirects=False)
    cookie = answer.cookies.get(SESSION_COOKIE)
    if answer.status_code != 303 or not cookie:
        raise RuntimeError(f"signing in as {signer.name} answered {answer.status_code}: {answer.text[:300]}")
    client.cookies.clear()  # each request names its own session
    return str(cookie)


def measure(client: TestClient, routes: set[str], subjects: Subjects, requests: int, warmup: int,
            say: Callable[[str], None], budget: float | None = None) -> list[dict[str, Any]]:
    """Each page of :data:`PAGES`: p50/p95/p99 over ``requests`` answers (after ``warmup``
    unclocked ones), every answer required to be 200."""
    rows: list[dict[str, Any]] = []
    for page in PAGES:
        path = page.path(subjects)
        if page.route not in routes:
            rows.append({"page": page.name, "path": path, "built": False})
            say(f"{page.name}: not yet built ({page.route})")
            continue
        signer = page.reader(subjects)
        timings: list[float] = []
        size = 0
        # the API takes a bearer token (one per request, as a client signs them); a page, the
        # session cookie of a sign-in
        api = path.startswith("/v1/")
        session = "" if api else sign_in(client, signer)
        begun = time.perf_counter()
        for n in range(warmup + requests):
            if budget is not None and len(timings) >= MIN_REQUESTS and time.perf_counter() - begun > budget:
                break  # a slow page: the requests made within the budget (reported as "requests")
            headers = ({"Authorization": f"Bearer {make_token(signer.key, signer.principal_id)}"} if api
                       else {"Cookie": f"{SESSION_COOKIE}={session}"})
            started = time.perf_counter()
            answer = client.get(path, headers=headers, follow_redirects=False)
            elapsed = time.perf_counter() - started
            if answer.status_code != page.status or 'name="token"' in answer.text:
                raise RuntimeError(f"{page.name}: {path} answered {answer.status_code}: {answer.text[:300]}")
            size = len(answer.content)
            if n >= warmup:
                timings.append(elapsed * 1000)
        p95 = percentile(timings, 0.95)
        row: dict[str, Any] = {"page": page.name, "path": path, "built": True, "requests": len(timings), "bytes": size,
               "p50_ms": statistics.median(timings), "p95_ms": p95,
               "p99_ms": percentile(timings, 0.99), "max_ms": max(timings)}
        row["met"] = p95 <= TARGET_P95_MS
        rows.append(row)
        say(f"{page.name}: p50 {row['p50_ms']:.1f} ms, p95 {row['p95_ms']:.1f} ms, p99 {row['p99_ms']:.1f} ms")
    return rows


@contextmanager
def bench_store(kind: str, work: Path, keep: bool) -> Iterator[Store]:
    """A new, empty store for the run: dropped afterwards unless ``keep`` (then ``--reuse`` and
    ``--drop`` find it in ``work/pages.json``)."""
    if not keep:
        with _database(kind, work) as store:
            yield store
        return
    if kind == "sqlite":
        yield Store("sqlite", f"sqlite:///{work / 'ledger.db'}", path=work / "ledger.db")
        return
    dbname = f"dl_bench_pages_{uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    yield Store("postgres", Store.admin_url(dbname), dbname=dbname)


def build(store: Store, work: Path, events: int, case_events: int, per_case: int, writers: int,
          say: Callable[[str], None]) -> dict[str, Any]:
    """``init``, the demo, the writers, the growth and a rebuild of every read model; returns what
    :func:`serve_and_measure` needs (kept in ``work/pages.json``)."""
    keys = work / "keys"
    initialise(Settings.load(db=store.url, keys=str(keys)))
    info = json.loads((keys / "ledger.json").read_text())
    admin = Signer.from_key_file(UUID(info["administrator_id"]), Path(info["administrator_key_file"]))
    second = info["administrators"][1]
    confirmer = Signer.from_key_file(UUID(second["id"]), Path(second["key_file"]))
    keystore = Keystore.beside(keys)
    say("the demo: organisations, people, four cases")
    with ledger_at(store.url, keys) as ledger:
        ledger.keyring = keystore
        demo = Demo(ledger, admin, work / "demo-keys", secrets=keystore, confirmer=confirmer)
        demo.run()
        organisations = dict(demo.organisations)
        inspector = demo.people[INSPECTOR]
    say(f"{writers} writers on two decisions of {XX_ORGAN}")
    cast, decision = enrol_on_organ(store.url, keys, organisations, writers)
    say(f"growing the ledger to {events:,} events (a case of {case_events:,})")
    grown = time.perf_counter()
    long_case, version = grow_ledger(Bench(store, keys, cast), case_events, events, per_case)
    grow_seconds = time.perf_counter() - grown
    say("rebuilding every read model")
    rebuilt = rebuild(Bench(store, keys, cast))
    kept = {
        "store": store.kind, "url": store.url, "dbname": store.dbname, "keys": str(keys), "events": rebuilt.events,
        "grow_seconds": grow_seconds, "rebuild_seconds": rebuilt.seconds, "case_events": version,
        "long_case": str(long_case), "decision": str(decision),
        "person": [str(cast.people[0].principal_id), str(keys / "people" / "writer-0.pem")],
        "inspector": [str(inspector.principal_id), str(work / "demo-keys" / f"{INSPECTOR}.pem")],
    }
    (work / "pages.json").write_text(json.dumps(kept, indent=1), encoding="utf-8")
    return kept


def serve_and_measure(kept: dict[str, Any], requests: int, warmup: int,
                      say: Callable[[str], None], budget: float | None = None) -> list[dict[str, Any]]:
    """Serve the kept ledger in-process and measure every page of :data:`PAGES`."""
    keys = Path(kept["keys"])
    keystore = Keystore.beside(keys)
    with ledger_at(kept["url"], keys) as ledger:
        ledger.keyring = keystore
        middle = ledger.stored_event(UUID(kept["long_case"]), kept["case_events"] // 2)
        subjects = Subjects(UUID(kept["long_case"]), kept["case_events"], UUID(kept["decision"]),
                            Signer.from_key_file(UUID(kept["person"][0]), Path(kept["person"][1]), "写入者0"),
                            Signer.from_key_file(UUID(kept["inspector"][0]), Path(kept["inspector"][1]), "蒋卫国"),
                            format_time(middle.timestamp) if middle is not None else "")
        projector = open_projector(Database.parse(kept["url"]), ledger)
        service = Service(ledger, projector, read_key(keys / "ledger.pem"), interval=0.2, keystore=keystore)
        try:
            app = create_app(service)
            routes = route_paths(app.routes)
            with TestClient(app) as client:
                say(f"measuring {len(PAGES)} pages, {requests} requests each")
                return measure(client, routes, subjects, requests, warmup, say, budget)
        finally:
            projector.close()


def drop(kept: dict[str, Any]) -> None:
    """Drop a kept PostgreSQL database (a kept SQLite file goes with its directory)."""
    if kept["store"] == "postgres":
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{kept["dbname"]}" WITH (FORCE)')


def run(kind: str, work: Path, events: int, case_events: int, per_case: int, writers: int, requests: int,
        warmup: int, say: Callable[[str], None], keep: bool = False, reuse: bool = False,
        budget: float | None = None, rebuild_views: bool = False) -> dict[str, Any]:
    started = time.perf_counter()
    if reuse:
        kept = json.loads((work / "pages.json").read_text())
        kind = kept["store"]
    figures: dict[str, Any] = {"store": kind, "machine": describe(PG_ADMIN_URL if kind == "postgres" else None)}
    if reuse:
        figures.update(kept)
        if rebuild_views:  # issue 19 — perf2: a version that adds a read model builds it first
            say("rebuilding every read model")
            with ledger_at(kept["url"], Path(kept["keys"])) as ledger:
                database = Database.parse(kept["url"])
                # a batch of the rebuild holds its transaction while it applies its events: on a
                # busy machine that outlasts the library's 5 s idle-in-transaction limit
                env = {**database.persistence_env(create_tables=False, prefix=""),
                       "POSTGRES_IDLE_IN_TRANSACTION_SESSION_TIMEOUT": "0"}
                projector = Projector(ledger, env, postgres=database.kind == "postgresql")
                try:
                    started_rebuild = time.perf_counter()
                    projector.rebuild()
                    figures["rebuild_seconds"] = time.perf_counter() - started_rebuild
                finally:
                    projector.close()
        figures["pages"] = serve_and_measure(kept, requests, warmup, say, budget)
    else:
        with bench_store(kind, work, keep) as store:
            kept = build(store, work, events, case_events, per_case, writers, say)
            figures.update(kept)
            figures["pages"] = serve_and_measure(kept, requests, warmup, say, budget)
    figures["seconds"] = time.perf_counter() - started
    return figures


def markdown(figures: dict[str, Any], command: str) -> str:
    """The section of ``RESULTS.md``: the machine line and one row per page."""
    m = figures["machine"]
    measured = [row for row in figures["pages"] if row["built"]]
    lines = [
        (f"`{command}`, {m['date']}: {figures['events']:,} events on {figures['store']} (the long case "
        f"{figures['case_events']:,} events), up to {max((r['requests'] for r in measured), default=0)} requests per page, "
        f"in-process (Starlette's test client); ledger grown in {figures['grow_seconds']:.0f} s, read models "
        f"rebuilt in {figures['rebuild_seconds']:.0f} s; run {figures['seconds']:.0f} s."),
        "",
        (f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory_gb']} GB, load average at the start "
        f"{', '.join(map(str, m['load_average']))}, Python {m['python']}, PostgreSQL {m['postgresql'] or '—'}, "
        f"{m['platform']}."),
        "",
        f"| page | path | requests | p50 ms | p95 ms | p99 ms | bytes | ≤ {TARGET_P95_MS:g} ms p95 |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in figures["pages"]:
        if not row["built"]:
            lines.append(f"| {row['page']} | `{row['path']}` | — | — | — | — | — | not yet built |")
            continue
        lines.append(f"| {row['page']} | `{row['path']}` | {row['requests']} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | "
                     f"{row['p99_ms']:.1f} | {row['bytes']:,} | {'yes' if row['met'] else '**no**'} |")
    return "\n".join(lines) + "\n"


def _positive(text: str) -> int:
    value = int(text.replace("_", ""))
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench --pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=_positive, default=1_000_000, help="grow the ledger to N events")
    parser.add_argument("--case-events", type=_positive, default=10_000,
                        help="events of the long case (all signed by one person)")
    parser.add_argument("--per-case", type=_positive, default=10_000, help="events per filler case per round")
    parser.add_argument("--writers", type=_positive, default=32, help="writers, each on a case")
    parser.add_argument("--requests", type=_positive, default=100, help="clocked requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="unclocked requests per page first")
    parser.add_argument("--budget", type=float, metavar="SECONDS",
                        help=f"stop asking a page after SECONDS (once it has {MIN_REQUESTS} answers)")
    parser.add_argument("--no-pg", action="store_true", help="SQLite instead of PostgreSQL")
    parser.add_argument("--json", action="store_true", help="print the figures as one JSON object")
    parser.add_argument("--results", type=Path, metavar="FILE", help="write the Markdown section to FILE")
    parser.add_argument("--work", type=Path, metavar="DIR", help="where the scratch store goes")
    kept = parser.add_mutually_exclusive_group()
    kept.add_argument("--keep", type=Path, metavar="DIR",
                      help="build in DIR and keep the store there (PostgreSQL: its database) for --reuse")
    kept.add_argument("--reuse", type=Path, metavar="DIR", help="measure the store a --keep run left in DIR")
    kept.add_argument("--drop", type=Path, metavar="DIR", help="drop the store a --keep run left in DIR")
    # issue 19 — perf2
    parser.add_argument("--rebuild", action="store_true",
                        help="with --reuse: rebuild every read model first (snapshots kept), for a version that adds one")
    args = parser.parse_args(argv)
    if args.rebuild and args.reuse is None:
        parser.error("--rebuild goes with --reuse")
    if args.writers < 2:
        parser.error("--writers must be at least 2 (the long case and a filler)")

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    if args.drop is not None:
        drop(json.loads((args.drop / "pages.json").read_text()))
        return 0
    kind = "sqlite" if args.no_pg else "postgres"
    if kind == "postgres" and (missing := postgres_missing()):
        print(f"no PostgreSQL: {missing} (use --no-pg)", file=sys.stderr)
        return 1
    sizes = (max(args.events, args.case_events), args.case_events, args.per_case, args.writers, args.requests,
             args.warmup, say)
    if args.keep is not None or args.reuse is not None:
        directory = args.keep or args.reuse
        directory.mkdir(parents=True, exist_ok=True)
        figures = run(kind, directory, *sizes, keep=args.keep is not None, reuse=args.reuse is not None,
                      budget=args.budget, rebuild_views=args.rebuild)
    else:
        with tempfile.TemporaryDirectory(prefix="dl-bench-pages-", dir=args.work) as work:
            figures = run(kind, Path(work), *sizes, budget=args.budget)
    command = "python -m bench --pages " + " ".join(argv if argv is not None else sys.argv[1:])
    text = markdown(figures, command.replace("--pages --pages", "--pages").strip())
    print(json.dumps(figures, ensure_ascii=False, indent=1, sort_keys=True) if args.json else text)
    if args.results is not None:
        args.results.write_text(text, encoding="utf-8")
        say(f"wrote {args.results}")
    return 0

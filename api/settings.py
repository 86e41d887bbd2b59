"""The one reader of the environment, and the one place a database URL becomes the
eventsourcing library's persistence settings.

``--db`` wins over ``DECISION_LEDGER_DB``, which wins over ``sqlite:///decision-ledger.db``.
URLs: ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db``,
``postgresql://user:password@host:port/dbname`` (``postgres://`` too; ``?schema=name`` selects
an existing schema).
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from domain.model.holidays import DEFAULT_PERIODS, Periods

DEFAULT_DB = "sqlite:///decision-ledger.db"
ENV_DB = "DECISION_LEDGER_DB"
ENV_KEYS = "DECISION_LEDGER_KEYS"
#: XX-17's publication period, in working days on the official calendar (issue 18 point 7)
ENV_PUBLICATION_DAYS = "DECISION_LEDGER_PUBLICATION_WORKING_DAYS"
APP_PREFIX = "DECISIONLEDGER_"  # the library reads <APPNAME>_<KEY> before <KEY>

#: connections each PostgreSQL pool keeps open, and opens at most (more wait up to the connect
#: timeout). A process holds one pool per store it opens — `serve` three (events, read models,
#: log), `project --follow` seven — so servers and workers side by side stay far below
#: PostgreSQL's default 100 connections (the library's own default, 5 kept and 15 at most per
#: pool, held 18 idle connections per server and 42 per worker).
POOL_KEPT = 1
POOL_MAX = 8

SQLITE_RECORDER = "api.store.append_only:AppendOnlySQLiteApplicationRecorder"
POSTGRES_RECORDER = "api.store.append_only:AppendOnlyPostgresApplicationRecorder"


class SettingsError(ValueError):
    """A setting is wrong; the message says which and how to write it."""


@dataclass(frozen=True)
class Database:
    url: str
    kind: str  # "sqlite" or "postgresql"
    path: Path | None = None
    host: str = ""
    port: int = 5432
    user: str = ""
    password: str = ""
    dbname: str = ""
    schema: str = ""

    @classmethod
    def parse(cls, url: str) -> Database:
        if url.startswith("sqlite://"):
            rest = url[len("sqlite://") :]
            if not rest.startswith("/") or rest == "/":
                raise SettingsError(
                    f"bad SQLite URL {url!r}: write sqlite:///relative.db or sqlite:////absolute.db"
                )
            path = Path(rest[1:])
            if str(path) in ("", ":memory:"):
                raise SettingsError("an in-memory SQLite database cannot hold a ledger")
            return cls(url=url, kind="sqlite", path=path)
        parts = urlsplit(url)
        if parts.scheme in ("postgresql", "postgres"):
            dbname = unquote(parts.path.lstrip("/"))
            if not dbname:
                raise SettingsError(f"bad PostgreSQL URL {url!r}: the database name is missing")
            query = parse_qs(parts.query)
            unknown = set(query) - {"schema"}
            if unknown:
                raise SettingsError(f"unknown PostgreSQL URL parameters: {', '.join(sorted(unknown))}")
            schema = query.get("schema", [""])[0]
            try:
                port = parts.port or 5432
            except ValueError:
                raise SettingsError(f"bad port in {url!r}") from None
            return cls(
                url=url,
                kind="postgresql",
                host=parts.hostname or "127.0.0.1",
                port=port,
                user=unquote(parts.username) if parts.username else getpass.getuser(),
                password=unquote(parts.password) if parts.password else "",
                dbname=dbname,
                schema=schema,
            )
        raise SettingsError(
            f"unsupported database URL {url!r}: use sqlite:///FILE or "
            "postgresql://USER:PASSWORD@HOST:PORT/DBNAME"
        )

    @property
    def redacted(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        if self.kind == "sqlite" or not self.password:
            return self.url
        return self.url.replace(f":{self.password}@", ":***@", 1)

    @property
    def exists(self) -> bool:
        """For SQLite, whether the file is there (verify must not create one)."""
        return self.kind != "sqlite" or (self.path is not None and self.path.exists())

    def persistence_env(self, *, create_tables: bool, prefix: str = APP_PREFIX) -> dict[str, str]:
        """The library's settings for this database. With the default prefix they are read by
        the ledger application only; with ``prefix=""`` by every application and projection."""
        env: dict[str, str] = {"CREATE_TABLE": "y" if create_tables else "n"}
        if self.kind == "sqlite":
            env.update(
                PERSISTENCE_MODULE="eventsourcing.sqlite",
                SQLITE_DBNAME=str(self.path),
                SQLITE_LOCK_TIMEOUT="30",
                APPLICATION_RECORDER_TOPIC=SQLITE_RECORDER,
            )
        else:
            env.update(
                PERSISTENCE_MODULE="eventsourcing.postgres",
                POSTGRES_DBNAME=self.dbname,
                POSTGRES_HOST=self.host,
                POSTGRES_PORT=str(self.port),
                POSTGRES_USER=self.user,
                POSTGRES_PASSWORD=self.password,
                POSTGRES_CONNECT_TIMEOUT="5",
                POSTGRES_POOL_SIZE=str(POOL_KEPT),
                POSTGRES_MAX_OVERFLOW=str(POOL_MAX - POOL_KEPT),
                APPLICATION_RECORDER_TOPIC=POSTGRES_RECORDER,
            )
            if self.schema:
                env["POSTGRES_SCHEMA"] = self.schema
        return {prefix + key: value for key, value in env.items()}

    def default_keys_dir(self) -> Path:
        if self.kind == "sqlite":
            assert self.path is not None
            return self.path.with_name(self.path.name + ".keys")
        slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self.host}-{self.port}-{self.dbname}")
        if self.schema:
            slug += f"-{self.schema}"
        return Path("decision-ledger-keys") / slug


@dataclass(frozen=True)
class Settings:
    database: Database
    keys_dir: Path
    #: periods the deadline sweep applies (issue 18 point 7): ``$DECISION_LEDGER_PUBLICATION_WORKING_DAYS``
    periods: Periods = DEFAULT_PERIODS

    @classmethod
    def load(
        cls,
        db: str | None = None,
        keys: str | None = None,
        environ: Mapping[str, str] = os.environ,
    ) -> Settings:
        database = Database.parse(db or environ.get(ENV_DB) or DEFAULT_DB)
        keys_dir = Path(keys or environ.get(ENV_KEYS) or database.default_keys_dir())
        return cls(database=database, keys_dir=keys_dir, periods=_periods(environ))


def _periods(environ: Mapping[str, str]) -> Periods:
    """XX-17's publication period in working days: a whole number from 1 to 365 (default 20)."""
    text = environ.get(ENV_PUBLICATION_DAYS, "").strip()
    if not text:
        return DEFAULT_PERIODS
    if not text.isdigit() or not 1 <= int(text) <= 365:
        raise SettingsError(f"{ENV_PUBLICATION_DAYS} must be a number of working days from 1 to 365, not {text!r}")
    return Periods(publication_working_days=int(text))

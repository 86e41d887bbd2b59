"""Every scenario of `features/` runs on SQLite and on PostgreSQL, through the real ledger.

PostgreSQL: one database for the session, a fresh schema per scenario. Article tags
(``@NX-9``, ``@XX-13(4)``) become one registered ``article`` marker each.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from api.settings import Database
from api.store.opening import open_ledger
from domain import clock
from tests.bdd.story import Story
from tests.integration.conftest import PG_ADMIN_URL, Store, require_postgres
from tests.integration.stores import drop_database

ARTICLE_TAG = re.compile(r"^(NX|XX|713)-\d+")


def pytest_bdd_apply_tag(tag: str, function: Any) -> bool | None:
    if ARTICLE_TAG.match(tag):
        pytest.mark.article(tag)(function)
        return True
    return None


@pytest.fixture(scope="session")
def bdd_postgres() -> Iterator[str]:
    """A database for the whole session's PostgreSQL scenarios."""
    require_postgres()
    dbname = f"dl_bdd_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{dbname}"')
    try:
        yield dbname
    finally:
        drop_database(dbname)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], autouse=True)
def story_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'ledger.db'}"
        return
    dbname = request.getfixturevalue("bdd_postgres")
    schema = f"s_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(Store.admin_url(dbname), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{Store.admin_url(dbname)}?schema={schema}"
    finally:
        with psycopg.connect(Store.admin_url(dbname), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture
def story(story_store: str, manual_clock: clock.ManualClock) -> Iterator[Story]:
    ledger = open_ledger(Database.parse(story_store), create=True)
    try:
        yield Story(ledger, manual_clock)
    finally:
        ledger.close()

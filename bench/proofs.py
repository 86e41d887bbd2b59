"""Proofs: inclusion and consistency proofs from the product's transparency log at 10^4…10^7
leaves, their time and their size.

A log of that size is filled directly, without events, on a store of its own (a SQLite file, or
a fresh PostgreSQL database): its tables are the product's own (:class:`SQLiteLog`,
:class:`PostgresLog`, created by the library's tracking recorder), its leaves
synthetic event hashes, and its perfect nodes those :class:`domain.evidence.merkle.Frontier` computes as
the projection does. The log grows from one size to the next; at each size it signs a
checkpoint (which checks consistency with the previous one), and the proofs timed are the
product's :meth:`LogReader.inclusion_proof` and :meth:`LogReader.consistency_proof`, each
checked with the RFC 9162 verifier of :mod:`domain.evidence.merkle`.
"""

from __future__ import annotations

import hashlib
import json
import random
import statistics
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from uuid import UUID

import psycopg
from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from api.settings import Database
from domain.evidence.checkpoint import open_checkpoint
from domain.evidence.merkle import Frontier, leaf_hash, verify_consistency, verify_inclusion
from domain.evidence.signing import SigningKey
from projections.store import ViewRecorder
from projections.tlog import LogReader, PostgresLog, SQLiteLog, TransparencyLog
from tests.integration.conftest import Store, _database

#: rows written per statement while filling a log
FILL_BATCH = 50_000
#: the synthetic log's one aggregate id (leaf i is its version i + 1)
SYNTHETIC = str(UUID(int=7))


@dataclass(frozen=True)
class ProofFigures:
    leaves: int
    inclusion_ms: float  # median
    inclusion_max_ms: float
    inclusion_hashes: int  # path length of the largest proof timed
    inclusion_bytes: int  # its JSON size, checkpoint included
    consistency_ms: float
    consistency_hashes: int
    consistency_bytes: int
    fill_seconds: float


def open_log(store: Store) -> ViewRecorder:
    """The product's log tables in a new store, opened as the projector opens them."""
    env = Database.parse(store.url).persistence_env(create_tables=False, prefix="")
    factory = InfrastructureFactory.construct(Environment(TransparencyLog.name, env))
    log_class = PostgresLog if store.kind == "postgres" else SQLiteLog
    log = cast(ViewRecorder, factory.tracking_recorder(log_class))  # type: ignore[arg-type]
    log.create_table()
    return log


def event_digest(index: int) -> str:
    return hashlib.sha256(index.to_bytes(8, "big")).hexdigest()


def fill(log: ViewRecorder, store: Store, frontier: Frontier, size: int) -> None:
    """Append leaves until the log holds ``size``, with the nodes they complete (on PostgreSQL
    by COPY, which is what makes 10^7 leaves fit)."""
    while frontier.size < size:
        leaves: list[tuple[int, int, str, int, str]] = []
        nodes: list[tuple[int, int, str]] = []
        for _ in range(min(FILL_BATCH, size - frontier.size)):
            index = frontier.size
            digest = event_digest(index)
            leaves.append((index, index + 1, SYNTHETIC, index + 1, digest))
            nodes.extend((lv, ix, h.hex()) for lv, ix, h in frontier.append(leaf_hash(bytes.fromhex(digest))))
        if store.kind == "postgres":
            with psycopg.connect(store.url) as conn, conn.cursor() as cursor:
                for table, rows in (("dl_log_leaves", leaves), ("dl_log_nodes", nodes)):
                    with cursor.copy(f"COPY {table} FROM STDIN") as copy:
                        for row in rows:
                            copy.write_row(row)
            continue
        with log.writing() as cursor:
            cursor.executemany("INSERT INTO {dl_log_leaves} VALUES (?,?,?,?,?)", leaves)
            cursor.executemany("INSERT INTO {dl_log_nodes} VALUES (?,?,?)", nodes)


def measure_proofs(kind: str, directory: Path, sizes: tuple[int, ...], samples: int,
                   seed: int = 9162) -> list[ProofFigures]:
    """Grow a log on a fresh store of ``kind`` through ``sizes``, timing proofs at each."""
    directory.mkdir(parents=True, exist_ok=True)
    with _database(kind, directory) as store:
        log = open_log(store)
        try:
            return _measure(log, store, sizes, samples, seed)
        finally:
            log.datastore.close()


def _measure(log: ViewRecorder, store: Store, sizes: tuple[int, ...], samples: int, seed: int) -> list[ProofFigures]:
    key = SigningKey.generate()
    reader = LogReader(log, "decision-ledger/bench-proofs")
    frontier = Frontier()
    chosen = random.Random(seed)
    figures = []
    for size in sizes:
        started = time.perf_counter()
        fill(log, store, frontier, size)
        note = reader.sign_checkpoint(key)
        filled = time.perf_counter() - started
        root = open_checkpoint(note, key.public_key, reader.origin).root
        figures.append(_time_proofs(reader, size, root, samples, chosen, filled))
    return figures


def _time_proofs(reader: LogReader, size: int, root: bytes, samples: int, chosen: random.Random,
                 filled: float) -> ProofFigures:
    inclusion: list[float] = []
    largest: dict[str, Any] = {}
    for index in [size - 1, *(chosen.randrange(size) for _ in range(samples - 1))]:
        started = time.perf_counter()
        proof = reader.inclusion_proof(SYNTHETIC, index + 1, size)
        inclusion.append(time.perf_counter() - started)
        path = [bytes.fromhex(h) for h in proof["inclusion_path"]]
        verify_inclusion(bytes.fromhex(proof["leaf_hash"]), index, size, path, root)
        if len(path) >= len(largest.get("inclusion_path", [])):
            largest = proof
    consistency: list[float] = []
    widest: dict[str, Any] = {}
    for old in [1, *(chosen.randrange(1, size + 1) for _ in range(samples - 1))]:
        started = time.perf_counter()
        proof = reader.consistency_proof(old, size)
        consistency.append(time.perf_counter() - started)
        verify_consistency(old, size, bytes.fromhex(proof["old_root"]), root,
                           [bytes.fromhex(h) for h in proof["consistency_path"]])
        if len(proof["consistency_path"]) >= len(widest.get("consistency_path", [])):
            widest = proof
    return ProofFigures(
        leaves=size,
        inclusion_ms=statistics.median(inclusion) * 1000,
        inclusion_max_ms=max(inclusion) * 1000,
        inclusion_hashes=len(largest["inclusion_path"]),
        inclusion_bytes=len(json.dumps(largest)),
        consistency_ms=statistics.median(consistency) * 1000,
        consistency_hashes=len(widest["consistency_path"]),
        consistency_bytes=len(json.dumps(widest)),
        fill_seconds=filled,
    )

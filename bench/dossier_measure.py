"""How long the case dossier (卷宗, docs/dossier.md) of a long case takes, and how large it is:
a fresh SQLite ledger, one XX simplified-procedure case grown to N events (``case.collect_material``,
as bench/ledgers.py grows cases), its dossier gathered and printed as `decision-ledger dossier`
does, timed, with the process's peak memory::

    .venv/bin/python -m bench.dossier_measure [EVENTS]     # default 10000

Not a test: it takes minutes. Results are written down in docs/dossier.md."""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from api.dossier import pdf
from api.dossier.content import gather
from api.keyfiles import read_key
from api.settings import Settings
from api.store.opening import open_projector
from bench.ledgers import fresh_ledger, grow_case
from tests.integration.writers import ledger_at


def measure(events: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as scratch:
        directory = Path(scratch)
        with fresh_ledger("sqlite", directory / "ledger", writers=1) as bench:
            case_id, signer = bench.cast.cases[0], bench.cast.people[0]
            with ledger_at(bench.url, bench.keys) as ledger:
                started = time.perf_counter()
                grow_case(ledger, signer, case_id, events - ledger.get_case(case_id).version, "dossier")
                grown = time.perf_counter() - started
                projector = open_projector(Settings.load(bench.url, str(bench.keys)).database, ledger)
                projector.catch_up()
                projector.sign_checkpoint(read_key(bench.keys / "ledger.pem"))
                started = time.perf_counter()
                case = ledger.get_case(case_id)
                content = gather(ledger, case, None, projector.reader)
                gathered = time.perf_counter() - started
                out = directory / "dossier.pdf"
                started = time.perf_counter()
                with out.open("wb") as stream:
                    pages = pdf.write(content, stream)
                printed = time.perf_counter() - started
                return {"events": case.version, "grow_s": round(grown, 1), "gather_s": round(gathered, 2),
                        "print_s": round(printed, 1), "pages": pages, "bytes": out.stat().st_size,
                        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)}


if __name__ == "__main__":
    print(measure(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))

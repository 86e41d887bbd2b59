"""``python -m bench``: benchmarks at scale, each beside a baseline measured in the same run.

Exit codes: 0 measured (whether or not every target is met), 2 usage error, 1 a measurement
failed (a write refused, a ledger that does not verify, a server that does not start).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from bench.report import as_json, results_markdown, table
from bench.run import run
from bench.sizes import FULL, QUICK, TINY

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Measure ingest (HTTP, PostgreSQL and SQLite), verification, replay, rebuild and proofs, "
        "each beside its own baseline measured in the same run, and print the ratios; and the command line's "
        "start-up (`decision-ledger --help`, `verify --bundle`). PostgreSQL is found at "
        "$DECISION_LEDGER_TEST_PG (default postgresql://postgres@127.0.0.1:5432/postgres); a database is "
        "created for each measurement and dropped after it.",
    )
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true",
                      help="small sizes, under two minutes (the default): 10,000-event case, 10^4 and 10^5 leaves")
    size.add_argument("--full", action="store_true",
                      help=f"a ledger of 1M events, logs up to 10^7 leaves; writes {RESULTS.name} unless --results")
    size.add_argument("--tiny", action="store_true", help=argparse.SUPPRESS)  # the smoke test's sizes
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of the table")
    parser.add_argument("--no-pg", action="store_true", help="SQLite only, even if a PostgreSQL server answers")
    parser.add_argument("--results", type=Path, metavar="FILE",
                        help="also write the results as Markdown, with the machine's details, to FILE")
    parser.add_argument("--ledger-events", type=_positive, metavar="N",
                        help="grow the verified, rebuilt ledger to N events instead (at least its 10,000-event case)")
    parser.add_argument("--proof-leaves", type=_sizes, metavar="N,N,…",
                        help="measure proofs at these log sizes instead (e.g. 10000,100000,1000000)")
    parser.add_argument("--workers", type=_positive, metavar="N",
                        help="`serve --workers N` for the PostgreSQL ingest (default: one per core; SQLite: 1)")
    parser.add_argument("--work", type=Path, metavar="DIR",
                        help="where the scratch stores go (default: a temporary directory, removed afterwards)")
    # issue 19 — apidoc: the pages' benchmark (bench/pages.py takes its own options)
    parser.add_argument("--pages", action="store_true",
                        help="instead: the web pages' and timeline's latencies on a grown ledger "
                        "(`python -m bench --pages --help` for its options)")
    return parser.parse_args(argv)


def _positive(text: str) -> int:
    try:
        value = int(text.replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not positive")
    return value


def _sizes(text: str) -> tuple[int, ...]:
    values = tuple(_positive(part) for part in text.split(","))
    if list(values) != sorted(set(values)):
        raise argparse.ArgumentTypeError("give the sizes in increasing order, each once")
    return values


def main(argv: list[str] | None = None) -> int:
    # issue 19 — apidoc: `--pages` hands every other option to bench/pages.py
    given = sys.argv[1:] if argv is None else argv
    if "--pages" in given:
        from bench.pages import main as pages
        return pages([arg for arg in given if arg != "--pages"])
    args = parse(argv)
    sizes = FULL if args.full else TINY if args.tiny else QUICK
    if args.ledger_events is not None:
        sizes = replace(sizes, ledger_events=max(args.ledger_events, sizes.case_events))
    if args.proof_leaves is not None:
        sizes = replace(sizes, proof_sizes=args.proof_leaves)
    if args.workers is not None:
        sizes = replace(sizes, pg_workers=args.workers)
    results = args.results or (RESULTS if args.full else None)

    def say(message: str) -> None:
        print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    with tempfile.TemporaryDirectory(prefix="dl-bench-", dir=args.work) as work:
        figures = run(sizes, Path(work), use_postgres=not args.no_pg, say=say)
    print(as_json(figures) if args.json else table(figures))
    if results is not None:
        command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
        results.write_text(results_markdown(figures, command.strip()), encoding="utf-8")
        say(f"wrote {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

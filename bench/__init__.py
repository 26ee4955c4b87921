"""Benchmarks against PostgreSQL: `python -m bench NAME [options]` (SPEC §6).

Each benchmark creates its own scratch database on the server named by DATABASE_URL, migrates and
bulk-loads it (as far as it needs), measures, and drops it again, also when it fails. It prints a
readable table and, as its very last line, one JSON object with its figures.

- availability: how fast a shopper learns which stores have a product
- reserve: reserving stock under contention, ORM against raw SQL
- search: the catalogue search
- pool: database connections and latency of gunicorn processes per way of connecting
- beats: two beat processes for two minutes, each periodic job sent once per period
- http_orders: placing orders over HTTP against gunicorn, a worker on Redis and PostgreSQL
- chain: a chain's 300 stores and 10 million orders, generated on the server; the shift page,
  timeline, KPI page, placement and availability before and after the chain's indexes
- outage: placing orders over HTTP for a minute while the worker is killed and Redis restarted
- placement_cpu: CPU or instructions of one placement (web) and one confirmation (worker)
"""

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence

BENCHMARKS = (
    "availability",
    "reserve",
    "search",
    "pool",
    "beats",
    "http_orders",
    "chain",
    "outage",
    "placement_cpu",
)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in BENCHMARKS:
        parser = argparse.ArgumentParser(prog="python -m bench")
        parser.add_argument("name", choices=BENCHMARKS, help="the benchmark to run")
        parser.print_help(sys.stderr)
        return 2
    name, options = argv[0], argv[1:]
    # `kill` stops a benchmark as Ctrl-C does: its servers, workers and scratch database go too.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    return importlib.import_module(f"bench.{name}").main(options)

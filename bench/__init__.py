"""Benchmarks against PostgreSQL: `python -m bench NAME [options]` (SPEC §6).

Each benchmark creates its own scratch database on the server named by DATABASE_URL, migrates and
bulk-loads it, measures, and drops it again, also when it fails. It prints a readable table and,
as its very last line, one JSON object with its figures.
"""

import argparse
import sys
from collections.abc import Sequence

BENCHMARKS = ("availability", "reserve", "search")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] not in BENCHMARKS:
        parser = argparse.ArgumentParser(prog="python -m bench")
        parser.add_argument("name", choices=BENCHMARKS, help="the benchmark to run")
        parser.print_help(sys.stderr)
        return 2
    name, options = argv[0], argv[1:]
    if name == "availability":
        from bench import availability

        return availability.main(options)
    if name == "search":
        from bench import search

        return search.main(options)
    from bench import reserve

    return reserve.main(options)

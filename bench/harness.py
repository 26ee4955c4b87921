"""What every benchmark shares: a scratch database, bulk loading, percentiles and the report."""

import argparse
import json
import math
import os
import secrets
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql

SERVER_URL_HELP = "set DATABASE_URL=postgres://user@host:5432/any_existing_database"

# Stock rows are inserted for this many products per statement, to show progress as they load.
LOAD_CHUNK_PRODUCTS = 200


def progress(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the table and the final JSON line."""
    print(message, file=sys.stderr, flush=True)


def server_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        raise SystemExit(f"The benchmarks need PostgreSQL: {SERVER_URL_HELP}")
    return url


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _admin_connection(url: str) -> psycopg.Connection:
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.OperationalError:
        # The configured database may not exist yet; the maintenance database always does.
        return psycopg.connect(_with_database(url, "postgres"), autocommit=True)


@contextmanager
def scratch_database(benchmark: str, *, keep: bool = False, reuse: str = "") -> Iterator[str]:
    """A new, empty database on the server of DATABASE_URL, dropped on the way out; or, with
    `reuse`, that database as an earlier run with `keep` left it (a load that takes an hour is
    then made once)."""
    url = server_url()
    name = reuse or f"{benchmark}_bench_{secrets.token_hex(4)}"
    if reuse:
        progress(f"reusing database {name}")
    else:
        with _admin_connection(url) as admin:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        progress(f"created scratch database {name}")
    try:
        yield _with_database(url, name)
    finally:
        _close_django_connections()
        if keep:
            progress(f"kept database {name}: drop it with DROP DATABASE {name}")
        else:
            with _admin_connection(url) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
            progress(f"dropped scratch database {name}")


def _close_django_connections() -> None:
    if "django.db" in sys.modules:
        from django.db import connections

        connections.close_all()


def add_binding_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--server-side-binding",
        action="store_true",
        help="let Django bind parameters on the server, so repeated statements are prepared",
    )


def django_setup(database_url: str, *, server_side_binding: bool = False) -> None:
    """Points Django at the scratch database and migrates it."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["BENCH_SERVER_SIDE_BINDING"] = "1" if server_side_binding else "0"
    import django
    from django.core.management import call_command

    django.setup()
    started = time.monotonic()
    call_command("migrate", verbosity=0, interactive=False)
    progress(f"migrated in {time.monotonic() - started:.1f}s")


def load_catalogue(
    *, stores: int, products: int, on_hand_sql: str, safety_stock_sql: str = "0"
) -> None:
    """Stores across Germany with weekly hours, products, and a stock row for every pair.

    `on_hand_sql` and `safety_stock_sql` are SQL expressions over `s.id` and `p.id`. Generated on
    the server with generate_series, so a million rows load in seconds.
    """
    from django.db import connection

    from inventory.models import Product, StockLevel
    from stores.models import OpeningHours, Store

    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.42)")
        cursor.execute(
            f"""
            INSERT INTO {Store._meta.db_table} (code, name, street, postcode, city, country,
                phone, email, latitude, longitude, timezone, click_and_collect_enabled,
                curbside_enabled, pickup_hold_days, pickup_slot_capacity, is_active)
            SELECT 'B-' || lpad(g::text, 5, '0'), 'Bench store ' || g, 'Hauptstraße ' || g,
                lpad((10000 + g)::text, 5, '0'), 'Stadt ' || g, 'DE', '', '',
                47.3 + random() * 7.7, 5.9 + random() * 9.1, 'Europe/Berlin', true, false,
                7, 20, true
            FROM generate_series(1, %s::int) AS g
            """,
            [stores],
        )
        cursor.execute(
            f"""
            INSERT INTO {OpeningHours._meta.db_table} (store_id, weekday, opens, closes)
            SELECT s.id, d, '08:00', CASE WHEN d = 5 THEN '18:00'::time ELSE '20:00'::time END
            FROM {Store._meta.db_table} AS s CROSS JOIN generate_series(0, 5) AS d
            """
        )
        cursor.execute(
            f"""
            INSERT INTO {Product._meta.db_table} (sku, name, name_en, description,
                description_en, category, price, gtin, is_active, popularity)
            SELECT 'BENCH-' || lpad(g::text, 6, '0'), 'Bench product ' || g, '', '', '', 'Bench',
                round((1 + random() * 200)::numeric, 2), '', true, 0
            FROM generate_series(1, %s::int) AS g
            """,
            [products],
        )
        cursor.execute(f"SELECT min(id), max(id) FROM {Product._meta.db_table}")
        first_product, last_product = cursor.fetchone()
        for low in range(first_product, last_product + 1, LOAD_CHUNK_PRODUCTS):
            high = min(low + LOAD_CHUNK_PRODUCTS - 1, last_product)
            cursor.execute(
                f"""
                INSERT INTO {StockLevel._meta.db_table} (store_id, product_id, on_hand,
                    reserved, safety_stock, updated_at)
                SELECT s.id, p.id, {on_hand_sql}, 0, {safety_stock_sql}, now()
                FROM {Store._meta.db_table} AS s
                CROSS JOIN {Product._meta.db_table} AS p
                WHERE p.id BETWEEN %s AND %s
                ORDER BY p.id, s.id
                """,
                [low, high],
            )
            progress(
                f"  stock rows for products {low - first_product + 1}-"
                f"{high - first_product + 1} of {products}"
            )
        cursor.execute("VACUUM ANALYZE")
    progress(
        f"loaded {stores} stores x {products} products = {stores * products} stock rows "
        f"in {time.monotonic() - started:.1f}s"
    )


def percentile(sorted_values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return math.nan
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    cells = [[str(value) for value in row] for row in rows]
    widths = [max(len(str(h)), *(len(row[i]) for row in cells)) for i, h in enumerate(header)]
    print(title)
    print(
        "  ".join(
            str(h).rjust(w) if i else str(h).ljust(w)
            for i, (h, w) in enumerate(zip(header, widths, strict=True))
        )
    )
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(
            "  ".join(
                v.rjust(w) if i else v.ljust(w)
                for i, (v, w) in enumerate(zip(row, widths, strict=True))
            )
        )
    print()


def machine_load() -> dict[str, float]:
    """The 1-minute load average against the number of CPUs: figures from a busy machine are
    worse than the code deserves, and this says how busy it was."""
    return {"load_average_1m": round(os.getloadavg()[0], 2), "cpus": os.cpu_count() or 0}


def print_result(result: dict) -> None:
    """The very last line of a benchmark's output."""
    print(json.dumps(result, sort_keys=False), flush=True)

"""`python -m bench reserve`: reservation throughput, ours against raw SQL, and no oversell.

Client threads, each on its own database connection, reserve orders of one to a few lines at one
store through inventory.services.stock_reserve; a share of the orders include a hot SKU at one
store that every client fights for, with too few units for all of them. Beside it, in the same
run, the same row changes are made with raw SQL through psycopg (lock the rows in id order, a
guarded UPDATE of `reserved`, INSERT the reservations, INSERT the ledger rows, one transaction):
the floor to compare with. Afterwards every stock row is checked against its held reservations
and its ledger. Target (SPEC §6): ours at 8 clients at least half the raw SQL throughput.
"""

import argparse
import multiprocessing
import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import psycopg

from bench.harness import (
    add_binding_argument,
    django_setup,
    load_catalogue,
    machine_load,
    print_result,
    print_table,
    progress,
    scratch_database,
)

TARGET_RATIO = 0.5
PLENTY = 1_000_000


@dataclass
class Tally:
    """What one phase's threads did; each thread adds its own counts at its end."""

    reservations: int = 0
    hot_reservations: int = 0
    sold_out: int = 0
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, other: "Tally") -> None:
        with self.lock:
            self.reservations += other.reservations
            self.hot_reservations += other.hot_reservations
            self.sold_out += other.sold_out
            self.errors += other.errors
            self.error_samples.extend(other.error_samples[: 3 - len(self.error_samples)])


@dataclass(frozen=True)
class Workload:
    store_ids: list[int]
    product_ids: list[int]
    hot_store_id: int
    hot_share: float
    max_lines: int

    def order(
        self, chance: random.Random, hot_product_id: int
    ) -> tuple[int, list[tuple[int, int]]]:
        """(store id, [(product id, quantity)]): a hot order takes one unit of the hot SKU."""
        lines = chance.randint(1, self.max_lines)
        if chance.random() < self.hot_share:
            others = chance.sample(self.product_ids, lines - 1)
            return self.hot_store_id, [(hot_product_id, 1)] + [(pid, 1) for pid in others]
        products = chance.sample(self.product_ids, lines)
        return chance.choice(self.store_ids), [(pid, chance.randint(1, 2)) for pid in products]


class SoldOut(Exception):
    """The raw SQL side's "insufficient stock": expected on the hot SKU."""


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench reserve", description=__doc__)
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--seconds", type=float, default=5.0, help="length of each phase")
    parser.add_argument("--clients", default="1,8,32", help="comma-separated thread counts")
    parser.add_argument("--hot-share", type=float, default=0.2, help="share of hot orders")
    parser.add_argument("--hot-units", type=int, default=300, help="units of each hot SKU")
    parser.add_argument("--max-lines", type=int, default=3, help="lines per order, at most")
    parser.add_argument(
        "--processes",
        action="store_true",
        help="run each client in its own process instead of a thread",
    )
    add_binding_argument(parser)
    options = parser.parse_args(argv)
    options.clients = [int(count) for count in options.clients.split(",")]
    if options.products < 2 * len(options.clients) + options.max_lines:
        parser.error("--products is too small for one hot SKU per phase and the order lines")
    return options


def _ours_client(
    *, workload: Workload, hot_product_id: int, label: str, seed: int
) -> Callable[[threading.Barrier, float, Tally], None]:
    def client(barrier: threading.Barrier, seconds: float, tally: Tally) -> None:
        from django.db import connection

        from inventory.exceptions import InsufficientStock
        from inventory.services import StockRequest, stock_reserve

        mine = Tally()
        chance = random.Random(seed)
        try:
            connection.ensure_connection()
            barrier.wait()
            deadline = time.perf_counter() + seconds
            number = 0
            while time.perf_counter() < deadline:
                number += 1
                store_id, lines = workload.order(chance, hot_product_id)
                reference = f"bench:{label}:{number}"
                try:
                    stock_reserve(
                        store_id=store_id,
                        requests=[
                            StockRequest(pid, quantity, reference) for pid, quantity in lines
                        ],
                    )
                except InsufficientStock:
                    if store_id == workload.hot_store_id and lines[0][0] == hot_product_id:
                        mine.sold_out += 1
                    else:
                        mine.errors += 1
                        mine.error_samples.append("insufficient stock on a plentiful SKU")
                except Exception as error:  # noqa: BLE001 - every surprise is counted and shown
                    mine.errors += 1
                    mine.error_samples.append(f"{type(error).__name__}: {error}")
                else:
                    mine.reservations += 1
                    if store_id == workload.hot_store_id and lines[0][0] == hot_product_id:
                        mine.hot_reservations += 1
        finally:
            connection.close()
            tally.add(mine)

    return client


LOCK_SQL = """
    SELECT id, product_id, on_hand, reserved, safety_stock FROM inventory_stocklevel
    WHERE store_id = %s AND product_id = ANY(%s) ORDER BY id FOR NO KEY UPDATE
"""
RESERVE_SQL = """
    UPDATE inventory_stocklevel SET reserved = reserved + %s, updated_at = now()
    WHERE id = %s AND reserved <= on_hand - safety_stock - %s
"""


def _raw_reserve(
    connection: psycopg.Connection, store_id: int, lines: list[tuple[int, int]], reference: str
) -> None:
    wanted = dict(lines)
    with connection.transaction():
        levels = connection.execute(LOCK_SQL, (store_id, list(wanted))).fetchall()
        if len(levels) != len(wanted):
            raise SoldOut
        for _, product_id, on_hand, reserved, safety_stock in levels:
            if on_hand - reserved - safety_stock < wanted[product_id]:
                raise SoldOut
        for level_id, product_id, *_ in levels:
            quantity = wanted[product_id]
            if connection.execute(RESERVE_SQL, (quantity, level_id, quantity)).rowcount != 1:
                raise SoldOut
        level_of = {product_id: level_id for level_id, product_id, *_ in levels}
        rows = [(level_of[product_id], quantity, reference) for product_id, quantity in lines]
        values = ", ".join(["(%s, %s, %s, 'held', now())"] * len(rows))
        connection.execute(
            "INSERT INTO inventory_reservation (stock_level_id, quantity, reference, state, "
            f"created_at) VALUES {values} RETURNING id",
            [value for row in rows for value in row],
        ).fetchall()
        values = ", ".join(["(%s, 'reserve', 0, %s, %s, '', NULL, now())"] * len(rows))
        connection.execute(
            "INSERT INTO inventory_stockmovement (stock_level_id, kind, on_hand_delta, "
            f"reserved_delta, reference, reason, actor_id, created_at) VALUES {values}",
            [value for row in rows for value in row],
        )


def _raw_client(
    *, workload: Workload, hot_product_id: int, label: str, seed: int, database_url: str
) -> Callable[[threading.Barrier, float, Tally], None]:
    def client(barrier: threading.Barrier, seconds: float, tally: Tally) -> None:
        mine = Tally()
        chance = random.Random(seed)
        connection = psycopg.connect(database_url)
        try:
            barrier.wait()
            deadline = time.perf_counter() + seconds
            number = 0
            while time.perf_counter() < deadline:
                number += 1
                store_id, lines = workload.order(chance, hot_product_id)
                try:
                    _raw_reserve(connection, store_id, lines, f"raw:{label}:{number}")
                except SoldOut:
                    if store_id == workload.hot_store_id and lines[0][0] == hot_product_id:
                        mine.sold_out += 1
                    else:
                        mine.errors += 1
                        mine.error_samples.append("raw: insufficient stock on a plentiful SKU")
                except Exception as error:  # noqa: BLE001 - every surprise is counted and shown
                    mine.errors += 1
                    mine.error_samples.append(f"raw {type(error).__name__}: {error}")
                else:
                    mine.reservations += 1
                    if store_id == workload.hot_store_id and lines[0][0] == hot_product_id:
                        mine.hot_reservations += 1
        finally:
            connection.close()
            tally.add(mine)

    return client


def _phase(
    clients: list[Callable[[threading.Barrier, float, Tally], None]],
    seconds: float,
    *,
    processes: bool,
) -> tuple[Tally, float]:
    """Runs the clients together behind a barrier; (their tally, elapsed seconds)."""
    if processes:
        return _phase_in_processes(clients, seconds)
    tally = Tally()
    barrier = threading.Barrier(len(clients) + 1)
    threads = [
        threading.Thread(target=client, args=(barrier, seconds, tally)) for client in clients
    ]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return tally, time.perf_counter() - started


def _phase_in_processes(
    clients: list[Callable[[threading.Barrier, float, Tally], None]], seconds: float
) -> tuple[Tally, float]:
    """Each client in its own process, as web workers run: Python work is not serialised by
    one interpreter lock. Forked, so the clients need no pickling; connections are closed
    first so that no child inherits the parent's."""
    from django.db import connections

    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(len(clients) + 1)
    counts = context.Queue()

    def run(client: Callable[[threading.Barrier, float, Tally], None]) -> None:
        mine = Tally()
        client(barrier, seconds, mine)
        counts.put(
            (
                mine.reservations,
                mine.hot_reservations,
                mine.sold_out,
                mine.errors,
                mine.error_samples,
            )
        )

    children = [context.Process(target=run, args=(client,)) for client in clients]
    for child in children:
        child.start()
    barrier.wait()
    started = time.perf_counter()
    tally = Tally()
    for _ in children:
        reservations, hot, sold_out, errors, samples = counts.get()
        tally.add(Tally(reservations, hot, sold_out, errors, samples))
    elapsed = time.perf_counter() - started
    for child in children:
        child.join()
    return tally, elapsed


def _consistency() -> dict[str, int]:
    """Stock rows whose reserved exceeds on hand or differs from held reservations or ledger."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT count(*) FROM inventory_stocklevel AS s
            LEFT JOIN (
                SELECT stock_level_id, sum(quantity) AS held FROM inventory_reservation
                WHERE state = 'held' GROUP BY stock_level_id
            ) AS r ON r.stock_level_id = s.id
            WHERE s.reserved > s.on_hand OR s.reserved < 0 OR s.reserved <> coalesce(r.held, 0)
            """
        )
        (oversold,) = cursor.fetchone()
        cursor.execute(
            """
            SELECT count(*) FROM inventory_stocklevel AS s
            LEFT JOIN (
                SELECT stock_level_id, sum(reserved_delta) AS reserved
                FROM inventory_stockmovement GROUP BY stock_level_id
            ) AS m ON m.stock_level_id = s.id
            WHERE s.reserved <> coalesce(m.reserved, 0)
            """
        )
        (ledger_drift,) = cursor.fetchone()
    return {"oversold": oversold, "ledger_drift": ledger_drift}


def _hot_levels(hot_store_id: int, hot_product_ids: list[int]) -> dict[int, tuple[int, int]]:
    from inventory.models import StockLevel

    return {
        product_id: (on_hand, reserved)
        for product_id, on_hand, reserved in StockLevel.objects.filter(
            store_id=hot_store_id, product_id__in=hot_product_ids
        ).values_list("product_id", "on_hand", "reserved")
    }


def _run(options: argparse.Namespace, database_url: str) -> dict:
    from inventory.models import Product, StockLevel
    from stores.models import Store

    store_ids = list(Store.objects.order_by("pk").values_list("pk", flat=True))
    product_ids = list(Product.objects.order_by("pk").values_list("pk", flat=True))
    hot_store_id = store_ids[0]
    # One hot SKU per phase, so every phase starts with the same scarce stock to fight for.
    hot_product_ids = product_ids[: 2 * len(options.clients)]
    StockLevel.objects.filter(store_id=hot_store_id, product_id__in=hot_product_ids).update(
        on_hand=options.hot_units
    )
    workload = Workload(
        store_ids=store_ids,
        product_ids=product_ids[len(hot_product_ids) :],
        hot_store_id=hot_store_id,
        hot_share=options.hot_share,
        max_lines=options.max_lines,
    )

    results: dict[str, dict[int, tuple[Tally, float]]] = {"ours": {}, "raw_sql": {}}
    hot_of: dict[tuple[str, int], int] = {}
    hot_iter = iter(hot_product_ids)
    for count in options.clients:
        for side in ("ours", "raw_sql"):
            hot_product_id = next(hot_iter)
            hot_of[(side, count)] = hot_product_id
            label = f"{side}{count}"
            if side == "ours":
                clients = [
                    _ours_client(
                        workload=workload,
                        hot_product_id=hot_product_id,
                        label=f"{label}:{n}",
                        seed=count * 1000 + n,
                    )
                    for n in range(count)
                ]
            else:
                clients = [
                    _raw_client(
                        workload=workload,
                        hot_product_id=hot_product_id,
                        label=f"{label}:{n}",
                        seed=count * 1000 + n,
                        database_url=database_url,
                    )
                    for n in range(count)
                ]
            progress(f"phase: {side} with {count} clients for {options.seconds:g}s")
            results[side][count] = _phase(clients, options.seconds, processes=options.processes)

    progress("checking every stock row against its reservations and ledger")
    checks = _consistency()
    hot_levels = _hot_levels(hot_store_id, hot_product_ids)
    hot_mismatches = sum(
        1
        for (side, count), product_id in hot_of.items()
        if hot_levels[product_id][1] != results[side][count][0].hot_reservations
        or hot_levels[product_id][1] > hot_levels[product_id][0]
    )

    def rate(side: str, count: int) -> float:
        tally, elapsed = results[side][count]
        return tally.reservations / elapsed if elapsed else 0.0

    rows = []
    for count in options.clients:
        ours, raw = rate("ours", count), rate("raw_sql", count)
        rows.append(
            (
                count,
                f"{ours:.0f}",
                f"{raw:.0f}",
                f"{ours / raw:.2f}" if raw else "-",
                results["ours"][count][0].sold_out,
                results["raw_sql"][count][0].sold_out,
                results["ours"][count][0].errors + results["raw_sql"][count][0].errors,
            )
        )
    print_table(
        f"reserve: {options.stores} stores x {options.products} products, "
        f"{options.seconds:g}s per phase, {options.hot_share:.0%} of orders on a hot SKU with "
        f"{options.hot_units} units, clients as {'processes' if options.processes else 'threads'}",
        (
            "clients",
            "ours res/s",
            "raw SQL res/s",
            "ratio",
            "ours sold out",
            "raw sold out",
            "errors",
        ),
        rows,
    )
    errors = sum(tally.errors for side in results.values() for tally, _ in side.values())
    samples = [
        sample
        for side in results.values()
        for tally, _ in side.values()
        for sample in tally.error_samples
    ]
    for sample in samples[:5]:
        print(f"error: {sample}")
    reference_clients = 8 if 8 in options.clients else options.clients[-1]
    ratio = (
        rate("ours", reference_clients) / rate("raw_sql", reference_clients)
        if rate("raw_sql", reference_clients)
        else 0.0
    )
    oversold = checks["oversold"] + hot_mismatches
    print(
        f"stock rows checked: {options.stores * options.products}; oversold or unbalanced: "
        f"{oversold}; ledger drift: {checks['ledger_drift']}"
    )
    print(
        f"ratio at {reference_clients} clients: {ratio:.2f} (target >= {TARGET_RATIO}): "
        f"{'met' if ratio >= TARGET_RATIO and not errors and not oversold else 'NOT met'}"
    )
    return {
        "benchmark": "reserve",
        "stores": options.stores,
        "products": options.products,
        "server_side_binding": options.server_side_binding,
        "seconds_per_phase": options.seconds,
        "hot_share": options.hot_share,
        "hot_units": options.hot_units,
        "clients_as": "processes" if options.processes else "threads",
        "reservations_per_second": {
            side: {str(count): round(rate(side, count), 1) for count in options.clients}
            for side in ("ours", "raw_sql")
        },
        "ratio_by_clients": {
            str(count): round(rate("ours", count) / rate("raw_sql", count), 3)
            if rate("raw_sql", count)
            else None
            for count in options.clients
        },
        "ratio_vs_raw_sql": round(ratio, 3),
        "ratio_clients": reference_clients,
        "sold_out_hot": {
            side: sum(tally.sold_out for tally, _ in results[side].values())
            for side in ("ours", "raw_sql")
        },
        "oversold": oversold,
        "ledger_drift": checks["ledger_drift"],
        "errors": errors,
        "target_ratio": TARGET_RATIO,
        "target_met": ratio >= TARGET_RATIO and errors == 0 and oversold == 0,
        **machine_load(),
    }


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("reserve") as database_url:
        django_setup(database_url, server_side_binding=options.server_side_binding)
        load_catalogue(stores=options.stores, products=options.products, on_hand_sql=str(PLENTY))
        result = _run(options, database_url)
    print_result(result)
    return 0

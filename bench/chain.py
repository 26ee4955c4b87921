"""`python -m bench chain`: the data layer at the size of a chain (issue 15, SPEC §6).

Generates on the server, with INSERT … SELECT over generate_series, a chain of 300 stores x
60,000 products (a stock row for every pair) and 10 million orders by default, spread over two
years: one to three lines each, their history (every transition of the state each has reached),
a sent confirmation per order, and one customer per ten orders, one of whom has placed
--timeline-orders of them. The last orders are still open (to pick, picking, ready, some near the
end of their hold), about 60 per store; the older ones ended (collected, cancelled, expired).

Then it measures, once without the chain's indexes (the orders migration before them) and once
with them, the p95 of:
- the shift page's queues at one store (console.selectors.console_start_queues);
- the timeline of the customer with many orders (customers.selectors.customer_timeline): the
  whole journey, and its newest 50 touchpoints, which the hotline's customer page opens on;
- the KPI page of one store over 30 and 90 days (console.selectors.store_kpis);
- placing a one-line order (orders.services.order_place), inside a transaction rolled back
  afterwards, so the data stays the same and nothing reaches the broker;
- the hotline's customer search (customers.selectors.customer_search) for a name, an e-mail
  address or an order number;
- availability of one product across every store, at the 10 nearest, and at one store.

Targets at 10M orders: shift page < 100 ms, timeline < 100 ms, KPI page < 300 ms, availability
across every store < 20 ms. Placement and the hotline search have no target here (`bench
http_orders` measures placement over HTTP). The machine's load average is printed: on a shared
machine the figures are worse than the code deserves. The last line is one JSON object with
every p95 and its target.
"""

import argparse
import datetime
import random
import time
from collections.abc import Callable, Sequence

from bench.availability import _timings, availability_calls
from bench.harness import (
    django_setup,
    load_catalogue,
    machine_load,
    percentile,
    print_result,
    print_table,
    progress,
    scratch_database,
)

# The orders migration before the chain's indexes, and the one that adds them.
WITHOUT_INDEXES = ("orders", "0007_order_notify_by")
WITH_INDEXES = ("orders", "0008_chain_indexes")
ORDERS_PER_STATEMENT = 250_000
OPEN_PER_STORE = 60
ORDERS_PER_CUSTOMER = 10
HISTORY_DAYS = 730

TARGETS_MS = {
    "shift_page": 100.0,
    "timeline": 100.0,
    "timeline_newest_50": 100.0,
    "kpi_30_days": 300.0,
    "kpi_90_days": 300.0,
    "placement": None,
    "hotline_search": None,
    "availability_all_stores": 20.0,
    "availability_nearest_10": 20.0,
    "availability_one_store": 20.0,
}

# The states an order has passed through to reach its own, as (transition, source, target,
# minutes after placing): its audit rows.
PLACE = ("place", "", "placed", 0)
RESERVE = ("reserve", "placed", "reserved", 0)
PICK = ("start_picking", "reserved", "picking", 60)
READY = ("mark_ready", "picking", "ready_for_pickup", 120)
HISTORIES = {
    "placed": [PLACE],
    "sourcing": [PLACE, ("source", "placed", "sourcing", 0)],
    "reserved": [PLACE, RESERVE],
    "picking": [PLACE, RESERVE, PICK],
    "ready_for_pickup": [PLACE, RESERVE, PICK, READY],
    "collected": [
        PLACE,
        RESERVE,
        PICK,
        READY,
        ("hand_over", "ready_for_pickup", "collected", 1440),
    ],
    "expired": [PLACE, RESERVE, PICK, READY, ("expire", "ready_for_pickup", "expired", 11520)],
    "cancelled": [PLACE, RESERVE, ("cancel", "reserved", "cancelled", 180)],
}
MESSAGE_TEMPLATES = ("order_confirmation", "order_ready", "pickup_reminder")


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench chain",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--stores", type=int, default=300)
    parser.add_argument("--products", type=int, default=60_000)
    parser.add_argument("--orders", type=int, default=10_000_000)
    parser.add_argument(
        "--timeline-orders", type=int, default=200, help="orders of the customer whose timeline"
    )
    parser.add_argument(
        "--messages-per-order", type=int, default=1, choices=(0, 1, 2, 3), help="sent messages"
    )
    parser.add_argument("--iterations", type=int, default=200, help="timed calls per case")
    parser.add_argument("--warmup", type=int, default=10, help="untimed calls per case first")
    parser.add_argument(
        "--skip-without-indexes",
        action="store_true",
        help="measure only with the chain's indexes (no before/after)",
    )
    parser.add_argument(
        "--keep-database", action="store_true", help="leave the loaded database, to --reuse it"
    )
    parser.add_argument(
        "--reuse",
        default="",
        metavar="DATABASE",
        help="measure a database an earlier --keep-database run loaded with the same sizes",
    )
    options = parser.parse_args(argv)
    if options.products < 3 or options.stores < 1 or options.orders < options.timeline_orders:
        parser.error("at least 3 products, 1 store, and more orders than --timeline-orders")
    return options


# --- generating the chain --------------------------------------------------------------------


def _state_sql(orders: int, open_orders: int) -> str:
    """The state of order number g: the last `open_orders` are open, the rest ended."""
    return f"""
        CASE WHEN g > {orders - open_orders} THEN
            CASE WHEN g %% 20 < 8 THEN 'reserved' WHEN g %% 20 < 10 THEN 'picking'
                 WHEN g %% 20 < 18 THEN 'ready_for_pickup' WHEN g %% 20 = 18 THEN 'sourcing'
                 ELSE 'placed' END
        ELSE
            CASE WHEN g %% 100 < 88 THEN 'collected' WHEN g %% 100 < 95 THEN 'cancelled'
                 ELSE 'expired' END
        END"""


def _history_values() -> str:
    return ", ".join(
        f"('{state}', {step}, '{transition}', '{source}', '{target}', {minutes})"
        for state, steps in HISTORIES.items()
        for step, (transition, source, target, minutes) in enumerate(steps)
    )


def _load_orders(options: argparse.Namespace) -> None:
    from django.db import connection

    from customers.models import Customer
    from inventory.models import Product
    from messaging.models import Notification
    from orders.models import Order, OrderLine, OrderTransition
    from stores.models import Store

    orders = options.orders
    customers = max(orders // ORDERS_PER_CUSTOMER, 2)
    open_orders = min(options.stores * OPEN_PER_STORE, orders // 10)
    heavy_every = orders // options.timeline_orders
    seconds_apart = HISTORY_DAYS * 86400 / orders
    started = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
        cursor.execute("SELECT setseed(0.15)")
        cursor.execute(f"SELECT min(id) FROM {Store._meta.db_table}")
        (first_store,) = cursor.fetchone()
        cursor.execute(f"SELECT min(id) FROM {Product._meta.db_table}")
        (first_product,) = cursor.fetchone()
        # Customer 1 is the one with many orders.
        cursor.execute(
            f"""
            INSERT INTO {Customer._meta.db_table} (id, email, name, phone, language,
                email_promotions_consent, sms_promotions_consent, preferred_channel,
                created_at, updated_at)
            OVERRIDING SYSTEM VALUE
            SELECT g, 'shopper' || g || '@bench.example', 'Shopper ' || g, '', 'de',
                false, false, 'email', now() - interval '3 years', now()
            FROM generate_series(1, %s::int) AS g
            """,
            [customers],
        )
        progress(f"  {customers} customers")
        for low in range(1, orders + 1, ORDERS_PER_STATEMENT):
            high = min(low + ORDERS_PER_STATEMENT - 1, orders)
            _insert_orders(cursor, options, low, high, first_store, customers, open_orders)
            _insert_dependents(cursor, options, low, high, first_product)
            progress(f"  orders {low}-{high} of {orders} with lines, history and messages")
        for model in (Customer, Order, OrderLine, OrderTransition, Notification):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                f"(SELECT max(id) FROM {model._meta.db_table}))"
            )
        progress("  vacuum and analyze")
        for model in (Customer, Order, OrderLine, OrderTransition, Notification):
            cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")
    progress(
        f"loaded {orders} orders ({open_orders} open, every {heavy_every}th of customer 1, "
        f"{seconds_apart:.1f} s apart) in {time.monotonic() - started:.1f}s"
    )


def _insert_orders(cursor, options, low, high, first_store, customers, open_orders) -> None:
    from orders.models import Order

    heavy_every = options.orders // options.timeline_orders
    seconds_apart = HISTORY_DAYS * 86400 / options.orders
    cursor.execute(
        f"""
        INSERT INTO {Order._meta.db_table} (id, number, access_token_salt, access_token_hash,
            customer_id, channel, kind, pickup_store_id, curbside, allow_transfer, state,
            payment_method, currency, subtotal, total, campaign, notify_by_email, notify_by_sms,
            cancel_reason, pickup_code_salt, pickup_code_version, pickup_code_failed_attempts,
            hand_over_override_reason, attention_reason, placed_at, sourcing_started_at,
            reserved_at, picking_started_at, ready_at, collected_at, cancelled_at, expired_at,
            ready_by, sourcing_due_at, hold_until, reminder_due_at)
        OVERRIDING SYSTEM VALUE
        SELECT g, 'Z' || lpad(g::text, 10, '0'), md5(g::text), md5(g::text) || md5((-g)::text),
            CASE WHEN g %% {heavy_every} = 0 THEN 1
                 ELSE 2 + floor(random() * {customers - 1})::bigint END,
            (ARRAY['web', 'web', 'web', 'app', 'hotline', 'store'])[1 + g %% 6], 'standard',
            {first_store} + floor(random() * {options.stores})::bigint, false, false, state,
            (ARRAY['card', 'pay_in_store', 'sepa_debit'])[1 + g %% 3], 'EUR', 19.98, 19.98,
            CASE WHEN g %% 10 = 0 THEN 'spring-' || g %% 5 ELSE '' END, true, false,
            CASE WHEN state = 'cancelled' THEN 'shopper: changed mind' ELSE '' END,
            CASE WHEN at_ready THEN md5((g * 7)::text) ELSE '' END,
            CASE WHEN at_ready THEN 1 ELSE 0 END, 0, '', '', placed,
            CASE WHEN state = 'sourcing' THEN placed END,
            CASE WHEN state NOT IN ('placed', 'sourcing') THEN placed END,
            CASE WHEN at_picking THEN placed + interval '1 hour' END,
            CASE WHEN at_ready THEN placed + interval '2 hours' + (g %% 120) * interval '1 minute'
            END,
            CASE WHEN state = 'collected' THEN placed + interval '1 day' END,
            CASE WHEN state = 'cancelled' THEN placed + interval '3 hours' END,
            CASE WHEN state = 'expired' THEN placed + interval '8 days' END,
            placed + interval '4 hours',
            CASE WHEN state = 'sourcing' THEN placed + interval '10 minutes' END,
            CASE WHEN state = 'ready_for_pickup' THEN placed + (1 + g %% 7) * interval '1 day' END,
            CASE WHEN state = 'ready_for_pickup' THEN placed + (g %% 7) * interval '1 day' END
        FROM (
            SELECT g, state,
                state IN ('picking', 'ready_for_pickup', 'collected', 'expired') AS at_picking,
                state IN ('ready_for_pickup', 'collected', 'expired') AS at_ready,
                now() - ({options.orders} - g) * {seconds_apart} * interval '1 second'
                    - interval '5 minutes' AS placed
            FROM (
                SELECT g, {_state_sql(options.orders, open_orders)} AS state
                FROM generate_series(%s::int, %s::int) AS g
            ) AS numbered
        ) AS orders
        """,
        [low, high],
    )


def _insert_dependents(cursor, options, low, high, first_product) -> None:
    from messaging.models import Notification
    from orders.models import Order, OrderLine, OrderTransition

    orders = Order._meta.db_table
    cursor.execute(
        f"""
        INSERT INTO {OrderLine._meta.db_table} (order_id, product_id, quantity, unit_price,
            quantity_picked, quantity_collected, quantity_cancelled, quantity_sourcing)
        SELECT o.id, {first_product} + (o.id * 31 + k * 7907) %% {options.products}, quantity,
            9.99,
            CASE WHEN o.state IN ('ready_for_pickup', 'collected', 'expired') THEN quantity
                 ELSE 0 END,
            CASE WHEN o.state = 'collected' THEN quantity ELSE 0 END, 0,
            CASE WHEN o.state = 'sourcing' THEN quantity ELSE 0 END
        FROM {orders} AS o
        CROSS JOIN generate_series(0, 2) AS k
        CROSS JOIN LATERAL (SELECT 1 + (o.id + k) %% 3 AS quantity) AS q
        WHERE o.id BETWEEN %s AND %s AND k <= o.id %% 3
        """,
        [low, high],
    )
    cursor.execute(
        f"""
        INSERT INTO {OrderTransition._meta.db_table} (order_id, transition, source, target,
            reason, created_at)
        SELECT o.id, h.transition, h.source, h.target,
            CASE WHEN h.transition = 'cancel' THEN o.cancel_reason ELSE '' END,
            o.placed_at + h.minutes * interval '1 minute'
        FROM {orders} AS o
        JOIN (VALUES {_history_values()}) AS h (state, step, transition, source, target, minutes)
            ON h.state = o.state
        WHERE o.id BETWEEN %s AND %s
        ORDER BY o.id, h.step
        """,
        [low, high],
    )
    if options.messages_per_order:
        templates = ", ".join(f"'{name}'" for name in MESSAGE_TEMPLATES)
        cursor.execute(
            f"""
            INSERT INTO {Notification._meta.db_table} (customer_id, order_id, channel, template,
                language, promotional, context, status, attempts, provider_id, last_error,
                idempotency_key, next_attempt_at, created_at, sent_at)
            SELECT o.customer_id, o.id, 'email', (ARRAY[{templates}])[m], 'de', false, '{{}}',
                'sent', 1, 'bench-' || o.id || '-' || m, '', 'bench-' || o.id || '-' || m,
                o.placed_at, o.placed_at, o.placed_at + m * interval '1 minute'
            FROM {orders} AS o CROSS JOIN generate_series(1, %s::int) AS m
            WHERE o.id BETWEEN %s AND %s
            ORDER BY o.id, m
            """,
            [options.messages_per_order, low, high],
        )


# --- measuring -------------------------------------------------------------------------------


class _Rollback(Exception):
    """Raised to undo a measured placement."""


def _cases(options: argparse.Namespace) -> dict[str, tuple[str, Callable[[], object]]]:
    from django.db import transaction
    from django.utils import timezone

    from console.hotline.views import TIMELINE_SHOWN
    from console.selectors import console_start_queues, store_kpis
    from customers.models import Customer
    from customers.selectors import customer_search, customer_timeline
    from customers.services import CustomerInput
    from inventory.models import Product
    from inventory.selectors import stock_available_by_product
    from orders.models import Order
    from orders.services import LineInput, order_place
    from stores.models import Store

    chance = random.Random(11)
    stores = list(Store.objects.order_by("pk"))
    products = list(Product.objects.order_by("?")[:200])
    heavy = Customer.objects.get(pk=1)
    customers = Customer.objects.count()

    all_stores, nearest_ten = availability_calls(chance, products, stores=options.stores)

    def shift_page() -> object:
        return console_start_queues(store=chance.choice(stores), now=timezone.now())

    def timeline() -> object:
        entries = customer_timeline(customer=heavy)
        assert len(entries) >= options.timeline_orders
        return entries

    def timeline_newest() -> object:
        entries = customer_timeline(customer=heavy, latest=TIMELINE_SHOWN)
        assert len(entries) == TIMELINE_SHOWN
        return entries

    def kpis(days: int) -> Callable[[], object]:
        def call() -> object:
            until = timezone.now()
            return store_kpis(
                store=chance.choice(stores),
                since=until - datetime.timedelta(days=days),
                until=until,
            )

        return call

    def placement() -> object:
        number = chance.randint(2, customers)
        try:
            with transaction.atomic():
                order_place(
                    customer=CustomerInput(
                        email=f"shopper{number}@bench.example", name=f"Shopper {number}"
                    ),
                    pickup_store_code=chance.choice(stores).code,
                    lines=[LineInput(sku=chance.choice(products).sku, quantity=1)],
                    payment_method="pay_in_store",
                )
                raise _Rollback
        except _Rollback:
            return None

    order_numbers = list(
        Order.objects.filter(
            pk__in=[chance.randint(1, options.orders) for _ in range(50)]
        ).values_list("number", flat=True)
    )

    def hotline_search() -> object:
        """As an agent on a call types it: a name, an e-mail address or an order number."""
        number = chance.randint(2, customers)
        query = chance.choice(
            [f"Shopper {number}", f"shopper{number}@bench.example", chance.choice(order_numbers)]
        )
        found = list(customer_search(query=query))
        assert found, query
        return found

    def one_store() -> object:
        return stock_available_by_product(
            store_id=chance.choice(stores).pk, product_ids=[chance.choice(products).pk]
        )

    return {
        "shift_page": ("shift page: queues at one store", shift_page),
        "timeline": (f"timeline of a customer with {options.timeline_orders} orders", timeline),
        "timeline_newest_50": (
            f"the same, its newest {TIMELINE_SHOWN} touchpoints (the hotline page)",
            timeline_newest,
        ),
        "kpi_30_days": ("KPI page: one store, 30 days", kpis(30)),
        "kpi_90_days": ("KPI page: one store, 90 days", kpis(90)),
        "placement": ("placing a one-line order (rolled back)", placement),
        "hotline_search": ("hotline search: a name, an e-mail or an order number", hotline_search),
        "availability_all_stores": ("availability of one SKU, every store", all_stores),
        "availability_nearest_10": ("availability of one SKU, 10 nearest stores", nearest_ten),
        "availability_one_store": ("availability of one SKU at one store", one_store),
    }


def _measure(options: argparse.Namespace, phase: str) -> dict[str, dict[str, float]]:
    figures = {}
    for key, (label, call) in _cases(options).items():
        progress(f"measuring {phase}: {label}")
        timings, cpu_ms = _timings(call, iterations=options.iterations, warmup=options.warmup)
        figures[key] = {
            "label": label,
            "cpu": cpu_ms,
            "p50": percentile(timings, 0.50),
            "p95": percentile(timings, 0.95),
            "max": timings[-1],
        }
    return figures


def _migrate_to(migration: tuple[str, str]) -> None:
    from django.core.management import call_command
    from django.db import connection

    started = time.monotonic()
    call_command("migrate", *migration, verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    progress(f"migrated to {'.'.join(migration)} in {time.monotonic() - started:.1f}s")


def _report(options, before: dict | None, after: dict) -> dict:
    rows = []
    for key, figures in after.items():
        target = TARGETS_MS[key]
        rows.append(
            (
                figures["label"],
                f"{before[key]['p95']:.1f}" if before else "-",
                f"{figures['p50']:.1f}",
                f"{figures['p95']:.1f}",
                f"{figures['max']:.1f}",
                f"{figures['cpu']:.1f}",
                f"< {target:.0f}" if target else "-",
                ("met" if figures["p95"] < target else "NOT met") if target else "",
            )
        )
    print_table(
        f"chain: {options.stores} stores x {options.products} products, {options.orders} orders, "
        f"{options.iterations} calls per case (milliseconds)",
        ("case", "p95 before", "p50", "p95", "max", "client CPU/call", "target", ""),
        rows,
    )
    result: dict[str, object] = {
        "benchmark": "chain",
        "stores": options.stores,
        "products": options.products,
        "orders": options.orders,
        "timeline_orders": options.timeline_orders,
        "messages_per_order": options.messages_per_order,
        "iterations": options.iterations,
        "p95_ms": {key: round(figures["p95"], 2) for key, figures in after.items()},
        "client_cpu_ms": {key: round(figures["cpu"], 2) for key, figures in after.items()},
        "p95_ms_without_chain_indexes": (
            {key: round(figures["p95"], 2) for key, figures in before.items()} if before else None
        ),
        "target_p95_ms": TARGETS_MS,
        "targets_met": all(
            after[key]["p95"] < target for key, target in TARGETS_MS.items() if target
        ),
    }
    result.update(machine_load())
    return result


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("chain", keep=options.keep_database, reuse=options.reuse) as database_url:
        django_setup(database_url)
        # Loaded without the chain's indexes: they are built once on the loaded tables.
        _migrate_to(WITHOUT_INDEXES)
        if not options.reuse:
            load_catalogue(
                stores=options.stores,
                products=options.products,
                on_hand_sql="50 + mod(s.id * 7 + p.id * 13, 25)",
                safety_stock_sql="mod(s.id + p.id, 3)",
            )
            _load_orders(options)
        before = None if options.skip_without_indexes else _measure(options, "without indexes")
        _migrate_to(WITH_INDEXES)
        after = _measure(options, "with indexes")
        result = _report(options, before, after)
    print_result(result)
    return 0

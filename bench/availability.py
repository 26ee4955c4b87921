"""`python -m bench availability`: how fast a shopper learns which stores have a product.

Measures inventory.selectors.availability_for_sku for one SKU across every store (sorted by
distance from a random point in Germany), and for the 10 nearest stores to a point, on a catalogue
of 500 stores x 2,000 products by default. Target (SPEC §6): p95 under 20 ms across all stores.
"""

import argparse
import random
import time
from collections.abc import Callable, Sequence

from bench.harness import (
    add_binding_argument,
    django_setup,
    load_catalogue,
    machine_load,
    percentile,
    print_result,
    print_table,
    progress,
    scratch_database,
)

TARGET_P95_MS = 20.0
GERMANY = {"latitude": (47.3, 55.0), "longitude": (5.9, 15.0)}


def _arguments(argv: Sequence[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench availability", description=__doc__)
    parser.add_argument("--stores", type=int, default=500)
    parser.add_argument("--products", type=int, default=2000)
    parser.add_argument("--iterations", type=int, default=1000, help="timed calls per case")
    parser.add_argument("--warmup", type=int, default=50, help="untimed calls per case first")
    add_binding_argument(parser)
    return parser.parse_args(argv)


def _timings(
    call: Callable[[], object], *, iterations: int, warmup: int
) -> tuple[list[float], float]:
    """Sorted wall-clock milliseconds per call, and this process's mean CPU milliseconds per call:
    on a busy machine the first grows with the load, the second much less."""
    for _ in range(warmup):
        call()
    timings = []
    cpu_started = time.process_time()
    for _ in range(iterations):
        started = time.perf_counter()
        call()
        timings.append((time.perf_counter() - started) * 1000)
    cpu_ms = (time.process_time() - cpu_started) * 1000 / iterations
    return sorted(timings), cpu_ms


def random_point(chance: random.Random) -> dict[str, float]:
    return {axis: chance.uniform(*bounds) for axis, bounds in GERMANY.items()}


def availability_calls(
    chance: random.Random, products: Sequence, *, stores: int
) -> tuple[Callable[[], object], Callable[[], object]]:
    """Availability of a random one of `products` from a random point: at every store (checked
    to answer for all `stores`), and at the 10 nearest."""
    from inventory.selectors import availability_for_sku

    def all_stores() -> object:
        answer = availability_for_sku(product=chance.choice(products), **random_point(chance))
        assert len(answer) == stores
        return answer

    def nearest_ten() -> object:
        return availability_for_sku(
            product=chance.choice(products), limit=10, **random_point(chance)
        )

    return all_stores, nearest_ten


def _run(options: argparse.Namespace) -> dict:
    from inventory.models import Product
    from stores.selectors import store_list_by_distance

    chance = random.Random(7)
    products = list(Product.objects.order_by("?")[:200])
    all_stores, nearest_ten = availability_calls(chance, products, stores=options.stores)

    def stores_nearest_ten() -> object:
        return store_list_by_distance(limit=10, **random_point(chance))

    cases = {
        "all_stores": ("availability of one SKU, all stores by distance", all_stores),
        "nearest_10": ("availability of one SKU, 10 nearest stores", nearest_ten),
        "stores_nearest_10": ("10 nearest stores with hours", stores_nearest_ten),
    }
    figures: dict[str, dict[str, float]] = {}
    for key, (label, call) in cases.items():
        progress(f"measuring: {label}")
        timings, cpu_ms = _timings(call, iterations=options.iterations, warmup=options.warmup)
        figures[key] = {
            "cpu": cpu_ms,
            "p50": percentile(timings, 0.50),
            "p95": percentile(timings, 0.95),
            "p99": percentile(timings, 0.99),
            "max": timings[-1],
        }
    print_table(
        f"availability: {options.stores} stores x {options.products} products, "
        f"{options.iterations} calls per case (milliseconds)",
        ("case", "p50", "p95", "p99", "max", "client CPU/call"),
        [
            (
                cases[key][0],
                *(f"{figures[key][name]:.2f}" for name in ("p50", "p95", "p99", "max", "cpu")),
            )
            for key in cases
        ],
    )
    p95_all = figures["all_stores"]["p95"]
    print(
        f"p95 across all stores: {p95_all:.2f} ms (target < {TARGET_P95_MS:.0f} ms): "
        f"{'met' if p95_all < TARGET_P95_MS else 'NOT met'}"
    )
    result: dict[str, object] = {
        "benchmark": "availability",
        "stores": options.stores,
        "products": options.products,
        "server_side_binding": options.server_side_binding,
        "stock_rows": options.stores * options.products,
        "iterations": options.iterations,
    }
    for key in cases:
        for name in ("p50", "p95", "p99"):
            result[f"{name}_ms_{key}"] = round(figures[key][name], 3)
        result[f"client_cpu_ms_{key}"] = round(figures[key]["cpu"], 3)
    result["target_p95_ms_all_stores"] = TARGET_P95_MS
    result["target_met"] = p95_all < TARGET_P95_MS
    result.update(machine_load())
    return result


def main(argv: Sequence[str]) -> int:
    options = _arguments(argv)
    with scratch_database("availability") as database_url:
        django_setup(database_url, server_side_binding=options.server_side_binding)
        load_catalogue(
            stores=options.stores,
            products=options.products,
            # Varied stock: some rows empty, some held back as safety stock.
            on_hand_sql="mod(s.id * 7 + p.id * 13, 25)",
            safety_stock_sql="mod(s.id + p.id, 3)",
        )
        result = _run(options)
    print_result(result)
    return 0

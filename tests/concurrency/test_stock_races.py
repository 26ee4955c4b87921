"""Races on real PostgreSQL connections: no oversell, no deadlock, no double count, no drift.

Every worker opens its own connection before the barrier, so all of them reach the stock rows
at the same moment, and closes it when done.
"""

import threading
from collections import Counter
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F

from inventory.exceptions import InsufficientStock, InvalidTransferState
from inventory.models import Reservation, StockLevel, StockMovement, Transfer
from inventory.services import (
    StockRequest,
    stock_consume,
    stock_count_correct,
    stock_receive,
    stock_release,
    stock_reserve,
    stock_return,
    transfer_cancel,
    transfer_receive,
    transfer_request,
    transfer_ship,
)
from tests.inventory.factories import ProductFactory
from tests.inventory.stock import level_of, stock_received
from tests.stores.factories import StoreFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WORKERS = 32


def race(work: list[Callable[[], object]]) -> list[object]:
    """Runs each callable on its own thread and connection, all released at once; returns each
    result or the exception it raised, in order."""
    barrier = threading.Barrier(len(work))
    outcomes: list[object] = [None] * len(work)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            connection.ensure_connection()
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # noqa: BLE001 - the test inspects every outcome
            outcomes[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(work)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def kinds(outcomes: list[object]) -> Counter:
    return Counter(type(outcome).__name__ for outcome in outcomes)


def assert_no_drift() -> None:
    out = StringIO()
    call_command("reconcile_stock", stdout=out)
    assert out.getvalue() == "No drift: stock matches the ledger (all stores).\n"


@pytest.fixture
def store():
    return StoreFactory(code="PAS-01")


@pytest.mark.parametrize(
    ("units_each", "units_left", "winners"),
    [(1, 5, 5), (2, 7, 3), (1, 1, 1)],
)
def test_32_shoppers_racing_for_the_last_units_leave_exactly_as_many_winners_as_fit(
    store, units_each, units_left, winners
):
    drill = ProductFactory(sku="DRILL-18V")
    stock_received(store=store, product=drill, quantity=20 + units_left)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 20, "order:earlier")])

    outcomes = race(
        [
            lambda i=i: stock_reserve(
                store_id=store.pk, requests=[StockRequest(drill.pk, units_each, f"line:{i}")]
            )
            for i in range(WORKERS)
        ]
    )

    assert kinds(outcomes) == {"list": winners, "InsufficientStock": WORKERS - winners}
    refusals = [outcome for outcome in outcomes if isinstance(outcome, InsufficientStock)]
    assert {refusal.code for refusal in refusals} == {"insufficient_stock"}
    assert {refusal.shortages[0].requested for refusal in refusals} == {units_each}
    assert level_of(store, drill) == (20 + units_left, 20 + winners * units_each)
    assert Reservation.objects.filter(state="held").count() == 1 + winners
    assert not StockLevel.objects.filter(reserved__gt=0, on_hand__lt=0).exists()
    assert_no_drift()


def test_orders_over_overlapping_skus_in_different_orders_all_finish_without_deadlock(store):
    products = [ProductFactory(sku=f"SKU-{letter}") for letter in "ABCD"]
    for product in products:
        stock_received(store=store, product=product, quantity=WORKERS)

    def order(i: int):
        # Each worker names the same four SKUs in its own order.
        rotated = products[i % 4 :] + products[: i % 4]
        lines = rotated if i % 2 else list(reversed(rotated))
        return stock_reserve(
            store_id=store.pk,
            requests=[StockRequest(product.pk, 1, f"order:{i}") for product in lines],
        )

    outcomes = race([lambda i=i: order(i) for i in range(WORKERS)])

    assert kinds(outcomes) == {"list": WORKERS}
    for product in products:
        assert level_of(store, product) == (WORKERS, WORKERS)
    assert StockMovement.objects.filter(kind="reserve").count() == 4 * WORKERS
    assert_no_drift()


def test_scarce_overlapping_orders_in_different_orders_never_deadlock_or_oversell(store):
    products = [ProductFactory(sku=f"SKU-{letter}") for letter in "ABCD"]
    for product in products:
        stock_received(store=store, product=product, quantity=10)
    pairs = [(0, 1), (1, 0), (1, 2), (2, 1), (2, 3), (3, 2), (3, 0), (0, 3)]

    def order(i: int):
        first, second = pairs[i % len(pairs)]
        return stock_reserve(
            store_id=store.pk,
            requests=[
                StockRequest(products[first].pk, 2, f"order:{i}"),
                StockRequest(products[second].pk, 1, f"order:{i}"),
            ],
        )

    outcomes = race([lambda i=i: order(i) for i in range(WORKERS)])

    assert set(kinds(outcomes)) <= {"list", "InsufficientStock"}
    assert kinds(outcomes)["list"] > 0
    expected_reserved = Counter()
    for outcome in outcomes:
        if isinstance(outcome, list):
            for reservation in outcome:
                expected_reserved[reservation.stock_level.product_id] += reservation.quantity
    for product in products:
        on_hand, reserved = level_of(store, product)
        assert on_hand == 10
        assert reserved == expected_reserved[product.pk]
        assert reserved <= 10
    assert_no_drift()


def test_concurrent_hand_over_and_release_of_one_order_count_it_once(store):
    drill, bits = ProductFactory(sku="DRILL-18V"), ProductFactory(sku="BITS-32")
    stock_received(store=store, product=drill, quantity=5)
    stock_received(store=store, product=bits, quantity=5)
    stock_reserve(
        store_id=store.pk,
        requests=[StockRequest(drill.pk, 2, "order:1"), StockRequest(bits.pk, 1, "order:1")],
    )

    outcomes = race(
        [
            (lambda: stock_consume(reference="order:1"))
            if i % 2
            else (lambda: stock_release(reference="order:1"))
            for i in range(WORKERS)
        ]
    )

    assert sorted(outcomes) == [0] * (WORKERS - 1) + [3]
    closing = list(
        StockMovement.objects.filter(kind__in=["hand_over", "release"]).values_list(
            "kind", flat=True
        )
    )
    assert len(closing) == 2
    assert len(set(closing)) == 1
    handed_over = closing[0] == "hand_over"
    assert level_of(store, drill) == ((3, 0) if handed_over else (5, 0))
    assert level_of(store, bits) == ((4, 0) if handed_over else (5, 0))
    assert set(Reservation.objects.values_list("state", flat=True)) == {
        "consumed" if handed_over else "released"
    }
    assert_no_drift()


def test_receipts_arriving_while_shoppers_reserve_lose_no_update(store):
    drill = ProductFactory(sku="DRILL-18V")
    stock_received(store=store, product=drill, quantity=4)

    outcomes = race(
        [
            (
                lambda i=i: stock_reserve(
                    store_id=store.pk, requests=[StockRequest(drill.pk, 1, f"line:{i}")]
                )
            )
            if i % 2
            else (lambda: stock_receive(store_id=store.pk, product_id=drill.pk, quantity=1))
            for i in range(WORKERS)
        ]
    )

    reserved = kinds(outcomes)["list"]
    assert set(kinds(outcomes)) <= {"list", "StockLevel", "InsufficientStock"}
    assert kinds(outcomes)["StockLevel"] == WORKERS // 2
    assert level_of(store, drill) == (4 + WORKERS // 2, reserved)
    assert_no_drift()


def test_shipping_one_transfer_from_many_workers_ships_it_once(store):
    drill = ProductFactory(sku="DRILL-18V")
    destination = StoreFactory(code="MUC-01")
    stock_received(store=store, product=drill, quantity=5)
    transfer = transfer_request(
        source_store_id=store.pk,
        destination_store_id=destination.pk,
        requests=[StockRequest(drill.pk, 2, "order-line:1")],
        reference="order:1",
    )

    outcomes = race([lambda: transfer_ship(transfer_id=transfer.pk) for _ in range(WORKERS)])

    assert kinds(outcomes) == {"Transfer": 1, "InvalidTransferState": WORKERS - 1}
    assert all(
        outcome.code == "invalid_transfer_state"
        for outcome in outcomes
        if isinstance(outcome, InvalidTransferState)
    )
    assert Transfer.objects.get().state == "in_transit"
    assert level_of(store, drill) == (3, 0)
    assert_no_drift()


def test_every_stock_service_racing_on_shared_rows_never_deadlocks_or_drifts(store):
    other = StoreFactory(code="MUC-01")
    products = [ProductFactory(sku=f"SKU-{letter}") for letter in "ABCD"]
    for product in products:
        stock_received(store=store, product=product, quantity=20)
        stock_received(store=other, product=product, quantity=20)
    a, b, c, d = (product.pk for product in products)

    def reserve_then(i: int, where, lines, close) -> str:
        stock_reserve(
            store_id=where.pk, requests=[StockRequest(pk, n, f"o:{i}") for pk, n in lines]
        )
        close(reference=f"o:{i}")
        return "done"

    def transfer_through(i: int, source, destination, lines, steps) -> str:
        transfer = transfer_request(
            source_store_id=source.pk,
            destination_store_id=destination.pk,
            requests=[StockRequest(pk, n, f"t:{i}") for pk, n in lines],
            reference=f"t:{i}",
        )
        for step in steps:
            step(transfer_id=transfer.pk)
        return "done"

    jobs = [
        lambda i: reserve_then(i, store, [(a, 2), (b, 1)], stock_consume),
        lambda i: reserve_then(i, store, [(b, 1), (a, 2)], stock_release),
        lambda i: stock_receive(store_id=store.pk, product_id=c, quantity=3) and "done",
        lambda i: (
            stock_count_correct(store_id=store.pk, product_id=a, counted=15, reason="count")
            and "done"
        ),
        lambda i: reserve_then(i, other, [(d, 1), (c, 1)], stock_consume),
        lambda i: transfer_through(
            i, store, other, [(c, 1), (d, 1)], [transfer_ship, transfer_receive]
        ),
        lambda i: transfer_through(i, other, store, [(a, 1), (d, 1)], [transfer_cancel]),
        lambda i: (
            stock_return(store_id=store.pk, product_id=b, quantity=1, resellable=False) and "done"
        ),
    ]

    outcomes = race([lambda i=i: jobs[i % len(jobs)](i) for i in range(WORKERS)])

    assert set(kinds(outcomes)) <= {"str", "InsufficientStock", "CountBelowReserved"}
    assert kinds(outcomes)["str"] >= WORKERS // 2
    assert not StockLevel.objects.filter(on_hand__lt=F("reserved")).exists()
    assert_no_drift()

import pytest
from django.db import transaction

from inventory.exceptions import (
    InsufficientStock,
    InvalidQuantity,
    InvalidReference,
    ReasonRequired,
    Shortage,
    UnknownProduct,
    UnknownStore,
)
from inventory.models import Reservation, StockMovement
from inventory.services import StockRequest, stock_consume, stock_release, stock_reserve
from tests.inventory.stock import level_of, movements_of, stock_received, stock_snapshot
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reserve_holds_the_units_and_writes_one_ledger_row_per_line(store, drill):
    stock_received(store=store, product=drill, quantity=5)

    reservations = stock_reserve(
        store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order-line:1")]
    )

    assert [(r.quantity, r.reference, r.state) for r in reservations] == [
        (2, "order-line:1", "held")
    ]
    assert level_of(store, drill) == (5, 2)
    assert movements_of(store, drill) == [
        ("receipt", 5, 0, ""),
        ("reserve", 0, 2, "order-line:1"),
    ]


def test_reserve_of_several_lines_holds_every_line(store, drill, bits):
    stock_received(store=store, product=drill, quantity=3)
    stock_received(store=store, product=bits, quantity=10)

    reservations = stock_reserve(
        store_id=store.pk,
        requests=[
            StockRequest(bits.pk, 4, "order-line:2"),
            StockRequest(drill.pk, 1, "order-line:1"),
        ],
    )

    assert [(r.stock_level.product_id, r.quantity) for r in reservations] == [
        (bits.pk, 4),
        (drill.pk, 1),
    ]
    assert level_of(store, drill) == (3, 1)
    assert level_of(store, bits) == (10, 4)


def test_reserve_records_the_actor_in_the_ledger(store, drill):
    clerk = UserFactory(username="clerk.pas-01")
    stock_received(store=store, product=drill, quantity=1)

    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "r:1")], actor=clerk)

    assert StockMovement.objects.get(kind="reserve").actor == clerk


def test_reserve_refuses_every_line_when_one_is_short_and_names_each_shortage(store, drill, bits):
    stock_received(store=store, product=drill, quantity=1)
    stock_received(store=store, product=bits, quantity=10)
    before = stock_snapshot()

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(
            store_id=store.pk,
            requests=[StockRequest(bits.pk, 4, "line:2"), StockRequest(drill.pk, 2, "line:1")],
        )

    assert refused.value.code == "insufficient_stock"
    assert refused.value.status == 409
    assert refused.value.detail == (
        "Not enough stock at this store for DRILL-18V (2 requested, 1 available)."
    )
    assert refused.value.shortages == [
        Shortage(product_id=drill.pk, sku="DRILL-18V", requested=2, available=1)
    ]
    assert refused.value.as_body()["shortages"] == [
        {"product_id": drill.pk, "sku": "DRILL-18V", "requested": 2, "available": 1}
    ]
    assert stock_snapshot() == before


def test_reserve_adds_up_two_lines_of_the_same_product_before_checking(store, drill):
    stock_received(store=store, product=drill, quantity=3)
    before = stock_snapshot()

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(
            store_id=store.pk,
            requests=[StockRequest(drill.pk, 2, "line:1"), StockRequest(drill.pk, 2, "line:2")],
        )

    assert refused.value.shortages == [Shortage(drill.pk, "DRILL-18V", 4, 3)]
    assert stock_snapshot() == before


def test_reserve_keeps_the_safety_stock_back(store, drill):
    level = stock_received(store=store, product=drill, quantity=5)
    level.safety_stock = 2
    level.save()

    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 3, "line:1")])
    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "line:2")])

    assert refused.value.shortages == [Shortage(drill.pk, "DRILL-18V", 1, 0)]
    assert level_of(store, drill) == (5, 3)


def test_reserve_of_a_product_the_store_never_stocked_is_a_shortage_of_zero_available(store, drill):
    before = stock_snapshot()

    with pytest.raises(InsufficientStock) as refused:
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "line:1")])

    assert refused.value.shortages == [Shortage(drill.pk, "DRILL-18V", 1, 0)]
    assert stock_snapshot() == before


@pytest.mark.parametrize("quantity", [0, -1, 10_001, 1.5, "2", None, True])
def test_reserve_refuses_a_quantity_that_is_not_a_whole_number_from_1_to_10000(
    store, drill, quantity
):
    stock_received(store=store, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(InvalidQuantity) as refused:
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, quantity, "line:1")])

    assert refused.value.code == "invalid_quantity"
    assert refused.value.status == 400
    assert stock_snapshot() == before


def test_reserve_refuses_an_empty_list_of_lines(store):
    with pytest.raises(InvalidQuantity) as refused:
        stock_reserve(store_id=store.pk, requests=[])

    assert refused.value.fields == {"requests": ["At least one line is needed."]}


@pytest.mark.parametrize("reference", ["", "   ", "x" * 65, None])
def test_reserve_refuses_a_blank_or_too_long_reference(store, drill, reference):
    stock_received(store=store, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(InvalidReference) as refused:
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, reference)])

    assert refused.value.code == "invalid_reference"
    assert stock_snapshot() == before


def test_reserve_refuses_an_unknown_product(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    before = stock_snapshot()

    with pytest.raises(UnknownProduct) as refused:
        stock_reserve(
            store_id=store.pk,
            requests=[StockRequest(drill.pk, 1, "line:1"), StockRequest(999_999, 1, "line:2")],
        )

    assert refused.value.code == "unknown_sku"
    assert refused.value.status == 404
    assert stock_snapshot() == before


def test_reserve_refuses_a_discontinued_product_even_with_stock(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    drill.is_active = False
    drill.save()
    before = stock_snapshot()

    with pytest.raises(UnknownProduct):
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "line:1")])

    assert stock_snapshot() == before


def test_reserve_refuses_an_unknown_store(drill):
    before = stock_snapshot()

    with pytest.raises(UnknownStore) as refused:
        stock_reserve(store_id=999_999, requests=[StockRequest(drill.pk, 1, "line:1")])

    assert refused.value.code == "unknown_store"
    assert refused.value.status == 404
    assert stock_snapshot() == before


def test_reserve_refuses_a_closed_down_store_even_with_stock(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    store.is_active = False
    store.save()
    before = stock_snapshot()

    with pytest.raises(UnknownStore):
        stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "line:1")])

    assert stock_snapshot() == before


def test_a_refused_reservation_inside_a_callers_transaction_leaves_that_transaction_usable(
    store, drill, bits
):
    stock_received(store=store, product=drill, quantity=1)
    stock_received(store=store, product=bits, quantity=1)

    with transaction.atomic():
        with pytest.raises(InsufficientStock):
            stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "line:1")])
        stock_reserve(store_id=store.pk, requests=[StockRequest(bits.pk, 1, "line:2")])

    assert level_of(store, drill) == (1, 0)
    assert level_of(store, bits) == (1, 1)


def test_release_frees_every_held_line_of_the_reference_and_returns_the_units(store, drill, bits):
    stock_received(store=store, product=drill, quantity=5)
    stock_received(store=store, product=bits, quantity=5)
    stock_reserve(
        store_id=store.pk,
        requests=[StockRequest(drill.pk, 2, "order:7"), StockRequest(bits.pk, 3, "order:7")],
    )
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 1, "order:8")])

    released = stock_release(reference="order:7", reason="cancelled by shopper")

    assert released == 5
    assert level_of(store, drill) == (5, 1)
    assert level_of(store, bits) == (5, 0)
    assert list(Reservation.objects.order_by("pk").values_list("reference", "state")) == [
        ("order:7", "released"),
        ("order:7", "released"),
        ("order:8", "held"),
    ]
    assert list(
        StockMovement.objects.filter(kind="release").values_list(
            "reserved_delta", "reference", "reason"
        )
    ) == [(-2, "order:7", "cancelled by shopper"), (-3, "order:7", "cancelled by shopper")]


def test_release_twice_releases_once(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:7")])
    stock_release(reference="order:7")
    before = stock_snapshot()

    released_again = stock_release(reference="order:7")

    assert released_again == 0
    assert stock_snapshot() == before


def test_release_of_a_reference_nobody_holds_releases_nothing(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    before = stock_snapshot()

    assert stock_release(reference="order:404") == 0
    assert stock_snapshot() == before


@pytest.mark.parametrize("reference", ["", "x" * 65])
def test_release_refuses_a_blank_or_too_long_reference(reference):
    with pytest.raises(InvalidReference):
        stock_release(reference=reference)


def test_release_refuses_a_reason_longer_than_200_characters(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:7")])
    before = stock_snapshot()

    with pytest.raises(ReasonRequired):
        stock_release(reference="order:7", reason="x" * 201)

    assert stock_snapshot() == before


def test_consume_hands_the_units_over_and_takes_them_off_hand(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:7")])

    consumed = stock_consume(reference="order:7")

    assert consumed == 2
    assert level_of(store, drill) == (3, 0)
    assert Reservation.objects.get().state == "consumed"
    assert movements_of(store, drill)[-1] == ("hand_over", -2, -2, "order:7")


def test_consume_twice_hands_over_once(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:7")])
    stock_consume(reference="order:7")
    before = stock_snapshot()

    assert stock_consume(reference="order:7") == 0
    assert stock_snapshot() == before


def test_consume_after_release_hands_over_nothing(store, drill):
    stock_received(store=store, product=drill, quantity=5)
    stock_reserve(store_id=store.pk, requests=[StockRequest(drill.pk, 2, "order:7")])
    stock_release(reference="order:7")
    before = stock_snapshot()

    assert stock_consume(reference="order:7") == 0
    assert stock_snapshot() == before
    assert level_of(store, drill) == (5, 0)


def test_consume_refuses_a_blank_reference():
    with pytest.raises(InvalidReference):
        stock_consume(reference=" ")

"""32 checkouts racing for the last place of a pickup slot on real PostgreSQL connections: exactly
one gets it, every other one is refused with pickup_slot_full (409) and leaves nothing behind.

Each shopper orders a different product, so no stock row serializes them: only the slot's own
guarded UPDATE stands between them and an overbooked slot."""

from collections import Counter

import pytest

from customers.services import CustomerInput
from inventory.models import Reservation
from orders.models import Order
from orders.services import LineInput, order_place
from stores.models import PickupSlot
from tests.concurrency.test_stock_races import WORKERS, race
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.stores.factories import StoreFactory, opening_hours_set
from tests.support.clock import STORY_MORNING, berlin

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _place(index: int, **changes):
    arguments = {
        "customer": CustomerInput(email=f"racer{index}@example.com", name=f"Racer {index}"),
        "pickup_store_code": "PAS-01",
        "lines": [LineInput(f"RACE-{index:02d}", 1)],
        "payment_method": "pay_in_store",
        "pickup_slot": berlin(3, 18),
        "now": STORY_MORNING,
    }
    arguments.update(changes)
    return order_place(**arguments)


def test_32_checkouts_racing_for_the_last_place_in_a_slot_book_it_exactly_once():
    store = opening_hours_set(StoreFactory(code="PAS-01", pickup_slot_capacity=5))
    for index in range(WORKERS + 4):
        StockLevelFactory(store=store, product=ProductFactory(sku=f"RACE-{index:02d}"), on_hand=1)
    for index in range(WORKERS, WORKERS + 4):
        _place(index)

    outcomes = race([lambda index=index: _place(index) for index in range(WORKERS)])

    codes = Counter(getattr(outcome, "code", type(outcome).__name__) for outcome in outcomes)
    assert codes == Counter({"PlacedOrder": 1, "pickup_slot_full": WORKERS - 1})
    assert {outcome.status for outcome in outcomes if hasattr(outcome, "code")} == {409}
    slot = PickupSlot.objects.get()
    assert (slot.booked, slot.capacity) == (5, 5)
    assert Order.objects.filter(pickup_slot=berlin(3, 18)).count() == 5
    # The refused checkouts rolled back whole: no stock held for them.
    assert Reservation.objects.count() == 5


def test_32_checkouts_racing_for_an_unbooked_slot_create_its_row_once():
    store = opening_hours_set(StoreFactory(code="PAS-01", pickup_slot_capacity=10))
    for index in range(WORKERS):
        StockLevelFactory(store=store, product=ProductFactory(sku=f"RACE-{index:02d}"), on_hand=1)

    outcomes = race([lambda index=index: _place(index) for index in range(WORKERS)])

    codes = Counter(getattr(outcome, "code", type(outcome).__name__) for outcome in outcomes)
    assert codes == Counter({"PlacedOrder": 10, "pickup_slot_full": WORKERS - 10})
    assert PickupSlot.objects.get().booked == 10

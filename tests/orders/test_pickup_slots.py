"""The shopper's pickup slot: booked with the order when the order can be ready by then, refused
clearly otherwise (nothing written), freed again when the order is cancelled."""

import datetime

import pytest

from customers.models import Customer
from customers.services import CustomerInput
from inventory.models import Reservation
from orders.models import Order
from orders.selectors import pickup_slot_list_for_order
from orders.services import LineInput, order_cancel
from stores.models import PickupSlot
from tests.inventory.factories import StockLevelFactory
from tests.stores.factories import StoreFactory, opening_hours_set
from tests.support.clock import STORY_MORNING, berlin

pytestmark = pytest.mark.django_db


def _nothing_written() -> bool:
    return (
        Order.objects.count(),
        Customer.objects.count(),
        Reservation.objects.count(),
        PickupSlot.objects.filter(booked__gt=0).count(),
    ) == (0, 0, 0, 0)


@pytest.fixture
def story_place(place):
    """Places at the story's Thursday 11:00."""

    def _place(**overrides):
        return place(now=STORY_MORNING, **overrides)

    return _place


def test_an_order_books_the_slot_the_shopper_chose(story_place, stocked):
    placed = story_place(pickup_slot=berlin(3, 18))

    order = placed.order
    assert order.pickup_slot == berlin(3, 18)
    assert order.ready_by == berlin(3, 13)
    slot = PickupSlot.objects.get()
    assert (slot.starts_at, slot.ends_at, slot.booked) == (berlin(3, 18), berlin(3, 19), 1)


def test_a_slot_given_in_utc_is_stored_as_the_same_moment(story_place, stocked):
    placed = story_place(pickup_slot=berlin(3, 18).astimezone(datetime.UTC))

    assert placed.order.pickup_slot == berlin(3, 18)


def test_an_order_without_a_slot_books_none(story_place, stocked):
    placed = story_place()

    assert placed.order.pickup_slot is None
    assert PickupSlot.objects.count() == 0


def test_the_slots_offered_for_stock_here_start_after_picking(store, stocked, drill):
    choice = pickup_slot_list_for_order(
        store=store, lines=[(drill.pk, 1)], now=STORY_MORNING, day=datetime.date(2026, 12, 3)
    )

    assert (choice.via_transfer, choice.ready_by) == (False, berlin(3, 13))
    assert [f"{slot.start:%H:%M}" for slot in choice.slots][:2] == ["13:00", "14:00"]
    assert f"{choice.slots[-1].start:%H:%M}" == "19:00"


def test_the_slots_offered_without_stock_here_start_after_a_transfer(store, stocked, drill):
    choice = pickup_slot_list_for_order(
        store=store, lines=[(drill.pk, 6)], now=STORY_MORNING, days=3
    )

    # 48 hours of travel from Thursday 11:00, then 2 hours of picking on Saturday.
    assert (choice.via_transfer, choice.ready_by) == (True, berlin(5, 13))
    assert f"{choice.slots[0].start:%a %H:%M}" == "Sat 13:00"


def test_a_full_slot_is_offered_with_no_places_left(store, stocked, drill, story_place):
    store.pickup_slot_capacity = 1
    store.save()
    story_place(pickup_slot=berlin(3, 18))

    choice = pickup_slot_list_for_order(
        store=store, lines=[(drill.pk, 1)], now=STORY_MORNING, day=datetime.date(2026, 12, 3)
    )

    assert {f"{slot.start:%H:%M}": slot.available for slot in choice.slots}["18:00"] == 0


def test_a_full_slot_cannot_be_booked(story_place, store, stocked):
    store.pickup_slot_capacity = 1
    store.save()
    story_place(pickup_slot=berlin(3, 18))

    with pytest.raises(Exception) as refused:  # noqa: PT011 - the code is what is asserted
        story_place(
            customer=CustomerInput(email="second@example.com", name="Herr Zweiter"),
            pickup_slot=berlin(3, 18),
        )

    assert (refused.value.code, refused.value.status) == ("pickup_slot_full", 409)
    assert "pickup_slot" in refused.value.fields
    assert Order.objects.count() == 1
    assert Customer.objects.count() == 1
    assert PickupSlot.objects.get().booked == 1


@pytest.mark.parametrize(
    ("slot", "code", "status"),
    [
        pytest.param(berlin(3, 10), "invalid", 400, id="past"),
        pytest.param(
            datetime.datetime(2026, 12, 3, 18),  # noqa: DTZ001 - the bad input
            "invalid",
            400,
            id="without-time-zone",
        ),
        pytest.param(berlin(3, 18, 30), "pickup_slot_unknown", 400, id="not-a-slot-start"),
        pytest.param(berlin(3, 20), "pickup_slot_unknown", 400, id="at-closing-time"),
        pytest.param(berlin(4, 7), "pickup_slot_unknown", 400, id="before-opening"),
        pytest.param(berlin(6, 12), "pickup_slot_unknown", 400, id="closed-on-sunday"),
        pytest.param(berlin(30, 12), "pickup_slot_unknown", 400, id="beyond-the-horizon"),
        pytest.param(berlin(3, 12), "pickup_slot_too_early", 409, id="before-ready"),
    ],
)
def test_a_slot_the_order_cannot_have_is_refused_and_nothing_is_written(
    story_place, stocked, slot, code, status
):
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the code is what is asserted
        story_place(pickup_slot=slot)

    assert (refused.value.code, refused.value.status) == (code, status)
    assert "pickup_slot" in refused.value.fields
    assert _nothing_written()


def test_a_slot_only_another_store_offers_is_refused(story_place, stocked):
    late = StoreFactory(code="MUC-01")
    opening_hours_set(late, weekdays=range(7), opens=datetime.time(7), closes=datetime.time(22))

    with pytest.raises(Exception) as refused:  # noqa: PT011
        story_place(pickup_slot=berlin(3, 21))

    assert refused.value.code == "pickup_slot_unknown"
    assert _nothing_written()


def test_a_slot_before_a_transfer_can_arrive_is_refused(story_place, stocked, drill, other_store):
    StockLevelFactory(store=other_store, product=drill, on_hand=10)

    with pytest.raises(Exception) as refused:  # noqa: PT011
        story_place(
            lines=[LineInput("DRILL-18V", 6)], allow_transfer=True, pickup_slot=berlin(4, 18)
        )

    assert refused.value.code == "pickup_slot_too_early"
    assert refused.value.extra["ready_by"] == berlin(5, 13).isoformat()
    assert Order.objects.count() == 0


def test_cancelling_frees_the_place_in_the_slot(story_place, store, stocked):
    store.pickup_slot_capacity = 1
    store.save()
    placed = story_place(pickup_slot=berlin(3, 18))

    order_cancel(order=placed.order, by=None, reason="changed my mind")
    story_place(
        customer=CustomerInput(email="second@example.com", name="Herr Zweiter"),
        pickup_slot=berlin(3, 18),
    )

    assert PickupSlot.objects.get().booked == 1


def test_curbside_is_refused_where_the_store_has_it_switched_off(story_place, stocked):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        story_place(curbside=True, pickup_slot=berlin(3, 18))

    assert refused.value.code == "curbside_not_available"
    assert _nothing_written()


def test_curbside_is_recorded_where_the_store_offers_it(story_place, store, stocked):
    store.curbside_enabled = True
    store.save()

    placed = story_place(curbside=True, pickup_slot=berlin(3, 18))

    assert placed.order.curbside is True

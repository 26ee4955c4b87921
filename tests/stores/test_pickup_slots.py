"""Pickup slots of a store: one hour each within opening hours, only in the future and no earlier
than the order can be ready, with the places left; booking never takes more than there are."""

import datetime

import pytest

from stores.exceptions import PickupSlotFull
from stores.models import PickupSlot
from stores.selectors import pickup_slot_find, pickup_slot_list
from stores.services import pickup_slot_book, pickup_slot_release
from tests.stores.factories import StoreClosureFactory, StoreFactory, opening_hours_set
from tests.support.clock import STORY_MORNING, berlin

pytestmark = pytest.mark.django_db


@pytest.fixture
def store():
    """Mon-Fri 08:00-20:00, Saturday 08:00-18:00, closed on Sunday."""
    store = StoreFactory(code="PAS-01", pickup_slot_capacity=3)
    opening_hours_set(store, weekdays=range(5))
    opening_hours_set(store, weekdays=range(5, 6), closes=datetime.time(18))
    return store


def _hours(slots) -> list[str]:
    return [f"{slot.start:%a %H:%M}-{slot.end:%H:%M}" for slot in slots]


def test_slots_are_one_hour_each_within_opening_hours_from_now_on(store):
    slots = pickup_slot_list(store=store, now=STORY_MORNING, day=STORY_MORNING.date())

    assert _hours(slots) == [f"Thu {hour:02d}:00-{hour + 1:02d}:00" for hour in range(12, 20)]
    assert [slot.available for slot in slots] == [3] * 8
    assert slots[0].start.tzinfo.key == "Europe/Berlin"


def test_slots_start_no_earlier_than_the_order_can_be_ready(store):
    slots = pickup_slot_list(
        store=store, now=STORY_MORNING, earliest=berlin(3, 17, 30), day=STORY_MORNING.date()
    )

    assert _hours(slots) == ["Thu 18:00-19:00", "Thu 19:00-20:00"]


def test_without_a_day_slots_run_from_today_over_the_following_days_earliest_first(store):
    slots = pickup_slot_list(store=store, now=berlin(5, 16, 30), days=3)

    # Saturday closes at 18:00; Sunday is closed; Monday opens at 08:00.
    assert _hours(slots)[:2] == ["Sat 17:00-18:00", "Mon 08:00-09:00"]
    assert _hours(slots)[-1] == "Mon 19:00-20:00"


def test_a_closed_day_has_no_slots(store):
    StoreClosureFactory(store=store, date=datetime.date(2026, 12, 4))

    assert pickup_slot_list(store=store, now=STORY_MORNING, day=datetime.date(2026, 12, 4)) == []
    assert pickup_slot_list(store=store, now=STORY_MORNING, day=datetime.date(2026, 12, 6)) == []


def test_slots_keep_their_wall_clock_time_across_a_change_of_daylight_saving_time(store):
    # Sunday 28 March 2027 the clocks go forward; Monday's slots still start at 08:00 local.
    now = datetime.datetime(2027, 3, 27, 12, tzinfo=STORY_MORNING.tzinfo)

    slots = pickup_slot_list(store=store, now=now, day=datetime.date(2027, 3, 29))

    assert _hours(slots)[0] == "Mon 08:00-09:00"
    assert slots[0].start.utcoffset() == datetime.timedelta(hours=2)


def test_a_slot_is_found_only_at_a_slot_start_the_store_offers(store):
    assert pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING) is not None
    assert pickup_slot_find(store=store, start=berlin(3, 18, 30), now=STORY_MORNING) is None
    assert pickup_slot_find(store=store, start=berlin(3, 20), now=STORY_MORNING) is None
    assert pickup_slot_find(store=store, start=berlin(3, 7), now=STORY_MORNING) is None
    assert pickup_slot_find(store=store, start=berlin(3, 10), now=STORY_MORNING) is None
    assert pickup_slot_find(store=store, start=berlin(6, 10), now=STORY_MORNING) is None
    # Beyond the horizon of 14 days.
    assert pickup_slot_find(store=store, start=berlin(28, 10), now=STORY_MORNING) is None


def test_the_same_moment_in_another_time_zone_is_the_same_slot(store):
    in_utc = berlin(3, 18).astimezone(datetime.UTC)

    slot = pickup_slot_find(store=store, start=in_utc, now=STORY_MORNING)

    assert slot is not None
    assert f"{slot.start:%H:%M}" == "18:00"


def test_booking_takes_places_until_the_slot_is_full_and_then_refuses(store):
    slot = pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING)
    for _ in range(3):
        pickup_slot_book(store=store, slot=slot)

    with pytest.raises(PickupSlotFull) as refused:
        pickup_slot_book(store=store, slot=slot)

    assert refused.value.code == "pickup_slot_full"
    row = PickupSlot.objects.get()
    assert (row.booked, row.capacity) == (3, 3)
    again = pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING)
    assert again.available == 0


def test_a_released_place_can_be_booked_again(store):
    slot = pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING)
    store.pickup_slot_capacity = 1
    store.save()
    pickup_slot_book(store=store, slot=slot)

    pickup_slot_release(store_id=store.pk, start=slot.start)
    pickup_slot_book(store=store, slot=slot)

    assert PickupSlot.objects.get().booked == 1


def test_a_lower_capacity_applies_to_slots_already_booked(store):
    slot = pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING)
    pickup_slot_book(store=store, slot=slot)
    pickup_slot_book(store=store, slot=slot)
    store.pickup_slot_capacity = 2
    store.save()

    with pytest.raises(PickupSlotFull):
        pickup_slot_book(store=store, slot=slot)

    assert pickup_slot_find(store=store, start=berlin(3, 18), now=STORY_MORNING).available == 0

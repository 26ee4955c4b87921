"""Writes of stores: booking and releasing places in pickup slots."""

from django.db.models import F

from stores.exceptions import PickupSlotFull
from stores.models import PickupSlot, Store
from stores.selectors import SlotOffer


def pickup_slot_book(*, store: Store, slot: SlotOffer) -> None:
    """Takes one place in the slot, in the caller's transaction; locks the slot's row until it
    ends. The row is inserted with the first booking (a concurrent first booking waits on the
    unique index), then `booked` is raised by an UPDATE whose WHERE repeats the capacity, so
    concurrent checkouts never take more places than there are. Raises PickupSlotFull, having
    written nothing that counts."""
    capacity = store.pickup_slot_capacity
    PickupSlot.objects.bulk_create(
        [
            PickupSlot(
                store=store, starts_at=slot.start, ends_at=slot.end, capacity=capacity, booked=0
            )
        ],
        ignore_conflicts=True,
    )
    updated = PickupSlot.objects.filter(
        store=store, starts_at=slot.start, booked__lt=capacity
    ).update(booked=F("booked") + 1, capacity=capacity)
    if updated != 1:
        raise PickupSlotFull(fields={"pickup_slot": ["Fully booked."]})


def pickup_slot_release(*, store_id: int, start) -> None:
    """Gives back one place of the slot starting at `start` (a cancelled order's)."""
    PickupSlot.objects.filter(store_id=store_id, starts_at=start, booked__gt=0).update(
        booked=F("booked") - 1
    )

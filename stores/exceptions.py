"""Domain errors of stores. No HTTP here beyond the status the API answers with."""

from rest_framework import status

from config.exceptions import DomainError, InvalidInput


class PickupSlotFull(DomainError):
    code = "pickup_slot_full"
    status = status.HTTP_409_CONFLICT
    default_detail = "This pickup slot is fully booked."


class PickupSlotUnknown(InvalidInput):
    """Not a slot this store offers: not on a slot's start, outside its opening hours, on a
    closed day, or in the past."""

    code = "pickup_slot_unknown"
    default_detail = "The store offers no pickup slot at this time."

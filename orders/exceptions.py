"""Domain errors of orders. No HTTP here beyond the status the API answers with."""

from rest_framework import status

from config.exceptions import DomainError, InvalidInput, NotFound
from stores.exceptions import PickupSlotFull, PickupSlotUnknown

__all__ = ["PickupSlotFull", "PickupSlotUnknown"]  # raised by stores for a placement


class OrderError(DomainError):
    code = "order_error"


class InvalidTransition(OrderError):
    code = "invalid_transition"
    status = status.HTTP_409_CONFLICT
    default_detail = "The order cannot do this in its current state."


class TransitionNotPermitted(OrderError):
    code = "permission_denied"
    status = status.HTTP_403_FORBIDDEN
    default_detail = "You may not do this to this order."


class OrderNotFound(NotFound):
    code = "not_found"
    default_detail = "No such order."


class InsufficientStock(OrderError):
    """The pickup store lacks some lines; `alternatives` names the nearest stores having all."""

    code = "insufficient_stock"
    status = status.HTTP_409_CONFLICT
    default_detail = "Not enough stock at the pickup store."


class UnknownStore(OrderError):
    code = "unknown_store"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "No such store."


class UnknownSku(OrderError):
    code = "unknown_sku"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "No product with this SKU is sold."


class StoreNotClickAndCollect(OrderError):
    code = "store_not_click_and_collect"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "This store does not take click-and-collect orders."


class CurbsideNotAvailable(OrderError):
    code = "curbside_not_available"
    status = status.HTTP_400_BAD_REQUEST
    default_detail = "This store does not offer curbside pickup."


class InvalidQuantity(InvalidInput):
    code = "invalid_quantity"
    default_detail = "A quantity is not valid; `fields` says which and why."


class InvalidOrderInput(InvalidInput):
    """Any other field of an order that is not valid; `fields` names which."""

    code = "invalid"


class PickupSlotTooEarly(OrderError):
    """The slot starts before the order can be ready; `ready_by` says from when it can."""

    code = "pickup_slot_too_early"
    status = status.HTTP_409_CONFLICT
    default_detail = "The order cannot be ready by the start of this pickup slot."


class OrderLimitReached(OrderError):
    code = "order_limit_reached"
    status = status.HTTP_409_CONFLICT
    default_detail = "This customer has reached the limit of open orders or units."


class WrongPickupCode(OrderError):
    code = "wrong_pickup_code"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The pickup code is not right."


class HandOverLocked(OrderError):
    code = "hand_over_locked"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "Too many wrong pickup codes; a store manager must override the hand-over."


class OverrideNotPermitted(OrderError):
    code = "override_not_permitted"
    status = status.HTTP_403_FORBIDDEN
    default_detail = "Only a manager of this store may hand over without the code."


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_detail = "A reason is required."


class HoldNotOver(OrderError):
    code = "hold_not_over"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The order is still within its pickup hold."


class TransferNotReceived(OrderError):
    code = "transfer_not_received"
    status = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = "The transfer for this order has not arrived yet."


class TransferNotFound(NotFound):
    code = "not_found"
    default_detail = "No such transfer."


class InvalidPickupCode(InvalidInput):
    """Not six digits (spaces and dashes aside): refused without counting as an attempt."""

    code = "invalid_pickup_code"
    default_detail = "A pickup code has 6 digits."

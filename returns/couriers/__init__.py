"""Courier gateways: the one interface the returns services use to book parcel pickups.

`courier_gateway(provider)` gives the configured implementation: the sandbox courier (default,
books at once, can be told to fail) or the HTTP adapter for a carrier's pickup API.
"""

from returns.couriers.base import (
    CourierError,
    CourierGateway,
    CourierRateLimited,
    CourierRejected,
    CourierUnavailable,
    InvalidSignature,
    PickupAddress,
    PickupBooking,
    PickupRequest,
    WebhookEvent,
    courier_gateway,
)

__all__ = [
    "CourierError",
    "CourierGateway",
    "CourierRateLimited",
    "CourierRejected",
    "CourierUnavailable",
    "InvalidSignature",
    "PickupAddress",
    "PickupBooking",
    "PickupRequest",
    "WebhookEvent",
    "courier_gateway",
]

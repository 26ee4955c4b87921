"""What every courier gateway offers, and the errors that tell a task whether to retry."""

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string


class CourierError(Exception):
    """Base of every courier failure."""


class CourierUnavailable(CourierError):
    """Transient: time-out, connection refused, 5xx. Retry later with backoff."""


class CourierRateLimited(CourierUnavailable):
    """Transient: the carrier asked us to slow down (429)."""

    def __init__(self, message: str, *, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class CourierRejected(CourierError):
    """Permanent: the carrier refused the request as it is (4xx). Never retried."""


class InvalidSignature(CourierError):
    """A webhook whose signature, timestamp or body does not check out."""


@dataclass(frozen=True)
class PickupAddress:
    name: str
    line1: str
    postcode: str
    city: str
    country: str = "DE"
    line2: str = ""


@dataclass(frozen=True)
class PickupRequest:
    """`reference` is our booking's own id: the carrier's idempotency key for this pickup."""

    reference: str
    address: PickupAddress
    date: datetime.date
    window_start: datetime.time
    window_end: datetime.time
    phone: str = ""
    email: str = ""
    parcels: int = 1


@dataclass(frozen=True)
class PickupBooking:
    provider_booking_id: str
    status: str  # booked, picked_up, delivered, failed, cancelled
    tracking_number: str = ""


@dataclass(frozen=True)
class WebhookEvent:
    event_id: str
    provider_booking_id: str
    status: str
    occurred_at: datetime.datetime


class CourierGateway(Protocol):
    name: str

    def book_pickup(self, request: PickupRequest) -> PickupBooking:
        """Creates and confirms a pickup. Safe to call again with the same reference: a
        carrier that already has it returns the existing booking instead of a second one."""

    def find_pickup(self, reference: str) -> PickupBooking | None:
        """The carrier's booking for our reference, if it has one."""

    def pickup_status(self, provider_booking_id: str) -> PickupBooking:
        """The booking as the carrier sees it now (the polling fallback for webhooks)."""

    def cancel_pickup(self, provider_booking_id: str) -> None: ...

    def parse_webhook(self, headers: Mapping[str, str], body: bytes) -> WebhookEvent:
        """Verifies the carrier's signature over the raw body and returns the event;
        raises InvalidSignature when it does not check out."""


def courier_gateway(provider: str) -> CourierGateway:
    """The gateway configured for `provider` in COURIER_GATEWAYS; KeyError when unknown."""
    dotted_path = settings.COURIER_GATEWAYS[provider]
    return import_string(dotted_path)()

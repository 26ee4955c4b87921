import datetime
import json

import pytest

from returns.couriers import (
    CourierRateLimited,
    CourierRejected,
    CourierUnavailable,
    InvalidSignature,
    PickupAddress,
    PickupRequest,
    courier_gateway,
)
from returns.couriers.signing import signature_header
from returns.models import SandboxCourierPickup

pytestmark = pytest.mark.django_db


def pickup_request(reference: str = "CB-1") -> PickupRequest:
    return PickupRequest(
        reference=reference,
        address=PickupAddress(
            name="Erika Müller", line1="Ludwigstraße 5", postcode="94032", city="Passau"
        ),
        date=datetime.date(2026, 11, 23),
        window_start=datetime.time(9, 0),
        window_end=datetime.time(12, 0),
    )


def test_the_sandbox_books_at_once_with_a_booking_id_and_tracking_number():
    booking = courier_gateway("sandbox").book_pickup(pickup_request())

    assert booking.status == "booked"
    assert booking.provider_booking_id.startswith("SBX-")
    assert len(booking.tracking_number) == 18
    assert SandboxCourierPickup.objects.count() == 1


def test_booking_the_same_reference_again_returns_the_first_booking():
    courier = courier_gateway("sandbox")
    first = courier.book_pickup(pickup_request())

    again = courier.book_pickup(pickup_request())

    assert again == first
    assert SandboxCourierPickup.objects.count() == 1


@pytest.mark.parametrize(
    ("failure", "error"),
    [
        ("error", CourierUnavailable),
        ("rate_limit", CourierRateLimited),
        ("reject", CourierRejected),
    ],
)
def test_the_sandbox_fails_the_first_configured_calls_then_books(settings, failure, error):
    settings.COURIER_SANDBOX_FAILURE = failure
    settings.COURIER_SANDBOX_FAILURE_CALLS = 2
    courier = courier_gateway("sandbox")

    for _ in range(2):
        with pytest.raises(error):
            courier.book_pickup(pickup_request())
    booking = courier.book_pickup(pickup_request())

    assert booking.status == "booked"
    assert SandboxCourierPickup.objects.count() == 1


def test_a_sandbox_timeout_keeps_the_booking_so_a_retry_finds_the_same_one(settings):
    settings.COURIER_SANDBOX_FAILURE = "timeout"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    courier = courier_gateway("sandbox")

    with pytest.raises(CourierUnavailable, match="timed out"):
        courier.book_pickup(pickup_request())
    found = courier.find_pickup("CB-1")
    retried = courier.book_pickup(pickup_request())

    assert found == retried
    assert SandboxCourierPickup.objects.count() == 1


def test_a_window_that_ends_before_it_starts_is_rejected():
    request = pickup_request()
    backwards = PickupRequest(
        reference=request.reference,
        address=request.address,
        date=request.date,
        window_start=datetime.time(12, 0),
        window_end=datetime.time(9, 0),
    )

    with pytest.raises(CourierRejected):
        courier_gateway("sandbox").book_pickup(backwards)

    assert SandboxCourierPickup.objects.count() == 0


def test_the_sandbox_reads_a_signed_webhook_as_an_event(settings):
    settings.COURIER_SANDBOX_SECRET = "hook-secret"
    body = json.dumps(
        {
            "event_id": "evt_42",
            "booking_reference": "SBX-ABC",
            "status": "picked_up",
            "occurred_at": "2026-11-23T09:30:00+01:00",
        }
    ).encode()
    headers = {"X-Courier-Signature": signature_header(secret="hook-secret", body=body)}

    event = courier_gateway("sandbox").parse_webhook(headers, body)

    assert event.event_id == "evt_42"
    assert event.provider_booking_id == "SBX-ABC"
    assert event.status == "picked_up"
    assert event.occurred_at == datetime.datetime.fromisoformat("2026-11-23T09:30:00+01:00")


@pytest.mark.parametrize(
    "payload",
    [
        {"event_id": "e", "booking_reference": "b", "status": "teleported",
         "occurred_at": "2026-11-23T09:30:00+01:00"},
        {"event_id": "e", "booking_reference": "b", "status": "booked",
         "occurred_at": "2026-11-23T09:30:00"},
        {"event_id": "e", "status": "booked", "occurred_at": "2026-11-23T09:30:00+01:00"},
    ],
)  # fmt: skip
def test_a_signed_webhook_that_is_not_a_sandbox_event_is_refused(settings, payload):
    settings.COURIER_SANDBOX_SECRET = "hook-secret"
    body = json.dumps(payload).encode()
    headers = {"X-Courier-Signature": signature_header(secret="hook-secret", body=body)}

    with pytest.raises(InvalidSignature):
        courier_gateway("sandbox").parse_webhook(headers, body)

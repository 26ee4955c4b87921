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
)
from returns.couriers.http import HttpCarrierCourier
from returns.couriers.signing import signature_header
from tests.returns.fake_carrier import FakeCarrier


@pytest.fixture
def carrier():
    with FakeCarrier() as fake:
        yield fake


def adapter(carrier: FakeCarrier, **options) -> HttpCarrierCourier:
    return HttpCarrierCourier(
        base_url=carrier.base_url, api_key="key", webhook_secret="hook", **options
    )


def pickup_request(date: datetime.date = datetime.date(2026, 11, 23)) -> PickupRequest:
    return PickupRequest(
        reference="CB-7",
        address=PickupAddress(
            name="Erika Müller", line1="Ludwigstraße 5", postcode="94032", city="Passau"
        ),
        date=date,
        window_start=datetime.time(9, 0),
        window_end=datetime.time(12, 0),
        phone="+4985112345",
    )


def test_booking_creates_the_pickup_and_confirms_it(carrier):
    booking = adapter(carrier).book_pickup(pickup_request())

    assert booking.status == "booked"
    assert booking.tracking_number.startswith("1Z")
    assert [(method, path.split("?")[0]) for method, path, _ in carrier.requests] == [
        ("GET", "/v1/pickups"),
        ("POST", "/v1/pickups"),
        ("POST", f"/v1/pickups/{booking.provider_booking_id}/confirm"),
    ]
    create_headers = carrier.requests[1][2]
    assert create_headers["Idempotency-Key"] == "CB-7"
    assert create_headers["Authorization"] == "Bearer key"


def test_booking_again_after_a_lost_answer_confirms_the_existing_pickup_not_a_new_one(carrier):
    courier = adapter(carrier)
    first = courier.book_pickup(pickup_request())

    again = courier.book_pickup(pickup_request())

    assert again.provider_booking_id == first.provider_booking_id
    assert len(carrier.pickups) == 1


def test_a_pickup_date_in_the_past_is_a_permanent_rejection(carrier):
    with pytest.raises(CourierRejected, match="must not be in the past"):
        adapter(carrier).book_pickup(pickup_request(date=datetime.date(2026, 11, 1)))

    assert carrier.pickups == {}


def test_a_429_is_a_rate_limit_with_the_carriers_retry_after(carrier):
    carrier.scripted.append(
        (429, {"error": {"code": "rate_limited", "message": "Slow down"}}, {"Retry-After": "7"})
    )

    with pytest.raises(CourierRateLimited) as raised:
        adapter(carrier).book_pickup(pickup_request())

    assert raised.value.retry_after == 7.0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_5xx_is_transient(carrier, status):
    carrier.scripted.append((status, {"error": {"code": "down", "message": "Try later"}}, {}))

    with pytest.raises(CourierUnavailable, match=str(status)):
        adapter(carrier).book_pickup(pickup_request())


def test_a_carrier_that_does_not_answer_in_time_is_transient(carrier):
    carrier.delay_seconds = 0.5

    with pytest.raises(CourierUnavailable, match="timed out"):
        adapter(carrier, timeout=0.1).book_pickup(pickup_request())


def test_a_carrier_that_is_not_listening_is_transient():
    courier = HttpCarrierCourier(base_url="http://127.0.0.1:1", api_key="k", webhook_secret="h")

    with pytest.raises(CourierUnavailable, match="unreachable"):
        courier.book_pickup(pickup_request())


def test_status_and_cancel_read_and_change_the_carriers_pickup(carrier):
    courier = adapter(carrier)
    booking = courier.book_pickup(pickup_request())

    courier.cancel_pickup(booking.provider_booking_id)

    assert courier.pickup_status(booking.provider_booking_id).status == "cancelled"


def test_a_signed_carrier_webhook_is_read_in_our_words(carrier):
    body = json.dumps(
        {
            "id": "evt_9",
            "type": "pickup.updated",
            "created_at": "2026-11-23T10:05:00+00:00",
            "data": {"id": "pu_1", "status": "collected"},
        }
    ).encode()
    headers = {"X-Carrier-Signature": signature_header(secret="hook", body=body)}

    event = adapter(carrier).parse_webhook(headers, body)

    assert (event.event_id, event.provider_booking_id, event.status) == (
        "evt_9",
        "pu_1",
        "picked_up",
    )


def test_a_carrier_webhook_signed_with_another_secret_is_refused(carrier):
    body = b'{"id": "evt_9"}'
    headers = {"X-Carrier-Signature": signature_header(secret="not-hook", body=body)}

    with pytest.raises(InvalidSignature):
        adapter(carrier).parse_webhook(headers, body)

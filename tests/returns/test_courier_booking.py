"""Booking the courier through the gateway, as the worker's task does, without the broker."""

import datetime

import pytest
from django.utils import timezone

from messaging.models import Notification
from outbox.services import TransientDeliveryError, outbox_for, outbox_relay
from returns import services
from returns.couriers import CourierRejected, CourierUnavailable, WebhookEvent
from returns.models import (
    CourierBooking,
    CourierCall,
    CourierEvent,
    ReturnCase,
    SandboxCourierPickup,
)
from returns.selectors import return_case_list_needing_attention
from tests.returns.conftest import exchange_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(collected_order, agent, tomorrow):
    return exchange_for(collected_order, agent, tomorrow)


def event(status: str, booking: CourierBooking, event_id: str, minutes: int = 0) -> WebhookEvent:
    return WebhookEvent(
        event_id=event_id,
        provider_booking_id=booking.provider_booking_id,
        status=status,
        occurred_at=timezone.now() + datetime.timedelta(minutes=minutes),
    )


def test_booking_confirms_the_booking_and_the_case(opened):
    state = services.courier_booking_book(booking_id=opened.booking.pk)

    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    assert state == "booked"
    assert booking.provider_booking_id.startswith("SBX-")
    assert booking.tracking_number != ""
    assert booking.attempts == 1
    assert booking.next_poll_at is not None
    assert ReturnCase.objects.get(pk=opened.case.pk).state == ReturnCase.State.COURIER_BOOKED


def test_booking_twice_books_once_at_the_carrier(opened):
    services.courier_booking_book(booking_id=opened.booking.pk)

    again = services.courier_booking_book(booking_id=opened.booking.pk)

    assert again == "booked"
    assert SandboxCourierPickup.objects.count() == 1
    assert CourierBooking.objects.get(pk=opened.booking.pk).attempts == 1


def test_a_courier_outage_raises_for_a_retry_and_leaves_the_booking_requested(opened, settings):
    settings.COURIER_SANDBOX_FAILURE = "error"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1

    with pytest.raises(CourierUnavailable):
        services.courier_booking_book(booking_id=opened.booking.pk)

    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    assert (booking.state, booking.attempts) == ("requested", 1)


def test_a_timeout_after_the_carrier_booked_is_recovered_without_a_second_booking(opened, settings):
    settings.COURIER_SANDBOX_FAILURE = "timeout"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    with pytest.raises(CourierUnavailable):
        services.courier_booking_book(booking_id=opened.booking.pk)

    services.courier_booking_book(booking_id=opened.booking.pk)

    assert SandboxCourierPickup.objects.count() == 1
    assert CourierBooking.objects.get(pk=opened.booking.pk).state == "booked"


def test_a_booking_that_fails_for_good_flags_the_case_for_the_hotline(opened, settings):
    settings.COURIER_SANDBOX_FAILURE = "reject"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    with pytest.raises(CourierRejected) as rejected:
        services.courier_booking_book(booking_id=opened.booking.pk)

    services.courier_booking_fail(booking_id=opened.booking.pk, error=str(rejected.value))

    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    case = ReturnCase.objects.get(pk=opened.case.pk)
    assert booking.state == "failed"
    assert case.needs_attention is True
    assert "Courier booking failed" in case.attention_reason
    assert list(services_selectors_needing_attention().values_list("number", flat=True)) == [
        case.number
    ]


def services_selectors_needing_attention():

    return return_case_list_needing_attention()


def test_the_relay_enqueues_booking_calls_whose_attempt_is_overdue(opened, settings, monkeypatch):
    enqueued = []
    monkeypatch.setattr(
        "outbox.services._enqueue", lambda label, row_id: enqueued.append((label, row_id))
    )
    Notification.objects.update(status="sent")
    later = timezone.now() + datetime.timedelta(seconds=settings.COURIER_RELAY_GRACE_SECONDS + 1)

    assert outbox_relay(now=timezone.now()) == 0
    assert outbox_relay(now=later) == 1
    assert enqueued == [("returns.CourierCall", CourierCall.objects.get(booking=opened.booking).pk)]


def test_an_outage_leaves_the_call_pending_with_its_error_and_the_next_attempt_due_later(
    opened, settings
):
    settings.COURIER_SANDBOX_FAILURE = "error"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    call = CourierCall.objects.get(booking=opened.booking)

    with pytest.raises(TransientDeliveryError):
        services.courier_call_deliver(call.pk)

    call.refresh_from_db()
    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    assert (call.status, call.attempts, call.claimed_until) == ("pending", 1, None)
    assert call.next_attempt_at > timezone.now()
    assert (booking.state, booking.attempts) == ("requested", 1)
    assert booking.last_error != ""


def test_a_rejected_booking_call_fails_the_booking_and_flags_the_case_without_retrying(
    opened, settings
):
    settings.COURIER_SANDBOX_FAILURE = "reject"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    call = CourierCall.objects.get(booking=opened.booking)

    status = services.courier_call_deliver(call.pk)

    assert status == "failed"
    assert CourierCall.objects.get(pk=call.pk).attempts == 1
    assert CourierBooking.objects.get(pk=opened.booking.pk).state == "failed"
    assert ReturnCase.objects.get(pk=opened.case.pk).needs_attention is True


def test_the_last_allowed_attempt_fails_the_booking_and_flags_the_case(opened, settings):
    settings.COURIER_SANDBOX_FAILURE = "error"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 5
    settings.COURIER_BOOKING_MAX_ATTEMPTS = 2
    call = CourierCall.objects.get(booking=opened.booking)
    with pytest.raises(TransientDeliveryError):
        services.courier_call_deliver(call.pk)

    status = services.courier_call_deliver(call.pk)

    case = ReturnCase.objects.get(pk=opened.case.pk)
    assert status == "failed"
    assert CourierBooking.objects.get(pk=opened.booking.pk).state == "failed"
    assert case.needs_attention is True
    assert case.attention_reason.startswith("Courier booking failed: gave up after 2 attempts")


def test_picked_up_moves_the_case_in_transit_and_delivered_to_received(opened):
    services.courier_booking_book(booking_id=opened.booking.pk)
    booking = CourierBooking.objects.get(pk=opened.booking.pk)

    services.courier_event_apply(provider="sandbox", event=event("picked_up", booking, "e1"))
    in_transit = ReturnCase.objects.get(pk=opened.case.pk).state
    services.courier_event_apply(provider="sandbox", event=event("delivered", booking, "e2", 60))

    assert in_transit == ReturnCase.State.IN_TRANSIT
    assert ReturnCase.objects.get(pk=opened.case.pk).state == ReturnCase.State.RECEIVED
    assert CourierBooking.objects.get(pk=booking.pk).state == "delivered"


def test_the_same_event_twice_is_applied_once(opened):
    services.courier_booking_book(booking_id=opened.booking.pk)
    booking = CourierBooking.objects.get(pk=opened.booking.pk)

    first = services.courier_event_apply(
        provider="sandbox", event=event("picked_up", booking, "e1")
    )
    second = services.courier_event_apply(
        provider="sandbox", event=event("picked_up", booking, "e1")
    )

    assert first.applied is True
    assert second is None
    assert CourierEvent.objects.count() == 1


def test_an_event_arriving_out_of_order_never_moves_the_booking_backwards(opened):
    services.courier_booking_book(booking_id=opened.booking.pk)
    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    services.courier_event_apply(provider="sandbox", event=event("picked_up", booking, "e2", 30))

    late = services.courier_event_apply(provider="sandbox", event=event("booked", booking, "e1"))

    assert late.applied is False
    assert CourierBooking.objects.get(pk=booking.pk).state == "picked_up"
    assert ReturnCase.objects.get(pk=opened.case.pk).state == ReturnCase.State.IN_TRANSIT


def test_polling_applies_the_carriers_status_when_no_webhook_came(opened, settings):
    services.courier_booking_book(booking_id=opened.booking.pk)
    booking = CourierBooking.objects.get(pk=opened.booking.pk)
    SandboxCourierPickup.objects.filter(provider_booking_id=booking.provider_booking_id).update(
        status="picked_up"
    )
    later = timezone.now() + datetime.timedelta(seconds=settings.COURIER_POLL_AFTER_SECONDS + 1)

    polled = services.courier_bookings_poll_due(now=later)

    assert polled == 1
    assert CourierBooking.objects.get(pk=booking.pk).state == "picked_up"
    assert ReturnCase.objects.get(pk=opened.case.pk).state == ReturnCase.State.IN_TRANSIT


def test_retry_delays_grow_with_jitter_up_to_the_bound(settings):
    settings.COURIER_RETRY_BASE_SECONDS = 10
    settings.COURIER_RETRY_MAX_SECONDS = 60
    policy = outbox_for(CourierCall).policy

    delays = [policy.delay(attempt).total_seconds() for attempt in (1, 2, 3, 10)]

    assert 5 <= delays[0] <= 10
    assert 10 <= delays[1] <= 20
    assert 20 <= delays[2] <= 40
    assert 30 <= delays[3] <= 60


def test_a_rate_limited_call_waits_at_least_as_long_as_the_carrier_asked(opened, settings):
    settings.COURIER_SANDBOX_FAILURE = "rate_limit"
    settings.COURIER_SANDBOX_FAILURE_CALLS = 1
    settings.COURIER_RETRY_BASE_SECONDS = 0.2
    settings.COURIER_RETRY_MAX_SECONDS = 0.2
    call = CourierCall.objects.get(booking=opened.booking)

    with pytest.raises(TransientDeliveryError) as retried:
        services.courier_call_deliver(call.pk)

    # The sandbox's 429 asks for one second; our own backoff alone would be at most 0.2 s.
    assert retried.value.retry_in == datetime.timedelta(seconds=1)

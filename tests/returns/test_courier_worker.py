"""Courier booking through a real worker process on Redis: outages, crashes, exactly one booking."""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
from outbox.services import outbox_relay
from returns.models import (
    CourierBooking,
    CourierCall,
    ReturnCase,
    SandboxCourierCall,
    SandboxCourierPickup,
)
from tests.returns.conftest import exchange_for
from tests.support.services import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A task whose worker died comes back after 3 s, swept for every second.
QUICK_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    # The dead worker's claim on the row runs out soon after, so the redelivered task takes it.
    "OUTBOX_CLAIM_LEASE_SECONDS": "2",
}
FAST_RETRIES = {"COURIER_RETRY_BASE_SECONDS": "0.2", "COURIER_RETRY_MAX_SECONDS": "1"}


def booked(booking_id: int) -> CourierBooking | None:
    booking = CourierBooking.objects.get(pk=booking_id)
    return booking if booking.state == CourierBooking.State.BOOKED else None


def test_a_courier_down_for_three_attempts_is_booked_once_when_it_comes_back(
    collected_order, agent, tomorrow, worker_factory
):
    worker_factory(
        COURIER_SANDBOX_FAILURE="error", COURIER_SANDBOX_FAILURE_CALLS="3", **FAST_RETRIES
    )

    opened = exchange_for(collected_order, agent, tomorrow)
    booking = wait_until(lambda: booked(opened.booking.pk), timeout=60)

    assert booking.attempts == 4
    assert SandboxCourierCall.objects.filter(reference=booking.reference).count() == 4
    assert SandboxCourierPickup.objects.filter(reference=booking.reference).count() == 1
    assert ReturnCase.objects.get(pk=opened.case.pk).state == ReturnCase.State.COURIER_BOOKED


def test_a_courier_rejecting_the_booking_flags_the_case_for_the_hotline_without_retrying(
    collected_order, agent, tomorrow, worker_factory
):
    worker_factory(
        COURIER_SANDBOX_FAILURE="reject", COURIER_SANDBOX_FAILURE_CALLS="5", **FAST_RETRIES
    )

    opened = exchange_for(collected_order, agent, tomorrow)
    case = wait_until(
        lambda: ReturnCase.objects.filter(pk=opened.case.pk, needs_attention=True).first(),
        timeout=30,
    )

    assert CourierBooking.objects.get(pk=opened.booking.pk).state == CourierBooking.State.FAILED
    assert SandboxCourierCall.objects.count() == 1
    assert "Courier booking failed" in case.attention_reason


def test_a_worker_killed_in_the_middle_of_booking_leaves_one_booking_at_the_carrier(
    collected_order, agent, tomorrow, worker_factory
):
    # The sandbox stores the pickup, then answers slowly: the worker dies before it hears back.
    slow = worker_factory(COURIER_SANDBOX_DELAY_SECONDS="60", **QUICK_REDELIVERY)
    opened = exchange_for(collected_order, agent, tomorrow)
    reference = opened.booking.reference
    wait_until(
        lambda: SandboxCourierPickup.objects.filter(reference=reference).exists(), timeout=30
    )

    slow.kill()
    assert CourierBooking.objects.get(pk=opened.booking.pk).state == CourierBooking.State.REQUESTED
    worker_factory(**QUICK_REDELIVERY)
    booking = wait_until(lambda: booked(opened.booking.pk), timeout=60, interval=0.5)

    pickups = SandboxCourierPickup.objects.filter(reference=reference)
    assert pickups.count() == 1
    assert booking.provider_booking_id == pickups.get().provider_booking_id
    assert booking.attempts == 2


def test_the_relay_books_a_courier_whose_broker_message_was_lost(
    collected_order, agent, tomorrow, worker_factory, settings
):
    opened = exchange_for(collected_order, agent, tomorrow)
    app.control.purge()  # the broker lost the deliveries; only the rows are left
    worker_factory()
    later = timezone.now() + datetime.timedelta(seconds=settings.COURIER_RELAY_GRACE_SECONDS)

    relayed = outbox_relay(now=later)

    booking = wait_until(lambda: booked(opened.booking.pk), timeout=30)
    assert relayed >= 1
    # The call is marked done just after the booking is recorded, in its own transaction.
    assert wait_until(lambda: CourierCall.objects.get(booking=booking).status == "done")
    assert SandboxCourierPickup.objects.filter(reference=booking.reference).count() == 1

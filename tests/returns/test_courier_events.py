"""Courier events the carrier sends by webhook: a failed pickup flags the case for the hotline,
a cancelled one cancels the booking, an event naming no booking of ours changes nothing; and a
received exchange closes once its replacement is collected."""

import pytest

from orders import selectors as order_selectors
from orders import services as order_services
from returns.models import CourierBooking, CourierEvent, ReturnCase
from returns.selectors import return_case_list_needing_attention
from returns.services import (
    ReceivedLineInput,
    courier_booking_book,
    return_cases_close_due,
    return_receive,
)
from tests.returns.conftest import exchange_for
from tests.returns.test_returns_api import webhook

pytestmark = pytest.mark.django_db


@pytest.fixture
def booked(collected_order, agent, tomorrow):
    """An exchange whose courier pickup the carrier has booked."""
    opened = exchange_for(collected_order, agent, tomorrow)
    courier_booking_book(booking_id=opened.booking.pk)
    return CourierBooking.objects.get(pk=opened.booking.pk)


def test_a_failed_pickup_reported_by_the_courier_flags_the_case_for_the_hotline(booked):
    response = webhook(booked, "failed", "evt-failed")

    assert (response.status_code, response.json()) == (200, {"status": "applied"})
    booking = CourierBooking.objects.get(pk=booked.pk)
    case = ReturnCase.objects.get(pk=booked.case_id)
    assert booking.state == "failed"
    assert booking.last_error == "the courier reported the pickup failed"
    assert (case.needs_attention, case.attention_reason) == (
        True,
        "The courier reported the pickup failed.",
    )
    assert list(return_case_list_needing_attention()) == [case]


def test_a_cancelled_pickup_reported_by_the_courier_cancels_the_booking(booked):
    response = webhook(booked, "cancelled", "evt-cancelled")

    assert (response.status_code, response.json()) == (200, {"status": "applied"})
    assert CourierBooking.objects.get(pk=booked.pk).state == "cancelled"
    assert CourierEvent.objects.get(event_id="evt-cancelled").applied is True
    assert ReturnCase.objects.get(pk=booked.case_id).needs_attention is False


def test_an_event_for_a_booking_we_do_not_know_is_recorded_once_and_changes_nothing(booked):
    stranger = CourierBooking(provider="sandbox", provider_booking_id="SBX-NOT-OURS")
    states = list(CourierBooking.objects.values_list("pk", "state"))

    first = webhook(stranger, "picked_up", "evt-stranger")
    again = webhook(stranger, "picked_up", "evt-stranger")

    assert (first.status_code, first.json()) == (200, {"status": "ignored"})
    assert (again.status_code, again.json()) == (200, {"status": "duplicate"})
    event = CourierEvent.objects.get(event_id="evt-stranger")
    assert (event.booking, event.applied) == (None, False)
    assert list(CourierBooking.objects.values_list("pk", "state")) == states
    assert ReturnCase.objects.get(pk=booked.case_id).state == "courier_booked"


def test_a_received_exchange_closes_once_its_replacement_is_collected(booked, clerk):
    case = return_receive(
        number=ReturnCase.objects.get(pk=booked.case_id).number,
        lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="defective")],
        store=ReturnCase.objects.get(pk=booked.case_id).receiving_store,
        by=clerk,
    )
    assert case.state == "received"  # the replacement is still waiting in the store
    assert return_cases_close_due() == 0
    replacement = order_services.order_start_picking(order=case.replacement_order, by=clerk)
    replacement = order_services.order_mark_ready(order=replacement, by=clerk)
    code = order_selectors.order_pickup_code_for_shopper(order=replacement)
    order_services.order_hand_over(order=replacement, by=clerk, pickup_code=code)

    closed = return_cases_close_due()

    assert closed == 1
    case.refresh_from_db()
    assert case.state == "closed"
    assert case.closed_at is not None
    assert return_cases_close_due() == 0

"""The order page's "add to calendar": an .ics file of the pickup slot, behind the order's secret
link, for open orders with a slot."""

import icalendar
import pytest

from customers.services import CustomerInput
from orders.services import LineInput, order_cancel, order_place
from tests.support.clock import STORY_MORNING, berlin, freeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def slotted(monkeypatch, stocked):
    freeze(monkeypatch, STORY_MORNING)
    return order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="pay_in_store",
        pickup_slot=berlin(3, 18),
    )


def _calendar_path(placed, token=None) -> str:
    return f"/orders/{placed.order.number}/calendar.ics?token={token or placed.access_token}"


def test_the_order_page_links_to_the_slot_as_a_calendar_file(client, slotted):
    page = client.get(
        f"/orders/{slotted.order.number}/?token={slotted.access_token}", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert f'href="{_calendar_path(slotted)}" download>Add to calendar' in page


def test_the_calendar_file_holds_the_slot_the_store_and_the_order_link(client, slotted):
    response = client.get(_calendar_path(slotted), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="pickup-{slotted.order.number}.ics"'
    )
    (event,) = icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == berlin(3, 18)
    assert event.decoded("dtend") == berlin(3, 19)
    assert str(event["summary"]) == f"Pick up order {slotted.order.number} at Baumarkt Passau"
    assert str(event["location"]) == "Baumarkt Passau, Neuburger Straße 120, 94036 Passau"
    assert slotted.access_token in str(event["description"])


def test_the_calendar_file_needs_the_orders_token(client, slotted):
    response = client.get(_calendar_path(slotted, token="0" * 40))

    assert response.status_code == 404


def test_an_order_without_a_slot_or_cancelled_has_no_calendar_file(client, slotted, placed):
    order_cancel(order=slotted.order, by=None, reason="changed my mind")

    assert client.get(_calendar_path(slotted)).status_code == 404
    assert client.get(_calendar_path(placed)).status_code == 404

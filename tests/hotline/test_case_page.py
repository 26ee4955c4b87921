"""The case page: RMA number, state, lines, the replacement order and the courier booking as
they stand now."""

import datetime
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.services import stock_receive
from returns.models import ReturnLine
from returns.services import (
    CollectionInput,
    ReturnLineInput,
    courier_booking_book,
    courier_booking_fail,
    exchange_open,
)
from tests.hotline.scenario import exchange_of, order_collect
from tests.inventory.factories import ProductFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def _page(client, number):
    return client.get(reverse("hotline:case", args=[number]))


def test_the_case_page_shows_the_case_its_replacement_and_the_requested_courier(
    agent_client, collected_order, agent, tomorrow
):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, opened.case.number)

    content = response.content.decode()
    assert response.status_code == 200
    for text in (
        opened.case.number,
        "Awaiting courier",
        "Akku-Bohrschrauber 18V",
        "DRILL-18V",
        opened.replacement_order.number,
        "To pick",
        "Requested, not yet confirmed",
        f"{tomorrow:%d.%m.%Y}, 08:00–12:00",
        "Innstraße 12",
    ):
        assert text in content


def test_the_case_page_shows_the_booking_once_the_courier_confirmed_it(
    agent_client, collected_order, agent
):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_book(booking_id=opened.booking.pk)
    opened.booking.refresh_from_db()

    response = _page(agent_client, opened.case.number.lower())

    content = response.content.decode()
    assert "Courier booked" in content
    assert 'data-state="booked"' in content
    assert opened.booking.tracking_number in content
    assert response.context["bookings"][0].attempts == 1


def test_the_case_page_flags_a_booking_that_failed_for_good(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_fail(booking_id=opened.booking.pk, error="address rejected")

    response = _page(agent_client, opened.case.number)

    content = response.content.decode()
    assert "Needs attention: Courier booking failed: address rejected" in content
    assert 'data-state="failed"' in content


def test_an_unknown_case_is_not_found(agent_client, collected_order):
    response = _page(agent_client, "RMA-NOSUCH1")

    assert response.status_code == 404


def _queries_for_case_page(client, number) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _page(client, number)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_case_page_runs_the_same_number_of_queries_for_1_and_10_items(
    agent_client, passau, drill, clerk, agent, tomorrow
):
    bits = ProductFactory(sku="BITS-32", name="Bit-Set 32-teilig", price="19.90")
    stock_receive(store_id=passau.pk, product_id=bits.pk, quantity=5, reason="delivery")
    one = exchange_of(order_collect(store=passau, products=[drill], clerk=clerk), by=agent)
    both = order_collect(store=passau, products=[drill, bits], clerk=clerk)
    several = exchange_open(
        order_number=both.number,
        lines=[
            ReturnLineInput(sku="DRILL-18V", quantity=1),
            ReturnLineInput(sku="BITS-32", quantity=1),
        ],
        reason="damaged",
        replacement_store_code="PAS-01",
        collection=CollectionInput(
            name="Erika Müller",
            line1="Innstraße 12",
            postcode="94032",
            city="Passau",
            date=tomorrow,
            window_start=datetime.time(8, 0),
            window_end=datetime.time(12, 0),
        ),
        by=agent,
    )
    for _ in range(8):
        line = OrderLineFactory(order=both)
        ReturnLine.objects.create(
            case=several.case, order_line=line, product=line.product, quantity=1
        )
    few = _queries_for_case_page(agent_client, one.case.number)

    many = _queries_for_case_page(agent_client, several.case.number)

    assert several.case.lines.count() == 10
    assert many == few


def test_the_case_page_shows_the_carrier_booking_id_and_its_tracking_link(
    agent_client, collected_order, agent, settings
):
    settings.COURIER_TRACKING_URL = "https://track.example.net/pickups/{booking_id}?lang=de"
    opened = exchange_of(collected_order, by=agent)
    courier_booking_book(booking_id=opened.booking.pk)
    opened.booking.refresh_from_db()

    response = _page(agent_client, opened.case.number)

    booking_id = opened.booking.provider_booking_id
    content = response.content.decode()
    assert booking_id
    assert f'id="carrier-booking-id">{booking_id}</dd>' in content
    assert f'href="https://track.example.net/pickups/{booking_id}?lang=de"' in content


def test_before_the_courier_confirmed_there_is_no_tracking_link_yet(
    agent_client, collected_order, agent
):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, opened.case.number)

    content = response.content.decode()
    assert 'id="tracking-link"' not in content
    assert "A link appears once the courier has confirmed the booking." in content


def test_the_default_tracking_link_opens_the_sandbox_couriers_page(
    agent_client, collected_order, agent, client
):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_book(booking_id=opened.booking.pk)
    opened.booking.refresh_from_db()

    tracking = client.get(urlsplit(opened.booking.tracking_url).path)

    assert tracking.status_code == 200
    assert opened.booking.provider_booking_id in tracking.content.decode()
    assert client.get("/couriers/sandbox/track/SB-NOSUCH/").status_code == 404

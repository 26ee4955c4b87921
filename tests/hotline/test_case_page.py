"""The case page: RMA number, state, lines, how the item comes back (a courier or the customer
at the store), the replacement order of an exchange or the refund of a refund return, as they
stand now."""

import datetime
import re
from urllib.parse import urlsplit

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.services import stock_receive
from returns.models import ReturnLine
from returns.services import (
    CollectionInput,
    ReceivedLineInput,
    ReturnLineInput,
    courier_booking_book,
    courier_booking_fail,
    exchange_open,
    return_open,
    return_receive,
)
from tests.hotline.scenario import exchange_of, order_collect
from tests.inventory.factories import ProductFactory
from tests.orders.factories import OrderLineFactory

pytestmark = pytest.mark.django_db


def _page(client, number):
    return client.get(reverse("hotline:case", args=[number]))


def _text_of(content: str, element_id: str) -> str:
    """The visible text of the element with this id (up to its first closing tag of a block)."""
    inner = content.split(f'id="{element_id}"', 1)[1].split(">", 1)[1]
    inner = re.split(r"</(?:dd|p|div|section)>", inner, maxsplit=1)[0]
    return " ".join(re.sub(r"<[^>]+>", " ", inner).split())


def _walk_in_return(order, sku="DRILL-18V"):
    """A refund return the customer brings to the store: no courier."""
    return return_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku=sku, quantity=1)],
        reason="not_wanted",
        opened_by="agent",
    )


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


def test_a_return_the_customer_brings_says_to_which_store_and_books_no_courier(
    agent_client, collected_order
):
    case = _walk_in_return(collected_order)

    response = _page(agent_client, case.number)

    content = response.content.decode()
    assert _text_of(content, "how-it-comes-back") == "The customer brings it to the store"
    assert _text_of(content, "hand-in") == (
        "The customer brings it to Passau Mitte (PAS-01), Bahnhofstraße 1, 94032 Passau."
    )
    assert "No courier booked" not in content
    assert 'id="courier"' not in content


def test_a_couriered_return_says_a_courier_collects_it(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, opened.case.number)

    content = response.content.decode()
    assert _text_of(content, "how-it-comes-back") == "A courier collects it"
    assert 'id="courier"' in content
    assert 'id="hand-in"' not in content


def test_a_refund_case_shows_the_amount_to_refund_and_that_it_is_not_refunded_yet(
    agent_client, collected_order
):
    case = _walk_in_return(collected_order)

    response = _page(agent_client, case.number)

    content = response.content.decode()
    assert _text_of(content, "refund-amount") == "€89.90"
    assert _text_of(content, "refund-state") == (
        "Not yet: the refund follows once the item has arrived at the store."
    )
    assert _text_of(content, "refund-payment") == "Pay in store Paid in store."


def test_a_received_refund_case_shows_the_amount_refunded(
    agent_client, collected_order, clerk, passau
):
    case = _walk_in_return(collected_order)
    return_receive(
        number=case.number,
        lines=[ReceivedLineInput(sku="DRILL-18V", quantity=1, condition="resellable")],
        store=passau,
        by=clerk,
    )

    response = _page(agent_client, case.number)

    content = response.content.decode()
    assert _text_of(content, "refund-amount") == "€89.90"
    assert _text_of(content, "refund-state") == "Refunded: €89.90"
    assert _text_of(content, "how-it-comes-back") == "Handed in at the store"


def test_a_refund_case_shows_no_replacement_panel(agent_client, collected_order):
    case = _walk_in_return(collected_order)

    response = _page(agent_client, case.number)

    content = response.content.decode()
    assert 'id="replacement"' not in content
    assert "Replacement order" not in content


def test_an_exchange_shows_its_replacement_and_no_refund(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, opened.case.number)

    content = response.content.decode()
    assert 'id="replacement"' in content
    assert 'id="refund"' not in content


def test_the_original_order_links_to_the_order_page_the_agent_may_open(
    agent_client, collected_order
):
    case = _walk_in_return(collected_order)
    order_url = reverse("admin:orders_order_change", args=[collected_order.pk])

    response = _page(agent_client, case.number)

    facts = response.content.decode().split('id="case-facts"', 1)[1]
    assert f'href="{order_url}">{collected_order.number}</a>' in facts
    assert agent_client.get(order_url).status_code == 200


def test_a_refund_case_page_runs_the_same_number_of_queries_for_1_and_10_items(
    agent_client, passau, drill, clerk
):
    one = _walk_in_return(order_collect(store=passau, products=[drill], clerk=clerk))
    order = order_collect(store=passau, products=[drill], clerk=clerk)
    ten = _walk_in_return(order)
    for _ in range(9):
        line = OrderLineFactory(order=order, quantity_collected=1)
        ReturnLine.objects.create(case=ten, order_line=line, product=line.product, quantity=1)
    few = _queries_for_case_page(agent_client, one.number)

    many = _queries_for_case_page(agent_client, ten.number)

    assert ten.lines.count() == 10
    assert many == few


def test_a_german_agent_reads_the_walk_in_return_and_its_refund_in_german(
    agent_client, collected_order
):
    case = _walk_in_return(collected_order)

    response = agent_client.get(
        reverse("hotline:case", args=[case.number]), headers={"accept-language": "de"}
    )

    content = response.content.decode()
    assert _text_of(content, "how-it-comes-back") == "Der Kunde bringt ihn in die Filiale"
    assert _text_of(content, "hand-in") == (
        "Der Kunde bringt ihn in die Filiale Passau Mitte (PAS-01), Bahnhofstraße 1, 94032 Passau."
    )
    assert _text_of(content, "refund-amount") == "89,90 €"
    assert _text_of(content, "refund-state") == (
        "Noch nicht: Die Erstattung folgt, sobald der Artikel in der Filiale angekommen ist."
    )

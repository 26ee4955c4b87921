"""The customer page: contact, orders, cases and the journey across channels, newest first,
in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inventory.services import stock_receive
from messaging.models import Notification
from newsletter.models import CampaignClick
from newsletter.services import SubscribeInput, subscription_request
from returns.services import courier_booking_book, courier_booking_fail
from tests.hotline.scenario import exchange_of, order_collect
from tests.newsletter.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _page(client, customer_id, **params):
    return client.get(reverse("hotline:customer", args=[customer_id]), params)


def test_the_customer_page_shows_contact_orders_and_cases(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, collected_order.customer_id)

    content = response.content.decode()
    assert response.status_code == 200
    assert [order.number for order in response.context["orders"]] == [
        opened.replacement_order.number,
        collected_order.number,
    ]
    assert [case.number for case in response.context["cases"]] == [opened.case.number]
    for text in (
        "erika.mueller@example.com",
        "+4985112345",
        "newsletter-2026-11",
        "Passau Mitte",
        f'href="/admin/hotline/orders/{collected_order.number}/exchange/"',
        f'href="/admin/hotline/cases/{opened.case.number}/"',
    ):
        assert text in content


def test_only_a_collected_order_offers_to_start_an_exchange(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)

    response = _page(agent_client, collected_order.customer_id)

    content = response.content.decode()
    assert f"/orders/{collected_order.number}/exchange/" in content
    assert f"/orders/{opened.replacement_order.number}/exchange/" not in content


def test_the_journey_runs_newest_first_across_web_hotline_and_courier(
    agent_client, collected_order, agent
):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_book(booking_id=opened.booking.pk)

    response = _page(agent_client, collected_order.customer_id)

    timeline = response.context["timeline"]
    assert [(row.kind, row.channel) for row in timeline] == [
        ("courier_booked", "courier"),
        ("replacement_reserved", "hotline"),
        ("replacement_placed", "hotline"),
        ("exchange_opened", "hotline"),
        ("hotline_call", "hotline"),
        ("order_collected", "store"),
        ("order_ready", "store"),
        ("order_picking", "store"),
        ("order_reserved", "web"),
        ("order_placed", "web"),
    ]
    assert timeline[-1].title == (
        f"Order {collected_order.number} placed (Web shop) for pickup at Passau Mitte (PAS-01), "
        "from the campaign “newsletter-2026-11”"
    )
    assert timeline[5].title == (
        f"Order {collected_order.number} collected at Passau Mitte (PAS-01)"
    )
    assert timeline[3].title == f"Exchange {opened.case.number} opened (Defective)"
    assert "Newest first" in response.content.decode()


def test_the_journey_can_be_read_oldest_first(agent_client, collected_order):
    response = _page(agent_client, collected_order.customer_id, timeline="oldest")

    assert [row.kind for row in response.context["timeline"]][:2] == [
        "order_placed",
        "order_reserved",
    ]
    assert "Oldest first" in response.content.decode()


def test_a_long_journey_opens_on_its_newest_touchpoints_and_offers_the_whole(
    agent_client, collected_order, agent, monkeypatch
):
    exchange_of(collected_order, by=agent)
    monkeypatch.setattr("console.hotline.views.TIMELINE_SHOWN", 4)
    whole = _page(agent_client, collected_order.customer_id, journey="whole")
    everything = [(row.at, row.kind, row.title) for row in whole.context["timeline"]]

    response = _page(agent_client, collected_order.customer_id)

    content = response.content.decode()
    assert [(row.at, row.kind, row.title) for row in response.context["timeline"]] == everything[:4]
    assert "The newest 4 touchpoints only." in content
    assert 'href="?journey=whole#timeline"' in content
    assert "The whole journey." in whole.content.decode()
    assert len(everything) > 4


def test_the_whole_journey_can_be_read_oldest_first_and_the_links_keep_both_choices(
    agent_client, collected_order, agent, monkeypatch
):
    exchange_of(collected_order, by=agent)
    monkeypatch.setattr("console.hotline.views.TIMELINE_SHOWN", 4)

    newest = _page(agent_client, collected_order.customer_id, timeline="oldest")
    whole = _page(agent_client, collected_order.customer_id, timeline="oldest", journey="whole")

    assert [row.kind for row in whole.context["timeline"]][:2] == ["order_placed", "order_reserved"]
    # Oldest first within the newest four: the window ends where the whole journey ends.
    assert [(row.at, row.kind, row.title) for row in newest.context["timeline"]] == [
        (row.at, row.kind, row.title) for row in whole.context["timeline"]
    ][-4:]
    assert 'href="?journey=whole&amp;timeline=oldest#timeline"' in newest.content.decode()
    assert 'href="?journey=whole#timeline"' in whole.content.decode()
    assert 'href="?timeline=oldest#timeline"' in whole.content.decode()


def test_a_short_journey_is_shown_whole_without_a_note(agent_client, collected_order):
    response = _page(agent_client, collected_order.customer_id)
    asked_whole = _page(agent_client, collected_order.customer_id, journey="whole")

    for content in (response.content.decode(), asked_whole.content.decode()):
        assert "touchpoints only" not in content
        assert "Show the whole journey" not in content
        assert "The whole journey." not in content
    assert response.context["timeline_complete"] is True


def test_a_failed_courier_booking_stands_out_in_the_journey(agent_client, collected_order, agent):
    opened = exchange_of(collected_order, by=agent)
    courier_booking_fail(booking_id=opened.booking.pk, error="address rejected")

    response = _page(agent_client, collected_order.customer_id)

    first = response.context["timeline"][0]
    assert (first.kind, first.title, first.problem) == (
        "courier_failed",
        "Courier booking failed: address rejected",
        True,
    )


def test_an_unknown_customer_is_not_found(agent_client):
    response = _page(agent_client, 999999)

    assert response.status_code == 404


def _queries_for_customer_page(client, customer_id) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = _page(client, customer_id)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_customer_page_runs_the_same_number_of_queries_for_1_and_10_orders_and_cases(
    agent_client, passau, drill, clerk, agent, settings
):
    # Each exchange leaves its replacement order open.
    settings.ORDER_MAX_OPEN_PER_CUSTOMER = 10
    stock_receive(store_id=passau.pk, product_id=drill.pk, quantity=20, reason="delivery")
    first = order_collect(store=passau, products=[drill], clerk=clerk)
    exchange_of(first, by=agent)
    few = _queries_for_customer_page(agent_client, first.customer_id)
    for _ in range(9):
        exchange_of(order_collect(store=passau, products=[drill], clerk=clerk), by=agent)

    many = _queries_for_customer_page(agent_client, first.customer_id)

    assert many == few


def _failed_exchange_for(email, *, passau, drill, clerk, agent) -> None:
    order = order_collect(store=passau, products=[drill], clerk=clerk, email=email)
    courier_booking_fail(booking_id=exchange_of(order, by=agent).booking.pk, error="down")


def _queries_for_search(client) -> tuple[int, int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("hotline:search"), {"q": "Müller"})
    context = response.context
    return len(captured.captured_queries), len(context["customers"]), len(context["attention"])


def test_the_search_page_runs_the_same_number_of_queries_for_2_and_20_hits_and_failed_bookings(
    agent_client, passau, drill, clerk, agent
):
    stock_receive(store_id=passau.pk, product_id=drill.pk, quantity=40, reason="delivery")
    people = {"passau": passau, "drill": drill, "clerk": clerk, "agent": agent}
    for index in range(2):
        _failed_exchange_for(f"mueller{index}@example.com", **people)
    few, *_ = _queries_for_search(agent_client)
    for index in range(2, 20):
        _failed_exchange_for(f"mueller{index}@example.com", **people)

    many, customers, attention = _queries_for_search(agent_client)

    assert (customers, attention) == (20, 20)
    assert many == few


def test_the_customer_page_shows_consents_and_their_history(agent_client, collected_order):
    customer = collected_order.customer
    subscription_request(
        request=SubscribeInput(email=customer.email, ip="198.51.100.7", source="footer")
    )

    page = _page(agent_client, customer.pk).content.decode()

    consents = page[page.index('id="consents"') : page.index('id="cases"')]
    assert 'data-action="requested"' in consents
    assert "198.51.100.7" in consents
    assert "2026-12" in consents


def test_the_newsletter_click_stands_before_the_order_it_led_to(agent_client, collected_order):
    campaign = CampaignFactory(name="Werkzeugwochen")
    CampaignClick.objects.create(
        campaign=campaign,
        customer=collected_order.customer,
        product=collected_order.lines.first().product,
        at=collected_order.placed_at - datetime.timedelta(minutes=3),
    )

    response = _page(agent_client, collected_order.customer_id, timeline="oldest")

    first, second = response.context["timeline"][:2]
    assert (first.kind, first.channel, first.channel_label) == (
        "newsletter_click",
        "newsletter",
        "Newsletter",
    )
    assert first.title == "Clicked the newsletter “Werkzeugwochen”"
    assert second.kind == "order_placed"


def test_picking_and_hand_over_show_the_store_not_the_web_shop(agent_client, collected_order):
    response = _page(agent_client, collected_order.customer_id)

    channels = {row.kind: row.channel_label for row in response.context["timeline"]}
    assert channels["order_placed"] == "Web shop"
    assert channels["order_picking"] == "Store"
    assert channels["order_ready"] == "Store"
    assert channels["order_collected"] == "Store"


def test_messages_sent_appear_on_their_channel(agent_client, collected_order):
    notification = Notification.objects.filter(order=collected_order).first()
    Notification.objects.filter(pk=notification.pk).update(
        status="sent", sent_at=collected_order.placed_at + datetime.timedelta(seconds=5)
    )

    response = _page(agent_client, collected_order.customer_id)

    rows = [row for row in response.context["timeline"] if row.kind.startswith("message_")]
    assert [(row.kind, row.channel_label) for row in rows] == [
        (f"message_{notification.template}", "E-mail")
    ]

"""The journey's window (customers.selectors.customer_timeline_window): the newest N touchpoints
are exactly the tail of the whole journey, also where touchpoints share a moment."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.selectors import customer_timeline, customer_timeline_window
from inventory.services import stock_receive
from newsletter.models import ConsentEvent
from orders.models import OrderTransition
from tests.hotline.scenario import order_collect

pytestmark = pytest.mark.django_db


def _seen(entry) -> tuple:
    return (entry.at, entry.kind, entry.channel, entry.title, entry.order_number)


@pytest.fixture
def two_orders_collected(passau, drill, clerk):
    stock_receive(store_id=passau.pk, product_id=drill.pk, quantity=2, reason="delivery")
    first = order_collect(store=passau, products=[drill], clerk=clerk)
    second = order_collect(store=passau, products=[drill], clerk=clerk)
    assert first.customer_id == second.customer_id
    return first, second


def test_the_window_is_the_tail_of_the_whole_journey_where_touchpoints_share_a_moment(
    two_orders_collected,
):
    first, second = two_orders_collected
    customer = first.customer
    # Both hand-overs at one moment (as one sweep expires several orders), then two consent
    # steps at one later moment.
    moment = timezone.now() + datetime.timedelta(hours=1)
    OrderTransition.objects.filter(order__in=[first, second], transition="hand_over").update(
        created_at=moment
    )
    for channel in ("email", "sms"):
        ConsentEvent.objects.create(
            customer=customer,
            channel=channel,
            action=ConsentEvent.Action.REQUESTED,
            at=moment + datetime.timedelta(minutes=1),
            source="api",
        )
    whole = [_seen(entry) for entry in customer_timeline(customer=customer)]

    for latest in range(1, len(whole) + 2):
        window = customer_timeline_window(customer=customer, latest=latest)

        assert [_seen(entry) for entry in window.entries] == whole[-latest:], latest
        assert window.complete is (latest >= len(whole)), latest
    assert [kind for _, kind, *_ in whole[-4:]] == [
        "order_collected",
        "order_collected",
        "newsletter_requested",
        "newsletter_requested",
    ]


def test_each_provider_reads_no_more_than_the_window_asks(two_orders_collected):
    customer = two_orders_collected[0].customer

    with CaptureQueriesContext(connection) as captured:
        customer_timeline(customer=customer, latest=3)

    limited = [query["sql"] for query in captured.captured_queries if "LIMIT 3" in query["sql"]]
    # Order transitions, messages, and the newsletter's consent steps, campaign messages, clicks.
    assert len(limited) == 5, [query["sql"][:80] for query in captured.captured_queries]


def test_a_window_of_no_touchpoints_is_refused(two_orders_collected):
    with pytest.raises(ValueError, match="at least 1"):
        customer_timeline_window(customer=two_orders_collected[0].customer, latest=0)

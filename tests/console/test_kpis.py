import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from console.selectors import store_kpis
from orders.models import Order
from returns.models import ReturnCase
from tests.console import scenario

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def _order(store, state, *, hours_to_ready=None, channel="web", campaign="", days_ago=2, **fields):
    placed_at = NOW - datetime.timedelta(days=days_ago)
    order = scenario.order_fact(store, state, channel=channel, campaign=campaign, **fields)
    order.placed_at = placed_at
    order.ready_at = (
        placed_at + datetime.timedelta(hours=hours_to_ready) if hours_to_ready is not None else None
    )
    order.save(update_fields=["placed_at", "ready_at"])
    return order


def _store_with_a_week_of_orders(store, other_store):
    _order(store, Order.State.COLLECTED, hours_to_ready=2, campaign="newsletter-kw47")
    _order(store, Order.State.COLLECTED, hours_to_ready=4, campaign="newsletter-kw47")
    _order(store, Order.State.COLLECTED, hours_to_ready=9, channel="app")
    _order(store, Order.State.EXPIRED, hours_to_ready=3)
    _order(store, Order.State.RESERVED, channel="hotline")
    _order(store, Order.State.COLLECTED, hours_to_ready=1, days_ago=40)
    _order(other_store, Order.State.EXPIRED, hours_to_ready=1)
    original = _order(store, Order.State.COLLECTED, hours_to_ready=1, days_ago=20)
    replacement = _order(
        store, Order.State.COLLECTED, hours_to_ready=1, kind="replacement", channel="hotline"
    )
    replacement.collected_at = NOW - datetime.timedelta(days=1)
    replacement.save(update_fields=["collected_at"])
    scenario.return_case_fact(
        original,
        state="received",
        number="RMA-EX1",
        replacement_order=replacement,
        opened_at=NOW - datetime.timedelta(days=2, hours=6),
    )


def test_store_kpis_count_states_rates_channels_campaigns_and_exchanges(store, other_store):
    _store_with_a_week_of_orders(store, other_store)

    kpis = store_kpis(store=store, since=NOW - datetime.timedelta(days=30), until=NOW)

    assert kpis.orders == 7
    assert [(share.key, share.count) for share in kpis.by_state] == [
        ("reserved", 1),
        ("collected", 5),
        ("expired", 1),
    ]
    assert (kpis.collected, kpis.expired, kpis.ended) == (5, 1, 6)
    assert round(kpis.pickup_rate, 1) == 83.3
    assert round(kpis.no_show_rate, 1) == 16.7
    # ready after 1, 1, 2, 3, 4 and 9 hours: the median is 2.5 hours
    assert kpis.median_to_ready == datetime.timedelta(hours=2, minutes=30)
    assert [(share.key, share.count) for share in kpis.by_channel] == [
        ("web", 4),
        ("hotline", 2),
        ("app", 1),
    ]
    assert [(share.key, share.count) for share in kpis.by_campaign] == [
        ("", 5),
        ("newsletter-kw47", 2),
    ]
    assert (kpis.exchanges, kpis.exchanges_open, kpis.exchanges_collected) == (1, 1, 1)
    assert kpis.median_exchange_turnaround == datetime.timedelta(days=1, hours=6)


def test_store_kpis_of_a_store_without_orders_have_no_rates(store):
    kpis = store_kpis(store=store, since=NOW - datetime.timedelta(days=7), until=NOW)

    assert (kpis.orders, kpis.pickup_rate, kpis.no_show_rate, kpis.median_to_ready) == (
        0,
        None,
        None,
        None,
    )


def test_a_manager_sees_the_kpis_of_their_store(client, manager, store, other_store):
    _store_with_a_week_of_orders(store, other_store)
    client.force_login(manager)

    response = client.get(reverse("admin:console_kpis"))

    assert response.status_code == 200
    assert response.context["store"] == store
    assert response.context["kpis"].orders == 7
    assert "Orders by channel" in response.content.decode()


def test_a_clerk_may_not_see_kpis(clerk_client):
    response = clerk_client.get(reverse("admin:console_kpis"))

    assert response.status_code == 403


def test_a_manager_asking_for_another_stores_kpis_gets_404(client, manager, other_store):
    client.force_login(manager)

    response = client.get(reverse("admin:console_kpis"), {"store": "REG-01"})

    assert response.status_code == 404


def test_the_administrator_chooses_the_store_and_the_period(admin_client, store, other_store):
    _store_with_a_week_of_orders(store, other_store)

    first = admin_client.get(reverse("admin:console_kpis"))
    chosen = admin_client.get(reverse("admin:console_kpis"), {"store": "PAS-01", "days": "90"})
    bad_period = admin_client.get(reverse("admin:console_kpis"), {"store": "PAS-01", "days": "x"})

    assert first.context["kpis"] is None
    assert (chosen.context["days"], chosen.context["kpis"].orders) == (90, 8)
    assert bad_period.context["days"] == 30


def test_exchanges_count_only_replacements_picked_up_at_the_store(store, other_store):
    original = _order(store, Order.State.COLLECTED, hours_to_ready=1)
    scenario.return_case_fact(
        original, state="awaiting_courier", number="RMA-R1", resolution=ReturnCase.Resolution.REFUND
    )

    kpis = store_kpis(store=store, since=NOW - datetime.timedelta(days=7), until=NOW)

    assert kpis.exchanges == 0

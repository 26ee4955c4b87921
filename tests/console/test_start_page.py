import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from orders.models import Order
from returns.services import ReturnLineInput, return_open
from tests.console import scenario
from tests.orders.factories import OrderFactory, OrderLineFactory

pytestmark = pytest.mark.django_db


def _queues(response) -> dict:
    return {
        queue.key: (queue.count, [row.number for row in queue.rows])
        for queue in response.context["queues"]
    }


def test_the_clerks_start_page_counts_and_lists_each_queue_oldest_first(
    clerk_client, store, other_store
):
    newer = scenario.order_fact(store, Order.State.RESERVED, placed_minutes_ago=10)
    older = scenario.order_fact(store, Order.State.RESERVED, placed_minutes_ago=90)
    picking = scenario.order_fact(store, Order.State.PICKING, picking_started_at=timezone.now())
    ready = scenario.order_fact(store, Order.State.READY_FOR_PICKUP, ready_at=timezone.now())
    overdue = scenario.order_fact(
        store,
        Order.State.READY_FOR_PICKUP,
        ready_at=timezone.now() - datetime.timedelta(days=7),
        hold_until=timezone.now() + datetime.timedelta(hours=3),
    )
    scenario.order_fact(store, Order.State.COLLECTED)
    scenario.order_fact(other_store, Order.State.RESERVED)
    case = scenario.return_case_fact(
        scenario.order_fact(store, Order.State.COLLECTED), state="in_transit", number="RMA-1"
    )
    scenario.return_case_fact(
        scenario.order_fact(store, Order.State.COLLECTED), state="closed", number="RMA-2"
    )

    response = clerk_client.get(reverse("admin:index"))

    assert response.status_code == 200
    assert _queues(response) == {
        "to_pick": (2, [older.number, newer.number]),
        "picking": (1, [picking.number]),
        "ready": (2, [overdue.number, ready.number]),
        "overdue": (1, [overdue.number]),
        "to_send": (0, []),
        "incoming": (0, []),
        "returns": (1, [case.number]),
    }
    content = response.content.decode()
    assert reverse("admin:orders_order_change", args=[older.pk]) in content
    assert "Start of shift — Passau Mitte (PAS-01)" in content


def test_a_return_the_customer_brings_waits_in_the_receiving_stores_queue_and_no_other(
    client, clerk, other_clerk, store, other_store
):
    order = OrderFactory(pickup_store=store, state=Order.State.COLLECTED)
    line = OrderLineFactory(order=order, quantity=1, quantity_collected=1)
    couriered = scenario.return_case_fact(
        scenario.order_fact(store, Order.State.COLLECTED), state="in_transit", number="RMA-1"
    )
    walk_in = return_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku=line.product.sku, quantity=1)],
        reason="not_wanted",
        opened_by="agent",
        now=couriered.opened_at + datetime.timedelta(minutes=5),
    )

    client.force_login(clerk)
    passau = client.get(reverse("admin:index"))
    client.force_login(other_clerk)
    regensburg = client.get(reverse("admin:index"))

    assert walk_in.state == "opened"
    assert _queues(passau)["returns"] == (2, [couriered.number, walk_in.number])
    assert "The customer brings it to the store" in passau.content.decode()
    assert _queues(regensburg)["returns"] == (0, [])
    assert walk_in.number not in regensburg.content.decode()


def test_an_agent_chooses_a_store_for_its_queues(client, agent, store, other_store):
    order = scenario.order_fact(other_store, Order.State.RESERVED)
    client.force_login(agent)

    without = client.get(reverse("admin:index"))
    chosen = client.get(reverse("admin:index"), {"store": "REG-01"})

    assert without.context["queues"] is None
    assert "Choose a store…" in without.content.decode()
    assert _queues(chosen)["to_pick"] == (1, [order.number])


def test_a_clerk_asking_for_another_stores_queues_gets_404(clerk_client, other_store):
    response = clerk_client.get(reverse("admin:index"), {"store": "REG-01"})

    assert response.status_code == 404


def test_the_pick_list_shows_the_open_orders_with_lines_in_walking_order_and_totals(
    clerk_client, store, other_store
):
    first = scenario.order_fact(store, Order.State.RESERVED, placed_minutes_ago=50, units=2)
    second = scenario.order_fact(store, Order.State.PICKING, placed_minutes_ago=20)
    scenario.order_fact(store, Order.State.READY_FOR_PICKUP)
    scenario.order_fact(other_store, Order.State.RESERVED)

    response = clerk_client.get(reverse("admin:console_pick_list"))

    pick_list = response.context["pick_list"]
    assert [order.number for order in pick_list.orders] == [first.number, second.number]
    assert [
        (line.product.sku, line.quantity_to_supply) for line in pick_list.orders[0].pick_lines
    ] == [(first.lines.get().product.sku, 2)]
    assert sorted((total.sku, total.quantity) for total in pick_list.totals) == sorted(
        [
            (first.lines.get().product.sku, 2),
            (second.lines.get().product.sku, 1),
        ]
    )
    assert "@media print" in response.content.decode()


def test_an_agents_start_page_leads_to_the_hotline(client, agent):
    client.force_login(agent)

    response = client.get(reverse("admin:index"))

    assert reverse("hotline:search") in response.content.decode()


def test_a_clerks_start_page_has_no_hotline_link(clerk_client):
    response = clerk_client.get(reverse("admin:index"))

    assert reverse("hotline:search") not in response.content.decode()


def test_the_queues_refresh_themselves_on_the_interval_from_settings(clerk_client, store, settings):
    settings.CONSOLE_QUEUE_REFRESH_SECONDS = 5

    page = clerk_client.get(reverse("admin:index")).content.decode()

    poll = page.split('id="cc-queues"')[1].split(">")[0]
    assert f'hx-get="{reverse("admin:console_queues")}?store=PAS-01"' in poll
    assert 'hx-trigger="every 5s"' in poll
    assert "htmx-2.min.js" in page
    assert page.index('id="cc-scan"') < page.index('id="cc-queues"')


def test_the_refresh_answers_the_counts_and_queues_alone(clerk_client, store):
    order = scenario.order_fact(store, Order.State.RESERVED)

    response = clerk_client.get(reverse("admin:console_queues"), {"store": "PAS-01"})

    fragment = response.content.decode()
    assert response.status_code == 200
    assert 'id="cc-queues"' in fragment
    assert order.number in fragment
    assert "<html" not in fragment
    assert 'id="cc-scan"' not in fragment


def test_the_refresh_of_another_stores_queues_answers_404(clerk_client, store, other_store):
    response = clerk_client.get(reverse("admin:console_queues"), {"store": other_store.code})

    assert response.status_code == 404

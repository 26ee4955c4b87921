"""A German clerk sees the console in German: section names, states, queue titles, the stock
journal's texts, money with its currency; no English label from the list below is left."""

import re

import pytest
from django.urls import reverse

from orders.services import order_mark_ready, order_start_picking
from tests.console import scenario

pytestmark = pytest.mark.django_db

# English labels the console shows; none may appear on a page for a German user.
ENGLISH = [
    "Start of shift",
    "To pick",
    "Picking since",
    "Ready for pickup",
    "Overdue or ending soon",
    "Transfers to send",
    "Incoming transfers",
    "Returns to receive",
    "Nothing here",
    "Scan or type",
    "Receive a delivery",
    "Correct a count",
    "Inventory",
    "Orders",
    "Stock movements",
    "Stock levels",
    "Transfers",
    "Return cases",
    "Customer",
    "Next steps",
    "Start picking",
    "Hand over",
    "Take payment",
    "Order line",
    "Reason and reference",
    "Receipt",
    "Reserve",
    "cancelled",
    "ready_for_pickup",
    "in_transit",
    "requested",
]


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def _english_left(client, url) -> list[str]:
    response = client.get(url, headers={"accept-language": "de"})
    assert response.status_code == 200, url
    text = _visible_text(response.content.decode())
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


@pytest.fixture
def busy(store, other_store, drill_stock, clerk):
    ready = scenario.order_placed(store)
    order_start_picking(order=ready, by=clerk)
    order_mark_ready(order=ready, by=clerk)
    scenario.order_placed(store)
    _waiting, transfer = scenario.order_waiting_for_transfer(other_store, store)
    return {"ready": ready, "transfer": transfer}


def test_the_main_console_pages_speak_german(clerk_client, busy):
    pages = [
        reverse("admin:index"),
        reverse("admin:orders_order_changelist"),
        reverse("admin:orders_order_change", args=[busy["ready"].pk]),
        reverse("admin:orders_order_hand_over", args=[busy["ready"].pk]),
        reverse("admin:inventory_stockmovement_changelist"),
        reverse("admin:inventory_stocklevel_changelist"),
        reverse("admin:inventory_transfer_changelist"),
        reverse("admin:inventory_transfer_change", args=[busy["transfer"].pk]),
        reverse("admin:inventory_stocklevel_receive"),
    ]

    left = {url: _english_left(clerk_client, url) for url in pages}

    assert {url: words for url, words in left.items() if words} == {}


def test_money_has_its_currency_in_german(clerk_client, busy):
    page = clerk_client.get(
        reverse("admin:orders_order_hand_over", args=[busy["ready"].pk]),
        headers={"accept-language": "de"},
    ).content.decode()

    assert "89,90 EUR" in page


def test_a_free_replacement_asks_for_no_money(clerk_client, store, drill_stock, clerk):
    order = scenario.order_placed(store)
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    type(order).objects.filter(pk=order.pk).update(kind="replacement", subtotal=0, total=0)

    page = clerk_client.get(
        reverse("admin:orders_order_hand_over", args=[order.pk]),
        headers={"accept-language": "de"},
    ).content.decode()

    assert "Kostenloser Ersatz: nichts zu bezahlen." in page
    assert "0,00" not in page

import datetime

import pytest
import segno
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from customers.services import CustomerInput
from orders.codes import counter_qr_payload
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import (
    LineInput,
    order_hand_over,
    order_mark_ready,
    order_place,
    order_start_picking,
)
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.shop.data import order_path
from tests.stores.factories import StoreClosureFactory
from tests.support.clock import berlin, freeze

pytestmark = pytest.mark.django_db


def _ready(placed, clerk):
    order_start_picking(order=placed.order, by=clerk)
    return order_mark_ready(order=placed.order, by=clerk)


def test_the_order_page_shows_status_lines_store_and_hours(client, placed):
    response = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Your items are reserved for you." in page
    assert '<li class="current" aria-current="step">' in page
    assert page.count('<li class="done">') == 1
    assert "Cordless drill driver 18V, 2 batteries, in a case" in page
    assert "€129.00" in page
    assert "Pay in store when you collect." in page
    assert "Neuburger Straße 120<br>" in page
    assert '<tr><th scope="row">Monday</th><td>08:00–20:00</td></tr>' in page
    assert '<tr><th scope="row">Sunday</th><td>Closed</td></tr>' in page
    assert "Your pickup code" not in page
    assert "<svg" not in page


def test_the_order_page_is_the_path_the_confirmation_message_links_to(placed, settings):
    from orders.messages import order_url

    settings.SHOP_BASE_URL = "https://shop.example.com"

    assert order_url(placed.order) == f"https://shop.example.com{order_path(placed)}"


def test_an_upcoming_closure_of_the_store_is_shown(client, placed):
    StoreClosureFactory(
        store=placed.order.pickup_store, date=timezone.localdate() + datetime.timedelta(days=3)
    )

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert page.count("Closed on ") == 1


def test_once_ready_the_page_shows_the_pickup_code_and_its_qr_code(client, placed, clerk):
    _ready(placed, clerk)
    code = order_pickup_code_for_shopper(order=Order.objects.get())

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "Your order is ready for pickup." in page
    assert f'<p class="code" data-testid="pickup-code">{code}</p>' in page
    assert '<svg viewBox="0 0 25 25" class="qr-code">' in page
    assert "Please collect by" in page


def test_after_collection_the_code_is_gone_and_the_order_cannot_be_cancelled(client, placed, clerk):
    order = _ready(placed, clerk)
    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "You have collected this order. Thank you!" in page
    assert "Your pickup code" not in page
    assert "Cancel order" not in page


@pytest.mark.parametrize(
    "path",
    [
        "/orders/{number}/?token=wrong",
        "/orders/{number}/",
        "/orders/NOSUCH12/?token={token}",
        "/orders/{number}/cancel/?token=wrong",
    ],
)
def test_a_wrong_or_missing_token_answers_404(client, placed, path):
    url = path.format(number=placed.order.number, token=placed.access_token)

    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert "We cannot find this order" in response.content.decode()
    assert "Anna Huber" not in response.content.decode()
    assert "Akku-Bohrschrauber" not in response.content.decode()


def test_cancelling_asks_for_confirmation_first(client, placed):
    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    cancel_url = f"/orders/{placed.order.number}/cancel/?token={placed.access_token}"
    assert f'href="{cancel_url}"' in page

    response = client.get(cancel_url, HTTP_ACCEPT_LANGUAGE="en")

    assert "Yes, cancel my order" in response.content.decode()
    assert Order.objects.get().state == Order.State.RESERVED


def test_confirming_cancels_the_order_through_the_service_and_releases_the_stock(
    client, placed, stocked
):
    response = client.post(
        f"/orders/{placed.order.number}/cancel/",
        {"token": placed.access_token, "reason": "found_elsewhere"},
    )

    order = Order.objects.get()
    assert response.status_code == 302
    assert response["Location"] == order_path(placed)
    assert (order.state, order.cancel_reason) == ("cancelled", "shopper: found_elsewhere")
    assert list(order.transitions.values_list("transition", "actor")) == [
        ("place", None),
        ("reserve", None),
        ("cancel", None),
    ]
    stocked["passau"].refresh_from_db()
    assert stocked["passau"].reserved == 0
    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "This order has been cancelled." in page
    assert "Cancel order" not in page


def test_cancelling_with_a_wrong_token_answers_404_and_changes_nothing(client, placed):
    response = client.post(
        f"/orders/{placed.order.number}/cancel/", {"token": "wrong", "reason": "other"}
    )

    assert response.status_code == 404
    assert Order.objects.get().state == Order.State.RESERVED


def test_cancelling_without_a_known_reason_is_refused_next_to_the_field(client, placed):
    response = client.post(
        f"/orders/{placed.order.number}/cancel/",
        {"token": placed.access_token, "reason": "bored"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 200
    assert (
        '<p class="error">Select a valid choice. bored is not one of the available choices.</p>'
        in response.content.decode()
    )
    assert Order.objects.get().state == Order.State.RESERVED


def test_a_collected_order_can_no_longer_be_cancelled(client, placed, clerk):
    order = _ready(placed, clerk)
    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))

    response = client.post(
        f"/orders/{placed.order.number}/cancel/",
        {"token": placed.access_token, "reason": "other"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 409
    assert "This order can no longer be cancelled." in response.content.decode()
    assert Order.objects.get().state == Order.State.COLLECTED


def test_the_order_page_runs_a_bounded_number_of_queries(
    client, placed, clerk, django_assert_max_num_queries
):
    _ready(placed, clerk)

    with django_assert_max_num_queries(4):
        client.get(order_path(placed))


def test_the_cancel_page_runs_a_bounded_number_of_queries(
    client, placed, django_assert_max_num_queries
):
    with django_assert_max_num_queries(1):
        client.get(f"/orders/{placed.order.number}/cancel/?token={placed.access_token}")


def test_an_order_coming_from_another_store_says_so_in_its_progress(client, stocked):
    from customers.services import CustomerInput
    from orders.services import LineInput, order_place

    placed = order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber"),
        pickup_store_code="REG-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="pay_in_store",
        allow_transfer=True,
    )

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert "We are bringing your items from another store." in page
    assert '<span class="label">Coming from another store</span>' in page
    assert "Ready for pickup from" in page


def test_the_qr_code_carries_what_the_counters_box_reads(client, placed, clerk):
    _ready(placed, clerk)
    order = Order.objects.get()
    payload = counter_qr_payload(
        number=order.number, code=order_pickup_code_for_shopper(order=order)
    )
    expected = segno.make_qr(payload, error="m").svg_inline(
        scale=1, border=2, omitsize=True, svgclass="qr-code", dark="#111", light="#fff"
    )

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert payload.startswith(f"CC {order.number} ")
    assert expected in page


def _place_at(moment):
    return order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="pay_in_store",
        now=moment,
    )


@pytest.mark.parametrize(
    ("hour", "language", "expected"),
    [
        (11, "en", "Ready for pickup from <strong>today, 13:00</strong>."),
        (11, "de", "Abholbereit ab <strong>heute, 13:00</strong>."),
        (19, "en", "Ready for pickup from <strong>tomorrow, 09:00</strong>."),
        (19, "de", "Abholbereit ab <strong>morgen, 09:00</strong>."),
    ],
)
def test_the_expected_ready_time_reads_today_or_tomorrow_in_the_shoppers_language(
    client, stocked, monkeypatch, hour, language, expected
):
    freeze(monkeypatch, berlin(3, hour))
    placed = _place_at(berlin(3, hour))

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert expected in page


def test_the_collect_by_time_says_tomorrow_the_day_before_and_the_date_before_that(
    client, stocked, clerk, monkeypatch
):
    freeze(monkeypatch, berlin(3, 11))
    placed = _place_at(berlin(3, 11))
    freeze(monkeypatch, berlin(3, 12))
    _ready(placed, clerk)

    a_week_before = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    freeze(monkeypatch, berlin(9, 12))
    day_before = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE="de").content.decode()

    assert "Please collect by Thu, Dec 10, 12:00</strong>" in a_week_before
    assert "Bitte abholen bis morgen, 12:00</strong>" in day_before


@pytest.mark.parametrize("page", ["/orders/{number}/", "/orders/{number}/cancel/"])
def test_the_shoppers_order_pages_read_the_same_queries_for_1_and_10_lines(
    client, passau, placed, page
):
    for index in range(10):
        StockLevelFactory(store=passau, product=ProductFactory(sku=f"P-{index:02d}"), on_hand=5)
    larger = order_place(
        customer=CustomerInput(email="bernd@example.com", name="Bernd Huber", language="de"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku=f"P-{index:02d}", quantity=1) for index in range(10)],
        payment_method="pay_in_store",
    )

    def queries_of(order) -> int:
        path = page.format(number=order.order.number)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path, {"token": order.access_token})
        assert response.status_code == 200
        return len(captured)

    few = queries_of(placed)
    many = queries_of(larger)

    assert larger.order.lines.count() == 10
    assert few == many


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Free replacement: nothing to pay."),
        ("de", "Kostenloser Ersatz: nichts zu bezahlen."),
    ],
)
def test_the_order_page_of_a_replacement_says_it_is_free(client, stocked, language, text):
    placed = order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber", language="de"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="pay_in_store",
        kind="replacement",
        channel="hotline",
    )

    page = client.get(order_path(placed), HTTP_ACCEPT_LANGUAGE=language).content.decode()

    assert f'<p class="small payment" data-testid="payment">{text}</p>' in page
    assert "Pay in store" not in page
    assert "Bezahlung im Markt" not in page

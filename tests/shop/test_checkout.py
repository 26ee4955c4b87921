import re

import pytest
from django.test import override_settings

from customers.models import Customer
from inventory.models import Reservation
from messaging.models import Notification
from orders.models import Order
from orders.selectors import order_get_for_shopper
from tests.inventory.factories import StockLevelFactory

pytestmark = pytest.mark.django_db

CHECKOUT = "/products/AKKU-BS-18V/checkout/"
VALID = {
    "name": "Anna Huber",
    "email": "anna@example.com",
    "phone": "+49 151 23456789",
    "store": "PAS-01",
    "quantity": "1",
    "payment_method": "card",
    "campaign": "",
}


def _post(client, language="en", **changes):
    return client.post(CHECKOUT, {**VALID, **changes}, HTTP_ACCEPT_LANGUAGE=language)


def _nothing_written() -> bool:
    return (
        Order.objects.count(),
        Customer.objects.count(),
        Reservation.objects.count(),
        Notification.objects.count(),
    ) == (0, 0, 0, 0)


def _error_of(page: str, field: str) -> str:
    match = re.search(rf'<p class="error" id="id_{field}_error">([^<]*)</p>', page)
    return match.group(1) if match else ""


def test_the_checkout_preselects_the_store_chosen_on_the_product_page(client, stocked):
    response = client.get(CHECKOUT, {"store": "PAS-01"}, HTTP_ACCEPT_LANGUAGE="en")

    page = response.content.decode()
    assert response.status_code == 200
    assert '<option value="PAS-01" selected>Baumarkt Passau · 6 available</option>' in page
    assert '<option value="REG-01">Baumarkt Regensburg · out of stock</option>' in page
    assert "Neuburger Straße 120, 94036 Passau" in page


def test_placing_the_order_reserves_it_and_opens_the_order_page_by_its_secret_link(client, stocked):
    response = _post(client, language="de")

    order = Order.objects.get()
    assert response.status_code == 302
    token = response["Location"].split("?token=")[1]
    assert response["Location"] == f"/orders/{order.number}/?token={token}"
    assert order_get_for_shopper(number=order.number, access_token=token) == order
    assert order.state == Order.State.RESERVED
    assert (order.pickup_store.code, order.payment_method, order.channel) == (
        "PAS-01",
        "card",
        "web",
    )
    assert list(order.lines.values_list("product__sku", "quantity")) == [("AKKU-BS-18V", 1)]
    assert (order.customer.name, order.customer.email, order.customer.phone) == (
        "Anna Huber",
        "anna@example.com",
        "+4915123456789",
    )
    assert order.customer.language == "de"


def test_the_shopper_reading_english_gets_english_messages(client, stocked):
    _post(client, language="en")

    assert Customer.objects.get().language == "en"


def test_the_campaign_from_the_url_is_recorded_on_the_order(client, stocked):
    page = client.get(CHECKOUT, {"store": "PAS-01", "campaign": "newsletter-47"}).content.decode()
    assert 'name="campaign" value="newsletter-47"' in page

    _post(client, campaign="newsletter-47")

    assert Order.objects.get().campaign == "newsletter-47"


def test_paying_in_store_with_transfers_allowed_is_recorded(client, stocked):
    _post(client, payment_method="pay_in_store", allow_transfer="on")

    order = Order.objects.get()
    assert (order.payment_method, order.allow_transfer) == ("pay_in_store", True)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "This field is required."),
        ({"name": "x" * 121}, "name", "Ensure this value has at most 120 characters (it has 121)."),
        ({"email": "anna-at-example"}, "email", "Enter a valid e-mail address."),
        ({"email": ""}, "email", "This field is required."),
        (
            {"phone": "12345"},
            "phone",
            "Enter a phone number, e.g. 0151 23456789 or +49 151 23456789.",
        ),
        ({"store": ""}, "store", "This field is required."),
        (
            {"store": "XXX-99"},
            "store",
            "Select a valid choice. XXX-99 is not one of the available choices.",
        ),
        ({"quantity": "0"}, "quantity", "Ensure this value is greater than or equal to 1."),
        ({"quantity": "100"}, "quantity", "Ensure this value is less than or equal to 99."),
        ({"quantity": "zwei"}, "quantity", "Enter a whole number."),
        (
            {"payment_method": "cash"},
            "payment_method",
            "Select a valid choice. cash is not one of the available choices.",
        ),
    ],
)
def test_a_bad_field_is_refused_next_to_it_and_nothing_is_written(
    client, stocked, changes, field, message
):
    response = _post(client, **changes)

    assert response.status_code == 200
    assert _error_of(response.content.decode(), field) == message
    assert _nothing_written()


def test_a_refused_checkout_opens_on_a_summary_linking_each_mistake_to_its_field(client, stocked):
    response = _post(client, language="de", email="keine-adresse", notify_by="sms", phone="")

    page = response.content.decode()
    summary = page[
        page.index('id="error-summary"') : page.index("</div>", page.index('id="error-summary"'))
    ]
    assert "Bitte prüfen Sie, was markiert ist:" in summary
    assert summary.index('href="#id_email"') < summary.index('href="#id_phone"')
    for field in ("email", "phone"):
        assert _error_of(page, field)
        assert _error_of(page, field) in summary
    assert page.index('id="error-summary"') < page.index('id="id_email"')
    assert _nothing_written()


def test_a_valid_checkout_page_has_no_error_summary(client, stocked):
    response = client.get(CHECKOUT, HTTP_ACCEPT_LANGUAGE="de")

    assert 'id="error-summary"' not in response.content.decode()


def test_more_than_the_store_has_is_refused_next_to_the_quantity_and_nothing_is_written(
    client, stocked
):
    response = _post(client, quantity="7")

    assert _error_of(response.content.decode(), "quantity") == "Only 6 left at this store."
    assert _nothing_written()


def test_a_store_sold_out_offers_the_nearest_stores_that_have_it(client, stocked):
    response = _post(client, store="REG-01")

    page = response.content.decode()
    assert _error_of(page, "quantity") == "Sold out at this store."
    assert '<a href="?store=PAS-01">Baumarkt Passau</a> · 109.3 km · 6 available' in page
    assert _nothing_written()


def test_a_store_sold_out_takes_the_order_when_the_shopper_allows_a_transfer(client, stocked):
    response = _post(client, store="REG-01", allow_transfer="on")

    order = Order.objects.get()
    assert response.status_code == 302
    assert (order.pickup_store.code, order.state) == ("REG-01", Order.State.SOURCING)


@override_settings(ORDER_MAX_OPEN_PER_CUSTOMER=1)
def test_a_shopper_at_the_limit_of_open_orders_is_told_so_and_nothing_more_is_written(
    client, stocked
):
    _post(client)

    response = _post(client)

    assert (
        "You already have as many open orders as we allow. "
        "Please collect or cancel one of them first." in response.content.decode()
    )
    assert Order.objects.count() == 1


def test_an_unknown_product_has_no_checkout(client, stocked):
    response = client.get("/products/NO-SUCH-SKU/checkout/")

    assert response.status_code == 404


def test_the_checkout_runs_a_bounded_number_of_queries_whatever_the_number_of_stores(
    client, stocked, drill, django_assert_max_num_queries
):
    from tests.stores.factories import StoreFactory

    for number in range(40):
        StockLevelFactory(store=StoreFactory(code=f"X-{number:02d}"), product=drill, on_hand=2)

    # Stores with their stock, and the chosen store's hours, closures and booked slots.
    with django_assert_max_num_queries(8):
        response = client.get(CHECKOUT, {"store": "PAS-01"})

    assert response.content.decode().count('<option value="X-') == 40


def test_choosing_a_store_that_is_sold_out_offers_the_transfer_already_ticked(client, stocked):
    sold_out = client.get(CHECKOUT, {"store": "REG-01"}).content.decode()
    in_stock = client.get(CHECKOUT, {"store": "PAS-01"}).content.decode()

    assert (
        '<input type="checkbox" name="allow_transfer" id="id_allow_transfer" checked>' in sold_out
    )
    assert '<input type="checkbox" name="allow_transfer" id="id_allow_transfer">' in in_stock

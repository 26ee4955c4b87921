"""A shopper on a phone finds the cordless drill, sees Passau's stock, orders it for pickup there
and follows the order until the pickup code and its QR code appear."""

import re

import pytest

from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_mark_ready, order_start_picking
from tests.shop import data
from tests.stores.factories import StaffMembershipFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _drill_in_passau():
    passau = data.passau_store()
    data.drill_stocked(
        passau=passau, regensburg=data.regensburg_store(), drill=data.drill_product()
    )
    return passau


def test_a_shopper_orders_the_drill_for_pickup_in_passau_and_sees_the_pickup_code(
    new_page, screenshot
):
    passau = _drill_in_passau()
    clerk = StaffMembershipFactory(store=passau, user__username="clerk.pas-01").user
    page = new_page(locale="en-US", mobile=True)

    page.goto("/?campaign=autumn-tools")
    page.get_by_label("Search products").fill("Bohrschrauber")
    page.get_by_role("button", name="Search").click()
    assert page.locator(".result .badge").inner_text() == "In stock in 1 store"
    screenshot(page, "shop-search")
    page.get_by_role("link", name=re.compile("Cordless drill driver 18V")).click()
    page.get_by_label("Postcode or city").fill("Passau")
    page.get_by_role("button", name="Show nearest").click()

    passau_card = page.locator("li.store").first
    assert passau_card.locator(".store-name").inner_text() == "Baumarkt Passau"
    assert passau_card.locator(".stock").inner_text() == "6 available"
    assert passau_card.locator(".distance").inner_text() == "0.0 km"
    screenshot(page, "shop-product")

    passau_card.get_by_role("link", name="Collect here").click()
    page.get_by_label("Your name").fill("Anna Huber")
    page.get_by_label("E-mail address").fill("anna@example.com")
    page.get_by_label("Mobile number (optional)").fill("+49 151 23456789")
    page.get_by_text("Pay in store at pickup").click()
    screenshot(page, "shop-checkout")
    page.get_by_role("button", name="Place order").click()

    page.wait_for_url(re.compile(r"/orders/[A-Z0-9]+/\?token=[0-9a-f]{40}$"))
    assert page.locator("h1").inner_text() == "Your items are reserved for you."
    assert page.locator(".progress [aria-current=step] .label").inner_text() == "Reserved"
    order = Order.objects.get()
    assert (order.pickup_store.code, order.payment_method, order.campaign) == (
        "PAS-01",
        "pay_in_store",
        "autumn-tools",
    )
    screenshot(page, "shop-order")

    order_start_picking(order=order, by=clerk)
    order_mark_ready(order=order, by=clerk)
    page.reload()

    code = order_pickup_code_for_shopper(order=Order.objects.get())
    assert page.locator("h1").inner_text() == "Your order is ready for pickup."
    assert page.get_by_test_id("pickup-code").inner_text() == code
    assert page.locator(".qr svg").is_visible()
    screenshot(page, "shop-order-ready")


def test_a_german_browser_gets_the_german_pages_and_can_switch_to_english(new_page, screenshot):
    _drill_in_passau()
    page = new_page(locale="de-DE", mobile=True)

    page.goto("/products/AKKU-BS-18V/")
    assert page.get_by_role("heading", name="Wo kann ich es abholen?").is_visible()
    assert page.locator("li.store .stock").first.inner_text() == "6 verfügbar"
    screenshot(page, "shop-product-de")

    page.get_by_role("button", name="English", exact=True).click()

    assert page.get_by_role("heading", name="Where can I collect it?").is_visible()
    assert page.url.endswith("/products/AKKU-BS-18V/")


def test_asking_for_more_than_passau_has_shows_the_error_at_the_quantity_and_other_stores(
    new_page, screenshot
):
    _drill_in_passau()
    page = new_page(locale="de-DE", mobile=True)

    page.goto("/products/AKKU-BS-18V/checkout/?store=REG-01")
    page.get_by_label("Falls die Filiale ausverkauft ist").uncheck()
    page.get_by_label("Ihr Name").fill("Anna Huber")
    page.get_by_label("E-Mail-Adresse").fill("anna@example")
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()

    assert (
        page.locator("#id_email_error").inner_text() == "Geben Sie eine gültige E-Mail-Adresse ein."
    )
    page.get_by_label("E-Mail-Adresse").fill("anna@example.com")
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()

    assert page.locator("#id_quantity_error").inner_text() == "In dieser Filiale ausverkauft."
    assert page.locator(".alternatives li").first.inner_text().startswith("Baumarkt Passau")
    screenshot(page, "shop-checkout-error")
    assert not Order.objects.exists()


def test_a_shopper_cancels_the_order_after_confirming_and_the_drill_is_back_on_sale(
    new_page, screenshot
):
    from customers.services import CustomerInput
    from orders.services import LineInput, order_place

    _drill_in_passau()
    placed = order_place(
        customer=CustomerInput(email="anna@example.com", name="Anna Huber"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="AKKU-BS-18V", quantity=1)],
        payment_method="card",
    )
    page = new_page(locale="en-US", mobile=True)

    page.goto(data.order_path(placed))
    page.get_by_role("link", name="Cancel order").click()
    page.get_by_text("I found it somewhere else").click()
    screenshot(page, "shop-cancel")
    page.get_by_role("button", name="Yes, cancel my order").click()

    assert page.locator("h1").inner_text() == "This order has been cancelled."
    assert page.get_by_role("link", name="Cancel order").count() == 0
    assert Order.objects.get().cancel_reason == "shopper: found_elsewhere"
    page.goto("/products/AKKU-BS-18V/")
    assert page.locator("li.store .stock").first.inner_text() == "6 available"


def test_a_shopper_allowing_the_browser_location_sees_the_nearest_store_first(new_page):
    _drill_in_passau()
    page = new_page(locale="en-US", mobile=True)
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"latitude": 49.02, "longitude": 12.10})

    page.goto("/products/AKKU-BS-18V/")
    page.get_by_role("button", name="Use my current location").click()

    page.wait_for_url(re.compile(r"lat=49\.02000&lon=12\.10000"))
    assert page.locator("li.store .store-name").all_inner_texts() == [
        "Baumarkt Regensburg",
        "Baumarkt Passau",
    ]
    assert page.get_by_text("Nearest stores first.").is_visible()


def test_a_refused_checkout_on_a_phone_shows_what_to_correct_first_and_leads_to_the_field(
    new_page, screenshot
):
    _drill_in_passau()
    page = new_page(locale="de-DE", mobile=True)

    page.goto("/products/AKKU-BS-18V/checkout/?store=PAS-01")
    page.get_by_label("Ihr Name").fill("Anna Huber")
    page.get_by_label("E-Mail-Adresse").fill("anna@example.com")
    page.get_by_label("SMS", exact=True).check()
    page.get_by_role("button", name="Zahlungspflichtig bestellen").click()

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    box = summary.bounding_box()
    assert box is not None
    assert 0 <= box["y"] < page.viewport_size["height"]
    screenshot(page, "shop-checkout-error-summary")
    summary.get_by_role("link").first.click()
    assert page.evaluate("location.hash") == "#id_phone"
    assert not Order.objects.exists()

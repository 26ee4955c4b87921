"""Choosing a pickup time on the product page and at checkout: the chosen store's slots, earliest
first, honest about when the order can be ready; "today" only when it is; refusals next to the
field, nothing written."""

import html

import pytest

from customers.models import Customer
from orders.models import Order
from stores.models import PickupSlot
from tests.support.clock import STORY_MORNING, berlin, freeze

pytestmark = pytest.mark.django_db

CHECKOUT = "/products/AKKU-BS-18V/checkout/"
PRODUCT = "/products/AKKU-BS-18V/"
SLOT_18 = "2026-12-03T18:00:00+01:00"
VALID = {
    "name": "Anna Huber",
    "email": "anna@example.com",
    "phone": "",
    "store": "PAS-01",
    "quantity": "1",
    "payment_method": "pay_in_store",
    "pickup_slot": SLOT_18,
    "campaign": "",
}


@pytest.fixture
def morning(monkeypatch, stocked):
    """Thursday 11:00: Passau (open 08:00-20:00) has 6 drills, Regensburg none."""
    return freeze(monkeypatch, STORY_MORNING)


def _page(client, url, language="en", **query) -> str:
    return html.unescape(client.get(url, query, HTTP_ACCEPT_LANGUAGE=language).content.decode())


def _post(client, language="en", **changes):
    return client.post(CHECKOUT, {**VALID, **changes}, HTTP_ACCEPT_LANGUAGE=language)


def test_checkout_offers_the_stores_slots_from_when_the_order_can_be_ready(client, morning):
    page = _page(client, CHECKOUT, store="PAS-01")

    assert "In stock here: ready from <strong>today, 13:00</strong>" in page
    assert '<optgroup label="Today, Thu, Dec 3">' in page
    first = page.index('<option value="2026-12-03T13:00:00+01:00">Today, Thu, Dec 3, 13:00–14:00')
    assert first < page.index(f'value="{SLOT_18}">Today, Thu, Dec 3, 18:00–19:00')
    assert "Dec 3, 12:00–13:00" not in page
    assert '<optgroup label="Tomorrow, Fri, Dec 4">' in page


def test_a_store_without_stock_offers_slots_only_after_the_transfer(client, morning):
    page = _page(client, CHECKOUT, store="REG-01")

    assert "Comes from another store first: ready from <strong>Sat, Dec 5, 13:00</strong>" in page
    assert "Today" not in page
    assert '<optgroup label="Sat, Dec 5">' in page


def test_today_is_not_offered_once_no_slot_is_left_today(client, monkeypatch, stocked):
    freeze(monkeypatch, berlin(3, 19, 30))

    page = _page(client, CHECKOUT, store="PAS-01")

    assert "Today" not in page
    assert "today" not in page
    assert "In stock here: ready from <strong>tomorrow, 09:30</strong>" in page
    assert '<optgroup label="Tomorrow, Fri, Dec 4">' in page


def test_the_german_page_says_heute_only_when_it_is(client, morning):
    page = _page(client, CHECKOUT, language="de", store="PAS-01")

    assert "Hier vorrätig: abholbereit ab <strong>heute, 13:00</strong>" in page
    assert '<optgroup label="Heute, Do, 3. Dez">' in page


def test_placing_the_order_books_the_slot_and_the_order_page_shows_it(client, morning):
    response = _post(client)

    assert response.status_code == 302
    order = Order.objects.get()
    assert order.pickup_slot == berlin(3, 18)
    page = _page(client, response["Location"])
    assert "Your pickup time: <strong>today, 18:00–19:00</strong>" in page


def test_a_full_slot_is_shown_as_fully_booked_and_refused(client, morning, passau):
    passau.pickup_slot_capacity = 1
    passau.save()
    _post(client, email="first@example.com")

    page = _page(client, CHECKOUT, store="PAS-01")
    response = _post(client, email="second@example.com")

    assert (
        f'<option value="{SLOT_18}" disabled>Today, Thu, Dec 3, 18:00–19:00 · fully booked' in page
    )
    assert response.status_code == 200
    assert (
        '<p class="error" id="id_pickup_slot_error">This pickup time has just been fully booked.'
        in response.content.decode()
    )
    assert Order.objects.count() == 1
    assert PickupSlot.objects.get().booked == 1


@pytest.mark.parametrize(
    ("slot", "message"),
    [
        ("tomorrow evening", "Choose one of the pickup times in the list."),
        ("2026-12-03T18:30:00+01:00", "Choose one of the pickup times in the list."),
        ("2026-12-03T12:00:00+01:00", "Your order cannot be ready by then."),
        ("2026-12-03T09:00:00+01:00", "Choose one of the pickup times in the list."),
    ],
)
def test_a_pickup_time_the_order_cannot_have_is_refused_next_to_the_field(
    client, morning, slot, message
):
    response = _post(client, pickup_slot=slot)

    assert response.status_code == 200
    assert f'<p class="error" id="id_pickup_slot_error">{message}' in response.content.decode()
    assert (Order.objects.count(), Customer.objects.count()) == (0, 0)


def test_curbside_is_offered_only_where_the_store_has_it(client, morning, passau):
    assert "Curbside pickup" not in _page(client, CHECKOUT, store="PAS-01")
    passau.curbside_enabled = True
    passau.save()

    page = _page(client, CHECKOUT, store="PAS-01")
    _post(client, curbside="on")

    assert "Curbside pickup: we bring the order to your car" in page
    assert Order.objects.get().curbside is True


def test_the_product_page_offers_the_chosen_stores_next_pickup_times(client, morning):
    page = _page(client, PRODUCT, store="PAS-01")

    assert "Pickup times at Baumarkt Passau" in page
    assert "In stock here: ready from <strong>today, 13:00</strong>" in page
    assert (
        f'href="{CHECKOUT}?store=PAS-01&slot=2026-12-03T13%3A00%3A00%2B01%3A00">today, 13:00</a>'
        in page
    )
    assert "Ready by <time" in page


def test_the_product_page_says_tomorrow_when_today_is_over(client, monkeypatch, stocked):
    freeze(monkeypatch, berlin(3, 19, 30))

    page = _page(client, PRODUCT)

    assert ">tomorrow, 09:30</time>" in page
    assert "today," not in page


def test_a_slot_chosen_on_the_product_page_is_preselected_at_checkout(client, morning):
    page = _page(client, CHECKOUT, store="PAS-01", slot=SLOT_18)

    assert f'<option value="{SLOT_18}" selected>' in page

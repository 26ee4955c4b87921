"""The guided exchange form: prefilled, with the nearest stores that have the items, and every
refusal of exchange_open shown next to the field it concerns, with nothing written."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from customers.services import CustomerInput
from inventory.services import stock_receive
from orders.models import Order
from orders.services import LineInput, order_place
from returns.models import CourierBooking, ReturnCase
from tests.hotline.scenario import exchange_of, order_collect
from tests.inventory.factories import ProductFactory

pytestmark = pytest.mark.django_db


def _url(order):
    return reverse("hotline:exchange", args=[order.number])


def _filled(order, tomorrow, **changes):
    line = order.lines.get()
    data = {
        f"line_{line.pk}": "1",
        "reason": "defective",
        "replacement_store": "PAS-01",
        "name": "Erika Müller",
        "line1": "Innstraße 12",
        "line2": "",
        "postcode": "94032",
        "city": "Passau",
        "country": "DE",
        "phone": "+4985112345",
        "date": tomorrow.isoformat(),
        "window_start": "08:00",
        "window_end": "12:00",
    }
    data.update(changes)
    return data


def _nothing_written():
    return (
        ReturnCase.objects.count(),
        CourierBooking.objects.count(),
        Order.objects.filter(kind="replacement").count(),
    ) == (0, 0, 0)


def test_the_form_comes_prefilled_with_the_customer_tomorrow_morning_and_their_store(
    agent_client, collected_order, tomorrow
):
    response = agent_client.get(_url(collected_order))

    form = response.context["form"]
    assert response.status_code == 200
    assert {key: form.initial[key] for key in ("name", "phone", "date", "replacement_store")} == {
        "name": "Erika Müller",
        "phone": "+4985112345",
        "date": tomorrow,
        "replacement_store": "PAS-01",
    }
    assert (form.initial["window_start"], form.initial["window_end"]) == (
        datetime.time(8, 0),
        datetime.time(12, 0),
    )
    assert 'value="PAS-01" checked' in response.content.decode()


def test_the_address_is_prefilled_from_the_last_courier_collection(
    agent_client, passau, drill, clerk, agent
):
    earlier = order_collect(store=passau, products=[drill], clerk=clerk)
    exchange_of(earlier, by=agent)
    order = order_collect(store=passau, products=[drill], clerk=clerk)

    response = agent_client.get(_url(order))

    initial = response.context["form"].initial
    assert (initial["line1"], initial["postcode"], initial["city"]) == (
        "Innstraße 12",
        "94032",
        "Passau",
    )


def test_the_form_offers_only_units_collected_and_not_yet_returned(
    agent_client, passau, drill, clerk, agent
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, quantity=3)
    exchange_of(order, by=agent)

    response = agent_client.get(_url(order))

    assert [
        (line.order_line.product.sku, line.returnable) for line in response.context["form"].lines
    ] == [("DRILL-18V", 2)]
    assert 'max="2"' in response.content.decode()


def test_the_nearest_stores_with_the_items_are_offered_with_their_stock(
    agent_client, collected_order
):
    response = agent_client.get(_url(collected_order))

    stores = response.context["stores"]
    assert [(option.store.code, option.available, option.in_stock) for option in stores] == [
        ("PAS-01", 4, True),
        ("REG-01", 2, True),
    ]
    assert [option.is_collection_store for option in stores] == [True, False]


def test_the_store_list_follows_the_quantities_asked(agent_client, passau, drill, clerk):
    order = order_collect(store=passau, products=[drill], clerk=clerk, quantity=3)
    line = order.lines.get()

    response = agent_client.get(
        reverse("hotline:exchange_stores", args=[order.number]), {f"line_{line.pk}": "3"}
    )

    stores = response.context["stores"]
    assert [(option.store.code, option.available, option.in_stock) for option in stores] == [
        ("PAS-01", 2, False)
    ]
    assert "comes by transfer" in response.content.decode()


def test_with_two_items_each_store_names_the_stock_of_each(
    agent_client, passau, regensburg, drill, clerk
):
    bits = ProductFactory(sku="BITS-32", name="Bit-Set 32-teilig", price="19.90")
    stock_receive(store_id=passau.pk, product_id=bits.pk, quantity=9, reason="delivery")
    stock_receive(store_id=regensburg.pk, product_id=bits.pk, quantity=1, reason="delivery")
    order = order_collect(store=passau, products=[drill, bits], clerk=clerk)

    response = agent_client.get(_url(order))

    stores = {option.store.code: option for option in response.context["stores"]}
    assert stores["PAS-01"].items == (("Akku-Bohrschrauber 18V", 4), ("Bit-Set 32-teilig", 8))
    assert stores["REG-01"].items == (("Akku-Bohrschrauber 18V", 2), ("Bit-Set 32-teilig", 1))
    assert "In stock:\n        Akku-Bohrschrauber 18V 4 · Bit-Set 32-teilig 8" in (
        response.content.decode()
    )


def test_with_one_item_a_store_gives_one_number(agent_client, collected_order):
    response = agent_client.get(_url(collected_order))

    assert all(option.items == () for option in response.context["stores"])
    assert "In stock: 4 available" in response.content.decode()


def test_refreshing_the_availability_keeps_what_was_typed_and_writes_nothing(
    agent_client, collected_order, tomorrow
):
    data = _filled(collected_order, tomorrow, city="Passau-Grubweg", refresh="1")

    response = agent_client.post(_url(collected_order), data)

    assert response.status_code == 200
    assert response.context["form"].initial["city"] == "Passau-Grubweg"
    assert _nothing_written()


def test_submitting_the_form_opens_the_exchange_and_shows_its_case(
    agent_client, collected_order, tomorrow, agent
):
    response = agent_client.post(_url(collected_order), _filled(collected_order, tomorrow))

    case = ReturnCase.objects.get()
    booking = case.courier_bookings.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/hotline/cases/{case.number}/"
    assert (case.order_id, case.reason, case.state, case.opened_by_user_id) == (
        collected_order.pk,
        "defective",
        "awaiting_courier",
        agent.pk,
    )
    assert [(line.product.sku, line.quantity) for line in case.lines.all()] == [("DRILL-18V", 1)]
    assert (case.replacement_order.pickup_store.code, case.replacement_order.state) == (
        "PAS-01",
        "reserved",
    )
    assert (
        booking.name,
        booking.line1,
        booking.postcode,
        booking.city,
        booking.phone,
        booking.pickup_date,
        booking.window_start,
        booking.window_end,
    ) == (
        "Erika Müller",
        "Innstraße 12",
        "94032",
        "Passau",
        "+4985112345",
        tomorrow,
        datetime.time(8, 0),
        datetime.time(12, 0),
    )


def test_the_replacement_can_wait_at_another_store(agent_client, collected_order, tomorrow):
    data = _filled(collected_order, tomorrow, replacement_store="reg-01")

    agent_client.post(_url(collected_order), data)

    assert ReturnCase.objects.get().replacement_order.pickup_store.code == "REG-01"


def test_a_window_in_the_past_is_refused_next_to_the_date(agent_client, collected_order, tomorrow):
    yesterday = tomorrow - datetime.timedelta(days=2)

    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, date=yesterday.isoformat())
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "date": ["This window has already started or passed: choose a later date or time."]
    }
    assert _nothing_written()


def test_a_window_ending_before_it_starts_is_refused_next_to_its_end(
    agent_client, collected_order, tomorrow
):
    data = _filled(collected_order, tomorrow, window_start="12:00", window_end="08:00")

    response = agent_client.post(_url(collected_order), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "window_end": ["The window must end after it starts."]
    }
    assert _nothing_written()


def test_a_date_beyond_two_weeks_is_refused_next_to_the_date(
    agent_client, collected_order, tomorrow
):
    far = tomorrow + datetime.timedelta(days=30)

    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, date=far.isoformat())
    )

    assert response.context["form"].errors == {
        "date": ["Couriers are booked at most 14 days ahead."]
    }
    assert _nothing_written()


def test_more_units_than_were_collected_are_refused_at_the_lines(
    agent_client, collected_order, tomorrow
):
    line = collected_order.lines.get()

    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, **{f"line_{line.pk}": "2"})
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {
        f"line_{line.pk}": ["Ensure this value is less than or equal to 1."]
    }
    assert _nothing_written()


def test_choosing_nothing_to_send_back_is_refused_at_the_lines(
    agent_client, collected_order, tomorrow
):
    line = collected_order.lines.get()

    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, **{f"line_{line.pk}": "0"})
    )

    assert response.status_code == 400
    assert response.context["form"].lines_errors == [
        "Choose at least one item and how many come back."
    ]
    assert "Choose at least one item and how many come back." in response.content.decode()
    assert _nothing_written()


def test_a_negative_quantity_is_refused_next_to_the_line(agent_client, collected_order, tomorrow):
    line = collected_order.lines.get()

    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, **{f"line_{line.pk}": "-1"})
    )

    assert response.status_code == 400
    assert list(response.context["form"].errors) == [f"line_{line.pk}"]
    assert _nothing_written()


def test_a_missing_street_is_refused_next_to_the_street(agent_client, collected_order, tomorrow):
    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, line1="")
    )

    assert response.status_code == 400
    assert response.context["form"].errors == {"line1": ["This field is required."]}
    assert _nothing_written()


def test_a_missing_reason_is_refused_next_to_the_reasons(agent_client, collected_order, tomorrow):
    response = agent_client.post(
        _url(collected_order), _filled(collected_order, tomorrow, reason="")
    )

    assert response.context["form"].errors == {"reason": ["This field is required."]}
    assert _nothing_written()


def test_an_unknown_replacement_store_is_refused_next_to_the_stores(
    agent_client, collected_order, tomorrow
):
    data = _filled(collected_order, tomorrow, replacement_store="XXX-99")

    response = agent_client.post(_url(collected_order), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {"replacement_store": ["No such store."]}
    assert _nothing_written()


def test_an_order_not_yet_collected_cannot_be_exchanged(agent_client, passau, drill):
    order = order_place(
        customer=CustomerInput(email="erika.mueller@example.com", name="Erika Müller"),
        pickup_store_code="PAS-01",
        lines=[LineInput(sku="DRILL-18V", quantity=1)],
        payment_method="pay_in_store",
    ).order

    response = agent_client.get(_url(order))

    assert response.status_code == 409
    assert "This order cannot be exchanged" in response.content.decode()


def test_an_order_whose_items_all_came_back_cannot_be_exchanged_again(
    agent_client, collected_order, agent, tomorrow
):
    exchange_of(collected_order, by=agent)

    response = agent_client.post(_url(collected_order), _filled(collected_order, tomorrow))

    assert response.status_code == 409
    assert ReturnCase.objects.count() == 1


def test_an_unknown_order_number_is_not_found(agent_client, collected_order):
    response = agent_client.get(reverse("hotline:exchange", args=["NOSUCH01"]))

    assert response.status_code == 404


def test_the_form_proposes_every_unit_that_can_come_back(agent_client, passau, drill, clerk):
    order = order_collect(store=passau, products=[drill], clerk=clerk, quantity=2)

    response = agent_client.get(_url(order))

    line = order.lines.get()
    assert response.context["form"][f"line_{line.pk}"].value() == 2
    assert f'name="line_{line.pk}" value="2"' in response.content.decode()


def test_every_mistake_is_shown_in_one_round_and_nothing_is_written(
    agent_client, collected_order, tomorrow
):
    data = _filled(
        collected_order, tomorrow, line1="", postcode="ABCDE", window_start="14:00", reason=""
    )

    response = agent_client.post(_url(collected_order), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "reason": ["This field is required."],
        "line1": ["This field is required."],
        "postcode": ["Not a postcode of this country (Germany: 5 digits, Austria: 4 digits)."],
        "window_end": ["The window must end after it starts."],
    }
    assert _nothing_written()


@pytest.mark.parametrize(
    ("country", "postcode"), [("DE", "ABCDE"), ("DE", "9403"), ("AT", "94032"), ("NL", "1012")]
)
def test_a_postcode_not_of_its_country_is_refused_before_any_courier_is_booked(
    agent_client, collected_order, tomorrow, country, postcode
):
    data = _filled(collected_order, tomorrow, country=country, postcode=postcode)

    response = agent_client.post(_url(collected_order), data)

    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["postcode"]
    assert _nothing_written()


def test_an_austrian_address_is_collected_with_its_four_digit_postcode(
    agent_client, collected_order, tomorrow
):
    data = _filled(collected_order, tomorrow, country="AT", postcode="4020", city="Linz")

    response = agent_client.post(_url(collected_order), data)

    booking = CourierBooking.objects.get()
    assert response.status_code == 302
    assert (booking.country, booking.postcode, booking.city) == ("AT", "4020", "Linz")


@pytest.mark.parametrize(
    "url_name", ["hotline:exchange", "hotline:exchange_stores", "hotline:refund"]
)
def test_the_return_forms_read_the_same_queries_for_1_and_10_lines(
    agent_client, passau, regensburg, drill, clerk, url_name
):
    tools = [ProductFactory(sku=f"TOOL-{index:02d}") for index in range(9)]
    for tool in tools:
        for store in (passau, regensburg):
            stock_receive(store_id=store.pk, product_id=tool.pk, quantity=2, reason="delivery")
    one = order_collect(store=passau, products=[drill], clerk=clerk)
    ten = order_collect(store=passau, products=[drill, *tools], clerk=clerk)

    def queries_of(order) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = agent_client.get(reverse(url_name, args=[order.number]))
        assert response.status_code == 200
        return len(captured)

    few = queries_of(one)
    many = queries_of(ten)

    assert ten.lines.count() == 10
    assert few == many

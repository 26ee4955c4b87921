"""Refusals of exchange_open that the form cannot foresee (a colleague's exchange a moment
earlier, the customer's order limit, stock gone at the store) land next to the right field."""

import pytest

from console.hotline.forms import ExchangeForm
from console.hotline.selectors import order_lines_returnable
from orders.exceptions import InsufficientStock, OrderLimitReached, UnknownStore
from returns.exceptions import InvalidCollectionWindow, InvalidReturnInput, ReturnExceedsCollected

pytestmark = pytest.mark.django_db


@pytest.fixture
def form(collected_order, tomorrow):
    lines = order_lines_returnable(order=collected_order)
    bound = ExchangeForm(
        {
            lines[0].field_name: "1",
            "reason": "defective",
            "replacement_store": "PAS-01",
            "name": "Erika Müller",
            "line1": "Innstraße 12",
            "postcode": "94032",
            "city": "Passau",
            "country": "DE",
            "date": tomorrow.isoformat(),
            "window_start": "08:00",
            "window_end": "12:00",
        },
        lines=lines,
    )
    assert bound.is_valid()
    return bound


def test_units_returned_meanwhile_are_shown_at_the_lines(form):
    error = ReturnExceedsCollected(fields={"lines": ["DRILL-18V: at most 0."]})

    form.add_service_error(error)

    assert form.lines_errors == [
        "More units than the customer collected and has not yet returned (DRILL-18V: at most 0.)"
    ]
    assert form.errors == {}


def test_a_quantity_refused_by_the_service_is_shown_at_its_line(form):
    error = InvalidReturnInput(
        fields={"lines[0].quantity": ["Must be between 1 and 99."]},
        field_codes={"lines[0].quantity": "quantity_out_of_range"},
    )

    form.add_service_error(error)

    assert form.errors == {form.lines[0].field_name: ["Between 1 and 99 units."]}


def test_the_form_chooses_its_text_by_the_code_whatever_the_services_english_says(form):
    error = InvalidCollectionWindow(
        fields={"collection.date": ["Some other wording."]},
        field_codes={"collection.date": "window_passed"},
    )

    form.add_service_error(error)

    assert form.errors == {
        "date": ["This window has already started or passed: choose a later date or time."]
    }


def test_a_window_refused_by_the_service_is_shown_at_its_end(form):
    error = InvalidCollectionWindow(
        fields={"collection.window_end": ["Must be after window_start."]},
        field_codes={"collection.window_end": "window_ends_before_start"},
    )

    form.add_service_error(error)

    assert form.errors == {"window_end": ["The window must end after it starts."]}


def test_stock_gone_at_the_chosen_store_is_shown_at_the_lines(form, drill):
    shortage = {"product_id": drill.pk, "sku": "DRILL-18V", "requested": 1, "available": 0}
    error = InsufficientStock(fields={"lines": [shortage]})

    form.add_service_error(error)

    assert form.lines_errors == ["DRILL-18V: only 0 available"]


def test_an_unknown_store_is_shown_at_the_stores(form):
    form.add_service_error(UnknownStore(fields={"pickup_store": ["XXX-99"]}))

    assert form.errors == {"replacement_store": ["No such store."]}


def test_a_refusal_without_fields_is_shown_above_the_form(form):
    form.add_service_error(OrderLimitReached("At most 5 open orders per customer."))

    assert form.non_field_errors() == [
        "The customer has too many open orders for another replacement."
    ]

import datetime

import pytest

from inventory.models import StockLevel
from orders.models import Order
from returns.exceptions import (
    InvalidCollectionWindow,
    InvalidReturnInput,
    OrderNotCollected,
    ReturnExceedsCollected,
)
from returns.models import CourierBooking, ReturnCase, ReturnLine
from returns.services import CollectionInput, ReturnLineInput, exchange_open
from tests.hotline.scenario import order_collect

pytestmark = pytest.mark.django_db


def collection(date, start=datetime.time(9, 0), end=datetime.time(12, 0)) -> CollectionInput:
    return CollectionInput(
        name="Erika Müller",
        line1="Ludwigstraße 5",
        postcode="94032",
        city="Passau",
        date=date,
        window_start=start,
        window_end=end,
        phone="+4985112345",
    )


def open_exchange(order, agent, date, *, quantity=1, store="PAS-01", **collection_changes):
    window = collection(date, **collection_changes)
    return exchange_open(
        order_number=order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=quantity)],
        reason="defective",
        replacement_store_code=store,
        collection=window,
        by=agent,
    )


def written_counts() -> tuple[int, int, int, int]:
    return (
        ReturnCase.objects.count(),
        ReturnLine.objects.count(),
        CourierBooking.objects.count(),
        Order.objects.filter(kind=Order.Kind.REPLACEMENT).count(),
    )


def test_an_exchange_reserves_a_free_replacement_and_requests_a_courier(
    collected_order, agent, tomorrow, passau, drill, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        opened = open_exchange(collected_order, agent, tomorrow)

    case = opened.case
    assert case.number.startswith("RMA-")
    assert case.state == ReturnCase.State.AWAITING_COURIER
    assert (case.reason, case.resolution, case.opened_by, case.channel) == (
        "defective",
        "replacement",
        "agent",
        "hotline",
    )
    replacement = opened.replacement_order
    assert (replacement.kind, replacement.channel, replacement.state) == (
        "replacement",
        "hotline",
        "reserved",
    )
    assert replacement.total == 0
    assert case.replacement_order == replacement
    assert opened.booking.state == CourierBooking.State.REQUESTED
    assert (opened.booking.pickup_date, opened.booking.window_start) == (tomorrow, datetime.time(9))
    assert StockLevel.objects.get(store=passau, product=drill).reserved == 1
    assert len(callbacks) >= 2  # the booking task and the "exchange opened" message


def test_the_replacement_is_sourced_from_another_store_when_the_chosen_one_has_none(
    collected_order, agent, tomorrow, passau, drill
):
    StockLevel.objects.filter(store=passau, product=drill).update(safety_stock=4)

    opened = open_exchange(collected_order, agent, tomorrow)

    assert opened.replacement_order.state == Order.State.SOURCING


def test_an_order_not_yet_collected_cannot_be_exchanged(passau, drill, clerk, agent, tomorrow):
    from orders import services as order_services

    placed = order_services.order_place(
        customer=order_services.CustomerInput(email="a@example.com", name="A"),
        pickup_store_code="PAS-01",
        lines=[order_services.LineInput(sku="DRILL-18V", quantity=1)],
        payment_method="pay_in_store",
    )

    with pytest.raises(OrderNotCollected):
        open_exchange(placed.order, agent, tomorrow)

    assert written_counts() == (0, 0, 0, 0)


def test_returning_more_than_was_collected_is_refused_and_nothing_is_written(
    collected_order, agent, tomorrow
):
    with pytest.raises(ReturnExceedsCollected):
        open_exchange(collected_order, agent, tomorrow, quantity=2)

    assert written_counts() == (0, 0, 0, 0)


def test_a_line_already_returned_cannot_be_returned_again(collected_order, agent, tomorrow):
    open_exchange(collected_order, agent, tomorrow)

    with pytest.raises(ReturnExceedsCollected):
        open_exchange(collected_order, agent, tomorrow)

    assert written_counts() == (1, 1, 1, 1)


def test_two_units_can_come_back_in_two_cases_but_not_a_third(
    passau, drill, clerk, agent, tomorrow
):
    order = order_collect(store=passau, products=[drill], clerk=clerk, quantity=2)
    open_exchange(order, agent, tomorrow)
    open_exchange(order, agent, tomorrow)

    with pytest.raises(ReturnExceedsCollected):
        open_exchange(order, agent, tomorrow)

    assert ReturnCase.objects.count() == 2


def test_a_courier_window_in_the_past_is_refused(collected_order, agent):
    yesterday = datetime.date.today() - datetime.timedelta(days=1)  # noqa: DTZ011

    with pytest.raises(InvalidCollectionWindow):
        open_exchange(collected_order, agent, yesterday)

    assert written_counts() == (0, 0, 0, 0)


def test_a_courier_window_ending_before_it_starts_is_refused(collected_order, agent, tomorrow):
    with pytest.raises(InvalidCollectionWindow) as refused:
        open_exchange(
            collected_order, agent, tomorrow, start=datetime.time(14), end=datetime.time(12)
        )

    assert "collection.window_end" in refused.value.fields
    assert written_counts() == (0, 0, 0, 0)


def test_a_courier_window_too_far_ahead_is_refused(collected_order, agent):
    far = datetime.date.today() + datetime.timedelta(days=60)  # noqa: DTZ011

    with pytest.raises(InvalidCollectionWindow):
        open_exchange(collected_order, agent, far)

    assert written_counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("sku", "quantity", "field"),
    [
        ("NOPE-1", 1, "lines"),
        ("DRILL-18V", 0, "lines[0].quantity"),
        ("DRILL-18V", 100, "lines[0].quantity"),
    ],
)
def test_unknown_skus_and_bad_quantities_are_refused(
    collected_order, agent, tomorrow, sku, quantity, field
):
    with pytest.raises(InvalidReturnInput) as refused:
        exchange_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku=sku, quantity=quantity)],
            reason="defective",
            replacement_store_code="PAS-01",
            collection=collection(tomorrow),
            by=agent,
        )

    assert field in refused.value.fields
    assert written_counts() == (0, 0, 0, 0)


def test_an_unknown_reason_or_order_is_refused(collected_order, agent, tomorrow):
    with pytest.raises(InvalidReturnInput):
        exchange_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="bored",
            replacement_store_code="PAS-01",
            collection=collection(tomorrow),
            by=agent,
        )
    with pytest.raises(InvalidReturnInput):
        exchange_open(
            order_number="NOSUCH",
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="defective",
            replacement_store_code="PAS-01",
            collection=collection(tomorrow),
            by=agent,
        )

    assert written_counts() == (0, 0, 0, 0)


def test_a_postcode_not_of_its_country_is_refused_before_any_courier_is_asked(
    collected_order, agent, tomorrow
):
    with pytest.raises(InvalidReturnInput) as refused:
        exchange_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="defective",
            replacement_store_code="PAS-01",
            collection=CollectionInput(
                name="Erika Müller",
                line1="Ludwigstraße 5",
                postcode="ABCDE",
                city="Passau",
                date=tomorrow,
                window_start=datetime.time(9, 0),
                window_end=datetime.time(12, 0),
            ),
            by=agent,
        )

    assert refused.value.field_codes == {"collection.address.postcode": "invalid_postcode"}
    assert written_counts() == (0, 0, 0, 0)


def test_every_problem_of_the_request_is_named_at_once(collected_order, agent, tomorrow):
    with pytest.raises(InvalidReturnInput) as refused:
        exchange_open(
            order_number=collected_order.number,
            lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
            reason="bored",
            replacement_store_code="PAS-01",
            collection=CollectionInput(
                name="Erika Müller",
                line1="",
                postcode="1010",
                city="Passau",
                date=tomorrow,
                window_start=datetime.time(14, 0),
                window_end=datetime.time(12, 0),
            ),
            by=agent,
        )

    assert refused.value.field_codes == {
        "reason": "invalid_choice",
        "collection.address.line1": "required",
        "collection.address.postcode": "invalid_postcode",
        "collection.window_end": "window_ends_before_start",
    }
    assert written_counts() == (0, 0, 0, 0)


@pytest.mark.parametrize(
    ("country", "postcode"), [("DE", "94032"), ("AT", "4020"), ("NL", "1012 ab"), ("CH", "8001")]
)
def test_a_postcode_of_its_country_is_accepted_as_the_post_writes_it(
    collected_order, agent, tomorrow, country, postcode
):
    opened = exchange_open(
        order_number=collected_order.number,
        lines=[ReturnLineInput(sku="DRILL-18V", quantity=1)],
        reason="defective",
        replacement_store_code="PAS-01",
        collection=CollectionInput(
            name="Erika Müller",
            line1="Hauptstraße 1",
            postcode=postcode,
            city="Somewhere",
            country=country,
            date=tomorrow,
            window_start=datetime.time(9, 0),
            window_end=datetime.time(12, 0),
        ),
        by=agent,
    )

    assert (opened.booking.country, opened.booking.postcode) == (country, postcode.upper())

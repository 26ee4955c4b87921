import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from customers.models import Customer
from customers.services import CustomerInput
from inventory.models import Reservation, StockLevel
from messaging.models import Notification
from orders import codes
from orders.exceptions import InsufficientStock
from orders.models import Order
from orders.selectors import order_get_for_shopper
from orders.services import LineInput
from payments.models import Payment, SideEffect
from tests.inventory.factories import StockLevelFactory
from tests.stores.factories import StoreFactory

pytestmark = pytest.mark.django_db


def _nothing_written():
    return (
        Order.objects.count(),
        Customer.objects.count(),
        Reservation.objects.count(),
        Notification.objects.count(),
        SideEffect.objects.count(),
    ) == (0, 0, 0, 0, 0)


def test_placing_an_order_in_stock_reserves_it_at_the_pickup_store(place, stocked):
    placed = place(lines=[LineInput("DRILL-18V", 1), LineInput("BITS-32", 2)])

    order = Order.objects.get()
    assert order.state == Order.State.RESERVED
    assert order.total == Decimal("114.90")
    assert [(line.product.sku, line.quantity) for line in order.lines.order_by("pk")] == [
        ("DRILL-18V", 1),
        ("BITS-32", 2),
    ]
    stocked["drill"].refresh_from_db()
    assert (stocked["drill"].on_hand, stocked["drill"].reserved) == (5, 1)
    assert sorted(Reservation.objects.values_list("reference", "quantity")) == sorted(
        [(line.reservation_reference, line.quantity) for line in order.lines.all()]
    )
    assert placed.order == order
    assert list(order.transitions.values_list("source", "target")) == [
        ("", "placed"),
        ("placed", "reserved"),
    ]


def test_placing_an_order_queues_the_confirmation_and_the_card_authorization(place, stocked):
    placed = place()

    order = placed.order
    assert list(Notification.objects.values_list("template", "channel", "status")) == [
        ("confirmation", "email", "queued")
    ]
    assert list(SideEffect.objects.values_list("kind", "status")) == [
        ("payment_authorize", "pending")
    ]
    assert Payment.objects.get(order=order).state == Payment.State.PENDING
    assert Payment.objects.get(order=order).amount == Decimal("89.90")


def test_paying_in_store_records_no_payment_to_authorize(place, stocked):
    place(payment_method="pay_in_store")

    assert not Payment.objects.exists()
    assert not SideEffect.objects.exists()


def test_duplicate_sku_lines_are_merged_into_one(place, stocked):
    place(lines=[LineInput("BITS-32", 2), LineInput("BITS-32", 3)])

    order = Order.objects.get()
    assert list(order.lines.values_list("product__sku", "quantity")) == [("BITS-32", 5)]
    assert order.total == Decimal("62.50")


def test_the_access_token_is_returned_once_and_only_its_hash_is_stored(place, stocked):
    placed = place()

    order = Order.objects.get()
    assert placed.access_token not in (order.access_token_hash, order.access_token_salt)
    assert order.access_token_hash == codes.access_token_hash(placed.access_token)
    assert order_get_for_shopper(number=order.number, access_token=placed.access_token) == order


def test_the_order_number_uses_only_the_unambiguous_alphabet(place, stocked):
    placed = place()

    assert len(placed.order.number) == 8
    assert set(placed.order.number) <= set(codes.NUMBER_ALPHABET)
    assert not set("0O1IL2Z5S8B") & set(codes.NUMBER_ALPHABET)


def test_a_returning_customer_is_found_by_email_in_any_letter_case(place, stocked):
    place(customer=CustomerInput(email="Mueller@Example.com", name="Frau Müller"))

    place(
        customer=CustomerInput(
            email="mueller@EXAMPLE.com", name="Anna Müller", phone="+49 851 123456", language="en"
        )
    )

    customer = Customer.objects.get()
    assert (customer.email, customer.name, customer.phone, customer.language) == (
        "Mueller@example.com",
        "Anna Müller",
        "+49851123456",
        "en",
    )
    assert customer.orders.count() == 2


def test_missing_stock_answers_insufficient_stock_with_the_nearest_stores_that_have_it(
    place, store, drill
):
    near = StoreFactory(code="DEG-01", name="Deggendorf", latitude=48.8406, longitude=12.9608)
    far = StoreFactory(code="MUC-01", name="München", latitude=48.1374, longitude=11.5755)
    StockLevelFactory(store=store, product=drill, on_hand=0)
    StockLevelFactory(store=far, product=drill, on_hand=3)
    StockLevelFactory(store=near, product=drill, on_hand=2)

    with pytest.raises(InsufficientStock) as refused:
        place(lines=[LineInput("DRILL-18V", 2)])

    body = refused.value.as_body()
    assert body["code"] == "insufficient_stock"
    assert [(row["store"], row["available"]) for row in body["alternatives"]] == [
        ("DEG-01", 2),
        ("MUC-01", 3),
    ]
    assert body["alternatives"][0]["name"] == "Deggendorf"
    assert body["alternatives"][0]["distance_km"] == 46.0
    assert refused.value.status == 409
    assert _nothing_written()
    assert StockLevel.objects.get(store=near).reserved == 0


def test_missing_stock_with_transfers_allowed_starts_sourcing(place, store, other_store, drill):
    StockLevelFactory(store=store, product=drill, on_hand=0)
    StockLevelFactory(store=other_store, product=drill, on_hand=4)

    placed = place(allow_transfer=True)

    order = placed.order
    assert order.state == Order.State.SOURCING
    assert order.sourcing_due_at == order.sourcing_started_at
    assert list(order.lines.values_list("quantity_sourcing", flat=True)) == [1]
    assert not Reservation.objects.exists()


def test_transfers_allowed_but_no_store_having_it_still_answers_insufficient_stock(
    place, store, drill
):
    StockLevelFactory(store=store, product=drill, on_hand=0)

    with pytest.raises(InsufficientStock) as refused:
        place(allow_transfer=True)

    assert refused.value.as_body()["alternatives"] == []
    assert _nothing_written()


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"lines": []}, "invalid", "lines"),
        ({"lines": [LineInput("DRILL-18V", 0)]}, "invalid_quantity", "lines[0].quantity"),
        ({"lines": [LineInput("DRILL-18V", 100)]}, "invalid_quantity", "lines[0].quantity"),
        ({"lines": [LineInput("DRILL-18V", True)]}, "invalid_quantity", "lines[0].quantity"),
        ({"lines": [LineInput("DRILL-18V", "2")]}, "invalid_quantity", "lines[0].quantity"),
        (
            {"lines": [LineInput("BITS-32", 60), LineInput("BITS-32", 40)]},
            "invalid_quantity",
            "lines[1].quantity",
        ),
        ({"lines": [LineInput("", 1)]}, "invalid", "lines[0].sku"),
        ({"lines": [LineInput("NOPE-1", 1)]}, "unknown_sku", "lines[0].sku"),
        ({"pickup_store_code": "XXX-99"}, "unknown_store", "pickup_store"),
        ({"payment_method": "cash"}, "invalid", "payment_method"),
        ({"channel": "fax"}, "invalid", "channel"),
        ({"campaign": "x" * 65}, "invalid", "campaign"),
        ({"curbside": True}, "curbside_not_available", "curbside"),
        (
            {"customer": CustomerInput(email="not-an-address", name="A")},
            "invalid",
            "customer.email",
        ),
        ({"customer": CustomerInput(email="a@example.com", name=" ")}, "invalid", "customer.name"),
        (
            {"customer": CustomerInput(email="a@example.com", name="A", phone="12345")},
            "invalid_phone",
            "customer.phone",
        ),
        (
            {"customer": CustomerInput(email="a@example.com", name="A", language="fr")},
            "invalid",
            "customer.language",
        ),
        (
            {"pickup_slot": timezone.now() - datetime.timedelta(hours=1)},
            "invalid",
            "pickup_slot",
        ),
        (
            {"pickup_slot": datetime.datetime(2030, 1, 1, 10, 0)},  # noqa: DTZ001 - the bad input
            "invalid",
            "pickup_slot",
        ),
    ],
)
def test_bad_input_is_refused_with_a_code_and_nothing_is_written(
    place, stocked, overrides, code, field
):
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the code is what is asserted
        place(**overrides)

    assert refused.value.code == code
    assert field in refused.value.fields
    assert refused.value.status == 400
    assert _nothing_written()


def test_a_store_without_click_and_collect_is_refused(place, store, stocked):
    store.click_and_collect_enabled = False
    store.save()

    with pytest.raises(Exception) as refused:  # noqa: PT011
        place()

    assert refused.value.code == "store_not_click_and_collect"
    assert _nothing_written()


def test_the_open_order_limit_per_customer_is_enforced(place, stocked, settings):
    settings.ORDER_MAX_OPEN_PER_CUSTOMER = 2
    place(lines=[LineInput("BITS-32", 1)])
    place(lines=[LineInput("BITS-32", 1)])

    with pytest.raises(Exception) as refused:  # noqa: PT011
        place(lines=[LineInput("BITS-32", 1)])

    assert refused.value.code == "order_limit_reached"
    assert refused.value.status == 409
    assert Order.objects.count() == 2
    assert StockLevel.objects.get(product__sku="BITS-32").reserved == 2


def test_the_unit_limit_per_customer_counts_units_in_open_orders(place, stocked, settings):
    settings.ORDER_MAX_UNITS_PER_CUSTOMER = 10
    place(lines=[LineInput("BITS-32", 8)])

    with pytest.raises(Exception) as refused:  # noqa: PT011
        place(lines=[LineInput("BITS-32", 3)])

    assert refused.value.code == "order_limit_reached"
    assert Order.objects.count() == 1


def test_a_replacement_order_costs_nothing_and_needs_no_payment(place, stocked):
    placed = place(kind="replacement", channel="hotline")

    order = placed.order
    assert (order.kind, order.channel, order.total) == ("replacement", "hotline", Decimal("0.00"))
    assert list(order.lines.values_list("unit_price", flat=True)) == [Decimal("0.00")]
    assert order.state == Order.State.RESERVED
    assert not Payment.objects.exists()
    assert not SideEffect.objects.exists()


def test_an_unknown_order_kind_is_refused(place, stocked):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        place(kind="gift")

    assert (refused.value.code, list(refused.value.fields)) == ("invalid", ["kind"])
    assert _nothing_written()

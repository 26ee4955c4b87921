"""SEPA direct debit: the IBAN checked by schwifty, the mandate stored with its text and
reference, the debit submitted through the payment outbox only after hand-over, never for a
cancelled or expired order; the payment's status told truthfully."""

# ruff: noqa: E501 - the tables of exact values read best one row a line

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from customers.models import Customer
from customers.selectors import customer_timeline
from inventory.models import Reservation
from orders.models import Order
from orders.selectors import order_payment_status, order_pickup_code_for_shopper
from orders.services import (
    LineInput,
    order_cancel,
    order_expire,
    order_hand_over,
    order_mark_ready,
    order_start_picking,
)
from payments.models import Payment, SepaMandate, SideEffect
from payments.sepa import SepaInput
from payments.services import side_effect_perform
from stores.roles import HOTLINE_AGENTS_GROUP
from tests.inventory.factories import ProductFactory, StockLevelFactory
from tests.orders.steps import order_collected, payment_calls_perform
from tests.stores.factories import UserFactory

pytestmark = pytest.mark.django_db

IBAN = "DE89 3704 0044 0532 0130 00"
HOLDER = "Maria Müller"


def _sepa(**changes) -> SepaInput:
    return SepaInput(
        **{"iban": IBAN, "account_holder": HOLDER, "mandate_accepted": True, **changes}
    )


@pytest.fixture
def place_sepa(place):
    def _place(**overrides):
        return place(payment_method="sepa_debit", sepa=_sepa(), **overrides)

    return _place


def _nothing_written() -> bool:
    return (
        Order.objects.count(),
        Customer.objects.count(),
        Reservation.objects.count(),
        Payment.objects.count(),
        SepaMandate.objects.count(),
        SideEffect.objects.count(),
    ) == (0, 0, 0, 0, 0, 0)


def test_placing_with_direct_debit_stores_the_mandate_and_debits_nothing(place_sepa, stocked):
    order = place_sepa().order

    mandate = SepaMandate.objects.get(order=order)
    assert mandate.reference == f"CC-{order.number}"
    assert (mandate.iban, mandate.bic, mandate.account_holder) == (
        "DE89370400440532013000",
        "COBADEFFXXX",
        HOLDER,
    )
    assert mandate.creditor_id == "DE98ZZZ09999999999"
    assert mandate.text.startswith("Ich ermächtige Click & Collect Baumarkt GmbH")
    assert mandate.accepted_at == order.placed_at
    assert mandate.iban_masked == "DE•• •••• 3000"
    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.amount, payment.amount_captured) == (
        "mandated",
        Decimal("89.90"),
        Decimal("0.00"),
    )
    assert SideEffect.objects.count() == 0


def test_the_mandate_text_is_stored_in_the_shoppers_language(place, stocked):
    from customers.services import CustomerInput

    order = place(
        customer=CustomerInput(email="mary@example.com", name="Mary", language="en"),
        payment_method="sepa_debit",
        sepa=_sepa(),
    ).order

    mandate = SepaMandate.objects.get(order=order)
    assert mandate.language == "en"
    assert mandate.text.startswith("I authorise Click & Collect Baumarkt GmbH")


def test_the_debit_is_submitted_through_the_outbox_only_after_hand_over(place_sepa, stocked, clerk):
    order = place_sepa().order
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    payment_calls_perform()
    assert Payment.objects.get(order=order).state == "mandated"
    assert not SideEffect.objects.filter(kind="payment_debit").exists()

    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))
    payment_calls_perform()

    debit = SideEffect.objects.get(kind="payment_debit")
    assert (debit.idempotency_key, debit.status, debit.attempts) == (
        f"debit:{order.number}",
        "done",
        1,
    )
    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.amount_captured, payment.provider_reference) == (
        "submitted",
        Decimal("89.90"),
        f"sandbox-debit-debit:{order.number}",
    )
    assert not SideEffect.objects.filter(kind="payment_capture").exists()


def test_a_debit_row_for_an_order_not_collected_never_reaches_the_bank(place_sepa, stocked):
    order = place_sepa().order
    row = SideEffect.objects.create(
        order=order,
        kind="payment_debit",
        idempotency_key=f"debit:{order.number}",
        next_attempt_at=order.placed_at,
    )

    side_effect_perform(side_effect_id=row.pk)

    assert Payment.objects.get(order=order).state == "mandated"


def test_a_cancelled_order_is_never_debited_and_says_so(place_sepa, stocked):
    order = place_sepa().order

    order_cancel(order=order, by=None, reason="changed my mind")
    payment_calls_perform()

    assert Payment.objects.get(order=order).state == "voided"
    assert not SideEffect.objects.filter(kind="payment_debit").exists()
    status = order_payment_status(order=Order.objects.get(pk=order.pk))
    assert (status.state, str(status.text)) == (
        "nothing_charged",
        "Direct debit: nothing will be debited.",
    )


def test_an_expired_order_is_never_debited(place_sepa, stocked, clerk):
    order = place_sepa().order
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)

    order_expire(order_id=order.pk, now=order.hold_until + datetime.timedelta(minutes=1))
    payment_calls_perform()

    assert Payment.objects.get(order=order).state == "voided"
    assert not SideEffect.objects.filter(kind="payment_debit").exists()


def test_a_debit_the_bank_returns_is_recorded_for_the_hotline(place, store, clerk):
    product = ProductFactory(sku="SAW-1", name="Stichsäge", price="66.13")
    StockLevelFactory(store=store, product=product, on_hand=2)
    order = place(lines=[LineInput("SAW-1", 1)], payment_method="sepa_debit", sepa=_sepa()).order

    order_collected(order, clerk)
    payment_calls_perform()

    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.decline_reason) == (
        "returned",
        "direct debit returned by the bank (sandbox)",
    )
    assert order_payment_status(order=Order.objects.get(pk=order.pk)).state == "returned"


def test_a_returned_debit_stands_out_in_the_customers_journey_for_the_hotline(
    place, store, clerk, client
):
    product = ProductFactory(sku="SAW-1", name="Stichsäge", price="66.13")
    StockLevelFactory(store=store, product=product, on_hand=2)
    order = place(lines=[LineInput("SAW-1", 1)], payment_method="sepa_debit", sepa=_sepa()).order
    order_collected(order, clerk)
    payment_calls_perform()
    agent = UserFactory(username="agent")
    agent.groups.add(Group.objects.get_or_create(name=HOTLINE_AGENTS_GROUP)[0])
    client.force_login(agent)

    entries = customer_timeline(customer=order.customer)
    page = client.get(
        reverse("hotline:customer", args=[order.customer_id]), HTTP_ACCEPT_LANGUAGE="en"
    )

    returned = [entry for entry in entries if entry.kind == "payment_debit_returned"]
    assert [(entry.channel, entry.order_number) for entry in returned] == [
        ("payment", order.number)
    ]
    assert entries[-1].kind == "payment_debit_returned"
    first = page.context["timeline"][0]
    assert (first.kind, first.channel_label, first.title, first.problem) == (
        "payment_debit_returned",
        "Payment",
        f"Direct debit of order {order.number} returned by the bank: "
        "direct debit returned by the bank (sandbox)",
        True,
    )


def test_a_debit_submitted_without_a_return_puts_nothing_on_the_journey(place_sepa, stocked, clerk):
    order = order_collected(place_sepa().order, clerk)
    payment_calls_perform()

    entries = customer_timeline(customer=order.customer)

    assert Payment.objects.get(order=order).state == "submitted"
    assert not [entry for entry in entries if entry.kind.startswith("payment_")]


NO_SEPA = object()
BAD_DETAILS = {
    "checksum": ({"iban": "DE89 3704 0044 0532 0130 01"}, "invalid_iban", "sepa.iban", "checksum"),
    "length": ({"iban": "DE89 3704 0044 0532 0130 0"}, "invalid_iban", "sepa.iban", "length"),
    "unknown-country": ({"iban": "XX89 3704 0044 0532 0130 00"}, "invalid_iban", "sepa.iban", "country"),
    "outside-sepa": ({"iban": "BR1800360305000010009795493C1"}, "invalid_iban", "sepa.iban", "country"),
    "empty": ({"iban": ""}, "invalid_iban", "sepa.iban", "format"),
    "garbage": ({"iban": "DE89-3704-0044-0532-0130-00-€"}, "invalid_iban", "sepa.iban", None),
    "no-holder": ({"account_holder": "  "}, "invalid", "sepa.account_holder", None),
    "long-holder": ({"account_holder": "x" * 71}, "invalid", "sepa.account_holder", None),
    "not-accepted": ({"mandate_accepted": False}, "mandate_not_accepted", "sepa.mandate_accepted", None),
    "no-account": (NO_SEPA, "invalid", "sepa", None),
}  # fmt: skip


@pytest.mark.parametrize(
    ("changes", "code", "field", "reason"), BAD_DETAILS.values(), ids=BAD_DETAILS
)
def test_bad_direct_debit_details_are_refused_naming_the_field_and_nothing_is_written(
    place, stocked, changes, code, field, reason
):
    sepa = None if changes is NO_SEPA else _sepa(**changes)

    with pytest.raises(Exception) as refused:  # noqa: PT011 - the code is what is asserted
        place(payment_method="sepa_debit", sepa=sepa)

    assert (refused.value.code, refused.value.status) == (code, 400)
    assert list(refused.value.fields) == [field]
    if reason:
        assert refused.value.field_codes == {field: reason}
    assert _nothing_written()


STATUSES = {
    "card-placed": ("card", [], "authorized", "Card: the amount is reserved on your card and charged only when you collect."),
    "card-cancelled": ("card", ["cancel"], "nothing_charged", "Card: nothing has been charged; any reservation is released."),
    "card-collected": ("card", ["collect"], "captured", "Card: paid."),
    "sepa-placed": ("sepa_debit", [], "mandated", "Direct debit: the amount is debited from your account only after you collect."),
    "sepa-collected": ("sepa_debit", ["collect"], "submitted", "Direct debit: submitted after you collected; it shows on your account within a few days."),
    "store-placed": ("pay_in_store", [], "due_at_pickup", "Pay in store when you collect."),
    "store-collected": ("pay_in_store", ["collect"], "paid_in_store", "Paid in store."),
    "store-cancelled": ("pay_in_store", ["cancel"], "nothing_charged", "Nothing to pay."),
}  # fmt: skip


@pytest.mark.parametrize(("method", "steps", "state", "text"), STATUSES.values(), ids=STATUSES)
def test_the_payment_status_follows_the_payment_and_the_order(
    place, stocked, clerk, method, steps, state, text
):
    order = place(payment_method=method, sepa=_sepa() if method == "sepa_debit" else None).order
    payment_calls_perform()
    for step in steps:
        if step == "cancel":
            order_cancel(order=order, by=None, reason="changed my mind")
        else:
            order_collected(Order.objects.get(pk=order.pk), clerk)
    payment_calls_perform()

    status = order_payment_status(order=Order.objects.get(pk=order.pk))

    assert (status.method, status.state, str(status.text)) == (method, state, text)


def test_a_cancelled_card_order_never_reads_as_paid_even_before_the_void_went_out(place, stocked):
    order = place().order
    payment_calls_perform()

    order_cancel(order=order, by=None, reason="changed my mind")

    assert Payment.objects.get(order=order).state == "authorized"
    assert order_payment_status(order=Order.objects.get(pk=order.pk)).state == "nothing_charged"

from decimal import Decimal

import pytest
from django.utils import timezone

from inventory.models import StockLevel
from messaging.models import Notification
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import (
    LineInput,
    order_cancel,
    order_hand_over,
    order_mark_ready,
    order_start_picking,
)
from outbox.services import TransientDeliveryError
from payments.gateways import PaymentDeclined, SandboxGateway
from payments.models import Payment, SideEffect
from payments.services import payment_refund, side_effect_perform
from tests.inventory.factories import ProductFactory, StockLevelFactory

pytestmark = pytest.mark.django_db


def _perform(kind: str) -> str:
    side_effect = SideEffect.objects.get(kind=kind)
    return side_effect_perform(side_effect_id=side_effect.pk)


def test_the_sandbox_declines_amounts_ending_in_13_cents_and_approves_others():
    gateway = SandboxGateway()

    approved = gateway.authorize(
        amount=Decimal("89.90"), currency="EUR", order_number="A", idempotency_key="k1"
    )

    assert approved.reference == "sandbox-auth-k1"
    with pytest.raises(PaymentDeclined):
        gateway.authorize(
            amount=Decimal("66.13"), currency="EUR", order_number="A", idempotency_key="k2"
        )


def test_an_approved_authorization_records_the_provider_reference(place, stocked):
    order = place().order

    outcome = _perform("payment_authorize")

    payment = Payment.objects.get(order=order)
    assert outcome == "done"
    assert (payment.state, payment.provider_reference) == (
        "authorized",
        f"sandbox-auth-authorize:{order.number}",
    )


def test_performing_a_side_effect_twice_calls_the_provider_once(place, stocked):
    place()
    _perform("payment_authorize")

    outcome = _perform("payment_authorize")

    assert outcome == "done"
    assert SideEffect.objects.get().attempts == 1


def test_a_declined_authorization_cancels_the_order_and_releases_its_stock(place, store):
    product = ProductFactory(sku="SAW-1", name="Stichsäge", price="66.13")
    level = StockLevelFactory(store=store, product=product, on_hand=2)
    order = place(lines=[LineInput("SAW-1", 1)]).order
    assert StockLevel.objects.get(pk=level.pk).reserved == 1

    _perform("payment_authorize")

    order.refresh_from_db()
    assert (order.state, order.cancel_reason) == ("cancelled", "payment_declined")
    assert Payment.objects.get(order=order).state == "declined"
    assert StockLevel.objects.get(pk=level.pk).reserved == 0
    assert Notification.objects.filter(template="cancelled").count() == 1


def test_hand_over_captures_the_authorized_amount_after_commit(place, stocked, clerk):
    order = place().order
    _perform("payment_authorize")
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))

    _perform("payment_capture")

    payment = Payment.objects.get(order=order)
    assert (payment.state, payment.amount_captured) == ("captured", Decimal("89.90"))


def test_cancelling_voids_an_authorized_payment(place, stocked):
    order = place().order
    _perform("payment_authorize")

    order_cancel(order=order, by=None, reason="changed my mind")
    _perform("payment_void")

    assert Payment.objects.get(order=order).state == "voided"
    assert Order.objects.get(pk=order.pk).state == "cancelled"


def test_cancelling_before_the_authorization_ran_voids_without_authorizing(place, stocked):
    order = place().order

    order_cancel(order=order, by=None, reason="changed my mind")
    _perform("payment_void")

    assert Payment.objects.get(order=order).state == "voided"
    assert SideEffect.objects.get(kind="payment_authorize").status == "done"
    assert _perform("payment_authorize") == "done"
    assert Payment.objects.get(order=order).state == "voided"


def test_cancelling_needs_a_reason_and_changes_nothing_without_one(place, stocked):
    order = place().order

    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_cancel(order=order, by=None, reason=" ")

    assert refused.value.code == "reason_required"
    assert Order.objects.get(pk=order.pk).state == "reserved"
    assert not SideEffect.objects.filter(kind="payment_void").exists()


@pytest.fixture
def collected(place, stocked, clerk):
    order = place(lines=[LineInput("DRILL-18V", 1), LineInput("BITS-32", 2)]).order
    _perform("payment_authorize")
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))
    _perform("payment_capture")
    return order


def test_a_refund_is_queued_once_per_reference_and_adds_up_to_a_full_refund(collected):
    first = payment_refund(order=collected, amount=Decimal("25.00"), reference="RMA-1")
    again = payment_refund(order=collected, amount=Decimal("25.00"), reference="RMA-1")
    side_effect_perform(side_effect_id=first.pk)

    partly = Payment.objects.get(order=collected)
    rest = payment_refund(order=collected, amount=Decimal("89.90"), reference="RMA-2")
    side_effect_perform(side_effect_id=rest.pk)

    assert first == again
    assert (partly.state, partly.amount_refunded) == ("captured", Decimal("25.00"))
    payment = Payment.objects.get(order=collected)
    assert (payment.state, payment.amount_refunded) == ("refunded", Decimal("114.90"))


@pytest.mark.parametrize(
    ("amount", "reference", "code"),
    [
        (Decimal("0.00"), "RMA-1", "invalid_amount"),
        (Decimal("-5"), "RMA-1", "invalid_amount"),
        (Decimal("114.91"), "RMA-1", "invalid_amount"),
        ("lots", "RMA-1", "invalid_amount"),
        (Decimal("10"), "", "invalid"),
    ],
)
def test_a_bad_refund_is_refused_and_queues_nothing(collected, amount, reference, code):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        payment_refund(order=collected, amount=amount, reference=reference)

    assert refused.value.code == code
    assert not SideEffect.objects.filter(kind="payment_refund").exists()


def test_an_order_never_charged_cannot_be_refunded(place, stocked):
    order = place(payment_method="pay_in_store").order

    with pytest.raises(Exception) as refused:  # noqa: PT011
        payment_refund(order=order, amount=Decimal("1.00"), reference="RMA-1")

    assert refused.value.code == "payment_not_refundable"


def test_a_payment_provider_outage_keeps_the_authorization_pending_and_retries_it_later(
    place, stocked, settings
):
    settings.PAYMENT_GATEWAY = "tests.orders.backends.UnreachablePaymentGateway"
    order = place().order

    with pytest.raises(TransientDeliveryError):
        _perform("payment_authorize")

    side_effect = SideEffect.objects.get(kind="payment_authorize")
    assert (side_effect.status, side_effect.attempts) == ("pending", 1)
    assert side_effect.last_error.endswith("payment provider unreachable")
    assert side_effect.next_attempt_at > timezone.now()
    assert Payment.objects.get(order=order).state == "pending"
    assert Order.objects.get(pk=order.pk).state == "reserved"

    settings.PAYMENT_GATEWAY = "payments.gateways.SandboxGateway"
    SideEffect.objects.filter(pk=side_effect.pk).update(next_attempt_at=timezone.now())

    assert _perform("payment_authorize") == "done"
    assert Payment.objects.get(order=order).state == "authorized"
    assert SideEffect.objects.get(pk=side_effect.pk).attempts == 2

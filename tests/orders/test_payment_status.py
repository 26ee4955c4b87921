"""How a payment stands, in words (orders.payment_status): a free replacement says it is free,
and a collected card order whose capture is still in the outbox says the capture is under way."""

import pytest
from django.utils import translation

from orders.models import Order
from orders.selectors import order_payment_status
from orders.services import order_cancel
from payments.models import Payment, SideEffect
from tests.orders.steps import order_collected, payment_calls_perform

pytestmark = pytest.mark.django_db


def _status(order):
    return order_payment_status(order=Order.objects.select_related("payment").get(pk=order.pk))


@pytest.mark.parametrize("steps", [[], ["collect"]], ids=["reserved", "collected"])
def test_a_replacement_order_says_it_is_a_free_replacement_with_nothing_to_pay(
    place, stocked, clerk, steps
):
    order = place(kind="replacement", channel="hotline", payment_method="pay_in_store").order
    for _step in steps:
        order_collected(order, clerk)

    status = _status(order)

    assert (status.method, status.state) == ("pay_in_store", "free_replacement")
    assert str(status.text) == "Free replacement: nothing to pay."


def test_a_cancelled_replacement_order_still_says_nothing_to_pay(place, stocked):
    order = place(kind="replacement", channel="hotline", payment_method="pay_in_store").order
    order_cancel(order=order, by=None, reason="customer keeps the old one")

    assert _status(order).state == "free_replacement"


def test_a_replacement_order_says_it_is_free_in_german(place, stocked):
    order = place(kind="replacement", channel="hotline", payment_method="pay_in_store").order

    with translation.override("de"):
        text = str(_status(order).text)

    assert text == "Kostenloser Ersatz: nichts zu bezahlen."


def test_a_standard_order_paid_in_store_is_still_due_at_pickup(place, stocked):
    order = place(payment_method="pay_in_store").order

    assert _status(order).state == "due_at_pickup"


def test_a_collected_card_order_says_the_capture_is_in_progress_until_the_worker_captured(
    place, stocked, clerk
):
    order = place(payment_method="card").order
    payment_calls_perform()  # authorized
    order_collected(Order.objects.get(pk=order.pk), clerk)

    before = _status(order)
    payment_calls_perform()  # the queued capture goes out
    after = _status(order)

    assert Payment.objects.get(order=order).state == "captured"
    assert (before.state, str(before.text)) == (
        "capture_pending",
        "Card: you collected; the amount is being charged now.",
    )
    assert (after.state, str(after.text)) == ("captured", "Card: paid.")


def test_a_collected_card_order_still_waiting_for_its_authorization_says_capture_in_progress(
    place, stocked, clerk
):
    order = place(payment_method="card").order

    order_collected(order, clerk)

    assert Payment.objects.get(order=order).state == "pending"
    assert _status(order).state == "capture_pending"


def test_a_capture_that_failed_for_good_says_the_card_was_not_charged_yet(place, stocked, clerk):
    order = place(payment_method="card").order
    payment_calls_perform()
    order_collected(Order.objects.get(pk=order.pk), clerk)

    SideEffect.objects.filter(order=order, kind="payment_capture").update(status="failed")

    status = _status(order)
    assert (status.state, str(status.text)) == (
        "capture_failed",
        "Card: the amount is reserved on your card and has not been charged yet.",
    )


def test_the_capture_wording_in_german(place, stocked, clerk):
    order = place(payment_method="card").order
    payment_calls_perform()
    order_collected(Order.objects.get(pk=order.pk), clerk)

    with translation.override("de"):
        text = str(_status(order).text)

    assert text == "Karte: Sie haben abgeholt; der Betrag wird jetzt belastet."


def test_an_authorized_card_order_not_yet_collected_reads_the_payment_without_a_query(
    place, stocked, django_assert_num_queries
):
    order = place(payment_method="card").order
    payment_calls_perform()
    order = Order.objects.select_related("payment").get(pk=order.pk)

    with django_assert_num_queries(0):
        status = order_payment_status(order=order)

    assert status.state == "authorized"

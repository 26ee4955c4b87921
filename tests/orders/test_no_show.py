import datetime

import pytest

from inventory.models import Reservation
from messaging.models import Notification
from orders.models import Order
from orders.services import (
    order_expire,
    order_mark_ready,
    order_start_picking,
    orders_expire_due,
    orders_remind_due,
)
from payments.models import Payment, SideEffect
from payments.services import side_effect_perform

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def waiting(place, stocked, clerk):
    order = place().order
    side_effect_perform(side_effect_id=SideEffect.objects.get(kind="payment_authorize").pk)
    order_start_picking(order=order, by=clerk)
    return order_mark_ready(order=order, by=clerk)


def test_a_ready_order_is_held_for_the_stores_hold_days_with_a_reminder_a_day_before(waiting):
    assert waiting.hold_until == waiting.ready_at + 7 * DAY
    assert waiting.reminder_due_at == waiting.hold_until - DAY


def test_nothing_is_due_before_the_reminder_time(waiting):
    now = waiting.reminder_due_at - datetime.timedelta(minutes=1)

    assert orders_remind_due(now=now) == 0
    assert orders_expire_due(now=now) == 0
    assert Order.objects.get(pk=waiting.pk).state == "ready_for_pickup"


def test_the_no_show_gets_a_reminder_then_expires_its_stock_back_and_payment_voided(
    waiting, stocked
):
    reminded = orders_remind_due(now=waiting.reminder_due_at)
    reminded_again = orders_remind_due(now=waiting.reminder_due_at + datetime.timedelta(hours=1))

    expired = orders_expire_due(now=waiting.hold_until)
    side_effect_perform(side_effect_id=SideEffect.objects.get(kind="payment_void").pk)

    assert (reminded, reminded_again, expired) == (1, 0, 1)
    order = Order.objects.get(pk=waiting.pk)
    assert (order.state, order.expired_at, order.reminder_sent_at) == (
        "expired",
        waiting.hold_until,
        waiting.reminder_due_at,
    )
    stocked["drill"].refresh_from_db()
    assert (stocked["drill"].on_hand, stocked["drill"].reserved) == (5, 0)
    assert list(Reservation.objects.values_list("state", flat=True)) == ["released"]
    assert Payment.objects.get(order=order).state == "voided"
    assert list(
        Notification.objects.filter(order=order).order_by("pk").values_list("template", flat=True)
    ) == ["confirmation", "ready", "reminder", "expired"]
    assert list(order.transitions.values_list("transition", flat=True)) == [
        "place",
        "reserve",
        "start_picking",
        "mark_ready",
        "expire",
    ]


def test_an_order_is_not_expired_before_its_hold_ends(waiting):
    with pytest.raises(Exception) as refused:  # noqa: PT011
        order_expire(order_id=waiting.pk, now=waiting.hold_until - datetime.timedelta(seconds=1))

    assert refused.value.code == "hold_not_over"
    assert Order.objects.get(pk=waiting.pk).state == "ready_for_pickup"


def test_a_hold_shorter_than_the_reminder_lead_sends_no_separate_reminder(
    place, store, stocked, clerk
):
    store.pickup_hold_days = 1
    store.save()
    order = place().order
    order_start_picking(order=order, by=clerk)

    order = order_mark_ready(order=order, by=clerk)

    assert order.reminder_due_at is None
    assert orders_remind_due(now=order.hold_until) == 0
    assert orders_expire_due(now=order.hold_until) == 1

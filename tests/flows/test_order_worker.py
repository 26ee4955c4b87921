"""Order side effects delivered by a real Celery worker process on Redis and PostgreSQL."""

import contextlib
import datetime

import pytest
from django.utils import timezone

from messaging.models import Notification
from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_hand_over, order_mark_ready, order_start_picking
from outbox.services import outbox_relay
from payments.models import Payment
from tests.orders.factories import OrderFactory
from tests.support.services import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def _status(notification_filter: dict) -> str | None:
    return (
        Notification.objects.filter(**notification_filter).values_list("status", flat=True).first()
    )


def test_the_worker_sends_the_confirmation_authorizes_and_after_hand_over_captures(
    celery_worker_process, place, stocked, clerk
):
    order = place().order

    assert wait_until(lambda: _status({"order": order, "template": "confirmation"}) == "sent")
    assert wait_until(lambda: Payment.objects.get(order=order).state == "authorized")

    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    assert wait_until(lambda: _status({"order": order, "template": "ready"}) == "sent")
    order_hand_over(order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order))

    assert wait_until(lambda: Payment.objects.get(order=order).state == "captured")
    assert Order.objects.get(pk=order.pk).state == "collected"


def test_the_relay_sends_a_message_whose_enqueue_was_lost(celery_worker_process, store, settings):
    # What a crash between commit and enqueue leaves behind: a committed row, no broker message.
    now = timezone.now()
    order = OrderFactory(pickup_store=store, state=Order.State.RESERVED)
    lost = Notification.objects.create(
        order=order,
        customer=order.customer,
        channel="email",
        template="confirmation",
        language="de",
        status="queued",
        idempotency_key="lost-message:email",
        next_attempt_at=now - datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS + 1),
    )

    relayed = outbox_relay(now=now)

    assert relayed == 1
    assert wait_until(lambda: _status({"pk": lost.pk}) == "sent")
    assert Notification.objects.get(pk=lost.pk).attempts == 1


@contextlib.contextmanager
def _broker_unreachable():
    """Points this process's producer at a closed port: publishing fails like a Redis outage."""
    from config.celery import app

    reachable = app.conf.broker_write_url
    app.conf.broker_write_url = "redis://127.0.0.1:1/0"
    app._pool = None
    app.amqp._producer_pool = None
    try:
        yield
    finally:
        app.conf.broker_write_url = reachable
        app._pool = None
        app.amqp._producer_pool = None


def test_an_order_placed_while_the_broker_is_down_is_kept_and_its_work_done_once_it_is_back(
    celery_worker_process, place, stocked, settings
):
    with _broker_unreachable():
        order = place().order

    assert Order.objects.get(pk=order.pk).state == "reserved"
    assert _status({"order": order, "template": "confirmation"}) == "queued"
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS)

    relayed = outbox_relay(now=later)

    assert relayed == 2
    assert wait_until(lambda: _status({"order": order, "template": "confirmation"}) == "sent")
    assert wait_until(lambda: Payment.objects.get(order=order).state == "authorized")

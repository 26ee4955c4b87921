"""Queues per kind of work, with real worker processes: a flood of campaign work does not hold
up a shopper's "ready for pickup" message, because each kind has its own queue and worker."""

import pytest

from config.celery import app
from messaging.models import Notification
from orders.services import order_mark_ready, order_start_picking
from tests.support.services import wait_until

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

FLOOD = 200


def _waiting_in(queue: str) -> int:
    with app.connection_for_read() as connection:
        return connection.default_channel.queue_declare(queue=queue, passive=True).message_count


def test_a_flooded_campaign_queue_does_not_delay_a_ready_message(
    worker_factory, place, stocked, clerk
):
    worker_factory(queues="campaigns")
    # Only the messages queue: a ready message routed anywhere else would never arrive.
    worker_factory(queues="messages")
    order = place(payment_method="pay_in_store").order
    for _ in range(FLOOD):
        app.send_task("tests.support.worker_tasks.busy_task", args=[0.2], queue="campaigns")

    order_mark_ready(order=order_start_picking(order=order, by=clerk), by=clerk)

    wait_until(
        lambda: Notification.objects.filter(order=order, template="ready", status="sent").exists(),
        timeout=20,
    )
    # 200 campaign batches of 0.2 s take 40 s on their worker; most of them still wait.
    assert _waiting_in("campaigns") > FLOOD // 2

"""Messages and payment calls through the one outbox, with real worker processes on Redis.

A worker killed while the provider holds the call leaves the row claimed; the broker redelivers
the task, the next worker takes the row once the dead worker's lease ran out, repeats the call
with the same idempotency key, and the provider has exactly one delivery. A row whose enqueue was
lost is found by the relay and delivered through the broker.
"""

import datetime

import pytest
from django.utils import timezone

from config.celery import app
from messaging.models import Notification
from outbox.services import outbox_relay
from payments.models import Payment, SideEffect
from tests.support.services import wait_until
from tests.support.slow_edges import edge_calls, edge_deliveries

pytestmark = [pytest.mark.redis, pytest.mark.slow, pytest.mark.django_db(transaction=True)]

# A task whose worker died comes back after 3 s; the dead worker's claim on the row lasts 2 s.
QUICK_REDELIVERY = {
    "CELERY_VISIBILITY_TIMEOUT": "3",
    "CELERY_UNACKED_RESTORE_INTERVAL": "1",
    "CELERY_UNACKED_RESTORE_THROTTLE": "1",
    "OUTBOX_CLAIM_LEASE_SECONDS": "2",
}
SLOW_MAIL = {"EMAIL_BACKEND": "tests.support.slow_edges.SlowEmailBackend"}
SLOW_GATEWAY = {"PAYMENT_GATEWAY": "tests.support.slow_edges.SlowGateway"}


def test_a_worker_killed_while_sending_a_message_leaves_one_delivered_message(
    worker_factory, place, stocked, tmp_path
):
    dying = worker_factory(
        EDGE_DIR=tmp_path, EDGE_DELAY_SECONDS="60", **SLOW_MAIL, **QUICK_REDELIVERY
    )
    order = place(payment_method="pay_in_store").order
    wait_until(lambda: edge_deliveries(tmp_path, "mail") == 1, timeout=30)

    dying.kill()
    assert Notification.objects.get(order=order).status == "queued"
    worker_factory(EDGE_DIR=tmp_path, **SLOW_MAIL, **QUICK_REDELIVERY)
    notification = wait_until(
        lambda: Notification.objects.filter(order=order, status="sent").first(), timeout=60
    )

    assert notification.attempts == 2
    assert edge_calls(tmp_path, "mail") == [notification.idempotency_key] * 2
    assert edge_deliveries(tmp_path, "mail") == 1


def test_a_worker_killed_while_authorizing_a_payment_leaves_one_authorization(
    worker_factory, place, stocked, tmp_path
):
    dying = worker_factory(
        EDGE_DIR=tmp_path, EDGE_DELAY_SECONDS="60", **SLOW_GATEWAY, **QUICK_REDELIVERY
    )
    order = place(payment_method="card").order
    wait_until(lambda: edge_deliveries(tmp_path, "authorize") == 1, timeout=30)

    dying.kill()
    assert Payment.objects.get(order=order).state == "pending"
    worker_factory(EDGE_DIR=tmp_path, **SLOW_GATEWAY, **QUICK_REDELIVERY)
    payment = wait_until(
        lambda: Payment.objects.filter(order=order, state="authorized").first(), timeout=60
    )

    authorize = SideEffect.objects.get(order=order, kind="payment_authorize")
    assert (authorize.status, authorize.attempts) == ("done", 2)
    assert payment.provider_reference == f"sandbox-auth-{authorize.idempotency_key}"
    assert edge_calls(tmp_path, "authorize") == [authorize.idempotency_key] * 2
    assert edge_deliveries(tmp_path, "authorize") == 1


def test_the_relay_delivers_a_payment_call_whose_broker_message_was_lost(
    worker_factory, place, stocked, settings
):
    order = place(payment_method="card").order
    app.control.purge()  # the broker lost the deliveries; only the rows are left
    worker_factory()
    later = timezone.now() + datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS)

    relayed = outbox_relay(now=later)

    assert relayed == 2  # the confirmation message and the authorization
    assert wait_until(lambda: Payment.objects.get(order=order).state == "authorized")
    assert wait_until(
        lambda: Notification.objects.get(order=order, template="confirmation").status == "sent"
    )
    assert SideEffect.objects.get(order=order, kind="payment_authorize").attempts == 1

import datetime

import pytest
from django.utils import timezone

from messaging.models import Notification
from outbox.services import outbox_relay
from outbox.tasks import outbox_deliver_task

pytestmark = pytest.mark.django_db


def test_the_relay_leaves_rows_within_the_grace_period_and_rows_a_sender_holds(
    place, stocked, settings
):
    place(payment_method="pay_in_store")
    now = timezone.now()
    grace = datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS)

    within_grace = outbox_relay(now=now + grace - datetime.timedelta(seconds=1))
    Notification.objects.update(claimed_until=now + 2 * grace)
    held = outbox_relay(now=now + grace)

    assert (within_grace, held) == (0, 0)


def test_the_relay_leaves_sent_and_failed_rows_alone(place, stocked, settings):
    place(payment_method="pay_in_store")
    Notification.objects.update(status="sent")

    relayed = outbox_relay(now=timezone.now() + datetime.timedelta(days=1))

    assert relayed == 0


def test_the_send_task_retries_a_failing_channel_a_bounded_number_of_times(
    place, stocked, settings
):
    settings.EMAIL_BACKEND = "tests.orders.backends.UnreachableEmailBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 3
    place(payment_method="pay_in_store")
    notification = Notification.objects.get()

    outbox_deliver_task.apply(args=["messaging.Notification", notification.pk])

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == ("failed", 3)
    assert notification.last_error == "ConnectionRefusedError: mail server unreachable"


def test_a_relayed_row_is_not_put_in_the_queue_again_before_another_grace_period(
    place, stocked, settings
):
    place(payment_method="pay_in_store")
    now = timezone.now()
    grace = datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS)

    first = outbox_relay(now=now + grace)
    # Still waiting its turn behind a long queue: the next runs leave it there.
    again_soon = outbox_relay(now=now + grace + datetime.timedelta(seconds=30))
    after_another_grace = outbox_relay(now=now + 2 * grace)

    assert (first, again_soon, after_another_grace) == (1, 0, 1)

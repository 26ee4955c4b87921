"""Claiming an outbox row for one attempt: a free row in one statement, every other case as
before (held by another sender, done, at the bound, gone)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from messaging.models import Notification
from messaging.services import notification_queue
from outbox.services import Claim, TransientDeliveryError, outbox_claim
from tests.orders.factories import CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued():
    now = timezone.now()
    [row] = notification_queue(
        customer=CustomerFactory(), template="newsletter_confirm", key="claim-test", now=now
    )
    return row


def test_a_free_row_is_claimed_in_one_statement_with_its_attempt_counted_and_a_lease(
    queued, settings
):
    now = timezone.now()

    with CaptureQueriesContext(connection) as statements:
        claim = outbox_claim(Notification, queued.pk, now)

    assert claim == Claim(row_id=queued.pk, attempt=1)
    assert len(statements) == 1
    queued.refresh_from_db()
    assert queued.attempts == 1
    assert queued.claimed_until == now + datetime.timedelta(
        seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS
    )


def test_a_row_another_sender_holds_is_not_claimed_and_says_when_to_try_again(queued):
    now = timezone.now()
    outbox_claim(Notification, queued.pk, now)

    with pytest.raises(TransientDeliveryError) as held:
        outbox_claim(Notification, queued.pk, now + datetime.timedelta(seconds=1))

    assert held.value.retry_in > datetime.timedelta(0)
    queued.refresh_from_db()
    assert queued.attempts == 1


def test_a_row_whose_senders_lease_ran_out_is_claimed_again_as_the_next_attempt(queued, settings):
    now = timezone.now()
    outbox_claim(Notification, queued.pk, now)
    later = now + datetime.timedelta(seconds=settings.OUTBOX_CLAIM_LEASE_SECONDS + 1)

    claim = outbox_claim(Notification, queued.pk, later)

    assert claim == Claim(row_id=queued.pk, attempt=2)


def test_a_sent_row_is_not_claimed(queued):
    Notification.objects.filter(pk=queued.pk).update(status=Notification.Status.SENT)

    assert outbox_claim(Notification, queued.pk) is None
    assert Notification.objects.get(pk=queued.pk).attempts == 0


def test_a_row_at_the_bound_is_marked_failed_instead_of_claimed(queued, settings):
    Notification.objects.filter(pk=queued.pk).update(attempts=settings.OUTBOX_MAX_ATTEMPTS)

    assert outbox_claim(Notification, queued.pk) is None
    assert Notification.objects.get(pk=queued.pk).status == Notification.Status.FAILED


def test_a_row_that_is_gone_is_not_claimed():
    assert outbox_claim(Notification, 987654321) is None

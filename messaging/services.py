"""Messages to customers: recorded with the state change that causes them, sent after commit.

`notification_queue` records one outbox row per channel; `notification_deliver` claims a row,
renders and sends it with no transaction open, and records the outcome (see outbox.services for
the claim, the retry policy and the relay).
"""

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils import timezone

from config.db import insert_unless_exists
from customers.models import Channel, Customer
from messaging.models import Notification
from messaging.rendering import MessageNotApplicable, message_send
from outbox.services import (
    outbox_claim,
    outbox_record_done,
    outbox_record_failure,
    outbox_row_enqueue,
)

if TYPE_CHECKING:
    from orders.models import Order

PROMOTION_WINDOW = datetime.timedelta(days=7)


def _promotion_allowed(customer: Customer, channel: str, now: datetime.datetime) -> bool:
    consent = (
        customer.email_promotions_consent
        if channel == Channel.EMAIL
        else customer.sms_promotions_consent
    )
    if not consent:
        return False
    recent = Notification.objects.filter(
        customer=customer,
        promotional=True,
        status__in=[Notification.Status.QUEUED, Notification.Status.SENT],
        created_at__gte=now - PROMOTION_WINDOW,
    ).count()
    return recent < settings.PROMOTIONS_MAX_PER_WEEK


def notification_queue(
    *,
    customer: Customer,
    template: str,
    key: str,
    order: "Order | None" = None,
    context: dict | None = None,
    promotional: bool = False,
    channels: list[str] | None = None,
    now: datetime.datetime | None = None,
) -> list[Notification]:
    """Records one message per channel (e-mail always; SMS too when the customer prefers it and
    has a phone; or exactly `channels`) and queues the send task after commit. Promotional
    messages without consent or over the weekly cap are recorded as suppressed. The same key is
    queued once."""
    now = now or timezone.now()
    if channels is None:
        channels = [Channel.EMAIL]
        if customer.preferred_channel == Channel.SMS and customer.phone:
            channels.append(Channel.SMS)
    created = []
    for channel in channels:
        allowed = not promotional or _promotion_allowed(customer, channel, now)
        notification = Notification(
            idempotency_key=f"{key}:{channel}",
            order=order,
            customer=customer,
            channel=channel,
            template=template,
            language=customer.language,
            promotional=promotional,
            context=context or {},
            status=Notification.Status.QUEUED if allowed else Notification.Status.SUPPRESSED,
            next_attempt_at=now,
        )
        # One INSERT that yields to a row of the same key, instead of get_or_create's savepoint.
        is_new = insert_unless_exists(notification)
        if not is_new:
            notification = Notification.objects.get(idempotency_key=f"{key}:{channel}")
        if is_new and allowed:
            outbox_row_enqueue(notification)
        created.append(notification)
    return created


def notification_deliver(notification_id: int, *, now: datetime.datetime | None = None) -> str:
    """queued → sent (or failed, suppressed); claims the row, sends with no transaction open,
    records the outcome. Raises TransientDeliveryError when the channel failed for now and the
    row has attempts left."""
    claim = outbox_claim(Notification, notification_id, now)
    if claim is None:
        return (
            Notification.objects.filter(pk=notification_id).values_list("status", flat=True).first()
            or "missing"
        )
    notification = Notification.objects.select_related("customer", "order").get(pk=claim.row_id)
    try:
        provider_id = message_send(notification)
    except MessageNotApplicable as reason:
        Notification.objects.filter(pk=claim.row_id).update(
            status=Notification.Status.SUPPRESSED, claimed_until=None, last_error=str(reason)
        )
        return Notification.Status.SUPPRESSED
    except Exception as error:
        return outbox_record_failure(Notification, claim, error)
    outbox_record_done(
        Notification,
        claim,
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:200],
    )
    return Notification.Status.SENT

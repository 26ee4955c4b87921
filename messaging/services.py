"""Messages to customers: recorded with the state change that causes them, sent after commit.

`notification_queue` records one outbox row per channel; `notification_deliver` claims a row,
renders and sends it with no transaction open, and records the outcome (see outbox.services for
the claim, the retry policy and the relay).
"""

import datetime
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import Count
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


# Counts of promotional messages an upper app keeps in its own outbox table (the newsletter's
# campaign mails): customer ids, since -> how many each was queued or sent. The cap adds them up.
PromotionCounter = Callable[[list[int], datetime.datetime], dict[int, int]]
_promotion_counters: list[PromotionCounter] = []


def promotion_counter_register(counter: PromotionCounter) -> None:
    """Makes the weekly cap count what `counter` returns as well."""
    if counter not in _promotion_counters:
        _promotion_counters.append(counter)


def promotions_recent(*, customer_ids: list[int], now: datetime.datetime) -> dict[int, int]:
    """Promotional messages queued or sent to each customer on any channel within
    PROMOTION_WINDOW before `now`: this app's and every registered counter's; one query each."""
    since = now - PROMOTION_WINDOW
    counts = dict.fromkeys(customer_ids, 0)
    rows = (
        Notification.objects.filter(
            customer_id__in=customer_ids,
            promotional=True,
            status__in=[Notification.Status.QUEUED, Notification.Status.SENT],
            created_at__gte=since,
        )
        .values_list("customer_id")
        .annotate(count=Count("pk"))
    )
    for counted in [dict(rows), *(counter(customer_ids, since) for counter in _promotion_counters)]:
        for customer_id, count in counted.items():
            counts[customer_id] += count
    return counts


def promotion_consented(*, customer: Customer, channel: str) -> bool:
    if channel == Channel.EMAIL:
        return customer.email_promotions_consent
    return customer.sms_promotions_consent


def promotions_allowed(
    *, customers: list[Customer], channel: str, now: datetime.datetime
) -> set[int]:
    """The one rule for every promotional message: consent on the channel, and fewer than
    PROMOTIONS_MAX_PER_WEEK promotions of any channel in the window. The ids of `customers`
    who may get one more now."""
    consenting = [c.pk for c in customers if promotion_consented(customer=c, channel=channel)]
    if not consenting:
        return set()
    recent = promotions_recent(customer_ids=consenting, now=now)
    return {pk for pk in consenting if recent[pk] < settings.PROMOTIONS_MAX_PER_WEEK}


def promotion_allowed(*, customer: Customer, channel: str, now: datetime.datetime) -> bool:
    return customer.pk in promotions_allowed(customers=[customer], channel=channel, now=now)


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
        allowed = not promotional or promotion_allowed(customer=customer, channel=channel, now=now)
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
    # The order, if any, is read by its own context provider (orders.messages), with its store.
    notification = Notification.objects.select_related("customer").get(pk=claim.row_id)
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
        promotional=notification.promotional,
    )
    return Notification.Status.SENT

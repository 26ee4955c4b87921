"""The outboxes: messages and other calls to the outside world, recorded with the state change
that causes them and done by a task after commit.

Delivery is at least once. A sender claims a row for a lease (so two tasks for the same row do not
both send), talks to the outside world with no transaction open, then records the outcome. A
sender that dies mid-call leaves a claim that expires; the relay then enqueues the row again, and
the idempotency key lets the provider recognise the repeat.
"""

import datetime
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from orders.models import Channel, Customer, Notification, Order, OutboxStatus, SideEffect
from orders.services.common import enqueue_after_commit

logger = logging.getLogger(__name__)

CLAIM_LEASE = datetime.timedelta(minutes=5)
PROMOTION_WINDOW = datetime.timedelta(days=7)
# Both outboxes call a row given up on "failed".
FAILED = OutboxStatus.FAILED


class TransientDeliveryError(Exception):
    """The outside world did not answer now; the row stays pending and is tried again later."""


@dataclass(frozen=True)
class Claim:
    row_id: int
    attempt: int


def retry_delay(attempt: int) -> datetime.timedelta:
    """Exponential backoff with full jitter, at most 10 minutes."""
    ceiling = min(600, 15 * 2 ** max(attempt - 1, 0))
    return datetime.timedelta(seconds=random.uniform(ceiling / 2, ceiling))  # noqa: S311


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
    order: Order | None = None,
    context: dict | None = None,
    promotional: bool = False,
    now: datetime.datetime | None = None,
) -> list[Notification]:
    """Records one message per channel (e-mail always; SMS too when the customer prefers it and
    has a phone) and queues the send task after commit. Promotional messages without consent or
    over the weekly cap are recorded as suppressed. The same key is queued once."""
    now = now or timezone.now()
    channels = [Channel.EMAIL]
    if customer.preferred_channel == Channel.SMS and customer.phone:
        channels.append(Channel.SMS)
    created = []
    for channel in channels:
        allowed = not promotional or _promotion_allowed(customer, channel, now)
        notification, is_new = Notification.objects.get_or_create(
            idempotency_key=f"{key}:{channel}",
            defaults={
                "order": order,
                "customer": customer,
                "channel": channel,
                "template": template,
                "language": customer.language,
                "promotional": promotional,
                "context": context or {},
                "status": Notification.Status.QUEUED if allowed else Notification.Status.SUPPRESSED,
                "next_attempt_at": now,
            },
        )
        if is_new and allowed:
            enqueue_after_commit("notification_send_task", notification.pk)
        created.append(notification)
    return created


def side_effect_add(
    *,
    order: Order,
    kind: str,
    key: str,
    payload: dict | None = None,
    now: datetime.datetime | None = None,
) -> SideEffect:
    """Records a call to the outside world for after commit and queues its task. Idempotent by
    key."""
    side_effect, is_new = SideEffect.objects.get_or_create(
        idempotency_key=key,
        defaults={
            "order": order,
            "kind": kind,
            "payload": payload or {},
            "next_attempt_at": now or timezone.now(),
        },
    )
    if is_new:
        enqueue_after_commit("side_effect_perform_task", side_effect.pk)
    return side_effect


def _claim(model, row_id: int, pending: str, now: datetime.datetime) -> Claim | None:
    with transaction.atomic():
        row = model.objects.select_for_update().filter(pk=row_id).first()
        if row is None or row.status != pending:
            return None
        if row.claimed_until is not None and row.claimed_until > now:
            return None
        if row.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
            row.status = FAILED
            row.save(update_fields=["status"])
            return None
        row.attempts += 1
        row.claimed_until = now + CLAIM_LEASE
        row.save(update_fields=["attempts", "claimed_until"])
        return Claim(row_id=row.pk, attempt=row.attempts)


def _record_failure(model, claim: Claim, error: Exception) -> None:
    now = timezone.now()
    model.objects.filter(pk=claim.row_id).update(
        claimed_until=None,
        last_error=f"{type(error).__name__}: {error}"[:500],
        next_attempt_at=now + retry_delay(claim.attempt),
        **({"status": FAILED} if claim.attempt >= settings.OUTBOX_MAX_ATTEMPTS else {}),
    )


def notification_deliver(*, notification_id: int, now: datetime.datetime | None = None) -> str:
    """queued → sent (or failed, suppressed); claims the row, sends with no transaction open,
    records the outcome. Raises TransientDeliveryError when the channel failed for now."""
    from orders.notifications import MessageNotApplicable, message_send

    now = now or timezone.now()
    claim = _claim(Notification, notification_id, Notification.Status.QUEUED, now)
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
        _record_failure(Notification, claim, error)
        raise TransientDeliveryError(str(error)) from error
    Notification.objects.filter(pk=claim.row_id).update(
        status=Notification.Status.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:200],
        claimed_until=None,
        last_error="",
    )
    return Notification.Status.SENT


def side_effect_perform(*, side_effect_id: int, now: datetime.datetime | None = None) -> str:
    """pending → done (or failed); claims the row, calls the provider with no transaction open,
    records the outcome. Raises TransientDeliveryError when the provider failed for now."""
    from orders.services.payments import PAYMENT_HANDLERS

    now = now or timezone.now()
    claim = _claim(SideEffect, side_effect_id, OutboxStatus.PENDING, now)
    if claim is None:
        return (
            SideEffect.objects.filter(pk=side_effect_id).values_list("status", flat=True).first()
            or "missing"
        )
    side_effect = SideEffect.objects.get(pk=claim.row_id)
    handler: Callable[[SideEffect], None] = PAYMENT_HANDLERS[side_effect.kind]
    try:
        handler(side_effect)
    except TransientDeliveryError as error:
        _record_failure(SideEffect, claim, error)
        raise
    SideEffect.objects.filter(pk=claim.row_id).update(
        status=OutboxStatus.DONE, done_at=timezone.now(), claimed_until=None, last_error=""
    )
    return OutboxStatus.DONE


def outbox_relay(*, now: datetime.datetime | None = None, batch: int = 500) -> int:
    """Enqueues again every outbox row still pending a grace period after it was due and not
    claimed by a live sender; the broker may have lost it. Returns how many were enqueued."""
    from orders import tasks

    now = now or timezone.now()
    due = now - datetime.timedelta(seconds=settings.OUTBOX_RELAY_GRACE_SECONDS)
    count = 0
    for model, pending, task in (
        (Notification, Notification.Status.QUEUED, tasks.notification_send_task),
        (SideEffect, OutboxStatus.PENDING, tasks.side_effect_perform_task),
    ):
        ids = list(
            model.objects.filter(status=pending, next_attempt_at__lte=due)
            .exclude(claimed_until__gt=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:batch]
        )
        for row_id in ids:
            try:
                task.delay(row_id)
            except Exception:  # noqa: BLE001 - still no broker: the next relay run tries again
                logger.warning("relay could not enqueue %s(%s)", task.name, row_id)
                return count
            count += 1
    return count

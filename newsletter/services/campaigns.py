"""Campaigns: schedule, start when due, record recipients in batches, deliver each message.

Sending is at least once and reaches nobody twice: a batch records one CampaignMessage per
recipient (UNIQUE campaign + customer) and moves the campaign's cursor in one transaction, so a
worker killed mid-batch leaves nothing behind and the batch runs again from the same cursor.
Each message is an outbox row (outbox.services): claimed, sent with no transaction open with
its idempotency key, retried by the one policy. Consent and the weekly cap of promotions across
every channel (messaging.services.promotion_allowed) are checked when a recipient is recorded,
consent again right before the send, so an unsubscribe is effective at once.
"""

import datetime
import logging
import uuid

from celery import current_app
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from customers.models import Channel, Customer
from messaging.services import promotion_consented, promotions_allowed
from messaging.sms import SmsMessage, sms_backend
from newsletter.exceptions import CampaignIncomplete, CampaignNotEditable
from newsletter.models import Campaign, CampaignMessage
from newsletter.rendering import campaign_render
from newsletter.selectors import campaign_segment
from outbox.services import (
    outbox_claim,
    outbox_record_done,
    outbox_record_failure,
    outbox_row_enqueue,
)

logger = logging.getLogger(__name__)

SEND_DUE_TASK = "newsletter.tasks.campaign_send_due_task"
EDITABLE = (Campaign.State.DRAFT, Campaign.State.SCHEDULED)


def _enqueue_send_due() -> None:
    try:
        current_app.send_task(SEND_DUE_TASK)
    except Exception:  # noqa: BLE001 - the broker may be down; beat runs the task every minute
        logger.warning("could not enqueue the campaign start; beat will")


def _lock(campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)


@transaction.atomic
def campaign_schedule(
    *, campaign_id: int, at: datetime.datetime | None = None, now: datetime.datetime | None = None
) -> Campaign:
    """draft|scheduled → scheduled at `at` (now when None); locks the campaign. A campaign due
    now is started by the worker right after commit, a later one by beat."""
    now = now or timezone.now()
    campaign = _lock(campaign_id)
    if campaign.state not in EDITABLE:
        raise CampaignNotEditable()
    if not campaign.subject_de.strip() or not campaign.body_de.strip():
        raise CampaignIncomplete(fields={"subject_de": ["Required."], "body_de": ["Required."]})
    campaign.state = Campaign.State.SCHEDULED
    campaign.scheduled_at = at or now
    campaign.save(update_fields=["state", "scheduled_at", "updated_at"])
    if campaign.scheduled_at <= now:
        transaction.on_commit(_enqueue_send_due)
    return campaign


@transaction.atomic
def campaign_cancel(*, campaign_id: int) -> Campaign:
    """scheduled|sending → cancelled; locks the campaign. Messages not yet sent are skipped by
    the sender; nothing more is recorded."""
    campaign = _lock(campaign_id)
    if campaign.state not in (Campaign.State.SCHEDULED, Campaign.State.SENDING):
        raise CampaignNotEditable("Only a scheduled or sending campaign can be cancelled.")
    campaign.state = Campaign.State.CANCELLED
    campaign.finished_at = timezone.now()
    campaign.save(update_fields=["state", "finished_at", "updated_at"])
    return campaign


def campaigns_start_due(*, now: datetime.datetime | None = None) -> list[int]:
    """scheduled → sending for every campaign due; counts its segment. Returns the ids of every
    campaign now sending (also those started earlier), for the batches to go on."""
    now = now or timezone.now()
    due = Campaign.objects.filter(state=Campaign.State.SCHEDULED, scheduled_at__lte=now)
    for campaign_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            campaign = _lock(campaign_id)
            if campaign.state != Campaign.State.SCHEDULED:
                continue
            campaign.state = Campaign.State.SENDING
            campaign.started_at = now
            campaign.recipients_total = campaign_segment(campaign=campaign).count()
            campaign.save(update_fields=["state", "started_at", "recipients_total", "updated_at"])
    return list(
        Campaign.objects.filter(state=Campaign.State.SENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def campaign_send_batch(
    *, campaign_id: int, size: int | None = None, now: datetime.datetime | None = None
) -> bool:
    """Records the next `size` recipients of a sending campaign and queues their messages;
    locks the campaign (one batch at a time), then each recipient's customer row (so a message
    queued at the same moment cannot slip past the cap). sending → sent after the last batch.
    Returns whether recipients are left."""
    size = size or settings.NEWSLETTER_BATCH_SIZE
    now = now or timezone.now()
    campaign = _lock(campaign_id)
    if campaign.state != Campaign.State.SENDING:
        return False
    recipients = list(
        campaign_segment(campaign=campaign)
        .filter(pk__gt=campaign.cursor)
        .select_for_update(of=("self",))[:size]
    )
    _record(campaign, recipients, now)
    if recipients:
        campaign.cursor = recipients[-1].pk
    more = len(recipients) == size
    if not more:
        campaign.state = Campaign.State.SENT
        campaign.finished_at = now
    campaign.save(update_fields=["cursor", "state", "finished_at", "updated_at"])
    return more


def _record(campaign: Campaign, recipients: list[Customer], now: datetime.datetime) -> None:
    """One message per recipient not recorded yet: queued when the cap allows, else skipped."""
    recorded = set(
        CampaignMessage.objects.filter(campaign=campaign, customer__in=recipients).values_list(
            "customer_id", flat=True
        )
    )
    new = [customer for customer in recipients if customer.pk not in recorded]
    allowed = promotions_allowed(customers=new, channel=campaign.channel, now=now)
    messages = CampaignMessage.objects.bulk_create(
        [
            CampaignMessage(
                campaign=campaign,
                customer=customer,
                channel=campaign.channel,
                idempotency_key=f"campaign:{campaign.pk}:{customer.pk}",
                next_attempt_at=now,
                status=CampaignMessage.Status.QUEUED
                if customer.pk in allowed
                else CampaignMessage.Status.SKIPPED,
                skip_reason="" if customer.pk in allowed else CampaignMessage.Skip.CAP,
            )
            for customer in new
        ]
    )
    for message in messages:
        if message.status == CampaignMessage.Status.QUEUED:
            outbox_row_enqueue(message)


@transaction.atomic
def campaign_send_test(*, campaign_id: int, address: str) -> CampaignMessage:
    """Queues the campaign to a staff address, as a German-speaking recipient would read it, with
    plain links; counts for nobody."""
    campaign = Campaign.objects.get(pk=campaign_id)
    message = CampaignMessage.objects.create(
        campaign=campaign,
        test_address=address,
        channel=Channel.EMAIL,
        idempotency_key=f"campaign-test:{campaign.pk}:{uuid.uuid4().hex}",
        next_attempt_at=timezone.now(),
    )
    outbox_row_enqueue(message)
    return message


def _skip(message_id: int, reason: str) -> str:
    CampaignMessage.objects.filter(pk=message_id).update(
        status=CampaignMessage.Status.SKIPPED, skip_reason=reason, claimed_until=None
    )
    return CampaignMessage.Status.SKIPPED


def _send(message: CampaignMessage) -> str:
    customer = message.customer
    content = campaign_render(
        message.campaign,
        language=customer.language if customer else "de",
        customer_id=customer.pk if customer else None,
        channel=message.channel,
    )
    if message.channel == Channel.SMS:
        return sms_backend().send(
            SmsMessage(to=customer.phone, body=content.sms, idempotency_key=message.idempotency_key)
        )
    message_id = f"<{uuid.uuid5(uuid.NAMESPACE_URL, message.idempotency_key)}@click-and-collect>"
    email = EmailMultiAlternatives(
        subject=content.subject,
        body=content.text,
        to=[customer.email if customer else message.test_address],
        headers={
            **(content.headers if customer else {}),
            "Message-ID": message_id,
            "X-Idempotency-Key": message.idempotency_key,
        },
    )
    email.attach_alternative(content.html, "text/html")
    email.send()
    return message_id


def campaign_message_deliver(message_id: int, *, now: datetime.datetime | None = None) -> str:
    """queued → sent (or skipped, failed); claims the row, checks the consent again, renders and
    sends with no transaction open, records the outcome. Raises TransientDeliveryError while
    the channel fails and attempts are left."""
    claim = outbox_claim(CampaignMessage, message_id, now)
    if claim is None:
        return (
            CampaignMessage.objects.filter(pk=message_id).values_list("status", flat=True).first()
            or "missing"
        )
    message = CampaignMessage.objects.select_related("campaign", "customer").get(pk=claim.row_id)
    if message.campaign.state == Campaign.State.CANCELLED and message.customer_id:
        return _skip(message.pk, CampaignMessage.Skip.CANCELLED)
    if message.customer_id and not promotion_consented(
        customer=message.customer, channel=message.channel
    ):
        return _skip(message.pk, CampaignMessage.Skip.NO_CONSENT)
    try:
        provider_id = _send(message)
    except Exception as error:
        return outbox_record_failure(CampaignMessage, claim, error)
    outbox_record_done(
        CampaignMessage,
        claim,
        status=CampaignMessage.Status.SENT,
        sent_at=timezone.now(),
        provider_id=provider_id[:200],
    )
    return CampaignMessage.Status.SENT

"""Writes of the newsletter's consent: subscribe (double opt-in), confirm, unsubscribe.

A request records or refreshes the channel's Subscription as pending and queues the
confirmation message (transactional) through messaging's outbox; consent counts from the
confirmation click. Unsubscribing takes effect in the same transaction. Every step adds a
ConsentEvent and the proof (time, address, wording version) stays on the subscription.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from customers.models import E164, Channel, Customer
from customers.services import customer_get_or_create, customer_promotions_consent_set
from messaging.services import notification_queue
from newsletter.exceptions import InvalidAddress, InvalidToken, PhoneRequired, UnknownWording
from newsletter.messages import CONFIRM_TEMPLATE
from newsletter.models import ConsentEvent, Source, Subscription
from newsletter.tokens import confirm_token_read, unsubscribe_token_read
from newsletter.wording import CONSENT_WORDING_CURRENT, CONSENT_WORDINGS

MAX_EMAIL_LENGTH = 254


@dataclass(frozen=True)
class SubscribeInput:
    email: str
    channel: str = Channel.EMAIL
    phone: str = ""
    language: str = "de"
    source: str = Source.API
    wording_version: str = CONSENT_WORDING_CURRENT
    ip: str | None = None


@dataclass(frozen=True)
class Unsubscribed:
    subscription: Subscription
    # False when the channel was already unsubscribed: nothing was written.
    changed: bool


def _clean(request: SubscribeInput) -> SubscribeInput:
    email = (request.email or "").strip()
    try:
        if len(email) > MAX_EMAIL_LENGTH:
            raise ValidationError("too long")
        validate_email(email)
    except ValidationError as error:
        raise InvalidAddress(fields={"email": ["Enter a valid e-mail address."]}) from error
    if request.channel not in Channel.values:
        raise InvalidAddress("Unknown channel.", fields={"channel": ["Choose email or sms."]})
    phone = (request.phone or "").strip()
    if request.channel == Channel.SMS:
        try:
            E164(phone)
        except ValidationError as error:
            raise PhoneRequired(fields={"phone": ["Enter the number as +49…"]}) from error
    if request.wording_version not in CONSENT_WORDINGS:
        raise UnknownWording(fields={"wording_version": ["Unknown version."]})
    language = request.language if request.language in ("de", "en") else "de"
    return SubscribeInput(
        email=email,
        channel=request.channel,
        phone=phone,
        language=language,
        source=request.source,
        wording_version=request.wording_version,
        ip=request.ip,
    )


def _event(subscription: Subscription, action: str, *, at, ip, source: str) -> ConsentEvent:
    return ConsentEvent.objects.create(
        customer_id=subscription.customer_id,
        channel=subscription.channel,
        action=action,
        at=at,
        ip=ip,
        wording_version=subscription.wording_version,
        source=source,
    )


@transaction.atomic
def subscription_request(
    *, request: SubscribeInput, now: datetime.datetime | None = None
) -> Subscription:
    """→ pending (or stays subscribed); locks the customer row, then the subscription; records
    the request as a ConsentEvent and queues the confirmation message on the channel. A
    channel already subscribed is left as it is and sent nothing. Raises before writing on bad
    input."""
    request = _clean(request)
    now = now or timezone.now()
    customer = customer_get_or_create(
        email=request.email, language=request.language, phone=request.phone
    )
    subscription = (
        Subscription.objects.select_for_update()
        .filter(customer=customer, channel=request.channel)
        .first()
    )
    if subscription is not None and subscription.status == Subscription.Status.SUBSCRIBED:
        return subscription
    if subscription is None:
        subscription = Subscription(customer=customer, channel=request.channel)
    subscription.status = Subscription.Status.PENDING
    subscription.source = request.source
    subscription.wording_version = request.wording_version
    subscription.requested_at = now
    subscription.requested_ip = request.ip
    subscription.confirmed_at = subscription.confirmed_ip = None
    subscription.save()
    event = _event(
        subscription, ConsentEvent.Action.REQUESTED, at=now, ip=request.ip, source=request.source
    )
    notification_queue(
        customer=customer,
        template=CONFIRM_TEMPLATE,
        key=f"newsletter-confirm:{event.pk}",
        context={"subscription_id": subscription.pk},
        channels=[request.channel],
        now=now,
    )
    return subscription


@transaction.atomic
def subscription_confirm(
    *, token: str, ip: str | None = None, now: datetime.datetime | None = None
) -> Subscription:
    """pending → subscribed; locks the subscription, then the customer; records the proof and
    sets the customer's consent. A subscription already confirmed is returned unchanged.
    Raises InvalidToken for a forged link or one of an earlier request, ExpiredToken after
    CONFIRM_MAX_AGE."""
    subscription_id, requested = confirm_token_read(token)
    now = now or timezone.now()
    subscription = (
        Subscription.objects.select_for_update()
        .select_related("customer")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        raise InvalidToken()
    if subscription.status == Subscription.Status.SUBSCRIBED:
        return subscription
    if (
        subscription.status != Subscription.Status.PENDING
        or int(subscription.requested_at.timestamp()) != requested
    ):
        raise InvalidToken("This link belongs to an earlier request.")
    customer = Customer.objects.select_for_update().get(pk=subscription.customer_id)
    subscription.status = Subscription.Status.SUBSCRIBED
    subscription.confirmed_at = now
    subscription.confirmed_ip = ip
    subscription.unsubscribed_at = None
    subscription.save()
    _event(subscription, ConsentEvent.Action.CONFIRMED, at=now, ip=ip, source=Source.MAIL)
    customer_promotions_consent_set(customer=customer, channel=subscription.channel, granted=True)
    return subscription


@transaction.atomic
def subscription_unsubscribe(
    *,
    token: str,
    ip: str | None = None,
    source: str = Source.MAIL,
    now: datetime.datetime | None = None,
) -> Unsubscribed:
    """→ unsubscribed at once; locks the customer, then the subscription; withdraws the
    customer's consent on the channel and records the event. Unsubscribing twice writes nothing
    the second time. Raises InvalidToken for a forged link."""
    customer_id, channel = unsubscribe_token_read(token)
    if channel not in Channel.values:
        raise InvalidToken()
    now = now or timezone.now()
    customer = Customer.objects.select_for_update().filter(pk=customer_id).first()
    if customer is None:
        raise InvalidToken()
    subscription = (
        Subscription.objects.select_for_update().filter(customer=customer, channel=channel).first()
    )
    consent = (
        customer.email_promotions_consent
        if channel == Channel.EMAIL
        else customer.sms_promotions_consent
    )
    if subscription is None:
        # Consent given before the newsletter kept proofs (or none at all): keep the withdrawal.
        subscription = Subscription(
            customer=customer,
            channel=channel,
            source=source,
            wording_version="",
            requested_at=now,
            status=Subscription.Status.UNSUBSCRIBED,
        )
    elif subscription.status == Subscription.Status.UNSUBSCRIBED and not consent:
        return Unsubscribed(subscription=subscription, changed=False)
    subscription.status = Subscription.Status.UNSUBSCRIBED
    subscription.unsubscribed_at = now
    subscription.save()
    _event(subscription, ConsentEvent.Action.UNSUBSCRIBED, at=now, ip=ip, source=source)
    if consent:
        customer_promotions_consent_set(customer=customer, channel=channel, granted=False)
    return Unsubscribed(subscription=subscription, changed=True)

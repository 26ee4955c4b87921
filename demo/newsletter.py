"""Demo newsletter: a `marketing` user, consent with its proof for part of the demo customers,
and the campaign "Werkzeugwochen" featuring the cordless drill, sent to those who consented a few
hours before the demo day's orders, with the clicks that led to the orders carrying it."""

import datetime
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from customers.models import Customer
from demo.inventory import DRILL_SKU
from demo.orders import DEMO_EMAIL_DOMAIN
from inventory.models import Product
from newsletter.models import Campaign, CampaignMessage, Source
from newsletter.services import (
    SubscribeInput,
    campaign_click_record,
    campaign_message_deliver,
    campaign_save,
    campaign_schedule,
    campaign_send_batch,
    campaigns_start_due,
    subscription_confirm,
    subscription_request,
)
from newsletter.tokens import click_token, confirm_token
from orders.models import Order
from stores.roles import MARKETING_GROUP

Report = Callable[[str], None]

CODE = "werkzeugwochen"
SUBJECT_DE = "Werkzeugwochen: Akku-Bohrschrauber zum Aktionspreis"
SUBJECT_EN = "Tool weeks: the cordless drill on offer"
BODY_DE = """# Werkzeugwochen

Nur diese Woche: der **Akku-Bohrschrauber 18V** mit zwei Akkus im Koffer – online bestellen,
im Markt abholen, erst bei der Abholung bezahlen.

- Heute bestellt, oft schon heute abholbereit
- Passendes Zubehör gleich mit reservieren

[Jetzt ansehen](/products/AKKU-BS-18V/)"""
BODY_EN = """# Tool weeks

This week only: the **cordless drill 18V** with two batteries in a case – order online, collect
in store, pay only when you collect.

- Ordered today, often ready today
- Reserve the matching accessories too

[Have a look](/products/AKKU-BS-18V/)"""
# How long before the first order of the demo day the newsletter went out.
SENT_BEFORE = datetime.timedelta(hours=3)


def demo_marketing_seed(*, password: str, report: Report) -> None:
    """Creates or updates `marketing`, who edits and sends campaigns."""
    user, _ = get_user_model().objects.update_or_create(
        username="marketing",
        defaults={
            "email": "marketing@example.com",
            "first_name": "Marketing",
            "is_staff": True,
            "is_superuser": False,
            "password": make_password(password),
        },
    )
    user.groups.add(Group.objects.get_or_create(name=MARKETING_GROUP)[0])
    report("users: marketing")


def demo_newsletter_seed(*, report: Report) -> None:
    """Consent, the sent campaign and its clicks, once; a second run finds them."""
    if Campaign.objects.filter(code=CODE).exists():
        report("newsletter: Werkzeugwochen already there")
        return
    customers = list(
        Customer.objects.filter(email__endswith=f"@{DEMO_EMAIL_DOMAIN}").order_by("pk")
    )
    from_campaign = set(Order.objects.filter(campaign=CODE).values_list("customer_id", flat=True))
    first_order = Order.objects.filter(campaign=CODE).order_by("placed_at").first()
    sent_at = (first_order.placed_at if first_order else timezone.now()) - SENT_BEFORE
    consenting = [c for n, c in enumerate(customers) if c.pk in from_campaign or n % 3 == 0]
    for customer in consenting:
        _consent(customer, at=sent_at - datetime.timedelta(days=2))
    campaign = _campaign(sent_at)
    for message_id in CampaignMessage.objects.filter(
        campaign=campaign, status=CampaignMessage.Status.QUEUED
    ).values_list("pk", flat=True):
        campaign_message_deliver(message_id, now=sent_at + datetime.timedelta(minutes=2))
    clicks = _clicks(campaign)
    report(
        f"newsletter: {len(consenting)} subscribers, Werkzeugwochen sent to "
        f"{CampaignMessage.objects.filter(campaign=campaign, status='sent').count()}, "
        f"{clicks} clicks"
    )


def _consent(customer: Customer, *, at: datetime.datetime) -> None:
    subscription = subscription_request(
        request=SubscribeInput(
            email=customer.email, language=customer.language, source=Source.DEMO, ip="192.0.2.10"
        ),
        now=at,
    )
    subscription_confirm(
        token=confirm_token(subscription_id=subscription.pk, requested_at=at),
        ip="192.0.2.10",
        now=at + datetime.timedelta(minutes=4),
    )


@transaction.atomic
def _campaign(sent_at: datetime.datetime) -> Campaign:
    drill = Product.objects.get(sku=DRILL_SKU)
    campaign = campaign_save(
        campaign=Campaign(
            name="Werkzeugwochen",
            code=CODE,
            subject_de=SUBJECT_DE,
            subject_en=SUBJECT_EN,
            body_de=BODY_DE,
            body_en=BODY_EN,
        ),
        by=get_user_model().objects.filter(username="marketing").first(),
    )
    campaign.products.set([drill, *drill.accessories.filter(is_active=True)[:2]])
    campaign_schedule(campaign_id=campaign.pk, at=sent_at, now=sent_at)
    campaigns_start_due(now=sent_at)
    while campaign_send_batch(campaign_id=campaign.pk, now=sent_at):
        pass
    campaign.refresh_from_db()
    return campaign


def _clicks(campaign: Campaign) -> int:
    """Each order carrying the campaign was preceded by its customer's click on the drill."""
    recipients = set(
        CampaignMessage.objects.filter(campaign=campaign, status="sent").values_list(
            "customer_id", flat=True
        )
    )
    count = 0
    for order in Order.objects.filter(campaign=CODE, placed_at__gt=campaign.scheduled_at):
        if order.customer_id not in recipients:
            continue
        token = click_token(
            campaign_id=campaign.pk, customer_id=order.customer_id, target=f"p:{DRILL_SKU}"
        )
        if campaign_click_record(token=token, now=order.placed_at - datetime.timedelta(minutes=9)):
            count += 1
    return count

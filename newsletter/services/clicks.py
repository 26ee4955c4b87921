"""A click on a tracked link: recorded as a touchpoint, answered with where the link goes."""

import datetime
from urllib.parse import urlencode

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from config.exceptions import DomainError
from customers.models import Customer
from inventory.models import Product
from newsletter.models import Campaign, CampaignClick
from newsletter.tokens import click_token_read


@transaction.atomic
def campaign_click_record(*, token: str, now: datetime.datetime | None = None) -> str | None:
    """The shop path the tracked link leads to (a product page carries the campaign's code to
    the checkout and the order), after recording the click; None for a forged token or one
    naming an unknown campaign, customer or product: nothing is recorded then."""
    try:
        campaign_id, customer_id, target = click_token_read(token)
    except DomainError:
        return None
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    customer = Customer.objects.filter(pk=customer_id).first()
    if campaign is None or customer is None:
        return None
    product = None
    if target.startswith("p:"):
        product = Product.objects.filter(sku=target[2:], is_active=True).first()
        if product is None:
            return None
        path = reverse("shop:product", args=[product.sku])
        destination = f"{path}?{urlencode({'campaign': campaign.code})}"
    elif target.startswith("/") and not target.startswith("//"):
        destination = target
    else:
        destination = target if target.startswith(("https://", "http://")) else None
        if destination is None:
            return None
    CampaignClick.objects.create(
        campaign=campaign, customer=customer, product=product, at=now or timezone.now()
    )
    return destination

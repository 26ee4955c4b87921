"""Reads of the newsletter: a customer's consents with their history, a campaign's segment and
its progress."""

from dataclasses import dataclass

from django.db.models import Count, OuterRef, QuerySet, Subquery

from customers.models import Channel, Customer
from newsletter.models import Campaign, CampaignMessage, ConsentEvent, Subscription
from orders.models import Order, OrderLine


@dataclass(frozen=True)
class CustomerConsents:
    email_promotions: bool
    sms_promotions: bool
    subscriptions: list[Subscription]
    history: list[ConsentEvent]


def customer_consents(*, customer: Customer) -> CustomerConsents:
    """The customer's consent per channel as senders read it, each channel's proof and every
    step of the history, oldest first; two queries."""
    return CustomerConsents(
        email_promotions=customer.email_promotions_consent,
        sms_promotions=customer.sms_promotions_consent,
        subscriptions=list(Subscription.objects.filter(customer=customer).order_by("channel")),
        history=list(ConsentEvent.objects.filter(customer=customer).order_by("at", "pk")),
    )


NOT_BOUGHT = [Order.State.CANCELLED, Order.State.EXPIRED]


def campaign_segment(*, campaign: Campaign) -> QuerySet[Customer]:
    """The customers a campaign is for, by id: consent on its channel (and a phone for SMS),
    then every segment condition set. The weekly cap is checked per recipient when sending."""
    customers = Customer.objects.all()
    if campaign.channel == Channel.SMS:
        customers = customers.filter(sms_promotions_consent=True).exclude(phone="")
    else:
        customers = customers.filter(email_promotions_consent=True)
    if campaign.segment_language:
        customers = customers.filter(language=campaign.segment_language)
    if campaign.segment_store_id:
        latest_store = Subquery(
            Order.objects.filter(customer=OuterRef("pk"))
            .order_by("-placed_at", "-pk")
            .values("pickup_store_id")[:1]
        )
        customers = customers.annotate(latest_store=latest_store).filter(
            latest_store=campaign.segment_store_id
        )
    bought = OrderLine.objects.exclude(order__state__in=NOT_BOUGHT)
    if campaign.segment_product_id:
        customers = customers.filter(
            pk__in=bought.filter(product_id=campaign.segment_product_id).values(
                "order__customer_id"
            )
        )
    if campaign.segment_category:
        customers = customers.filter(
            pk__in=bought.filter(product__category__iexact=campaign.segment_category).values(
                "order__customer_id"
            )
        )
    return customers.order_by("pk")


@dataclass(frozen=True)
class CampaignProgress:
    total: int
    recorded: int
    sent: int
    skipped: int
    failed: int

    @property
    def done(self) -> int:
        return self.sent + self.skipped + self.failed

    @property
    def percent(self) -> int:
        if not self.total:
            return 100 if self.recorded else 0
        return min(100, round(100 * self.done / self.total))


def campaign_progress(*, campaign: Campaign) -> CampaignProgress:
    """How far the sending is: recipients recorded and their messages sent, skipped (no
    consent any more, weekly cap) or failed; one query."""
    counts = dict(
        CampaignMessage.objects.filter(campaign=campaign, customer__isnull=False)
        .values_list("status")
        .annotate(count=Count("pk"))
    )
    return CampaignProgress(
        total=campaign.recipients_total,
        recorded=sum(counts.values()),
        sent=counts.get(CampaignMessage.Status.SENT, 0),
        skipped=counts.get(CampaignMessage.Status.SKIPPED, 0),
        failed=counts.get(CampaignMessage.Status.FAILED, 0),
    )


def campaign_list() -> QuerySet[Campaign]:
    return Campaign.objects.select_related("segment_store", "segment_product")

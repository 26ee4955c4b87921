"""Reads of the newsletter: a customer's consents with their history, a campaign's segment and
its progress, the KPIs per campaign and the orders per day by sales channel and campaign."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from customers.models import Channel, Customer
from newsletter.models import (
    Campaign,
    CampaignClick,
    CampaignMessage,
    ConsentEvent,
    Subscription,
)
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


@dataclass(frozen=True)
class CampaignKpis:
    campaign: Campaign
    sent: int
    clicked: int
    ordered: int
    collected: int
    revenue: Decimal

    @property
    def click_rate(self) -> int:
        return round(100 * self.clicked / self.sent) if self.sent else 0


KPI_CAMPAIGNS_SHOWN = 20


def campaign_kpis(
    *, since: datetime.datetime, until: datetime.datetime, store_ids: list[int] | None = None
) -> list[CampaignKpis]:
    """Per campaign (the latest KPI_CAMPAIGNS_SHOWN sent or sending): messages sent, customers
    who clicked, orders placed with its code in the period (at `store_ids` when given), those
    collected and their revenue. Four queries whatever the number of campaigns."""
    campaigns = list(
        Campaign.objects.exclude(
            state__in=[Campaign.State.DRAFT, Campaign.State.SCHEDULED]
        ).order_by("-started_at", "-pk")[:KPI_CAMPAIGNS_SHOWN]
    )
    ids = [campaign.pk for campaign in campaigns]
    sent = dict(
        CampaignMessage.objects.filter(
            campaign_id__in=ids, customer__isnull=False, status=CampaignMessage.Status.SENT
        )
        .values_list("campaign_id")
        .annotate(count=Count("pk"))
    )
    clicked = dict(
        CampaignClick.objects.filter(campaign_id__in=ids)
        .values_list("campaign_id")
        .annotate(count=Count("customer_id", distinct=True))
    )
    orders = Order.objects.filter(
        campaign__in=[campaign.code for campaign in campaigns],
        placed_at__gte=since,
        placed_at__lt=until,
    )
    if store_ids is not None:
        orders = orders.filter(pickup_store_id__in=store_ids)
    collected_state = Q(state=Order.State.COLLECTED)
    by_code = {
        row["campaign"]: row
        for row in orders.values("campaign").annotate(
            ordered=Count("pk"),
            collected=Count("pk", filter=collected_state),
            revenue=Sum("total", filter=collected_state),
        )
    }
    return [
        CampaignKpis(
            campaign=campaign,
            sent=sent.get(campaign.pk, 0),
            clicked=clicked.get(campaign.pk, 0),
            ordered=by_code.get(campaign.code, {}).get("ordered", 0),
            collected=by_code.get(campaign.code, {}).get("collected", 0),
            revenue=by_code.get(campaign.code, {}).get("revenue") or Decimal("0.00"),
        )
        for campaign in campaigns
    ]


@dataclass(frozen=True)
class DailySeries:
    days: list[datetime.date]
    # key (a sales channel or a campaign code) -> orders per day, in the order of `days`.
    counts: dict[str, list[int]]


def orders_per_day(
    *,
    since: datetime.datetime,
    until: datetime.datetime,
    by: str,
    store_ids: list[int] | None = None,
) -> DailySeries:
    """Orders placed per local day in the period, by sales channel (`by="channel"`) or by
    campaign code (`by="campaign"`, orders without one left out); one query."""
    orders = Order.objects.filter(placed_at__gte=since, placed_at__lt=until)
    if store_ids is not None:
        orders = orders.filter(pickup_store_id__in=store_ids)
    if by == "campaign":
        orders = orders.exclude(campaign="")
    rows = (
        orders.annotate(day=TruncDate("placed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("day", by)
        .annotate(count=Count("pk"))
        .order_by("day")
    )
    first = timezone.localtime(since).date()
    last = timezone.localtime(until).date()
    days = [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    index = {day: n for n, day in enumerate(days)}
    counts: dict[str, list[int]] = {}
    for day, key, count in rows:
        if day in index:
            counts.setdefault(key, [0] * len(days))[index[day]] += count
    return DailySeries(days=days, counts=dict(sorted(counts.items())))

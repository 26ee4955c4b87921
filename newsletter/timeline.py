"""The newsletter's touchpoints on the customer's journey (registered in newsletter/handlers.py):
consent given and withdrawn, each campaign sent to them, each click on a tracked link."""

from django.db.models import QuerySet

from customers.models import Customer
from customers.timeline import TimelineEntry, TouchpointChannel
from newsletter.models import CampaignClick, CampaignMessage, ConsentEvent


def _oldest_first(rows: QuerySet, latest: int | None, at: str) -> list:
    """The rows by (time, pk), every one or the newest `latest`: the same order either way, so
    that the window is the tail of the whole journey even where times are equal."""
    if latest is None:
        return list(rows.order_by(at, "pk"))
    return list(rows.order_by(f"-{at}", "-pk")[:latest])[::-1]


def newsletter_timeline(customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """Consent steps, campaign messages sent and clicks, every one or the newest `latest` of
    each; three queries."""
    entries = [
        TimelineEntry(
            at=event.at,
            kind=f"newsletter_{event.action}",
            channel=TouchpointChannel.NEWSLETTER,
            title=f"Newsletter by {event.channel}: {event.action}",
        )
        for event in _oldest_first(ConsentEvent.objects.filter(customer=customer), latest, "at")
    ]
    sent = _oldest_first(
        CampaignMessage.objects.filter(
            customer=customer, status=CampaignMessage.Status.SENT
        ).select_related("campaign"),
        latest,
        "sent_at",
    )
    entries += [
        TimelineEntry(
            at=message.sent_at,
            kind="newsletter_sent",
            channel=message.channel,
            title=f"Newsletter “{message.campaign.name}” sent by {message.channel}",
            detail=message.campaign.name,
        )
        for message in sent
    ]
    clicks = _oldest_first(
        CampaignClick.objects.filter(customer=customer).select_related("campaign", "product"),
        latest,
        "at",
    )
    entries += [
        TimelineEntry(
            at=click.at,
            kind="newsletter_click",
            channel=TouchpointChannel.NEWSLETTER,
            title=f"Clicked the newsletter “{click.campaign.name}”"
            + (f" ({click.product.name})" if click.product else ""),
            detail=click.campaign.name,
        )
        for click in clicks
    ]
    return entries

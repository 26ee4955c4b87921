"""The messages sent to a customer as touchpoints of their journey (registered in
messaging/handlers.py): each e-mail and SMS actually sent, on its channel."""

from customers.models import Customer
from customers.timeline import TimelineEntry
from messaging.models import Notification


def message_timeline(customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """The messages sent to the customer, every one or the newest `latest`; one query, read as
    plain rows of the columns shown."""
    sent = Notification.objects.filter(customer=customer, status=Notification.Status.SENT)
    columns = ("sent_at", "template", "channel", "order__number")
    if latest is None:
        rows = list(sent.order_by("sent_at", "pk").values_list(*columns))
    else:
        rows = list(sent.order_by("-sent_at", "-pk").values_list(*columns)[:latest])[::-1]
    return [
        TimelineEntry(
            at=sent_at,
            kind=f"message_{template}",
            channel=channel,
            title=f"{template} sent by {channel}",
            order_number=order_number or "",
        )
        for sent_at, template, channel, order_number in rows
    ]

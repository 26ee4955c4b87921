"""The messages sent to a customer as touchpoints of their journey (registered in
messaging/handlers.py): each e-mail and SMS actually sent, on its channel."""

from customers.models import Customer
from customers.timeline import TimelineEntry
from messaging.models import Notification


def message_timeline(customer: Customer) -> list[TimelineEntry]:
    """Every message sent to the customer; one query."""
    sent = (
        Notification.objects.filter(customer=customer, status=Notification.Status.SENT)
        .select_related("order")
        .order_by("sent_at", "pk")
    )
    return [
        TimelineEntry(
            at=notification.sent_at,
            kind=f"message_{notification.template}",
            channel=notification.channel,
            title=f"{notification.template} sent by {notification.channel}",
            order_number=notification.order.number if notification.order else "",
        )
        for notification in sent
    ]

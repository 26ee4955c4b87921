"""Registers the message outbox (the relay watches queued rows, the deliver task sends them) and
the messages sent as touchpoints of the customer's journey."""

from customers.timeline import timeline_provider_register
from messaging.models import Notification
from messaging.services import notification_deliver
from messaging.timeline import message_timeline
from outbox.services import outbox_register

outbox_register(
    model=Notification,
    pending=Notification.Status.QUEUED,
    failed=Notification.Status.FAILED,
    deliver=notification_deliver,
)
timeline_provider_register(message_timeline)

"""Registers the message outbox: the relay watches queued rows, the deliver task sends them."""

from messaging.models import Notification
from messaging.services import notification_deliver
from outbox.services import outbox_register

outbox_register(
    model=Notification,
    pending=Notification.Status.QUEUED,
    failed=Notification.Status.FAILED,
    deliver=notification_deliver,
)

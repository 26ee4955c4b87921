"""The outbox of messages to customers: one row per message and channel.

The order a message is about is named by a string reference: messaging sits below orders and
never imports it; orders registers the context of its templates (`messaging.rendering`).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer, Language
from outbox.models import OutboxRow


class Notification(OutboxRow):
    """Outbox row of one message to one customer; the send task renders and sends it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    order = models.ForeignKey(
        "orders.Order",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("order"),
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("customer")
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    template = models.CharField(_("template"), max_length=40)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    promotional = models.BooleanField(_("promotional"), default=False)
    # Never secrets: the pickup code and the access token are derived again at send time.
    context = models.JSONField(_("context"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    provider_id = models.CharField(_("provider ID"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        db_table = "orders_notification"
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__gte=0), name="notification_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="notification_queued_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.channel} to {self.customer_id} ({self.status})"

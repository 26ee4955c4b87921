"""Consent to promotional messages, per channel, with its proof and its history."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer


class Source(models.TextChoices):
    FOOTER = "footer", _("Shop footer")
    CHECKOUT = "checkout", _("Checkout")
    API = "api", _("API")
    MAIL = "mail", _("Link in a mail")
    DEMO = "demo", _("Demo data")


class Subscription(models.Model):
    """One customer's consent to promotional messages on one channel (double opt-in).

    Consent counts from the confirmation click; the row keeps its proof (when, from which
    address, which wording) and `ConsentEvent` every step. The customer's flag
    (`email_promotions_consent` / `sms_promotions_consent`) is what senders read; only the
    services here change it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for confirmation")
        SUBSCRIBED = "subscribed", _("Subscribed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    wording_version = models.CharField(_("wording version"), max_length=20)
    requested_at = models.DateTimeField(_("requested at"))
    requested_ip = models.GenericIPAddressField(_("requested from"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    confirmed_ip = models.GenericIPAddressField(_("confirmed from"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "channel"], name="subscription_one_per_channel"
            ),
            models.CheckConstraint(
                condition=~Q(status="subscribed") | Q(confirmed_at__isnull=False),
                name="subscription_subscribed_is_confirmed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel} {self.status}"


class ConsentEvent(models.Model):
    """One step of a consent's history; rows are only ever added."""

    class Action(models.TextChoices):
        REQUESTED = "requested", _("Subscription requested")
        CONFIRMED = "confirmed", _("Subscription confirmed")
        UNSUBSCRIBED = "unsubscribed", _("Unsubscribed")

    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="consent_events",
        verbose_name=_("customer"),
    )
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    at = models.DateTimeField(_("at"))
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    wording_version = models.CharField(_("wording version"), max_length=20, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)

    class Meta:
        verbose_name = _("consent event")
        verbose_name_plural = _("consent events")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["customer", "at"], name="consent_event_customer_idx")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.channel} {self.action} {self.at:%Y-%m-%d %H:%M}"

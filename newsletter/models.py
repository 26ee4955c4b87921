"""Consent to promotional messages per channel with its proof and history; campaigns, their
outbox of messages and the clicks on their tracked links."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.models import Channel, Customer
from outbox.models import OutboxRow


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


class Campaign(models.Model):
    """A newsletter: what it says per language, the products it features, whom it reaches
    (segment) and when. Sending records one CampaignMessage per recipient, in batches."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        CANCELLED = "cancelled", _("Cancelled")

    name = models.CharField(_("name"), max_length=120)
    # Carried on the order it leads to (Order.campaign), so no longer than that field.
    code = models.SlugField(_("code"), max_length=64, unique=True)
    subject_de = models.CharField(_("subject (German)"), max_length=150)
    subject_en = models.CharField(_("subject (English)"), max_length=150, blank=True)
    body_de = models.TextField(_("text (German, Markdown)"), max_length=20000)
    body_en = models.TextField(_("text (English, Markdown)"), max_length=20000, blank=True)
    products = models.ManyToManyField(
        "inventory.Product",
        blank=True,
        related_name="+",
        verbose_name=_("featured products"),
    )
    channel = models.CharField(
        _("channel"), max_length=5, choices=Channel.choices, default=Channel.EMAIL
    )
    # The segment: every condition set narrows it; consent on the channel is always required.
    segment_language = models.CharField(
        _("language"), max_length=2, blank=True, choices=[("de", "Deutsch"), ("en", "English")]
    )
    segment_store = models.ForeignKey(
        "stores.Store",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nearest store"),
        help_text=_("Customers whose latest order was for pickup at this store."),
    )
    segment_product = models.ForeignKey(
        "inventory.Product",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bought the product"),
    )
    segment_category = models.CharField(_("bought in the category"), max_length=60, blank=True)
    scheduled_at = models.DateTimeField(_("send at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    recipients_total = models.PositiveIntegerField(_("recipients"), default=0)
    # Sending walks the segment by customer id; the last id recorded so far.
    cursor = models.PositiveBigIntegerField(default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_at__isnull=False),
                name="campaign_scheduled_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CampaignMessage(OutboxRow):
    """Outbox row of one campaign mail or SMS to one recipient; at most one per customer and
    campaign (the database says so), so a batch run twice reaches nobody twice. A test send
    goes to a staff address instead of a customer."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SKIPPED = "skipped", _("Skipped")

    class Skip(models.TextChoices):
        NO_CONSENT = "no_consent", _("No consent")
        CAP = "cap", _("Weekly limit of promotions reached")
        CANCELLED = "cancelled", _("Campaign cancelled")

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="messages", verbose_name=_("campaign")
    )
    customer = models.ForeignKey(
        Customer,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="campaign_messages",
        verbose_name=_("customer"),
    )
    test_address = models.EmailField(_("test address"), blank=True)
    channel = models.CharField(_("channel"), max_length=5, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    skip_reason = models.CharField(_("skipped because"), max_length=12, blank=True)
    provider_id = models.CharField(_("provider ID"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("campaign message")
        verbose_name_plural = _("campaign messages")
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "customer"],
                condition=Q(customer__isnull=False),
                name="campaign_message_once_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(test_address=""),
                name="campaign_message_has_recipient",
            ),
            models.CheckConstraint(
                condition=Q(attempts__gte=0), name="campaign_message_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="queued"),
                name="campaign_message_queued_idx",
            ),
            models.Index(fields=["customer", "created_at"], name="campaign_message_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} to {self.customer_id or self.test_address} ({self.status})"


class CampaignClick(models.Model):
    """A click on a tracked link of a campaign mail: a touchpoint on the customer's timeline."""

    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="clicks", verbose_name=_("campaign")
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="campaign_clicks",
        verbose_name=_("customer"),
    )
    product = models.ForeignKey(
        "inventory.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("product"),
    )
    at = models.DateTimeField(_("at"), db_index=True)

    class Meta:
        verbose_name = _("campaign click")
        verbose_name_plural = _("campaign clicks")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["customer", "at"], name="campaign_click_customer_idx")]

    def __str__(self) -> str:
        return f"{self.campaign_id} by {self.customer_id} at {self.at:%Y-%m-%d %H:%M}"

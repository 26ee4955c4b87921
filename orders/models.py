"""Customers, orders and their lines, the state machine, payments and the outboxes.

Rows here change only through orders.services. Transitions set fields on their own row from values
the service passes in; everything that leaves the database is recorded as an outbox row in the
same transaction and done by a Celery task after commit.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from inventory.models import Product, Transfer
from stores.models import Store
from stores.roles import user_is_agent, user_store_ids

E164 = RegexValidator(r"^\+[1-9][0-9]{6,14}$", _("Enter the phone number as +49… (E.164)."))
PICKUP_CODE_MAX_ATTEMPTS = 5


class Language(models.TextChoices):
    GERMAN = "de", _("Deutsch")
    ENGLISH = "en", _("English")


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Customer(models.Model):
    """One customer however they reach us; the e-mail address is the key, in any letter case."""

    email = models.EmailField(_("e-mail"), max_length=254)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=16, blank=True, validators=[E164])
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.GERMAN
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="customer",
        verbose_name=_("user"),
    )
    # Consent per channel covers promotional messages only; transactional ones always go.
    email_promotions_consent = models.BooleanField(_("e-mail promotions consent"), default=False)
    sms_promotions_consent = models.BooleanField(_("SMS promotions consent"), default=False)
    preferred_channel = models.CharField(
        _("preferred channel"), max_length=5, choices=Channel.choices, default="email"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="customer_email_unique_ci"),
            models.CheckConstraint(
                condition=Q(preferred_channel="email") | ~Q(phone=""),
                name="customer_sms_needs_phone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def staff_of_pickup_store(order: "Order", user) -> bool:
    """Permission of the store's own transitions: a clerk or manager of the pickup store, or an
    administrator."""
    if not (user and user.is_authenticated):
        return False
    return bool(user.is_superuser) or order.pickup_store_id in user_store_ids(user)


def shopper_staff_or_agent(order: "Order", user) -> bool:
    """Permission to cancel: the shopper (anonymous, holding the order's token), its store's
    staff, or a hotline agent."""
    if user is None or not user.is_authenticated:
        return True
    return user_is_agent(user) or staff_of_pickup_store(order, user)


def system_only(order: "Order", user) -> bool:
    """Transitions only the workers take (sourcing, expiry)."""
    return user is None


class Order(ConcurrentTransitionMixin, models.Model):
    class State(models.TextChoices):
        PLACED = "placed", _("Placed")
        SOURCING = "sourcing", _("Sourcing")
        RESERVED = "reserved", _("Reserved")
        PICKING = "picking", _("Picking")
        READY_FOR_PICKUP = "ready_for_pickup", _("Ready for pickup")
        COLLECTED = "collected", _("Collected")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")

    class SalesChannel(models.TextChoices):
        WEB = "web", _("Web shop")
        APP = "app", _("App")
        HOTLINE = "hotline", _("Hotline")
        STORE = "store", _("Store")

    class Kind(models.TextChoices):
        STANDARD = "standard", _("Standard")
        REPLACEMENT = "replacement", _("Replacement")

    class PaymentMethod(models.TextChoices):
        CARD = "card", _("Card (authorized at order, captured at hand-over)")
        PAY_IN_STORE = "pay_in_store", _("Pay in store")

    OPEN_STATES = (
        State.PLACED,
        State.SOURCING,
        State.RESERVED,
        State.PICKING,
        State.READY_FOR_PICKUP,
    )

    number = models.CharField(_("number"), max_length=12, unique=True)
    access_token_salt = models.CharField(_("access token salt"), max_length=32)
    access_token_hash = models.CharField(
        _("access token hash"), max_length=64, help_text=_("sha256 of the shopper's token")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    channel = models.CharField(
        _("channel"), max_length=8, choices=SalesChannel.choices, default="web"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.STANDARD)
    pickup_store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="orders", verbose_name=_("pickup store")
    )
    pickup_slot = models.DateTimeField(_("pickup slot"), null=True, blank=True)
    curbside = models.BooleanField(_("curbside"), default=False)
    allow_transfer = models.BooleanField(_("allow transfer"), default=False)
    state = FSMField(
        _("state"), default=State.PLACED, choices=State.choices, protected=True, db_index=True
    )
    payment_method = models.CharField(
        _("payment method"), max_length=12, choices=PaymentMethod.choices
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    subtotal = models.DecimalField(_("subtotal"), max_digits=10, decimal_places=2, default=0)
    total = models.DecimalField(_("total"), max_digits=10, decimal_places=2, default=0)
    campaign = models.CharField(_("campaign"), max_length=64, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)

    # The pickup code is never stored: it is an HMAC of the server secret, the number, this
    # random salt and the version, so the shopper can be shown it again and a new one is issued
    # by bumping the version. Version 0 means no code has been issued.
    pickup_code_salt = models.CharField(_("pickup code salt"), max_length=32, blank=True)
    pickup_code_version = models.PositiveSmallIntegerField(_("pickup code version"), default=0)
    pickup_code_failed_attempts = models.PositiveSmallIntegerField(
        _("pickup code failed attempts"), default=0
    )
    hand_over_override_reason = models.CharField(
        _("hand over override reason"), max_length=200, blank=True
    )

    sourcing_transfer = models.ForeignKey(
        Transfer,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("sourcing transfer"),
    )

    placed_at = models.DateTimeField(_("placed at"))
    sourcing_started_at = models.DateTimeField(_("sourcing started at"), null=True, blank=True)
    reserved_at = models.DateTimeField(_("reserved at"), null=True, blank=True)
    picking_started_at = models.DateTimeField(_("picking started at"), null=True, blank=True)
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    expired_at = models.DateTimeField(_("expired at"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent at"), null=True, blank=True)

    # Due times the periodic tasks read; nothing waits on long ETAs in the broker.
    ready_by = models.DateTimeField(_("ready by"), null=True, blank=True)
    sourcing_due_at = models.DateTimeField(_("sourcing due at"), null=True, blank=True)
    reminder_due_at = models.DateTimeField(_("reminder due at"), null=True, blank=True)
    hold_until = models.DateTimeField(_("hold until"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-placed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pickup_code_failed_attempts__gte=0),
                name="order_failed_attempts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(subtotal__gte=0) & Q(total__gte=0), name="order_totals_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=["card", "pay_in_store"]),
                name="order_payment_method_known",
            ),
        ]
        indexes = [
            models.Index(fields=["pickup_store", "state"], name="order_store_state_idx"),
            models.Index(
                fields=["sourcing_due_at"],
                condition=Q(state="sourcing"),
                name="order_sourcing_due_idx",
            ),
            models.Index(
                fields=["hold_until"],
                condition=Q(state="ready_for_pickup"),
                name="order_hold_until_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"

    @property
    def hand_over_locked(self) -> bool:
        return self.pickup_code_failed_attempts >= PICKUP_CODE_MAX_ATTEMPTS

    def pickup_code_issued(self) -> bool:
        return self.pickup_code_version > 0

    @transition(field=state, source=State.PLACED, target=State.SOURCING, permission=system_only)
    def source(self, *, now, due_at, ready_by) -> None:
        self.sourcing_started_at = now
        self.sourcing_due_at = due_at
        self.ready_by = ready_by

    @transition(
        field=state,
        source=[State.PLACED, State.SOURCING],
        target=State.RESERVED,
        permission=system_only,
    )
    def reserve(self, *, now, ready_by) -> None:
        self.reserved_at = now
        self.sourcing_due_at = None
        self.ready_by = ready_by

    @transition(
        field=state,
        source=State.RESERVED,
        target=State.PICKING,
        permission=staff_of_pickup_store,
    )
    def start_picking(self, *, now) -> None:
        self.picking_started_at = now

    @transition(
        field=state,
        source=State.PICKING,
        target=RETURN_VALUE(State.SOURCING, State.RESERVED),
        permission=staff_of_pickup_store,
    )
    def report_shortage(self, *, now, resource: bool, due_at=None) -> str:
        if resource:
            self.sourcing_started_at = now
            self.sourcing_due_at = due_at
            self.sourcing_transfer = None
            return self.State.SOURCING
        return self.State.RESERVED

    @transition(
        field=state,
        source=State.PICKING,
        target=State.READY_FOR_PICKUP,
        permission=staff_of_pickup_store,
    )
    def mark_ready(self, *, now, code_salt: str, hold_until, reminder_due_at) -> None:
        self.ready_at = now
        self.pickup_code_salt = code_salt
        self.pickup_code_version += 1
        self.pickup_code_failed_attempts = 0
        self.hold_until = hold_until
        self.reminder_due_at = reminder_due_at

    @transition(
        field=state,
        source=State.READY_FOR_PICKUP,
        target=State.COLLECTED,
        conditions=[pickup_code_issued],
        permission=staff_of_pickup_store,
    )
    def hand_over(self, *, now, override_reason: str = "") -> None:
        self.collected_at = now
        self.hand_over_override_reason = override_reason
        self.hold_until = None
        self.reminder_due_at = None

    @transition(
        field=state,
        source=[
            State.PLACED,
            State.SOURCING,
            State.RESERVED,
            State.PICKING,
            State.READY_FOR_PICKUP,
        ],
        target=State.CANCELLED,
        permission=shopper_staff_or_agent,
    )
    def cancel(self, *, now, reason: str) -> None:
        self.cancelled_at = now
        self.cancel_reason = reason
        self.sourcing_due_at = None
        self.hold_until = None
        self.reminder_due_at = None

    @transition(
        field=state,
        source=State.READY_FOR_PICKUP,
        target=State.EXPIRED,
        permission=system_only,
    )
    def expire(self, *, now) -> None:
        self.expired_at = now
        self.hold_until = None
        self.reminder_due_at = None


class OrderLine(models.Model):
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(_("unit price"), max_digits=10, decimal_places=2)
    quantity_picked = models.PositiveIntegerField(_("quantity picked"), default=0)
    quantity_collected = models.PositiveIntegerField(_("quantity collected"), default=0)
    # Units the store could not supply and the shopper will not get (a shortage without transfer).
    quantity_cancelled = models.PositiveIntegerField(_("quantity cancelled"), default=0)
    # Units still to arrive by transfer from another store.
    quantity_sourcing = models.PositiveIntegerField(_("quantity sourcing"), default=0)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "product"], name="order_line_one_per_sku"),
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="order_line_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(unit_price__gte=0), name="order_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(quantity_picked__gte=0, quantity_picked__lte=F("quantity")),
                name="order_line_picked_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity_collected__gte=0, quantity_collected__lte=F("quantity")),
                name="order_line_collected_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity_cancelled__gte=0, quantity_cancelled__lte=F("quantity")),
                name="order_line_cancelled_within_quantity",
            ),
            models.CheckConstraint(
                condition=Q(quantity_sourcing__gte=0, quantity_sourcing__lte=F("quantity")),
                name="order_line_sourcing_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id}"

    @property
    def reservation_reference(self) -> str:
        return f"order-line:{self.pk}"

    @property
    def quantity_to_supply(self) -> int:
        return self.quantity - self.quantity_cancelled


class OrderTransition(models.Model):
    """The audit row of every state change: who, when, from, to and why."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("order")
    )
    transition = models.CharField(_("transition"), max_length=32)
    source = models.CharField(_("source"), max_length=20, blank=True)
    target = models.CharField(_("target"), max_length=20)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)

    class Meta:
        verbose_name = _("order transition")
        verbose_name_plural = _("order transitions")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.order_id}: {self.source or '-'} -> {self.target} ({self.transition})"


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Authorization pending")
        AUTHORIZED = "authorized", _("Authorized")
        DECLINED = "declined", _("Declined")
        CAPTURED = "captured", _("Captured")
        VOIDED = "voided", _("Voided")
        REFUNDED = "refunded", _("Refunded")

    order = models.OneToOneField(
        Order, on_delete=models.PROTECT, related_name="payment", verbose_name=_("order")
    )
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    amount = models.DecimalField(_("amount"), max_digits=10, decimal_places=2)
    amount_captured = models.DecimalField(
        _("amount captured"), max_digits=10, decimal_places=2, default=0
    )
    amount_refunded = models.DecimalField(
        _("amount refunded"), max_digits=10, decimal_places=2, default=0
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    gateway = models.CharField(_("gateway"), max_length=40)
    provider_reference = models.CharField(_("provider reference"), max_length=100, blank=True)
    decline_reason = models.CharField(_("decline reason"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="payment_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(amount_captured__gte=0, amount_captured__lte=F("amount")),
                name="payment_captured_within_amount",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__gte=0, amount_refunded__lte=F("amount_captured")),
                name="payment_refunded_within_captured",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.state})"


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Notification(models.Model):
    """Outbox row of one message to one customer; the send task renders and sends it."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        SUPPRESSED = "suppressed", _("Suppressed")

    order = models.ForeignKey(
        Order,
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
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    provider_id = models.CharField(_("provider ID"), max_length=200, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    # A sender holds the row until then; a crashed sender's row is taken again after it.
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
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


class SideEffect(models.Model):
    """Outbox row of any other call to the outside world (payment authorize/capture/void)."""

    class Kind(models.TextChoices):
        PAYMENT_AUTHORIZE = "payment_authorize", _("Authorize payment")
        PAYMENT_CAPTURE = "payment_capture", _("Capture payment")
        PAYMENT_VOID = "payment_void", _("Void payment")
        PAYMENT_REFUND = "payment_refund", _("Refund payment")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="side_effects", verbose_name=_("order")
    )
    # Arguments of the call that the order does not hold, e.g. a refund's amount.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    idempotency_key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    next_attempt_at = models.DateTimeField(_("next attempt at"), db_index=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("side effect")
        verbose_name_plural = _("side effects")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__gte=0), name="side_effect_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="side_effect_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for {self.order_id} ({self.status})"

"""Orders and their lines, the state machine and its audit rows.

Rows here change only through orders.services. Transitions set fields on their own row from values
the service passes in; everything that leaves the database (messages, payment calls) is recorded
as an outbox row of its own app in the same transaction and done by a Celery task after commit.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from customers.models import Customer
from inventory.models import Product, Transfer
from stores.models import PICKUP_SLOT_LENGTH, Store
from stores.roles import user_is_agent, user_works_at

PICKUP_CODE_MAX_ATTEMPTS = 5


def staff_of_pickup_store(order: "Order", user) -> bool:
    """Permission of the store's own transitions: a clerk or manager of the pickup store, or an
    administrator."""
    return user is not None and user_works_at(user, order.pickup_store_id)


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
        SEPA_DEBIT = "sepa_debit", _("SEPA direct debit (submitted after hand-over)")

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
    # How the shopper asked to be told (checkout's "notify by"): every message about this order
    # goes on each chosen channel.
    notify_by_email = models.BooleanField(_("notify by e-mail"), default=True)
    notify_by_sms = models.BooleanField(_("notify by SMS"), default=False)
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

    # Set when the store staff cannot solve it alone (a transfer that could not be sent and no
    # other store has the stock): the hotline's "needs attention" list reads it.
    attention_reason = models.CharField(_("attention reason"), max_length=200, blank=True)
    attention_since = models.DateTimeField(_("needs attention since"), null=True, blank=True)

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
                condition=Q(notify_by_email=True) | Q(notify_by_sms=True),
                name="order_notified_on_some_channel",
            ),
            models.CheckConstraint(
                condition=Q(payment_method__in=["card", "pay_in_store", "sepa_debit"]),
                name="order_payment_method_known",
            ),
        ]
        indexes = [
            models.Index(fields=["pickup_store", "state"], name="order_store_state_idx"),
            # The shift page's queues: only the open orders of a store, a few dozen of its
            # tens of thousands (docs/decisions/0013).
            models.Index(
                fields=["pickup_store", "state", "placed_at"],
                condition=Q(
                    state__in=[
                        "placed",
                        "sourcing",
                        "reserved",
                        "picking",
                        "ready_for_pickup",
                    ]
                ),
                name="order_open_store_idx",
            ),
            # The KPI page: a store's orders placed in a period.
            models.Index(fields=["pickup_store", "placed_at"], name="order_store_placed_idx"),
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
        # Shown in titles and breadcrumbs: the state as people say it, never its code.
        return f"{self.number} ({self.get_state_display()})"

    @property
    def notify_channels(self) -> list[str]:
        """The channels every message about this order goes on: "email", "sms" or both."""
        return [
            channel
            for channel, chosen in (("email", self.notify_by_email), ("sms", self.notify_by_sms))
            if chosen
        ]

    @property
    def hand_over_locked(self) -> bool:
        return self.pickup_code_failed_attempts >= PICKUP_CODE_MAX_ATTEMPTS

    @property
    def pickup_slot_ends_at(self):
        return self.pickup_slot + PICKUP_SLOT_LENGTH if self.pickup_slot else None

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
        states = dict(Order.State.choices)
        source = states.get(self.source, self.source) if self.source else "–"
        return f"{source} → {states.get(self.target, self.target)}"

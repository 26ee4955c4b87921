"""Return cases, exchanges and courier bookings.

The Sandbox* tables are the sandbox courier's own side ("the carrier's database"), so every
process sees the same bookings; no production code reads them.
"""

from urllib.parse import quote

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from customers.models import Customer
from inventory.models import Product
from orders.models import Order, OrderLine
from outbox.models import OutboxRow, OutboxStatus
from stores.models import Store


class ReturnCase(ConcurrentTransitionMixin, models.Model):
    """An RMA: items coming back from a collected order, and what the customer gets for them."""

    class State(models.TextChoices):
        OPENED = "opened", _("Opened")
        AWAITING_COURIER = "awaiting_courier", _("Awaiting courier")
        COURIER_BOOKED = "courier_booked", _("Courier booked")
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    class Reason(models.TextChoices):
        DEFECTIVE = "defective", _("Defective")
        WRONG_ITEM = "wrong_item", _("Wrong item")
        DAMAGED = "damaged", _("Damaged")
        NOT_WANTED = "not_wanted", _("Not wanted")

    class Resolution(models.TextChoices):
        REPLACEMENT = "replacement", _("Replacement")
        REFUND = "refund", _("Refund")

    class OpenedBy(models.TextChoices):
        AGENT = "agent", _("Hotline agent")
        STORE = "store", _("Store")
        SHOPPER = "shopper", _("Shopper")

    OPEN_STATES = (
        State.OPENED,
        State.AWAITING_COURIER,
        State.COURIER_BOOKED,
        State.IN_TRANSIT,
        State.RECEIVED,
    )

    number = models.CharField(_("number"), max_length=16, unique=True, help_text=_("RMA number"))
    order = models.ForeignKey(
        Order, on_delete=models.PROTECT, related_name="return_cases", verbose_name=_("order")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="return_cases", verbose_name=_("customer")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    resolution = models.CharField(_("resolution"), max_length=12, choices=Resolution.choices)
    opened_by = models.CharField(_("opened by"), max_length=8, choices=OpenedBy.choices)
    channel = models.CharField(_("channel"), max_length=8, choices=Order.SalesChannel.choices)
    opened_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("opened by user"),
    )
    receiving_store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="return_cases_to_receive",
        verbose_name=_("receiving store"),
    )
    replacement_order = models.OneToOneField(
        Order,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="replacement_for",
        verbose_name=_("replacement order"),
    )
    state = FSMField(
        _("state"), default=State.OPENED, choices=State.choices, protected=True, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    # Set when something went wrong for good (a courier that could not be booked): shown in the
    # hotline queue until an agent deals with it.
    needs_attention = models.BooleanField(_("needs attention"), default=False, db_index=True)
    attention_reason = models.CharField(_("attention reason"), max_length=200, blank=True)
    refunded_amount = models.DecimalField(
        _("refunded amount"), max_digits=10, decimal_places=2, default=0
    )
    opened_at = models.DateTimeField(_("opened at"))
    courier_booked_at = models.DateTimeField(_("courier booked at"), null=True, blank=True)
    in_transit_at = models.DateTimeField(_("in transit at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("return case")
        verbose_name_plural = _("return cases")
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(refunded_amount__gte=0), name="return_refund_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(resolution="refund") | Q(refunded_amount=0),
                name="return_only_refunds_refund",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number} ({self.state})"

    @transition(field=state, source=State.OPENED, target=State.AWAITING_COURIER)
    def await_courier(self) -> None:
        pass

    @transition(field=state, source=State.AWAITING_COURIER, target=State.COURIER_BOOKED)
    def confirm_courier(self, *, now) -> None:
        self.courier_booked_at = now

    # A "picked up" event may overtake our own booking confirmation.
    @transition(
        field=state,
        source=[State.AWAITING_COURIER, State.COURIER_BOOKED],
        target=State.IN_TRANSIT,
    )
    def start_transit(self, *, now) -> None:
        self.in_transit_at = now

    @transition(
        field=state,
        source=[State.OPENED, State.AWAITING_COURIER, State.COURIER_BOOKED, State.IN_TRANSIT],
        target=State.RECEIVED,
    )
    def receive(self, *, now) -> None:
        self.received_at = now

    @transition(field=state, source=State.RECEIVED, target=State.CLOSED)
    def close(self, *, now) -> None:
        self.closed_at = now
        self.needs_attention = False

    @transition(
        field=state,
        source=[State.OPENED, State.AWAITING_COURIER, State.COURIER_BOOKED],
        target=State.CANCELLED,
    )
    def cancel(self, *, now) -> None:
        self.cancelled_at = now


class ReturnLine(models.Model):
    class Condition(models.TextChoices):
        RESELLABLE = "resellable", _("Resellable")
        DEFECTIVE = "defective", _("Defective")

    case = models.ForeignKey(
        ReturnCase, on_delete=models.CASCADE, related_name="lines", verbose_name=_("case")
    )
    order_line = models.ForeignKey(
        OrderLine,
        on_delete=models.PROTECT,
        related_name="return_lines",
        verbose_name=_("order line"),
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    quantity_received = models.PositiveIntegerField(_("quantity received"), default=0)
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, blank=True
    )

    class Meta:
        verbose_name = _("return line")
        verbose_name_plural = _("return lines")
        constraints = [
            models.UniqueConstraint(
                fields=["case", "order_line"], name="return_line_once_per_case"
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="return_quantity_positive"),
            models.CheckConstraint(
                condition=Q(quantity_received__lte=F("quantity")),
                name="return_received_within_quantity",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} ({self.condition or 'not received'})"


class CourierBooking(ConcurrentTransitionMixin, models.Model):
    """A parcel pickup at the customer's address, booked with a courier by a worker."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        BOOKED = "booked", _("Booked")
        PICKED_UP = "picked_up", _("Picked up")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # How far along a booking is; an event never moves it to a lower rank.
    RANK = {
        "requested": 0,
        "booked": 1,
        "picked_up": 2,
        "delivered": 3,
        "failed": 4,
        "cancelled": 4,
    }

    case = models.ForeignKey(
        ReturnCase,
        on_delete=models.PROTECT,
        related_name="courier_bookings",
        verbose_name=_("case"),
    )
    reference = models.CharField(
        _("reference"), max_length=24, unique=True, help_text=_("our id; the carrier's key")
    )
    provider = models.CharField(_("provider"), max_length=16)
    state = FSMField(
        _("state"), default=State.REQUESTED, choices=State.choices, protected=True, db_index=True
    )
    name = models.CharField(_("name"), max_length=120)
    line1 = models.CharField(_("address line 1"), max_length=120)
    line2 = models.CharField(_("address line 2"), max_length=120, blank=True)
    postcode = models.CharField(_("postcode"), max_length=10)
    city = models.CharField(_("city"), max_length=80)
    country = models.CharField(_("country"), max_length=2, default="DE")
    phone = models.CharField(_("phone"), max_length=16, blank=True)
    pickup_date = models.DateField(_("pickup date"))
    window_start = models.TimeField(_("window start"))
    window_end = models.TimeField(_("window end"))
    provider_booking_id = models.CharField(
        _("provider booking ID"), max_length=64, blank=True, db_index=True
    )
    tracking_number = models.CharField(_("tracking number"), max_length=64, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    # While requested: when the next booking attempt is due (the relay's safety net).
    requested_at = models.DateTimeField(_("requested at"))
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    picked_up_at = models.DateTimeField(_("picked up at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    failed_at = models.DateTimeField(_("failed at"), null=True, blank=True)
    last_status_at = models.DateTimeField(_("last status at"), null=True, blank=True)
    next_poll_at = models.DateTimeField(_("next poll at"), null=True, blank=True)

    class Meta:
        verbose_name = _("courier booking")
        verbose_name_plural = _("courier bookings")
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lt=F("window_end")), name="courier_window_starts_first"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_poll_at"],
                condition=Q(state__in=["booked", "picked_up"]),
                name="courier_poll_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.state})"

    @property
    def tracking_url(self) -> str:
        """The carrier's page for this booking (COURIER_TRACKING_URL), once the carrier has
        given it an id; "" before, or when no tracking page is configured."""
        template = settings.COURIER_TRACKING_URL
        if not template or not self.provider_booking_id:
            return ""
        return template.replace("{booking_id}", quote(self.provider_booking_id, safe=""))

    @transition(field=state, source=State.REQUESTED, target=State.BOOKED)
    def confirm(self, *, now, provider_booking_id: str, tracking_number: str, poll_at) -> None:
        self.booked_at = now
        self.next_poll_at = poll_at
        self.provider_booking_id = provider_booking_id
        self.tracking_number = tracking_number
        self.last_error = ""

    @transition(field=state, source=[State.REQUESTED, State.BOOKED], target=State.PICKED_UP)
    def pick_up(self, *, now) -> None:
        self.picked_up_at = now

    @transition(
        field=state, source=[State.REQUESTED, State.BOOKED, State.PICKED_UP], target=State.DELIVERED
    )
    def deliver(self, *, now) -> None:
        self.delivered_at = now
        self.next_poll_at = None

    @transition(
        field=state, source=[State.REQUESTED, State.BOOKED, State.PICKED_UP], target=State.FAILED
    )
    def fail(self, *, now, error: str) -> None:
        self.failed_at = now
        self.last_error = error[:300]
        self.next_poll_at = None

    @transition(field=state, source=[State.REQUESTED, State.BOOKED], target=State.CANCELLED)
    def cancel(self) -> None:
        self.next_poll_at = None


class CourierCall(OutboxRow):
    """Outbox row of booking a courier pickup: recorded with the booking, delivered by the
    outbox's task, retried with the courier's policy (COURIER_RETRY_*, COURIER_BOOKING_MAX_…).
    Our booking reference is the carrier's idempotency key, so a repeated call books once."""

    booking = models.ForeignKey(
        CourierBooking, on_delete=models.CASCADE, related_name="calls", verbose_name=_("booking")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("courier call")
        verbose_name_plural = _("courier calls")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(attempts__gte=0), name="courier_call_attempts_not_negative"
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="courier_call_pending_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"courier call {self.booking_id} ({self.status})"


class CourierEvent(models.Model):
    """Each webhook event once: the unique (provider, event_id) makes a repeat a no-op."""

    provider = models.CharField(_("provider"), max_length=16)
    event_id = models.CharField(_("event id"), max_length=100)
    booking = models.ForeignKey(
        CourierBooking,
        null=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("booking"),
    )
    status = models.CharField(_("status"), max_length=16)
    occurred_at = models.DateTimeField(_("occurred at"))
    received_at = models.DateTimeField(_("received at"), auto_now_add=True)
    applied = models.BooleanField(
        _("applied"), default=False, help_text=_("false when it arrived out of order")
    )

    class Meta:
        verbose_name = _("courier event")
        verbose_name_plural = _("courier events")
        ordering = ["occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="courier_event_once"),
        ]

    def __str__(self) -> str:
        return f"{self.provider}:{self.event_id} {self.status}"


class SandboxCourierPickup(models.Model):
    reference = models.CharField(_("reference"), max_length=64, unique=True)
    provider_booking_id = models.CharField(_("provider booking ID"), max_length=32, unique=True)
    tracking_number = models.CharField(_("tracking number"), max_length=32)
    pickup_date = models.DateField(_("pickup date"))
    window_start = models.TimeField(_("window start"))
    window_end = models.TimeField(_("window end"))
    status = models.CharField(_("status"), max_length=16, default="booked")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox courier pickup")
        verbose_name_plural = _("sandbox courier pickups")

    def __str__(self) -> str:
        return f"{self.provider_booking_id} for {self.reference} ({self.status})"


class SandboxCourierCall(models.Model):
    """One row per book_pickup call, so failures can be injected for the first N calls."""

    reference = models.CharField(_("reference"), max_length=64)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sandbox courier call")
        verbose_name_plural = _("sandbox courier calls")

    def __str__(self) -> str:
        return f"call for {self.reference} at {self.at}"

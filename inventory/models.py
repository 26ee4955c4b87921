"""Catalogue, stock per store, reservations, the stock ledger and transfers between stores.

Stock rows change only through inventory.services, which writes a StockMovement for every change
of on_hand or reserved in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Greatest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from stores.models import Store


class Product(models.Model):
    sku = models.CharField(_("SKU"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=200, help_text=_("German"))
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True, help_text=_("German"))
    description_en = models.TextField(_("description in English"), blank=True)
    category = models.CharField(_("category"), max_length=60, blank=True)
    price = models.DecimalField(
        _("price"), max_digits=10, decimal_places=2, help_text=_("EUR, VAT included")
    )
    gtin = models.CharField(_("GTIN"), max_length=14, blank=True)
    is_active = models.BooleanField(_("is active"), default=True)
    popularity = models.PositiveIntegerField(
        _("popularity"),
        default=0,
        help_text=_("Higher comes first among equally relevant search results (bestsellers)."),
    )
    accessories = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="accessory_of",
        verbose_name=_("accessories"),
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["sku"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="product_price_not_negative"),
            models.UniqueConstraint(
                fields=["gtin"], condition=~Q(gtin=""), name="product_gtin_unique_when_set"
            ),
        ]
        # The search's columns and indexes on PostgreSQL are in migration 0006.
        indexes = [
            # For a broad word ("drill" in a sixth of the catalogue) the planner walks this and
            # stops at the most popular matches instead of fetching every match to sort them.
            models.Index(
                fields=["-popularity", "id"],
                condition=Q(is_active=True),
                name="product_popularity_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sku} {self.name}"

    def name_in(self, language: str) -> str:
        """The name in this language ("de", "en", "en-gb"…); German when there is none."""
        return self.name_en if language.startswith("en") and self.name_en else self.name

    def description_in(self, language: str) -> str:
        """The description in this language; German when there is none."""
        if language.startswith("en") and self.description_en:
            return self.description_en
        return self.description


def promisable(on_hand: int, reserved: int, safety_stock: int) -> int:
    """Available to promise, for a stock level already in memory: the same rule as
    `available_to_promise`, which every query uses."""
    return max(on_hand - reserved - safety_stock, 0)


def available_to_promise(relation: str = "") -> Greatest:
    """Available to promise online, as a database expression: what is neither reserved nor kept
    back as safety stock, never below zero. `relation` reaches the stock level from another model
    (e.g. "stock_levels__"). The one definition every reader uses; the reservation's hand-written
    SQL repeats it as its guard (inventory.services.stock_reserve)."""
    return Greatest(
        F(f"{relation}on_hand") - F(f"{relation}reserved") - F(f"{relation}safety_stock"),
        Value(0),
    )


class StockLevelQuerySet(models.QuerySet):
    def with_available(self) -> "StockLevelQuerySet":
        """Each row annotated with `available_to_promise`."""
        return self.annotate(available_to_promise=available_to_promise())


class StockLevel(models.Model):
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("store")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="stock_levels", verbose_name=_("product")
    )
    on_hand = models.IntegerField(_("on hand"), default=0)
    reserved = models.IntegerField(_("reserved"), default=0)
    safety_stock = models.IntegerField(_("safety stock"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = StockLevelQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["store", "product"], name="stock_level_one_per_store"),
            models.CheckConstraint(
                condition=Q(reserved__gte=0), name="stock_reserved_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=F("on_hand")), name="stock_reserved_within_on_hand"
            ),
            models.CheckConstraint(
                condition=Q(safety_stock__gte=0), name="stock_safety_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["product", "store"], name="stock_product_store_idx")]

    def __str__(self) -> str:
        return (
            f"{self.product_id}@{self.store_id}: {self.on_hand} on hand, {self.reserved} reserved"
        )

    @property
    def available(self) -> int:
        """Available to promise online: what is neither reserved nor kept back as safety stock."""
        return promisable(self.on_hand, self.reserved, self.safety_stock)


class Reservation(models.Model):
    """A quantity held at one stock level for one order line, named by `reference`."""

    class State(models.TextChoices):
        HELD = "held", _("Held")
        CONSUMED = "consumed", _("Consumed (handed over)")
        RELEASED = "released", _("Released")

    stock_level = models.ForeignKey(
        StockLevel,
        on_delete=models.PROTECT,
        related_name="reservations",
        verbose_name=_("stock level"),
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reference = models.CharField(
        _("reference"), max_length=64, db_index=True, help_text=_("e.g. order line key")
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.HELD)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="reservation_quantity_positive"
            ),
        ]
        indexes = [
            models.Index(
                fields=["stock_level"], condition=Q(state="held"), name="reservation_held_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} for {self.reference} ({self.state})"


class AppendOnlyError(Exception):
    """Someone tried to change or delete a ledger row."""


class StockMovementQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("The stock ledger is append-only; record a new movement instead.")

    def delete(self):
        raise AppendOnlyError("The stock ledger is append-only; record a new movement instead.")


class StockMovement(models.Model):
    """Append-only ledger: one row per change of on_hand or reserved at one stock level.

    The ORM refuses updates and deletes here; on PostgreSQL a trigger refuses them too (it lets
    only `actor` become NULL, so deleting a user keeps their movements).
    """

    class Kind(models.TextChoices):
        RECEIPT = "receipt", _("Receipt")
        RESERVE = "reserve", _("Reserve")
        RELEASE = "release", _("Release")
        HAND_OVER = "hand_over", _("Hand-over")
        RETURN = "return", _("Return")
        ADJUSTMENT = "adjustment", _("Count correction")
        WRITE_OFF = "write_off", _("Write-off")
        TRANSFER_OUT = "transfer_out", _("Transfer out")
        TRANSFER_IN = "transfer_in", _("Transfer in")

    stock_level = models.ForeignKey(
        StockLevel,
        on_delete=models.PROTECT,
        related_name="movements",
        verbose_name=_("stock level"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    on_hand_delta = models.IntegerField(_("on hand delta"), default=0)
    reserved_delta = models.IntegerField(_("reserved delta"), default=0)
    reference = models.CharField(_("reference"), max_length=64, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("actor"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    objects = StockMovementQuerySet.as_manager()

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(on_hand_delta=0, reserved_delta=0), name="movement_changes_something"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.on_hand_delta:+}/{self.reserved_delta:+} {self.reference}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise AppendOnlyError("The stock ledger is append-only; record a new movement instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("The stock ledger is append-only; record a new movement instead.")


class Transfer(ConcurrentTransitionMixin, models.Model):
    """Stock moved from one store to another to serve a pickup order (ship-to-store)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        IN_TRANSIT = "in_transit", _("In transit")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    source_store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="transfers_out",
        verbose_name=_("source store"),
    )
    destination_store = models.ForeignKey(
        Store,
        on_delete=models.PROTECT,
        related_name="transfers_in",
        verbose_name=_("destination store"),
    )
    reference = models.CharField(
        _("reference"), max_length=64, db_index=True, help_text=_("the order it serves")
    )
    state = FSMField(_("state"), default=State.REQUESTED, choices=State.choices, protected=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.CharField(_("cancel reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(
                condition=~Q(source_store=F("destination_store")),
                name="transfer_between_two_stores",
            ),
        ]

    def __str__(self) -> str:
        # No store codes here: naming a transfer must not cost a query per row.
        return gettext("Transfer %(number)s") % {"number": self.number}

    @property
    def number(self) -> str:
        """What people read and say: T and the id, zero-padded."""
        return f"T{self.pk or 0:05d}"

    @transition(field=state, source=State.REQUESTED, target=State.IN_TRANSIT)
    def ship(self, *, now) -> None:
        self.shipped_at = now

    @transition(field=state, source=State.IN_TRANSIT, target=State.RECEIVED)
    def receive(self, *, now) -> None:
        self.received_at = now

    @transition(field=state, source=[State.REQUESTED, State.IN_TRANSIT], target=State.CANCELLED)
    def cancel(self, *, now, reason: str = "") -> None:
        self.cancelled_at = now
        self.cancel_reason = reason


class TransferLine(models.Model):
    transfer = models.ForeignKey(
        Transfer, on_delete=models.CASCADE, related_name="lines", verbose_name=_("transfer")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    reference = models.CharField(
        _("reference"),
        max_length=64,
        help_text=_("who the units are for at the destination, e.g. an order line"),
    )

    class Meta:
        verbose_name = _("transfer line")
        verbose_name_plural = _("transfer lines")
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "product", "reference"],
                name="transfer_line_one_per_sku_and_reference",
            ),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="transfer_quantity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.product_id} for {self.reference}"

"""Payments of orders and the outbox of payment calls (authorize, capture, void, refund).

The order is named by a string reference: payments sit below orders and never import them.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from outbox.models import OutboxRow, OutboxStatus


class Payment(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("Authorization pending")
        AUTHORIZED = "authorized", _("Authorized")
        DECLINED = "declined", _("Declined")
        CAPTURED = "captured", _("Captured")
        VOIDED = "voided", _("Voided")
        REFUNDED = "refunded", _("Refunded")
        # SEPA direct debit: the mandate is given at order, the debit submitted after hand-over.
        MANDATED = "mandated", _("Direct debit mandate given")
        SUBMITTED = "submitted", _("Direct debit submitted")
        RETURNED = "returned", _("Direct debit returned")

    order = models.OneToOneField(
        "orders.Order", on_delete=models.PROTECT, related_name="payment", verbose_name=_("order")
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
        db_table = "orders_payment"
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


class SideEffect(OutboxRow):
    """Outbox row of any other call to the outside world (payment authorize/capture/void)."""

    class Kind(models.TextChoices):
        PAYMENT_AUTHORIZE = "payment_authorize", _("Authorize payment")
        PAYMENT_CAPTURE = "payment_capture", _("Capture payment")
        PAYMENT_VOID = "payment_void", _("Void payment")
        PAYMENT_REFUND = "payment_refund", _("Refund payment")
        PAYMENT_DEBIT = "payment_debit", _("Submit direct debit")

    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    order = models.ForeignKey(
        "orders.Order",
        on_delete=models.CASCADE,
        related_name="side_effects",
        verbose_name=_("order"),
    )
    # Arguments of the call that the order does not hold, e.g. a refund's amount.
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        db_table = "orders_sideeffect"
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


class SepaMandate(models.Model):
    """The shopper's SEPA direct debit mandate for one order: the account, the holder, the exact
    text accepted, when, and the mandate reference the debit is submitted under."""

    order = models.OneToOneField(
        "orders.Order",
        on_delete=models.PROTECT,
        related_name="sepa_mandate",
        verbose_name=_("order"),
    )
    reference = models.CharField(_("mandate reference"), max_length=35, unique=True)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    account_holder = models.CharField(_("account holder"), max_length=70)
    creditor_id = models.CharField(_("creditor identifier"), max_length=35)
    text = models.TextField(_("mandate text accepted"))
    language = models.CharField(_("language"), max_length=2)
    accepted_at = models.DateTimeField(_("accepted at"))

    class Meta:
        db_table = "payments_sepa_mandate"
        verbose_name = _("SEPA mandate")
        verbose_name_plural = _("SEPA mandates")
        constraints = [
            models.CheckConstraint(
                condition=~Q(iban="") & ~Q(account_holder="") & ~Q(text=""),
                name="sepa_mandate_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} ({self.iban_masked})"

    @property
    def iban_masked(self) -> str:
        """The country and the last four digits only, as pages and messages show it."""
        return f"{self.iban[:2]}•• •••• {self.iban[-4:]}"

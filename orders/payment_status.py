"""How an order's payment stands, in one place: pages, messages and the API show this and
nothing else, so a cancelled order never reads as paid and a direct debit never as charged
before the order was collected."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from orders.models import Order
from outbox.models import OutboxStatus
from payments.models import Payment

# (payment method, state) -> what the shopper is told.
TEXTS = {
    ("card", "authorization_pending"): _(
        "Card: the amount is reserved on your card and charged only when you collect."
    ),
    ("card", "authorized"): _(
        "Card: the amount is reserved on your card and charged only when you collect."
    ),
    # Collected: the capture is in the payments outbox (SideEffect) and goes out in seconds.
    ("card", "capture_pending"): _("Card: you collected; the amount is being charged now."),
    ("card", "capture_failed"): _(
        "Card: the amount is reserved on your card and has not been charged yet."
    ),
    ("card", "captured"): _("Card: paid."),
    ("card", "refunded"): _("Card: paid and refunded."),
    ("card", "declined"): _("Card declined: nothing has been charged."),
    ("card", "nothing_charged"): _("Card: nothing has been charged; any reservation is released."),
    ("sepa_debit", "mandated"): _(
        "Direct debit: the amount is debited from your account only after you collect."
    ),
    ("sepa_debit", "submitted"): _(
        "Direct debit: submitted after you collected; it shows on your account within a few days."
    ),
    ("sepa_debit", "returned"): _(
        "Direct debit: your bank returned the debit. We will contact you."
    ),
    ("sepa_debit", "nothing_charged"): _("Direct debit: nothing will be debited."),
    ("pay_in_store", "due_at_pickup"): _("Pay in store when you collect."),
    ("pay_in_store", "paid_in_store"): _("Paid in store."),
    ("pay_in_store", "nothing_charged"): _("Nothing to pay."),
    ("free", "free"): _("Free of charge."),
    ("free", "free_replacement"): _("Free replacement: nothing to pay."),
}
# Every stable code of `PaymentStatus.state`; screens label them (console.labels).
STATES = frozenset(state for _method, state in TEXTS)
CLOSED = (Order.State.CANCELLED, Order.State.EXPIRED)


@dataclass(frozen=True)
class PaymentStatus:
    method: str
    state: str  # a stable code for the API and tests
    text: Promise  # what the shopper reads, in the active language


def _state(order: Order, payment: Payment | None, capture: str | None) -> str:
    if order.kind == Order.Kind.REPLACEMENT and not order.total:
        # The hotline promised the exchange for free: never "pay in store" at the counter.
        return "free_replacement"
    if order.payment_method == Order.PaymentMethod.PAY_IN_STORE:
        if order.state in CLOSED:
            return "nothing_charged"
        return "paid_in_store" if order.state == Order.State.COLLECTED else "due_at_pickup"
    if payment is None:
        return "free"
    if payment.state in (Payment.State.CAPTURED, Payment.State.SUBMITTED):
        return payment.state
    if payment.state == Payment.State.REFUNDED:
        return "refunded"
    if payment.state == Payment.State.RETURNED:
        return "returned"
    if order.state in CLOSED or payment.state == Payment.State.VOIDED:
        return "nothing_charged"
    if payment.state == Payment.State.DECLINED:
        return "declined"
    if capture is not None and payment.state in (Payment.State.PENDING, Payment.State.AUTHORIZED):
        # Handed over: the capture was queued with the hand-over and is not done yet.
        return "capture_failed" if capture == OutboxStatus.FAILED else "capture_pending"
    if payment.state == Payment.State.PENDING:
        return "authorization_pending"
    return payment.state  # authorized, mandated


def payment_status_of(
    order: Order, payment: Payment | None, *, capture: str | None = None
) -> PaymentStatus:
    """The payment as it stands for the order, its payment row (None: there is none) and the
    status of its capture's outbox row (None: no capture queued)."""
    state = _state(order, payment, capture)
    method = "free" if state in ("free", "free_replacement") else order.payment_method
    return PaymentStatus(method=order.payment_method, state=state, text=TEXTS[(method, state)])

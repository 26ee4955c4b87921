"""The order's side of its payment calls: the authorize and debit handlers (registered in
orders.handlers).

A declined authorization cancels the order (releasing its stock) in the transaction that records
the decline; an order already cancelled or expired is not authorized at all (its cancellation's
void marks the never-authorized payment voided).
"""

from orders.models import Order
from orders.services.lifecycle import order_cancel
from payments.models import Payment, SideEffect
from payments.services import payment_authorize, payment_debit


def _order_cancel_declined(payment: Payment) -> None:
    order = Order.objects.get(pk=payment.order_id)
    if order.state in Order.OPEN_STATES:
        order_cancel(order=order, by=None, reason="payment_declined")


def order_payment_authorize(side_effect: SideEffect) -> None:
    """Authorizes the order's payment unless the order is closed; a decline cancels it."""
    state = Order.objects.filter(pk=side_effect.order_id).values_list("state", flat=True).get()
    if state in (Order.State.CANCELLED, Order.State.EXPIRED):
        return
    payment_authorize(side_effect, on_declined=_order_cancel_declined)


def order_payment_debit(side_effect: SideEffect) -> None:
    """Submits the order's direct debit, only once the order was handed over: never before,
    never for a cancelled or expired order."""
    state = Order.objects.filter(pk=side_effect.order_id).values_list("state", flat=True).get()
    if state != Order.State.COLLECTED:
        return
    payment_debit(side_effect)

"""Steps the order tests share: an order taken through the store's transitions, and the payment
calls in the outbox performed as a worker would."""

from orders.models import Order
from orders.selectors import order_pickup_code_for_shopper
from orders.services import order_hand_over, order_mark_ready, order_start_picking
from payments.models import SideEffect
from payments.services import side_effect_perform


def order_collected(order: Order, clerk) -> Order:
    """Picked, marked ready and handed over against the shopper's code."""
    order_start_picking(order=order, by=clerk)
    order = order_mark_ready(order=order, by=clerk)
    return order_hand_over(
        order=order, by=clerk, pickup_code=order_pickup_code_for_shopper(order=order)
    )


def payment_calls_perform() -> None:
    """Every pending payment call, oldest first."""
    for side_effect in SideEffect.objects.filter(status="pending").order_by("pk"):
        side_effect_perform(side_effect_id=side_effect.pk)

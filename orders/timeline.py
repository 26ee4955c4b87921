"""The orders' touchpoints on the customer's journey (registered in orders/handlers.py): each
transition of each order, on the channel where it happened. Placing is the order's sales
channel; picking, shortage, ready, hand-over and expiry happen in the store; a cancellation
where whoever cancelled it was."""

from django.db.models import Prefetch

from customers.models import Customer
from customers.timeline import TimelineEntry, TouchpointChannel
from orders.models import Order, OrderTransition

ORDER_EVENTS = {
    "place": "order_placed",
    "source": "order_sourcing",
    "reserve": "order_reserved",
    "start_picking": "order_picking",
    "report_shortage": "order_shortage",
    "mark_ready": "order_ready",
    "hand_over": "order_collected",
    "cancel": "order_cancelled",
    "expire": "order_expired",
}
IN_STORE = {"start_picking", "report_shortage", "mark_ready", "hand_over", "expire"}
# Sourcing and reserving follow placing at once, wherever the order was placed.
WITH_THE_ORDER = {"place", "source", "reserve"}


def transition_channel(order: Order, transition: OrderTransition) -> str:
    """Where the transition happened."""
    if transition.transition in IN_STORE:
        return TouchpointChannel.STORE
    if transition.transition == "cancel":
        if transition.reason.startswith("shopper"):
            return order.channel
        if transition.actor_id is not None:
            return TouchpointChannel.STORE
    return order.channel


def _order_entries(order: Order) -> list[TimelineEntry]:
    replacement = order.kind == Order.Kind.REPLACEMENT
    noun = "Replacement" if replacement else "Order"
    entries = []
    for transition in order.transitions.all():
        kind = ORDER_EVENTS.get(transition.transition, f"order_{transition.transition}")
        if replacement:
            kind = kind.replace("order_", "replacement_", 1)
        title = f"{noun} {order.number}: {transition.transition.replace('_', ' ')}"
        if transition.transition == "place":
            title = f"{noun} {order.number} placed ({order.channel}) for {order.pickup_store.code}"
            if order.campaign:
                title += f" from the campaign {order.campaign}"
        elif transition.transition == "hand_over":
            title = f"{noun} {order.number} collected at {order.pickup_store.code}"
        elif transition.transition == "mark_ready":
            title = f"{noun} {order.number} ready for pickup at {order.pickup_store.code}"
        entries.append(
            TimelineEntry(
                at=transition.created_at,
                kind=kind,
                channel=transition_channel(order, transition),
                title=title,
                order_number=order.number,
            )
        )
    return entries


def order_timeline(customer: Customer) -> list[TimelineEntry]:
    """Every transition of the customer's orders; two queries."""
    orders = (
        Order.objects.filter(customer=customer)
        .select_related("pickup_store")
        .prefetch_related(
            Prefetch("transitions", queryset=OrderTransition.objects.order_by("created_at", "pk"))
        )
    )
    return [entry for order in orders for entry in _order_entries(order)]

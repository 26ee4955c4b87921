"""The orders' touchpoints on the customer's journey (registered in orders/handlers.py): each
transition of each order, on the channel where it happened. Placing is the order's sales
channel; picking, shortage, ready, hand-over and expiry happen in the store; a cancellation
where whoever cancelled it was."""

from typing import NamedTuple

from django.db.models import QuerySet

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


class _OrderRow(NamedTuple):
    number: str
    kind: str
    channel: str
    campaign: str
    store_code: str


class _TransitionRow(NamedTuple):
    order_id: int
    transition: str
    reason: str
    actor_id: int | None
    created_at: object


def transition_channel(order: _OrderRow, transition: _TransitionRow) -> str:
    """Where the transition happened."""
    if transition.transition in IN_STORE:
        return TouchpointChannel.STORE
    if transition.transition == "cancel":
        if transition.reason.startswith("shopper"):
            return order.channel
        if transition.actor_id is not None:
            return TouchpointChannel.STORE
    return order.channel


def _entry(order: _OrderRow, transition: _TransitionRow) -> TimelineEntry:
    replacement = order.kind == Order.Kind.REPLACEMENT
    noun = "Replacement" if replacement else "Order"
    kind = ORDER_EVENTS.get(transition.transition, f"order_{transition.transition}")
    if replacement:
        kind = kind.replace("order_", "replacement_", 1)
    title = f"{noun} {order.number}: {transition.transition.replace('_', ' ')}"
    if transition.transition == "place":
        title = f"{noun} {order.number} placed ({order.channel}) for {order.store_code}"
        if order.campaign:
            title += f" from the campaign {order.campaign}"
    elif transition.transition == "hand_over":
        title = f"{noun} {order.number} collected at {order.store_code}"
    elif transition.transition == "mark_ready":
        title = f"{noun} {order.number} ready for pickup at {order.store_code}"
    return TimelineEntry(
        at=transition.created_at,
        kind=kind,
        channel=transition_channel(order, transition),
        title=title,
        order_number=order.number,
    )


def order_timeline(customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """The transitions of the customer's orders, every one or the newest `latest`; two queries.
    Read as plain rows of the few columns shown: a customer with hundreds of orders builds no
    model instance (the chain bench's timeline, docs/decisions/0013)."""
    if latest is None:
        orders = _order_rows(Order.objects.filter(customer=customer))
        transitions = (
            OrderTransition.objects.filter(order_id__in=list(orders))
            # The orders newest first, so that entries at the same moment keep their order.
            .order_by("-order__placed_at", "-order_id", "created_at", "pk")
            .values_list(*_TransitionRow._fields)
        )
        rows = [_TransitionRow(*values) for values in transitions]
    else:
        # The whole journey's order read backwards, so that where transitions share a moment
        # (one sweep expires several orders) the window keeps the same ones in the same order.
        newest = (
            OrderTransition.objects.filter(order__customer=customer)
            .order_by("-created_at", "order__placed_at", "order_id", "-pk")
            .values_list(*_TransitionRow._fields)[:latest]
        )
        rows = [_TransitionRow(*values) for values in reversed(newest)]
        orders = _order_rows(Order.objects.filter(pk__in={row.order_id for row in rows}))
    return [_entry(orders[row.order_id], row) for row in rows]


def _order_rows(orders: QuerySet[Order]) -> dict[int, _OrderRow]:
    return {
        pk: _OrderRow(*row)
        for pk, *row in orders.values_list(
            "pk", "number", "kind", "channel", "campaign", "pickup_store__code"
        )
    }

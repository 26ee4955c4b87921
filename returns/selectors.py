"""Reads of returns: a customer's whole journey (orders and return cases), a return case."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet

from customers.models import Customer
from orders.models import Order, OrderTransition
from returns.exceptions import ReturnCaseNotFound
from returns.models import CourierBooking, ReturnCase
from stores.roles import user_is_agent, user_store_ids

# Order of touchpoints that share a moment: the click comes before the order it led to.
_TIE_BREAK = {"campaign_click": 0, "hotline_call": 0, "exchange_opened": 1}


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    channel: str
    title: str
    order_number: str = ""
    case_number: str = ""


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


def _order_entries(order: Order) -> list[TimelineEntry]:
    entries = []
    replacement = order.kind == Order.Kind.REPLACEMENT
    if order.campaign:
        entries.append(
            TimelineEntry(
                at=order.placed_at,
                kind="campaign_click",
                channel=order.channel,
                title=f"Came from campaign {order.campaign}",
                order_number=order.number,
            )
        )
    for transition in order.transitions.all():
        kind = ORDER_EVENTS.get(transition.transition, f"order_{transition.transition}")
        if replacement:
            kind = kind.replace("order_", "replacement_", 1)
        noun = "Replacement" if replacement else "Order"
        title = f"{noun} {order.number}: {transition.transition.replace('_', ' ')}"
        if transition.transition == "place":
            title = f"{noun} {order.number} placed ({order.channel}) for {order.pickup_store.code}"
        elif transition.transition == "hand_over":
            title = f"{noun} {order.number} collected at {order.pickup_store.code}"
        elif transition.transition == "mark_ready":
            title = f"{noun} {order.number} ready for pickup at {order.pickup_store.code}"
        entries.append(
            TimelineEntry(
                at=transition.created_at,
                kind=kind,
                channel=order.channel,
                title=title,
                order_number=order.number,
            )
        )
    return entries


def _case_entries(case: ReturnCase) -> list[TimelineEntry]:
    number, order_number = case.number, case.order.number
    entries = []
    if case.channel == Order.SalesChannel.HOTLINE:
        entries.append(
            TimelineEntry(
                case.opened_at, "hotline_call", "hotline", "Hotline call", order_number, number
            )
        )
    label = "Exchange" if case.resolution == ReturnCase.Resolution.REPLACEMENT else "Return"
    entries.append(
        TimelineEntry(
            case.opened_at,
            "exchange_opened" if label == "Exchange" else "return_opened",
            case.channel,
            f"{label} {number} opened ({case.get_reason_display()})",
            order_number,
            number,
        )
    )
    for booking in case.courier_bookings.all():
        if booking.booked_at:
            entries.append(
                TimelineEntry(
                    booking.booked_at,
                    "courier_booked",
                    "courier",
                    f"Courier booked for {booking.pickup_date:%Y-%m-%d} "
                    f"{booking.window_start:%H:%M}-{booking.window_end:%H:%M}",
                    order_number,
                    number,
                )
            )
        if booking.picked_up_at:
            entries.append(
                TimelineEntry(
                    booking.picked_up_at,
                    "courier_collected",
                    "courier",
                    "Courier collected the item",
                    order_number,
                    number,
                )
            )
        if booking.failed_at:
            entries.append(
                TimelineEntry(
                    booking.failed_at,
                    "courier_failed",
                    "courier",
                    f"Courier booking failed: {booking.last_error}",
                    order_number,
                    number,
                )
            )
    if case.received_at:
        entries.append(
            TimelineEntry(
                case.received_at,
                "return_received",
                "store",
                f"Item received at {case.receiving_store.code}",
                order_number,
                number,
            )
        )
    if case.closed_at:
        entries.append(
            TimelineEntry(
                case.closed_at,
                "case_closed",
                "store",
                f"{label} {number} closed",
                order_number,
                number,
            )
        )
    return entries


def customer_timeline(*, customer: Customer) -> list[TimelineEntry]:
    """Every touchpoint of the customer across channels, oldest first, in a bounded number of
    queries."""
    orders = (
        Order.objects.filter(customer=customer)
        .select_related("pickup_store")
        .prefetch_related(
            Prefetch("transitions", queryset=OrderTransition.objects.order_by("created_at", "pk"))
        )
    )
    cases = (
        ReturnCase.objects.filter(customer=customer)
        .select_related("order", "receiving_store")
        .prefetch_related(
            Prefetch("courier_bookings", queryset=CourierBooking.objects.order_by("requested_at"))
        )
    )
    entries = [entry for order in orders for entry in _order_entries(order)]
    entries += [entry for case in cases for entry in _case_entries(case)]
    return sorted(entries, key=lambda entry: (entry.at, _TIE_BREAK.get(entry.kind, 2)))


def return_case_get_for_user(*, number: str, user) -> ReturnCase:
    """The case when the user is an agent or works at its receiving store or the original
    order's store; else NotFound."""
    case = (
        ReturnCase.objects.select_related(
            "order", "customer", "receiving_store", "replacement_order"
        )
        .prefetch_related("lines__product", "courier_bookings")
        .filter(number=(number or "").strip().upper())
        .first()
    )
    if case is None:
        raise ReturnCaseNotFound()
    if user_is_agent(user):
        return case
    if {case.receiving_store_id, case.order.pickup_store_id} & user_store_ids(user):
        return case
    raise ReturnCaseNotFound()


def return_case_list_needing_attention() -> QuerySet[ReturnCase]:
    """The hotline queue: cases whose courier booking failed for good, oldest first."""
    return (
        ReturnCase.objects.filter(needs_attention=True)
        .select_related("customer", "order")
        .order_by("opened_at")
    )

"""The return cases' touchpoints on the customer's journey (registered in returns/handlers.py):
the hotline call, the case opened where it was opened, the courier's booking and collection,
the item received and the case closed in the store."""

from django.db.models import Prefetch

from customers.models import Customer
from customers.timeline import TimelineEntry
from orders.models import Order
from returns.models import CourierBooking, ReturnCase


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


def return_case_timeline(customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """Every touchpoint of the customer's return cases, whatever `latest` asks: a customer has
    few cases, and a case's steps come at any time after it opened; two queries."""
    cases = (
        ReturnCase.objects.filter(customer=customer)
        .select_related("order", "receiving_store")
        .prefetch_related(
            Prefetch("courier_bookings", queryset=CourierBooking.objects.order_by("requested_at"))
        )
    )
    return [entry for case in cases for entry in _case_entries(case)]

"""Payments' touchpoints on the customer's journey (registered in payments/handlers.py): a direct
debit the bank returned, so the hotline sees it before calling the customer back."""

from customers.models import Customer
from customers.timeline import TimelineEntry, TouchpointChannel
from payments.models import Payment


def payment_timeline(customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """Every returned direct debit of the customer's orders, whatever `latest` asks (there are
    few); one query."""
    returned = (
        Payment.objects.filter(order__customer=customer, state=Payment.State.RETURNED)
        .select_related("order")
        .order_by("updated_at", "pk")
    )
    return [
        TimelineEntry(
            # A returned payment changes no more: its last update is when the return came in.
            at=payment.updated_at,
            kind="payment_debit_returned",
            channel=TouchpointChannel.PAYMENT,
            title=f"Direct debit of order {payment.order.number} returned: "
            f"{payment.decline_reason}",
            order_number=payment.order.number,
            detail=payment.decline_reason,
        )
        for payment in returned
    ]

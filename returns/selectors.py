"""Reads of returns: a return case for a user, the cases needing attention. A customer's journey
is customers.selectors.customer_timeline (returns adds its cases in returns/timeline.py)."""

from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from returns.exceptions import InvalidReturnInput, ReturnCaseNotFound
from returns.models import ReturnCase, ReturnLine
from stores.models import Store
from stores.roles import user_is_agent, user_store_ids


def return_case_get_for_user(*, number: str, user) -> ReturnCase:
    """The case when the user is an agent or works at its receiving store or the original
    order's store; else NotFound. Read with the order's payment and each line's product and
    order line, so its refund costs no further query."""
    case = (
        ReturnCase.objects.select_related(
            "order__payment", "customer", "receiving_store", "replacement_order"
        )
        .prefetch_related(
            Prefetch("lines", queryset=ReturnLine.objects.select_related("product", "order_line")),
            "courier_bookings",
        )
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


def return_case_refund_amount(*, case: ReturnCase) -> Decimal:
    """What a refund case pays back: each line's unit price on the order times the units coming
    back (0.00 for an exchange). No query for a case read by return_case_get_for_user."""
    if case.resolution != ReturnCase.Resolution.REFUND:
        return Decimal("0.00")
    return sum(
        (line.order_line.unit_price * line.quantity for line in case.lines.all()),
        Decimal("0.00"),
    )


def return_case_list_needing_attention() -> QuerySet[ReturnCase]:
    """The hotline queue: cases whose courier booking failed for good, oldest first."""
    return (
        ReturnCase.objects.filter(needs_attention=True)
        .select_related("customer", "order")
        .order_by("opened_at")
    )


def hand_in_store_get(*, code: str) -> Store:
    """The store an item is handed in at, by its code in any letter case; an unknown code is the
    request's mistake (400 naming `hand_in_store`)."""
    store = Store.objects.filter(code=(code or "").strip().upper()).first()
    if store is None:
        raise InvalidReturnInput(
            "No such store.",
            fields={"hand_in_store": ["No such store."]},
            field_codes={"hand_in_store": "unknown_store"},
        )
    return store

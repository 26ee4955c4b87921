"""Reads of returns: a return case for a user, the cases needing attention. A customer's journey
is customers.selectors.customer_timeline (returns adds its cases in returns/timeline.py)."""

from django.db.models import QuerySet

from returns.exceptions import InvalidReturnInput, ReturnCaseNotFound
from returns.models import ReturnCase
from stores.models import Store
from stores.roles import user_is_agent, user_store_ids


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

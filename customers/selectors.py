"""Reads of customers: find one however the hotline knows them; their journey across channels."""

import unicodedata
from typing import NamedTuple

from django.db import connection
from django.db.models import CharField, F, Func, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Lower, Replace

from config.exceptions import NotFound
from customers.models import Customer
from customers.phones import phone_search_form
from customers.timeline import TimelineEntry, timeline_providers

SEARCH_LIMIT = 20
# How German names are written without umlauts: "Mueller" is "Müller", and folded both become
# "muller"; the same folding is applied to the name and to the query, so either way round works.
UMLAUT_SPELLINGS = (("ue", "u"), ("oe", "o"), ("ae", "a"))


def name_fold(text: str) -> str:
    """A name as the search compares it: lower case, no accents, "ß" as "ss", "ue"/"oe"/"ae" as
    "u"/"o"/"a" — what `_name_folded` computes in PostgreSQL with `unaccent`."""
    decomposed = unicodedata.normalize("NFKD", (text or "").lower().replace("ß", "ss"))
    folded = "".join(char for char in decomposed if not unicodedata.combining(char))
    for spelled, plain in UMLAUT_SPELLINGS:
        folded = folded.replace(spelled, plain)
    return folded


class FoldedUnaccent(Func):
    """`customers_unaccent(text)`: unaccent pinned to its dictionary and declared immutable
    (customers/migrations/0003), so that an index can hold the folded name."""

    function = "customers_unaccent"
    output_field = CharField()


def _name_folded():
    folded = Lower(FoldedUnaccent(F("name")))
    for spelled, plain in UMLAUT_SPELLINGS:
        folded = Replace(folded, Value(spelled), Value(plain))
    return folded


def _name_condition(query: str) -> Q:
    """On PostgreSQL, accents and umlaut spellings folded on both sides ("Muller", "Mueller" and
    "Müller" find each other). SQLite answers more simply: the name as typed, or with "ue", "oe",
    "ae" read as "ü", "ö", "ä" ("Mueller" finds "Müller", "Muller" does not)."""
    if connection.vendor == "postgresql":
        return Q(name_folded__contains=name_fold(query))
    condition = Q(name__icontains=query)
    umlauts = query
    for spelled, umlaut in (("ue", "ü"), ("oe", "ö"), ("ae", "ä")):
        umlauts = umlauts.replace(spelled, umlaut).replace(spelled.capitalize(), umlaut.upper())
    if umlauts != query:
        condition |= Q(name__icontains=umlauts)
    return condition


def _matching_ids(query: str) -> QuerySet:
    """The ids of the customers the query names, one index per way of naming them, combined
    with UNION: the lower-case e-mail (its unique index) or part of it, the phone number, an
    order's or an RMA's number, the folded name (a trigram index). One OR across the joined
    tables instead read every customer, order and return case of a chain (seconds)."""
    # Customers sits below orders and returns and imports neither: their numbers are read
    # through the relations those apps declare (`Customer.orders`, `Customer.return_cases`).
    order_model = Customer._meta.get_field("orders").related_model
    case_model = Customer._meta.get_field("return_cases").related_model
    by_email = Customer.objects.annotate(email_lower=Lower("email"))
    by_name = Customer.objects.all()
    if connection.vendor == "postgresql":
        by_name = by_name.annotate(name_folded=_name_folded())
    parts = [
        by_email.filter(email_lower=query.lower()).values("pk"),
        order_model.objects.filter(number=query.upper()).values("customer_id"),
        case_model.objects.filter(number=query.upper()).values("customer_id"),
        by_name.filter(_name_condition(query)).values("pk"),
    ]
    if "@" in query:
        parts.append(by_email.filter(email_lower__contains=query.lower()).values("pk"))
    phone = phone_search_form(query)
    if phone is not None:
        parts.append(Customer.objects.filter(phone=phone).values("pk"))
    parts = [part.order_by() for part in parts]
    if connection.features.supports_slicing_ordering_in_compound:
        # A broad name matches thousands: each way yields at most this many candidates.
        parts = [part[: SEARCH_LIMIT * 5] for part in parts]
    first, *rest = parts
    return first.union(*rest)


def customer_search(*, query: str) -> QuerySet[Customer]:
    """Customers matching an e-mail address, a phone number, an order number, an RMA number or
    a name; one row per customer, at most SEARCH_LIMIT, most recent first, each with what tells
    namesakes apart: `last_order_number`, `last_order_placed_at` and `last_order_city` (the town
    of the store of their latest order). The screen and the API both list these."""
    query = (query or "").strip()
    if len(query) < 3:
        return Customer.objects.none()
    order_model = Customer._meta.get_field("orders").related_model
    last_order = order_model.objects.filter(customer=OuterRef("pk")).order_by("-placed_at", "-pk")
    return (
        Customer.objects.filter(pk__in=_matching_ids(query))
        .annotate(
            last_order_number=Subquery(last_order.values("number")[:1]),
            last_order_placed_at=Subquery(last_order.values("placed_at")[:1]),
            last_order_city=Subquery(last_order.values("pickup_store__city")[:1]),
        )
        .order_by("-updated_at", "-pk")[:SEARCH_LIMIT]
    )


def customer_get(*, customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("No such customer.")
    return customer


# Touchpoints at the same moment: what led to an order comes before it, the call before the case.
_TIE_BREAK = {"newsletter_click": 0, "hotline_call": 0, "exchange_opened": 1}


def customer_timeline(*, customer: Customer, latest: int | None = None) -> list[TimelineEntry]:
    """Every touchpoint of the customer across channels, oldest first, from every registered
    provider (orders, returns, messages, payments, the newsletter); a bounded number of queries.
    With `latest`, only the newest `latest` of them: each provider reads no more than that many
    of its own, so a customer with hundreds of orders costs what one screen shows."""
    if latest is not None and latest < 1:
        raise ValueError("latest counts touchpoints: at least 1.")
    entries = [entry for provider in timeline_providers() for entry in provider(customer, latest)]
    entries.sort(key=lambda entry: (entry.at, _TIE_BREAK.get(entry.kind, 2)))
    return entries if latest is None else entries[-latest:]


class TimelineWindow(NamedTuple):
    entries: list[TimelineEntry]
    # False when older touchpoints exist than the entries shown.
    complete: bool


def customer_timeline_window(*, customer: Customer, latest: int | None) -> TimelineWindow:
    """The newest `latest` touchpoints (every one with None), oldest first, and whether that is
    the whole journey."""
    if latest is None:
        return TimelineWindow(customer_timeline(customer=customer), complete=True)
    if latest < 1:
        raise ValueError("latest counts touchpoints: at least 1.")
    entries = customer_timeline(customer=customer, latest=latest + 1)
    return TimelineWindow(entries[-latest:], complete=len(entries) <= latest)

"""Reads of customers: find one however the hotline knows them; their journey across channels."""

import re

from django.db.models import Q, QuerySet

from config.exceptions import NotFound
from customers.models import Customer
from customers.timeline import TimelineEntry, timeline_providers

SEARCH_LIMIT = 20


def phone_normalize(raw: str, *, country_code: str = "49") -> str:
    """A phone number as typed at the hotline (0851 123456, +49 851 123456, 0049…) in E.164."""
    digits = re.sub(r"[^\d+]", "", raw or "")
    if digits.startswith("00"):
        return "+" + digits[2:]
    if digits.startswith("0"):
        return f"+{country_code}{digits[1:]}"
    return digits


def customer_search(*, query: str) -> QuerySet[Customer]:
    """Customers matching an e-mail address, a phone number, an order number, an RMA number or
    a name; at most SEARCH_LIMIT, most recent first."""
    query = (query or "").strip()
    if len(query) < 3:
        return Customer.objects.none()
    condition = Q(email__iexact=query) | Q(name__icontains=query)
    upper = query.upper()
    condition |= Q(orders__number=upper) | Q(return_cases__number=upper)
    if "@" in query:
        condition |= Q(email__icontains=query)
    phone = phone_normalize(query)
    if re.fullmatch(r"\+\d{7,15}", phone):
        condition |= Q(phone=phone)
    return (
        Customer.objects.filter(
            pk__in=Customer.objects.filter(condition).values("pk")[: SEARCH_LIMIT * 5]
        )
        .order_by("-updated_at", "-pk")
        .distinct()[:SEARCH_LIMIT]
    )


def customer_get(*, customer_id: int) -> Customer:
    customer = Customer.objects.filter(pk=customer_id).first()
    if customer is None:
        raise NotFound("No such customer.")
    return customer


# Touchpoints at the same moment: what led to an order comes before it, the call before the case.
_TIE_BREAK = {"newsletter_click": 0, "hotline_call": 0, "exchange_opened": 1}


def customer_timeline(*, customer: Customer) -> list[TimelineEntry]:
    """Every touchpoint of the customer across channels, oldest first, from every registered
    provider (orders, returns, messages, the newsletter); a bounded number of queries."""
    entries = [entry for provider in timeline_providers() for entry in provider(customer)]
    return sorted(entries, key=lambda entry: (entry.at, _TIE_BREAK.get(entry.kind, 2)))

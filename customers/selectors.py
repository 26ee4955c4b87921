"""Reads of customers: find one however the hotline knows them."""

import re

from django.db.models import Q, QuerySet

from config.exceptions import NotFound
from customers.models import Customer

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

"""Writes of customers: one customer per e-mail address, however they reach us."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from customers.models import Customer


@dataclass(frozen=True)
class CustomerInput:
    email: str
    name: str
    phone: str = ""
    language: str = "de"


def customer_upsert(*, customer: CustomerInput) -> Customer:
    """Creates or updates the customer of this e-mail address (any letter case); locks its row
    until the caller's transaction ends, so one customer's orders are placed one at a time."""
    for _ in range(2):
        existing = Customer.objects.select_for_update().filter(email__iexact=customer.email).first()
        if existing is not None:
            existing.name = customer.name
            existing.language = customer.language
            if customer.phone:
                existing.phone = customer.phone
            existing.save(update_fields=["name", "language", "phone", "updated_at"])
            return existing
        try:
            with transaction.atomic():
                return Customer.objects.create(
                    email=customer.email,
                    name=customer.name,
                    phone=customer.phone,
                    language=customer.language,
                )
        except IntegrityError:
            # Another order created this customer a moment ago; take that row.
            continue
    raise IntegrityError("customer could not be created or found")

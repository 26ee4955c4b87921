"""Writes of customers: one customer per e-mail address, however they reach us."""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from customers.models import Channel, Customer


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


def customer_get_or_create(*, email: str, language: str = "de", phone: str = "") -> Customer:
    """The customer of this e-mail address (any letter case), created with an empty name when
    new; an existing customer's name and language are left as they are, a missing phone is
    filled in."""
    for _ in range(2):
        existing = Customer.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None:
            if phone and not existing.phone:
                existing.phone = phone
                existing.save(update_fields=["phone", "updated_at"])
            return existing
        try:
            with transaction.atomic():
                return Customer.objects.create(email=email, name="", phone=phone, language=language)
        except IntegrityError:
            continue
    raise IntegrityError("customer could not be created or found")


def customer_promotions_consent_set(*, customer: Customer, channel: str, granted: bool) -> None:
    """Sets the customer's consent to promotional messages on `channel`, the flag every sender
    reads; the newsletter's services keep its proof."""
    field = "email_promotions_consent" if channel == Channel.EMAIL else "sms_promotions_consent"
    setattr(customer, field, granted)
    customer.save(update_fields=[field, "updated_at"])

"""Writes of customers: one customer per e-mail address, however they reach us."""

from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from customers.models import Channel, Customer


@dataclass(frozen=True)
class CustomerInput:
    email: str
    name: str
    phone: str = ""
    language: str = "de"


def customer_upsert(*, customer: CustomerInput) -> Customer:
    """Creates or updates the customer of this e-mail address (any letter case); locks its row
    until the caller's transaction ends, so one customer's orders are placed one at a time.

    One statement, `INSERT … ON CONFLICT (lower(email)) DO UPDATE … RETURNING`: no savepoint, and
    two first orders of a new address at once still make one customer (the second waits on the
    unique index, then updates the row the first inserted). A blank phone keeps the known one.
    """
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = _UPSERT_SQL.format(table=connection.ops.quote_name(Customer._meta.db_table))
    params = [customer.email, customer.name, customer.phone, customer.language, now, now]
    # raw() turns the returned row into a Customer with the fields' own conversions.
    (row,) = Customer.objects.raw(sql, params)
    return row


# The conflict target is the expression of the unique index customer_email_unique_ci.
_UPSERT_SQL = (
    "INSERT INTO {table} (email, name, phone, language, email_promotions_consent, "
    "sms_promotions_consent, preferred_channel, created_at, updated_at) "
    "VALUES (%s, %s, %s, %s, false, false, 'email', %s, %s) "
    "ON CONFLICT (lower(email)) DO UPDATE SET name = excluded.name, "
    "language = excluded.language, "
    "phone = CASE WHEN excluded.phone <> '' THEN excluded.phone ELSE {table}.phone END, "
    "updated_at = excluded.updated_at "
    "RETURNING *"
)


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

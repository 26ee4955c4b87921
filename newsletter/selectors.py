"""Reads of the newsletter: a customer's consents with their history."""

from dataclasses import dataclass

from customers.models import Customer
from newsletter.models import ConsentEvent, Subscription


@dataclass(frozen=True)
class CustomerConsents:
    email_promotions: bool
    sms_promotions: bool
    subscriptions: list[Subscription]
    history: list[ConsentEvent]


def customer_consents(*, customer: Customer) -> CustomerConsents:
    """The customer's consent per channel as senders read it, each channel's proof and every
    step of the history, oldest first; two queries."""
    return CustomerConsents(
        email_promotions=customer.email_promotions_consent,
        sms_promotions=customer.sms_promotions_consent,
        subscriptions=list(Subscription.objects.filter(customer=customer).order_by("channel")),
        history=list(ConsentEvent.objects.filter(customer=customer).order_by("at", "pk")),
    )

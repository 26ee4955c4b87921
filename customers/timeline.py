"""The customer's journey as a read model: every app that has touchpoints registers a provider
(in its handlers.py, like its outbox tables), and `customers.selectors.customer_timeline`
merges what they return. Customers sits below those apps and never imports them.

Each entry carries the channel where the touchpoint happened, not the order's sales channel:
the newsletter, the web shop or app, the store (picking, hand-over, counter returns), the
hotline, the courier, the e-mails and SMS sent, and the payment (a returned direct debit).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from customers.models import Customer


class TouchpointChannel:
    NEWSLETTER = "newsletter"
    WEB = "web"
    APP = "app"
    STORE = "store"
    HOTLINE = "hotline"
    COURIER = "courier"
    EMAIL = "email"
    SMS = "sms"
    # The bank or card network answering about a payment (a returned direct debit).
    PAYMENT = "payment"


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    kind: str
    channel: str
    title: str
    order_number: str = ""
    case_number: str = ""
    # What the title names besides an order or a case, e.g. the campaign of a newsletter click.
    detail: str = ""


# A provider returns the touchpoints of one customer it knows, in a bounded number of queries:
# every one with `latest` None, else at least its own `latest` newest (it may return more, e.g.
# every one of a few return cases); customers.selectors keeps the newest of all providers.
TimelineProvider = Callable[[Customer, int | None], list[TimelineEntry]]
_providers: list[TimelineProvider] = []


def timeline_provider_register(provider: TimelineProvider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def timeline_providers() -> list[TimelineProvider]:
    return list(_providers)

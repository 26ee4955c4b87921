"""Periodic work driven by due times stored on the orders: each due order in its own transaction."""

import datetime
import logging

from django.utils import timezone

from config.exceptions import DomainError
from orders import selectors
from orders.services.lifecycle import (
    order_complete_sourcing,
    order_expire,
    order_remind,
    order_source,
)

logger = logging.getLogger(__name__)


def _each(order_ids: list[int], service, now: datetime.datetime) -> int:
    done = 0
    for order_id in order_ids:
        try:
            service(order_id=order_id, now=now)
            done += 1
        except DomainError as error:
            # Someone got there first (a hand-over, a cancel); the order is no longer due.
            logger.info("%s skipped order %s: %s", service.__name__, order_id, error.code)
    return done


def orders_source_due(*, now: datetime.datetime | None = None) -> int:
    """Completes sourcing of orders whose transfer arrived, then sources the due ones."""
    now = now or timezone.now()
    received = _each(selectors.order_ids_with_transfer_received(), order_complete_sourcing, now)
    return received + _each(selectors.order_ids_due_for_sourcing(now=now), order_source, now)


def orders_remind_due(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return _each(selectors.order_ids_due_for_reminder(now=now), order_remind, now)


def orders_expire_due(*, now: datetime.datetime | None = None) -> int:
    now = now or timezone.now()
    return _each(selectors.order_ids_due_for_expiry(now=now), order_expire, now)

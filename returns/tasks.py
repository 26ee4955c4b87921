"""Periodic tasks of returns: each calls a service and is safe to run twice.

Booking a courier is an outbox call (returns.handlers): the outbox's task delivers it, retries
time-outs, 5xx and 429 with the courier's backoff and bound, and its relay re-sends lost ones.
"""

from celery import shared_task

from returns import services


@shared_task
def courier_bookings_poll_due_task() -> int:
    return services.courier_bookings_poll_due()


@shared_task
def return_cases_close_due_task() -> int:
    return services.return_cases_close_due()

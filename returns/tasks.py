"""Celery tasks of returns: fetch by id, call a service. Every task is safe to run twice.

Booking a courier retries transient failures (time-outs, 5xx, 429) with exponential backoff,
jitter and a bound; a permanent rejection, or running out of attempts, fails the booking for good
and flags the case for the hotline. A task lost by the broker is enqueued again by the relay.
"""

from celery import shared_task
from django.conf import settings

from returns import services
from returns.couriers import CourierRateLimited, CourierRejected, CourierUnavailable
from returns.selectors import courier_booking_attempts


@shared_task(bind=True, max_retries=None)
def courier_booking_book_task(self, booking_id: int) -> str:
    try:
        return services.courier_booking_book(booking_id=booking_id)
    except CourierRejected as error:
        services.courier_booking_fail(booking_id=booking_id, error=str(error))
        return "failed"
    except CourierUnavailable as error:
        # Counted in the database, so attempts by relayed tasks count toward the same bound.
        attempts = courier_booking_attempts(booking_id=booking_id)
        if attempts >= settings.COURIER_BOOKING_MAX_ATTEMPTS:
            services.courier_booking_fail(
                booking_id=booking_id, error=f"gave up after {attempts} attempts: {error}"
            )
            return "failed"
        retry_after = error.retry_after if isinstance(error, CourierRateLimited) else None
        delay = services.retry_delay(attempts, retry_after)
        services.courier_booking_postpone(
            booking_id=booking_id, error=str(error), delay_seconds=delay
        )
        raise self.retry(exc=error, countdown=delay) from error


@shared_task
def courier_bookings_relay_task() -> int:
    return services.courier_bookings_relay()


@shared_task
def courier_bookings_poll_due_task() -> int:
    return services.courier_bookings_poll_due()


@shared_task
def return_cases_close_due_task() -> int:
    return services.return_cases_close_due()

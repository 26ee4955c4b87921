"""The outbox's two tasks: deliver one row, and the periodic relay. Both are safe to run twice.

A delivery is retried only on TransientDeliveryError, after the delay the retry policy chose for
that attempt; the bound is the attempt count in the database (OUTBOX_MAX_ATTEMPTS), so Celery's
own retry counter is not used.
"""

from celery import shared_task

from outbox.services import TransientDeliveryError, outbox_deliver, outbox_relay


@shared_task(bind=True, max_retries=None)
def outbox_deliver_task(self, label: str, row_id: int) -> str:
    try:
        return outbox_deliver(label=label, row_id=row_id)
    except TransientDeliveryError as error:
        raise self.retry(countdown=error.retry_in.total_seconds()) from error


@shared_task
def outbox_relay_task() -> int:
    return outbox_relay()

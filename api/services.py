"""Writes of the API layer: forgetting idempotency records once no client retries any more."""

import datetime

from django.db import transaction

from api.models import IdempotencyRecord

PURGE_BATCH_SIZE = 1000


def idempotency_record_purge(*, created_before: datetime.datetime) -> int:
    """Deletes the records created before that moment, in batches so no long lock is held;
    returns how many. After this a retry with such an old key is a new request."""
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(
                IdempotencyRecord.objects.filter(created_at__lt=created_before)
                .order_by("pk")
                .values_list("pk", flat=True)[:PURGE_BATCH_SIZE]
            )
            if not batch:
                return deleted
            deleted += IdempotencyRecord.objects.filter(pk__in=batch).delete()[0]

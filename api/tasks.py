import datetime

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from api.services import idempotency_record_purge


@shared_task(acks_late=True)
def idempotency_record_purge_task() -> int:
    """Periodic: forget Idempotency-Keys older than IDEMPOTENCY_KEY_RETENTION_HOURS; safe to
    run twice."""
    cutoff = timezone.now() - datetime.timedelta(hours=settings.IDEMPOTENCY_KEY_RETENTION_HOURS)
    return idempotency_record_purge(created_before=cutoff)

"""Tasks that exist only for the tests that prove delivery through a real worker."""

import time
import uuid

from celery import shared_task
from django.contrib.auth.models import Group


@shared_task
def group_create_task(name: str) -> None:
    Group.objects.get_or_create(name=name)


@shared_task
def busy_task(seconds: float) -> None:
    """Stands for a slow piece of work, e.g. one batch of a campaign."""
    time.sleep(seconds)


@shared_task
def beat_tick_task() -> None:
    """Sent by beat in the single-beat test; each run leaves one row to count."""
    Group.objects.create(name=f"beat-tick-{uuid.uuid4().hex}")

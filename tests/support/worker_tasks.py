"""Tasks that exist only for the tests that prove delivery through a real worker."""

from celery import shared_task
from django.contrib.auth.models import Group


@shared_task
def group_create_task(name: str) -> None:
    Group.objects.get_or_create(name=name)

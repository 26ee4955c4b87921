"""Tasks reach a real worker process through the real broker, and only after commit."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.db import transaction

from tests.support.services import wait_until
from tests.support.worker_tasks import group_create_task

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


def test_a_task_enqueued_on_commit_runs_on_the_worker_and_its_write_is_visible(
    celery_worker_process,
):
    name = f"delivered-{uuid.uuid4().hex[:6]}"

    with transaction.atomic():
        group_create_task.delay_on_commit(name)

    assert wait_until(lambda: Group.objects.filter(name=name).exists())


def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(celery_worker_process):
    rolled_back = f"rolled-back-{uuid.uuid4().hex[:6]}"
    marker = f"marker-{uuid.uuid4().hex[:6]}"

    def write_that_fails():
        with transaction.atomic():
            group_create_task.delay_on_commit(rolled_back)
            raise RuntimeError("the caller's write fails")

    with pytest.raises(RuntimeError):
        write_that_fails()
    # The worker takes one task at a time in order, so once the marker ran, anything
    # enqueued before it would have run too.
    with transaction.atomic():
        group_create_task.delay_on_commit(marker)

    assert wait_until(lambda: Group.objects.filter(name=marker).exists())
    assert not Group.objects.filter(name=rolled_back).exists()

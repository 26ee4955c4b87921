"""Every entry of the beat schedule names a task the worker has, and that task runs on the real
worker: a misspelt task name in settings fails here, not silently in production."""

import pytest
from django.conf import settings

from config.celery import app
from tests.support.services import wait_until


def schedule_entries() -> list[tuple[str, str]]:
    return sorted((name, entry["task"]) for name, entry in settings.CELERY_BEAT_SCHEDULE.items())


def test_the_schedule_has_the_periodic_jobs_the_system_relies_on():
    tasks = {task for _name, task in schedule_entries()}

    assert {
        "outbox.tasks.outbox_relay_task",
        "orders.tasks.order_expire_due_task",
        "orders.tasks.order_remind_due_task",
        "returns.tasks.return_cases_close_due_task",
        "returns.tasks.courier_bookings_poll_due_task",
        "inventory.tasks.stock_reconcile_task",
    } <= tasks


@pytest.mark.parametrize(("entry", "task"), schedule_entries())
def test_every_beat_entry_names_a_registered_task(entry, task):
    app.loader.import_default_modules()

    assert task in app.tasks, f"beat entry {entry!r} names {task!r}, which no module registers"


@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_every_beat_entry_runs_once_on_the_real_worker(celery_worker_process):
    sent = {}
    for entry, task in schedule_entries():
        options = settings.CELERY_BEAT_SCHEDULE[entry]
        result = app.send_task(task, args=options.get("args", ()), kwargs=options.get("kwargs", {}))
        sent[result.id] = task

    def log() -> str:
        return celery_worker_process.log_path.read_text(errors="replace")

    wait_until(
        lambda: all(f"{task}[{task_id}] succeeded" in log() for task_id, task in sent.items()),
        timeout=90,
    )
    for task_id, task in sent.items():
        assert log().count(f"[{task_id}] succeeded") == 1, task

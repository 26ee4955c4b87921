"""Every task lands on a queue that a worker of the Procfile consumes."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from config.celery import app
from config.routing import route_task

PROCFILE = Path(__file__).resolve().parents[2] / "Procfile"


@pytest.mark.parametrize(
    ("label", "queue"),
    [
        ("messaging.Notification", "messages"),
        ("payments.SideEffect", "payments"),
        ("returns.CourierCall", "courier"),
    ],
)
def test_each_outbox_delivers_on_the_queue_of_its_kind(label, queue):
    assert route_task("outbox.tasks.outbox_deliver_task", [label, 1], {}, {}) == {"queue": queue}


def test_every_project_task_has_a_declared_queue():
    app.loader.import_default_modules()
    declared = {queue.name for queue in settings.CELERY_TASK_QUEUES}
    project_tasks = [
        name
        for name in app.tasks
        if not name.startswith(("celery.", "tests.")) and name != "outbox.tasks.outbox_deliver_task"
    ]
    assert project_tasks
    for name in project_tasks:
        assert settings.CELERY_QUEUE_BY_TASK.get(name) in declared, name
    assert set(settings.OUTBOX_QUEUES.values()) <= declared


def test_the_procfile_runs_a_worker_for_every_queue():
    consumed = set()
    for queues in re.findall(r"worker .*?(?:-Q|--queues)[ =](\S+)", PROCFILE.read_text()):
        consumed.update(queues.split(","))
    assert {queue.name for queue in settings.CELERY_TASK_QUEUES} <= consumed

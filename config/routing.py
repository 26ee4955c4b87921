"""Which queue each task goes to, so that one kind of work cannot hold up another: a campaign
blast or a courier outage with its retries never delays a "ready for pickup" message.

Celery calls `route_task` for every task sent (CELERY_TASK_ROUTES). Outbox deliveries all use one
task, so they are routed by the outbox table they deliver (their first argument); every other
task by its name. Both maps live in settings (OUTBOX_QUEUES, CELERY_QUEUE_BY_TASK).
"""

from django.conf import settings

OUTBOX_DELIVER_TASK = "outbox.tasks.outbox_deliver_task"


def route_task(name, args, kwargs, options, task=None, **kw):
    if name == OUTBOX_DELIVER_TASK:
        label = (args or [None])[0] if args else (kwargs or {}).get("label")
        queue = settings.OUTBOX_QUEUES.get(label)
    else:
        queue = settings.CELERY_QUEUE_BY_TASK.get(name)
    return {"queue": queue} if queue else None

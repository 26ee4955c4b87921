"""Celery tasks of orders: the periodic due work, each calling a service; safe to run twice.

Messages and payment calls are delivered by the outbox's task (outbox.tasks).
"""

from celery import shared_task

from orders import services


@shared_task
def order_source_due_task() -> int:
    return services.orders_source_due()


@shared_task
def order_remind_due_task() -> int:
    return services.orders_remind_due()


@shared_task
def order_expire_due_task() -> int:
    return services.orders_expire_due()

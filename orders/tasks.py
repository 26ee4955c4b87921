"""Celery tasks of orders: fetch by id, call a service. Every task is safe to run twice.

Retries cover only TransientDeliveryError (the outside world did not answer), with exponential
backoff, jitter and a bound; the outbox row keeps the truth, so a task lost by the broker is sent
again by the relay.
"""

from celery import shared_task

from orders import services

RETRY = {
    "autoretry_for": (services.TransientDeliveryError,),
    "retry_backoff": 15,
    "retry_backoff_max": 600,
    "retry_jitter": True,
    "max_retries": 6,
}


@shared_task(**RETRY)
def notification_send_task(notification_id: int) -> str:
    return services.notification_deliver(notification_id=notification_id)


@shared_task(**RETRY)
def side_effect_perform_task(side_effect_id: int) -> str:
    return services.side_effect_perform(side_effect_id=side_effect_id)


@shared_task
def outbox_relay_task() -> int:
    return services.outbox_relay()


@shared_task
def order_source_due_task() -> int:
    return services.orders_source_due()


@shared_task
def order_remind_due_task() -> int:
    return services.orders_remind_due()


@shared_task
def order_expire_due_task() -> int:
    return services.orders_expire_due()

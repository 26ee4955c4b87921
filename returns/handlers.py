"""Registers the courier-call outbox: booking a pickup retries with the courier's own settings
and, at the bound, fails the booking and flags the case for the hotline."""

from customers.timeline import timeline_provider_register
from outbox.models import OutboxStatus
from outbox.services import RetryPolicy, outbox_register
from returns.models import CourierCall
from returns.services import courier_call_deliver, courier_call_give_up
from returns.timeline import return_case_timeline

outbox_register(
    model=CourierCall,
    pending=OutboxStatus.PENDING,
    failed=OutboxStatus.FAILED,
    deliver=courier_call_deliver,
    policy=RetryPolicy(
        max_attempts="COURIER_BOOKING_MAX_ATTEMPTS",
        base_seconds="COURIER_RETRY_BASE_SECONDS",
        max_seconds="COURIER_RETRY_MAX_SECONDS",
        relay_grace_seconds="COURIER_RELAY_GRACE_SECONDS",
    ),
    on_give_up=courier_call_give_up,
)
timeline_provider_register(return_case_timeline)

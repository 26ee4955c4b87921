"""Registers the payment-call outbox and the handlers of the calls payments owns; orders
registers the authorize handler (a decline cancels the order)."""

from customers.timeline import timeline_provider_register
from outbox.models import OutboxStatus
from outbox.services import outbox_register
from payments.models import SideEffect
from payments.services import (
    payment_capture,
    payment_handler_register,
    payment_refund_perform,
    payment_void,
    side_effect_perform,
)
from payments.timeline import payment_timeline

outbox_register(
    model=SideEffect,
    pending=OutboxStatus.PENDING,
    failed=OutboxStatus.FAILED,
    deliver=side_effect_perform,
)
payment_handler_register(SideEffect.Kind.PAYMENT_CAPTURE, payment_capture)
payment_handler_register(SideEffect.Kind.PAYMENT_VOID, payment_void)
payment_handler_register(SideEffect.Kind.PAYMENT_REFUND, payment_refund_perform)
timeline_provider_register(payment_timeline)
